// The lake: hive-partitioned Parquet tables behind an injected FileStore (Node filesystem or HTTP). Before the
// first read it checks the files against the build's manifest (src/data/manifest.ts) and refuses a lake that
// does not match; each file read is checked against its size and digest.
import {
  checkBytes,
  checkLake,
  LAKE_MANIFEST,
  LAYER_NAMES,
  sha256Hex,
  type CheckedLake,
  type FileEntry,
  type FileManifest,
} from './manifest.ts';
import { matchesFilter, parsePartitions, partitionPath, type PartitionFilter, type PartitionValues } from './hive.ts';
import { frameToParquet, parquetToFrame } from './parquet.ts';
import { UserError } from './errors.ts';
import { concatFrames, type Frame, type TableSchema } from './schema.ts';
import { joinPath, type FileStore } from './store.ts';
import type { LakeTable } from './tables.ts';

function projectSchema(schema: TableSchema, columns: readonly string[] | undefined): TableSchema {
  if (columns === undefined) return schema;
  const picked = columns.map((name) => {
    const spec = schema.columns.find((c) => c.name === name);
    if (spec === undefined) throw new UserError(`${schema.name} has no column "${name}"`);
    return spec;
  });
  return { name: schema.name, columns: picked };
}

export interface PartitionFile {
  readonly path: string;
  readonly partition: PartitionValues;
}

export interface LakeOptions {
  /** Check the files against the build's manifest before reading (default true; the builder's staging lake is not checked). */
  verify?: boolean;
  /** Where the one-line warning about a lake without a file manifest goes (default: console.warn, once per lake). */
  warn?: (line: string) => void;
}

const warnedRoots = new Set<string>();

function warnOnce(root: string, line: string): void {
  if (warnedRoots.has(root)) return;
  warnedRoots.add(root);
  console.warn(line);
}

export class Lake {
  private checked: Promise<CheckedLake | null> | undefined;
  private warned = false;
  private readonly verify: boolean;
  private readonly warn: (line: string) => void;

  constructor(
    readonly store: FileStore,
    opts: LakeOptions = {},
  ) {
    this.verify = opts.verify ?? true;
    this.warn = opts.warn ?? ((line) => warnOnce(store.root, line));
  }

  /**
   * Checks the lake against its manifest, once: the files of every table the build owns, and their sizes where
   * the store can tell. Returns the manifest's files and tables (null for a lake without a file manifest, or
   * unchecked); throws one line naming the lake and the first file that differs.
   */
  check(): Promise<CheckedLake | null> {
    if (!this.verify) return Promise.resolve(null);
    this.checked ??= (async () => {
      if (!(await this.store.exists(LAKE_MANIFEST))) return null;
      return checkLake(this.store, new TextDecoder().decode(await this.store.readFile(LAKE_MANIFEST)));
    })();
    return this.checked;
  }

  /** The table's data files matching the filter, from paths alone (no data file is opened). */
  async partitions(table: LakeTable, filter?: PartitionFilter): Promise<PartitionFile[]> {
    const checked = await this.check();
    const files = await this.store.listFiles(table.dir);
    if (this.verify && checked === null && files.length > 0 && !this.warned) {
      this.warned = true;
      this.warn(
        `warning: lake ${this.store.root} has no file manifest (built before \`lake build\` wrote one, or written by hand): its files are read unchecked; rerun \`slatesim lake build\` to add one`,
      );
    }
    const out: PartitionFile[] = [];
    for (const path of files) {
      if (!path.endsWith('.parquet')) continue;
      const partition = parsePartitions(path.slice(table.dir.length));
      if (table.partitionKeys.some((k) => partition[k] === undefined)) continue;
      if (matchesFilter(partition, filter)) out.push({ path, partition });
    }
    return out;
  }

  async readFile(table: LakeTable, path: string, columns?: readonly string[]): Promise<Frame> {
    const entry = (await this.check())?.files.get(path);
    const bytes = await this.store.readFile(path);
    if (entry !== undefined) await checkBytes(this.store.root, path, bytes, entry);
    return parquetToFrame(bytes, projectSchema(table.schema, columns), `${this.store.root}/${path}`);
  }

  /**
   * Reads and concatenates the table's partitions that match the filter, in path (date) order.
   * `columns` reads only those columns (the frame's schema is narrowed to them).
   */
  async read(
    table: LakeTable,
    filter?: PartitionFilter,
    opts: { columns?: readonly string[]; onFile?: (done: number, total: number) => void } = {},
  ): Promise<Frame> {
    const parts = await this.partitions(table, filter);
    const schema = projectSchema(table.schema, opts.columns);
    const frames: Frame[] = [];
    for (const [i, p] of parts.entries()) {
      frames.push(await this.readFile(table, p.path, opts.columns));
      opts.onFile?.(i + 1, parts.length);
    }
    return concatFrames(schema, frames);
  }

  pathFor(table: LakeTable, partition: PartitionValues): string {
    return joinPath(table.dir, partitionPath(table.partitionKeys, partition), table.fileName);
  }

  /**
   * Writes one partition atomically (temp name, then rename). In a table the manifest lists, the file's size and
   * digest are recorded in the manifest too (rewritten atomically after the file), so the lake still matches it.
   */
  async write(table: LakeTable, partition: PartitionValues, frame: Frame): Promise<string> {
    const path = this.pathFor(table, partition);
    const bytes = frameToParquet(frame);
    const checked = await this.check(); // before the write: the lake as the build left it
    await this.store.writeFileAtomic(path, bytes);
    if (checked !== null && checked.tables.some((t) => path.startsWith(`${t}/`))) await this.record(checked, path, bytes);
    return path;
  }

  private async record(checked: CheckedLake, path: string, bytes: Uint8Array): Promise<void> {
    const sha256 = await sha256Hex(bytes);
    if (sha256 === null) return;
    const m = JSON.parse(new TextDecoder().decode(await this.store.readFile(LAKE_MANIFEST))) as FileManifest & Record<string, unknown>;
    const layer = LAYER_NAMES.map((n) => m.layers?.[n]).find((l) => l?.tables.some((t) => path.startsWith(`${t}/`)) === true);
    if (layer === undefined) return;
    const entry: FileEntry = { bytes: bytes.length, sha256 };
    layer.files = Object.fromEntries(Object.entries({ ...layer.files, [path]: entry }).sort(([a], [b]) => a.localeCompare(b)));
    await this.store.writeFileAtomic(LAKE_MANIFEST, new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`));
    checked.files.set(path, entry);
  }
}

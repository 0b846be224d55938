// The lake: hive-partitioned Parquet tables behind an injected FileStore (Node filesystem or HTTP).
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

export class Lake {
  constructor(readonly store: FileStore) {}

  /** The table's data files matching the filter, from paths alone (no file is opened). */
  async partitions(table: LakeTable, filter?: PartitionFilter): Promise<PartitionFile[]> {
    const files = await this.store.listFiles(table.dir);
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
    const bytes = await this.store.readFile(path);
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

  /** Writes one partition atomically (temp name, then rename). */
  async write(table: LakeTable, partition: PartitionValues, frame: Frame): Promise<string> {
    const path = this.pathFor(table, partition);
    await this.store.writeFileAtomic(path, frameToParquet(frame));
    return path;
  }
}

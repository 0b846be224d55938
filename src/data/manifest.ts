// The lake's file manifest: `lake build` lists, per layer (bronze, silver, gold), the tables it owns and every
// file in them with its size and SHA-256, in `_lake_manifest.json`, written last. Readers (`Lake`, in Node and
// in the browser) refuse a lake whose files differ from it: a file missing, one the manifest does not list
// (a partial write by an older builder, a file dropped in by hand), a size or a digest that differs, or a build
// that stopped while swapping its layers in. Tables the build does not own (gold/dk_salaries from `lake
// salaries`, gold/usage_shares_training_base from `shares build-base`) are not listed and not checked.
//
// A lake without a file manifest (built before slatesim wrote one, or assembled with Lake.write) is read with
// a one-line warning: refusing it would break every such lake until rebuilt, and the builder that writes
// manifests never leaves a lake without one once it has swapped anything in.
import { UserError } from './errors.ts';
import type { FileStore } from './store.ts';

export const LAKE_MANIFEST = '_lake_manifest.json';

export type LayerName = 'bronze' | 'silver' | 'gold';
export const LAYER_NAMES: readonly LayerName[] = ['bronze', 'silver', 'gold'];

export interface FileEntry {
  bytes: number;
  sha256: string;
}

export interface LayerFiles {
  /** The table folders this layer owns (every file below them is listed). */
  tables: string[];
  /** Path (relative to the lake root) -> size and digest, sorted by path. */
  files: Record<string, FileEntry>;
}

/** The part of `_lake_manifest.json` readers check. */
export interface FileManifest {
  layers?: Partial<Record<LayerName, LayerFiles>>;
  /** Set while a build renames its staged layers into place; a reader seeing it refuses the lake. */
  swap_in_progress?: string;
}

/** SHA-256 in hex through WebCrypto (Node 20 and secure browser contexts), or null where there is none. */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- absent outside secure browser contexts
  const subtle = globalThis.crypto?.subtle;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above
  if (subtle === undefined) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** The one line a reader stops with. */
export function mismatch(root: string, what: string): UserError {
  return new UserError(`lake ${root}: ${what}; the lake does not match its manifest, rerun \`slatesim lake build\``);
}

/** Every file the manifest lists, path -> entry. */
export function manifestFiles(m: FileManifest): Map<string, FileEntry> {
  const out = new Map<string, FileEntry>();
  for (const name of LAYER_NAMES) for (const [path, e] of Object.entries(m.layers?.[name]?.files ?? {})) out.set(path, e);
  return out;
}

/** The first difference between a table folder's files on disk and the manifest's, or null. */
function firstDifference(listed: readonly string[], expected: readonly string[]): string | null {
  const onDisk = new Set(listed);
  const inManifest = new Set(expected);
  const missing = expected.find((p) => !onDisk.has(p));
  const extra = listed.find((p) => !inManifest.has(p));
  if (missing !== undefined && (extra === undefined || missing <= extra)) return `${missing} is missing`;
  if (extra !== undefined) return `${extra} is not in the manifest (a partial write, or a file added by hand)`;
  return null;
}

/** What a checked lake's manifest lists: every file, and the table folders the build owns. */
export interface CheckedLake {
  files: Map<string, FileEntry>;
  tables: string[];
}

/**
 * Checks the store's files against its manifest: the same files in every listed table folder, and (where the
 * store can tell sizes) the same sizes. Digests are checked as each file is read (`checkBytes`). Returns the
 * manifest's files and tables, or null for a lake without a file manifest. Throws the one-line mismatch.
 */
export async function checkLake(store: FileStore, text: string): Promise<CheckedLake | null> {
  let m: FileManifest;
  try {
    m = JSON.parse(text) as FileManifest;
  } catch {
    throw mismatch(store.root, `${LAKE_MANIFEST} is not valid JSON`);
  }
  if (typeof m.swap_in_progress === 'string') {
    throw mismatch(store.root, `a lake build stopped while swapping its new files in (${m.swap_in_progress})`);
  }
  if (m.layers === undefined) return null;
  const files = manifestFiles(m);
  for (const name of LAYER_NAMES) {
    const layer = m.layers[name];
    if (layer === undefined) continue;
    for (const table of layer.tables) {
      const prefix = `${table}/`;
      const expected = Object.keys(layer.files)
        .filter((p) => p.startsWith(prefix))
        .sort();
      const diff = firstDifference(await store.listFiles(table), expected);
      if (diff !== null) throw mismatch(store.root, diff);
    }
  }
  const size = store.size?.bind(store);
  if (size !== undefined) {
    const paths = [...files.keys()].sort();
    for (let i = 0; i < paths.length; i += 128) {
      const batch = paths.slice(i, i + 128);
      const sizes = await Promise.all(batch.map((p) => size(p)));
      for (const [k, p] of batch.entries()) {
        const want = files.get(p)?.bytes;
        const got = sizes[k];
        if (got === null || got === undefined) throw mismatch(store.root, `${p} is missing`);
        if (got !== want) throw mismatch(store.root, `${p} is ${got} bytes, the manifest says ${want}`);
      }
    }
  }
  return { files, tables: LAYER_NAMES.flatMap((n) => m.layers?.[n]?.tables ?? []) };
}

/** A file's bytes against its manifest entry (size, then digest where WebCrypto exists). */
export async function checkBytes(root: string, path: string, bytes: Uint8Array, entry: FileEntry): Promise<void> {
  if (bytes.length !== entry.bytes) throw mismatch(root, `${path} is ${bytes.length} bytes, the manifest says ${entry.bytes}`);
  const digest = await sha256Hex(bytes);
  if (digest !== null && digest !== entry.sha256)
    throw mismatch(root, `${path} has SHA-256 ${digest.slice(0, 12)}..., the manifest says ${entry.sha256.slice(0, 12)}...`);
}

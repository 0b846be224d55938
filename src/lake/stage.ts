// All-or-nothing layers for `lake build`. New files are never written into the live tables: the build clones
// the tables it owns (hard links, so nothing is copied) into `<lake>/.lake-build-<pid>/`, a dot folder at the
// lake's root that no partition glob (`silver/player_games/*/*/*.parquet`) and no table listing reaches, writes
// and removes there, then swaps each touched table folder in by rename and writes `_lake_manifest.json` last
// (temporary name, then rename) with every file's size and SHA-256 (src/data/manifest.ts). Readers refuse a lake
// whose files differ from its manifest, so:
//  - a failure or a kill while staging (a full disk, an out-of-memory kill) leaves the previous lake as it was,
//    and the staging folder, which the next build removes once its writer is dead;
//  - a failure while swapping is rolled back; a kill while swapping leaves `swap_in_progress` in the manifest,
//    written just before the first rename, and readers refuse the lake until `lake build` runs again.
// One build writes a lake at a time (`.lake-build.lock`, holding its pid).
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { UserError } from '../data/errors.ts';
import { LAYER_NAMES, type FileEntry, type LayerFiles, type LayerName } from '../data/manifest.ts';
import { NodeFileStore, pathExists as exists } from '../data/store-node.ts';
import {
  BRONZE_BOX_SCORES,
  BRONZE_LINES,
  MINUTES_V1,
  ODDS_SNAPSHOT,
  PLAYER_GAMES,
  RATES_TRAINING_BASE,
  type LakeTable,
} from '../data/tables.ts';

/** The tables `lake build` owns, by layer; the manifest lists every file in them. */
export const BUILD_LAYERS: Record<LayerName, readonly LakeTable[]> = {
  bronze: [BRONZE_BOX_SCORES, BRONZE_LINES],
  silver: [PLAYER_GAMES, ODDS_SNAPSHOT],
  gold: [RATES_TRAINING_BASE, MINUTES_V1],
};

const STAGING_PREFIX = '.lake-build-';
const STALE_RE = /^\.lake-build-(\d+)(-old)?$/;
export const LOCK_FILE = '.lake-build.lock';

/**
 * Test hook: `SLATESIM_FAULT_LAKE_WRITE=N` fails the build's N-th staged file write with ENOSPC, as a full disk
 * would; `SLATESIM_FAULT_LAKE_SWAP=N` fails the N-th rename of the swap. Unset, nothing changes.
 */
function faultAt(name: string): number | null {
  const v = process.env[name];
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
}

function injected(code: string, what: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected by a SLATESIM_FAULT_ test hook, ${what}`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

const FS_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENOTDIR: 'a path component is not a folder',
  EISDIR: 'is a folder',
};

/** A filesystem error as the build's one line, or null for anything else (a bug keeps its stack). */
export function fsUserError(e: unknown, path: string, after: string): UserError | null {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return null;
  const what = FS_ERRORS[code];
  if (what === undefined) return null;
  return new UserError(`lake build: cannot write ${path}: ${what} (${code}); ${after}`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every file below dir (recursive), relative to `base` with '/' separators; [] when dir does not exist. */
async function filesUnder(base: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(base, dir), { recursive: true, withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.isFile() && !e.name.includes('.tmp-'))
    .map((e) => relative(base, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** Takes the lake's build lock (a file holding our pid); a dead writer's lock is taken over. */
export async function acquireLock(root: string): Promise<() => Promise<void>> {
  const path = join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UserError(`--lake ${root}: another lake build (pid ${pid}) is writing this lake; wait for it to finish`);
      }
      await rm(path, { force: true }); // its writer is dead
    }
  }
  throw new UserError(`--lake ${root}: cannot take the build lock ${path}`);
}

/**
 * Removes what builds whose process is gone (a kill, an out-of-memory crash) left at the lake's root: their
 * staging folders and their lock. Only names this module makes, and only a dead writer's.
 */
export async function removeDeadBuilds(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const m = STALE_RE.exec(name);
    if (m === null || alive(Number(m[1]))) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  if (names.includes(LOCK_FILE)) {
    const pid = Number((await readFile(join(root, LOCK_FILE), 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
      await rm(join(root, LOCK_FILE), { force: true });
      removed.push(LOCK_FILE);
    }
  }
  return removed;
}

/** A file's manifest entry from its bytes. */
export function entryOf(bytes: Uint8Array): FileEntry {
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The staging store: records the size and digest of every file written, and fails where a test hook says. */
class StagingStore extends NodeFileStore {
  readonly written = new Map<string, FileEntry>();
  private writes = 0;
  private readonly failAt = faultAt('SLATESIM_FAULT_LAKE_WRITE');

  override async writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
    this.writes++;
    if (this.failAt !== null && this.writes >= this.failAt) {
      const e = injected('ENOSPC', `write ${path}`);
      e.path = join(this.root, path);
      throw e;
    }
    await super.writeFileAtomic(path, bytes);
    this.written.set(path, entryOf(bytes));
  }
}

export class Staging {
  readonly dir: string;
  readonly store: StagingStore;
  /** Set when a failed swap could not be undone: the replaced tables are kept in `<name>-old` for a person to see. */
  keep = false;
  private constructor(
    readonly root: string,
    readonly name: string,
  ) {
    this.dir = join(root, name);
    this.store = new StagingStore(this.dir);
  }

  /** A staging folder holding hard links to every file of the build's tables (copies where links fail). */
  static async create(root: string): Promise<Staging> {
    const s = new Staging(root, `${STAGING_PREFIX}${process.pid}`);
    await rm(s.dir, { recursive: true, force: true });
    await mkdir(s.dir, { recursive: true });
    for (const name of LAYER_NAMES) {
      for (const t of BUILD_LAYERS[name]) {
        for (const f of await filesUnder(root, t.dir)) {
          const to = join(s.dir, ...f.split('/'));
          await mkdir(dirname(to), { recursive: true });
          try {
            await link(join(root, ...f.split('/')), to);
          } catch {
            await copyFile(join(root, ...f.split('/')), to);
          }
        }
      }
    }
    return s;
  }

  /** The layer's file list from the staged tables: sizes and digests of new files as written, others as known or read. */
  async layerFiles(layer: LayerName, known: ReadonlyMap<string, FileEntry>): Promise<LayerFiles> {
    const files: Record<string, FileEntry> = {};
    for (const t of BUILD_LAYERS[layer]) {
      for (const f of await filesUnder(this.dir, t.dir)) {
        files[f] = this.store.written.get(f) ?? known.get(f) ?? entryOf(await readFile(join(this.dir, ...f.split('/'))));
      }
    }
    return { tables: BUILD_LAYERS[layer].map((t) => t.dir), files };
  }

  /**
   * Renames the touched layers' table folders into the lake (the live ones aside first), after `mark` has
   * written the manifest's swap_in_progress. A failed rename is rolled back and `unmark` restores the manifest;
   * if the rollback itself fails the mark stays, and readers refuse the lake until it is rebuilt.
   */
  async swapIn(layers: readonly LayerName[], mark: () => Promise<void>, unmark: () => Promise<void>): Promise<void> {
    const old = join(this.root, `${this.name}-old`);
    const failAt = faultAt('SLATESIM_FAULT_LAKE_SWAP');
    const done: [string, string][] = [];
    let renames = 0;
    const move = async (from: string, to: string): Promise<void> => {
      renames++;
      if (failAt !== null && renames >= failAt) throw injected('EIO', `rename ${to}`);
      await mkdir(dirname(to), { recursive: true });
      await rename(from, to);
      done.push([from, to]);
    };
    await mark();
    try {
      for (const layer of layers) {
        for (const t of BUILD_LAYERS[layer]) {
          const live = join(this.root, ...t.dir.split('/'));
          const staged = join(this.dir, ...t.dir.split('/'));
          if (await exists(live)) await move(live, join(old, ...t.dir.split('/')));
          if (await exists(staged)) await move(staged, live);
        }
      }
    } catch (e) {
      try {
        for (const [from, to] of done.reverse()) await rename(to, from);
      } catch {
        this.keep = true;
        throw (
          fsUserError(e, this.root, `the swap could not be undone (the replaced tables are in ${old}): rerun \`slatesim lake build\``) ?? e
        );
      }
      await unmark();
      throw fsUserError(e, this.root, `nothing was swapped in, the lake at ${this.root} is unchanged`) ?? e;
    }
  }

  /** Removes the staging folder and the replaced tables (both this build's own). */
  async cleanUp(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await rm(join(this.root, `${this.name}-old`), { recursive: true, force: true });
  }
}

/** Removes the lake folder if this build made it and it is empty (a failed first build leaves nothing). */
export async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch {
    // not empty, or gone: either way not ours to remove
  }
}

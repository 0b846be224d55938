// Where a run lands, taken before any world is drawn (issue 16 items 2 and 10): <out>/game_date=D/run=<name>, written
// into `.tmp-run=<name>-<pid>` beside it and renamed into place when complete, under a lock `.lock-run=<name>`
// created with O_EXCL and holding the writer's pid. The dot names stay out of every `run=*` glob.
//
// - A run folder that exists is an error unless --overwrite; without --run the default name (named by the run's
//   settings) takes the next free `-2`, `-3`, ... instead, so the README's `npx slatesim sim` can be run twice.
// - A second writer of the same run while the first is alive is refused; a lock or temporary folder left by a dead
//   pid (kill -9, out of memory) is taken over and removed.
// - A failed run removes its temporary folder, its lock and the folders it made, never anything else.
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UserError } from '../data/errors.ts';
import { NodeFileStore, pathExists as exists } from '../data/store-node.ts';
import { checkRunName } from './args.ts';

/** Whether a process with this id is alive (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunTarget {
  out: string;
  date: string;
  run: string;
  /** the user named the run (--run): an existing one is an error unless `overwrite`; else the name may take a suffix */
  explicit: boolean;
  overwrite: boolean;
}

/** A run being written: its final folder, its temporary folder, and how it ends. */
export interface OpenRun {
  readonly dir: string;
  readonly tmp: string;
  readonly name: string;
  /** writes the files into the temporary folder, renames it into place and releases the lock */
  commit(files: readonly [string, () => Uint8Array][]): Promise<string>;
  /** removes the temporary folder, the lock and the folders this run made (when empty) */
  abort(): Promise<void>;
}

const DISK_CODES = ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR'];

function writeError(out: string, parent: string, e: unknown): unknown {
  // what the disk or the system refuses (full, read-only, a file in the way) is one line naming the place
  const code = (e as NodeJS.ErrnoException).code;
  return code !== undefined && DISK_CODES.includes(code) ? new UserError(`--out ${out}: cannot write the run in ${parent} (${code})`) : e;
}

/** The pid a lock file holds (NaN when it cannot be read). */
function lockPid(path: string): number {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Takes the lock of run `name` in `parent`: 'taken', or the live pid holding it. A lock of a dead pid (or one that
 * holds no pid, as a writer killed between create and write leaves) is moved aside and removed, then retried.
 */
function takeLock(parent: string, name: string): 'taken' | number {
  const path = join(parent, `.lock-run=${name}`);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return 'taken';
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = lockPid(path);
    if (Number.isInteger(pid)) {
      if (pid !== process.pid && alive(pid)) return pid;
    } else {
      // a writer that has just created its lock may not have written its pid yet: stale only after a second
      const mtime = mtimeOf(path);
      if (mtime === undefined) continue;
      if (Date.now() - mtime < 1000) return -1;
    }
    // stale: moved to a name of our own, then removed; a fresh lock taken meanwhile by another is put back
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = lockPid(aside);
    if (moved !== pid && !(Number.isNaN(moved) && Number.isNaN(pid))) {
      try {
        renameSync(aside, path);
      } catch {
        /* its owner is gone too */
      }
      continue;
    }
    rmQuiet(aside);
  }
  return -1;
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function rmQuiet(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    /* nothing to remove */
  }
}

function releaseLock(parent: string, name: string): void {
  const path = join(parent, `.lock-run=${name}`);
  if (lockPid(path) === process.pid) rmQuiet(path);
}

/** Removes the leftovers of dead writers of run `name`: temporary folders `.tmp-run=<name>-<pid>` and old copies. */
async function cleanDead(parent: string, name: string): Promise<void> {
  for (const prefix of [`.tmp-run=${name}-`, `.old-run=${name}-`]) {
    for (const entry of await readdir(parent).catch(() => [] as string[])) {
      if (!entry.startsWith(prefix)) continue;
      const pid = Number(entry.slice(prefix.length));
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || !alive(pid)))
        await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Opens run `t.run` for writing before any work: the folders are made, the lock taken, dead writers' leftovers
 * removed and the temporary folder made. Refused in one line: a run that exists (without --overwrite), a run
 * another live slatesim is writing, a place the disk will not take.
 */
export async function openRunDir(t: RunTarget): Promise<OpenRun> {
  checkRunName('--run', t.run);
  const parent = join(t.out, `game_date=${t.date}`);
  let created: string | undefined;
  try {
    created = await mkdir(parent, { recursive: true });
  } catch (e) {
    throw writeError(t.out, parent, e);
  }
  const madeFolders = async (): Promise<void> => {
    // the folders this run made (deepest first), each only when empty: never what was there before
    if (created === undefined) return;
    const chain: string[] = [];
    for (let at = parent; ; at = dirname(at)) {
      chain.push(at);
      if (at === created || relative(created, at).startsWith('..') || dirname(at) === at) break;
    }
    for (const d of chain) {
      try {
        await rmdir(d);
      } catch {
        return;
      }
    }
  };
  try {
    for (let k = 1; ; k++) {
      const name = k === 1 ? t.run : `${t.run}-${k}`;
      if (k > 1) checkRunName('--run', name);
      const lock = takeLock(parent, name);
      if (lock !== 'taken') {
        if (t.explicit || k > 1000)
          throw new UserError(
            lock > 0
              ? `--run ${name}: another slatesim (pid ${lock}) is writing ${join(parent, `run=${name}`)}`
              : `--run ${name}: ${join(parent, `.lock-run=${name}`)} is held by a writer that is starting; try again`,
          );
        continue;
      }
      const dir = join(parent, `run=${name}`);
      if ((await exists(dir)) && !t.overwrite) {
        releaseLock(parent, name);
        if (t.explicit) throw new UserError(`--run ${name}: ${dir} exists (--overwrite replaces it)`);
        continue;
      }
      await cleanDead(parent, name);
      const tmp = join(parent, `.tmp-run=${name}-${process.pid}`);
      try {
        await mkdir(tmp, { recursive: true });
      } catch (e) {
        releaseLock(parent, name);
        throw writeError(t.out, parent, e);
      }
      const abort = async (): Promise<void> => {
        await rm(tmp, { recursive: true, force: true });
        releaseLock(parent, name);
        await madeFolders();
      };
      return {
        dir,
        tmp,
        name,
        abort,
        async commit(files) {
          try {
            const store = new NodeFileStore(tmp);
            for (const [file, bytes] of files) await store.writeFileAtomic(file, bytes());
            // --overwrite: the old run is moved aside (a dot name) before the new one takes its place
            const old = join(parent, `.old-run=${name}-${process.pid}`);
            const replacing = await exists(dir);
            if (replacing) await rename(dir, old);
            await rename(tmp, dir);
            if (replacing) await rm(old, { recursive: true, force: true });
          } catch (e) {
            await abort();
            throw writeError(t.out, parent, e);
          }
          releaseLock(parent, name);
          return dir;
        },
      };
    }
  } catch (e) {
    await madeFolders();
    throw e;
  }
}

/** Opens, writes and closes a run in one call (the files are all in hand). */
export async function writeRunDir(
  out: string,
  date: string,
  run: string,
  files: readonly [string, () => Uint8Array][],
  opts: { explicit?: boolean; overwrite?: boolean } = {},
): Promise<string> {
  const r = await openRunDir({ out, date, run, explicit: opts.explicit ?? true, overwrite: opts.overwrite ?? true });
  return r.commit(files);
}

// Argument parsing shared by the commands: every user mistake in a flag becomes a UserError naming the flag
// and the value (one line, exit 2), and the package's own files (embedded lake, shipped share model) are
// found from here whether slatesim runs from a checkout or from an installed package.
import { constants, existsSync, statSync, type Stats } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { RATES_TRAINING_BASE } from '../data/tables.ts';
import { parseShareModel, type ShareModel } from '../shares/model.ts';
import { defined } from '../data/checked.ts';

export function dateRange(start: string, end: string): [string, string] {
  const a = defined(parseDate('--start-date', start), '--start-date');
  const b = defined(parseDate('--end-date', end), '--end-date');
  if (a > b) throw new UserError(`--start-date ${a} is after --end-date ${b}`);
  return [a, b];
}

export async function readTextFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${flag} ${path}: file not found`);
  }
}

/**
 * Checked before any work (issue 16 item 4): the folder a run will write into can be made and written. Every
 * part of the path that exists is a folder, and the deepest existing one is writable; nothing is created here.
 */
export async function checkWritableFolder(path: string, flag: string): Promise<void> {
  let at = resolve(path);
  for (;;) {
    let st: Stats | undefined;
    try {
      st = await stat(at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new UserError(`${flag} ${path}: a part of the path is a file, not a folder`);
      if (code !== 'ENOENT') throw new UserError(`${flag} ${path}: cannot be read (${code ?? String(e)})`);
    }
    if (st !== undefined) {
      if (!st.isDirectory()) throw new UserError(`${flag} ${path}: ${at === resolve(path) ? 'is' : `${at} is`} a file, not a folder`);
      try {
        await access(at, constants.W_OK);
      } catch {
        throw new UserError(`${flag} ${path}: ${at} is not writable`);
      }
      return;
    }
    const up = dirname(at);
    if (up === at) return;
    at = up;
  }
}

/**
 * A file a command will write at the end (--json, --out FILE), checked before any work: not a folder, and its folder
 * can be made and written. Once a report aimed at a folder was a stack trace after the whole run.
 */
export async function checkOutputFile(path: string, flag: string): Promise<void> {
  let st: Stats | undefined;
  try {
    st = await stat(path);
  } catch {
    /* a new file */
  }
  if (st?.isDirectory() === true) throw new UserError(`${flag} ${path}: is a folder, not a file`);
  await checkWritableFolder(dirname(resolve(path)), flag);
}

/** A lake given on the command line is a folder that exists. */
export function checkLakeFolder(path: string, flag = '--lake'): void {
  if (!existsSync(path)) throw new UserError(`${flag} ${path}: no such folder`);
  if (!statSync(path).isDirectory()) throw new UserError(`${flag} ${path}: is a file, not a lake folder`);
}

export function positiveInt(flag: string, value: string, max: number, allowZero = false): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max || (!allowZero && n < 1)) {
    throw new UserError(`${flag} must be an integer in ${allowZero ? 0 : 1}..${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export const PACKAGE_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const DEFAULT_SHARE_MODEL = resolve(PACKAGE_ROOT, 'public/data/models/shares_v1.json');

/** The shipped share model, when shares are on and it was trained before `date` (a model never sees its date). */
export async function shippedShareModel(sharesOn: boolean, date: string): Promise<ShareModel | undefined> {
  if (!sharesOn || !existsSync(DEFAULT_SHARE_MODEL)) return undefined;
  const shipped = parseShareModel(await readFile(DEFAULT_SHARE_MODEL, 'utf8'), DEFAULT_SHARE_MODEL);
  return shipped.training.end_date < date ? shipped : undefined;
}

export function parseSeasons(value: string): number[] {
  const seasons = value.split(',').map((s) => s.trim());
  for (const s of seasons) {
    if (!/^\d{4}$/.test(s)) throw new UserError(`--seasons must be comma-separated years like 2023,2024, got ${JSON.stringify(value)}`);
  }
  return seasons.map(Number);
}

export function parseDate(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A shape like 2024-13-01 parses to an invalid Date (toISOString would throw): check the time value first.
  const t = Date.parse(`${value}T00:00:00Z`);
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
  if (!ok) throw new UserError(`${flag} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/** `--flag a,b`: a non-empty list of allowed items. */
export function parseList(flag: string, v: string, allowed: readonly string[]): string[] {
  const items = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const badItem = items.find((x) => !allowed.includes(x));
  if (items.length === 0 || badItem !== undefined) throw new UserError(`${flag} must list ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return items;
}

/** `--date`, or the last date with gold/rates_training_base in the lake when it is absent. */
export async function slateDate(lake: Lake, lakeDir: string, value: string | undefined): Promise<string> {
  const date = parseDate('--date', value);
  if (date !== undefined) return date;
  const parts = await lake.partitions(RATES_TRAINING_BASE);
  const last = parts[parts.length - 1]?.partition.game_date;
  if (last === undefined) throw new UserError(`${lakeDir}: no gold/rates_training_base (run slatesim lake build)`);
  return last;
}

/**
 * A run name becomes a folder (run=<name>) inside <out>/game_date=D: letters, digits, '.', '_' and '-' only, not
 * starting with '.', so no name can climb out of its parent (`x/../../victim`) or hide as a dot file.
 */
export function checkRunName(flag: string, name: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/.test(name) || name.includes('..'))
    throw new UserError(
      `${flag} must be a name of letters, digits, '.', '_' and '-' (no path separators or '..'), got ${JSON.stringify(name)}`,
    );
  return name;
}

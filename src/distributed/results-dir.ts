// Results too large for Redis: with `--results-dir DIR` (the coordinator's, and each worker's as its machine
// mounts the same shared folder) a worker writes a shard's partial to DIR/<run>/<sha256>.bin, under a temporary
// name renamed into place (a reader never sees half a file), and puts only a small reference in Redis: the file's
// name below DIR, its SHA-256 and its length. The coordinator reads the file through its own DIR and checks both,
// so a truncated, stale or foreign file is an error naming it, never a changed byte. The run's folder goes when
// the run ends.
//
// Why not Redis for these: a Redis value is at most 512 MiB, every byte of it sits in Redis's memory (and, with
// persistence, in its append-only file) until the coordinator reads it, and one large SET holds up every other
// client of that single-threaded server meanwhile. Saved worlds (--save-worlds: about 60 bytes per player-world,
// 1.5 GB for a 10-game slate at 100k worlds) and lineup histograms (16 KiB per lineup per shard) are the big ones.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../data/errors.ts';

/**
 * `--results-dir DIR` must be a folder that exists and can be written (a shared mount: a folder made here on
 * the spot would be this machine's alone); one line naming the flag otherwise.
 */
export async function checkResultsDir(dir: string, flag = '--results-dir'): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new UserError(
      `${flag} ${dir}: ${code === 'ENOENT' ? 'no such folder (it must be the shared folder, made beforehand)' : `cannot be read (${code})`}`,
    );
  }
  if (!isDir) throw new UserError(`${flag} ${dir}: a file, not a folder`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UserError(`${flag} ${dir}: not writable`);
  }
}

/** What Redis holds for a result kept in the results directory. */
export interface ResultFile {
  /** below the results directory: "<run>/<sha256>.bin" */
  file: string;
  sha256: string;
  bytes: number;
}

const MAGIC = 'SSPF'; // a partial starts "SSPA" or "SSPL"; a reference to one in a file "SSPF"

/** The largest value Redis takes (proto-max-bulk-len's default). */
export const REDIS_MAX_VALUE = 512 * 2 ** 20;

export function encodeResultRef(ref: ResultFile): Buffer {
  return Buffer.from(`${MAGIC}${JSON.stringify(ref)}`, 'utf8');
}

/** The reference when `value` is one, else undefined (the value is the partial itself). */
export function decodeResultRef(value: Uint8Array): ResultFile | undefined {
  if (value.length < 4 || Buffer.from(value.subarray(0, 4)).toString('latin1') !== MAGIC) return undefined;
  return JSON.parse(Buffer.from(value.subarray(4)).toString('utf8')) as ResultFile;
}

/** Writes `bytes` as the run's file named by its digest (temporary name, then rename) and returns its reference. */
export async function writeResultFile(dir: string, run: string, bytes: Uint8Array): Promise<ResultFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = `${run}/${sha256}.bin`;
  await mkdir(join(dir, run), { recursive: true });
  const tmp = join(dir, run, `.${sha256}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, join(dir, file));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return { file, sha256, bytes: bytes.length };
}

/** Removes a file this worker wrote whose result was not the one stored (a late duplicate). */
export async function dropResultFile(dir: string, ref: ResultFile): Promise<void> {
  await unlink(join(dir, ref.file)).catch(() => undefined);
}

/** The partial a reference points to, read through the coordinator's `dir` and checked against its digest. */
export async function readResultFile(dir: string | undefined, ref: ResultFile, what: string): Promise<Uint8Array> {
  if (dir === undefined)
    throw new UserError(
      `${what}: its result was written to a worker's --results-dir (${ref.file}); give the coordinator --results-dir DIR too`,
    );
  if (!/^[0-9a-f-]+\/[0-9a-f]{64}\.bin$/.test(ref.file))
    throw new UserError(`${what}: a result file reference names ${JSON.stringify(ref.file)}`);
  const path = join(dir, ref.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new UserError(
      `${what}: its result file ${ref.file} is not in --results-dir ${dir} (${code}): it must be one folder shared by the coordinator and every worker`,
    );
  }
  const got = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== ref.bytes || got !== ref.sha256)
    throw new UserError(
      `${what}: its result file ${ref.file} in --results-dir ${dir} does not match its digest (${bytes.length} bytes, sha256 ${got.slice(0, 12)}; expected ${ref.bytes} bytes, ${ref.sha256.slice(0, 12)})`,
    );
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The run's folder of results, gone (after the merge, or when the run fails). */
export async function removeRunResults(dir: string, run: string): Promise<void> {
  await rm(join(dir, run), { recursive: true, force: true });
}

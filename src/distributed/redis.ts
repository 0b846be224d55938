// The Redis side of distributed runs: connections, the key layout, the queue's name, and the inputs blob stored
// by content digest. Coordinator (backend.ts) and workers (worker.ts) agree through this file only.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { UserError } from '../data/errors.ts';
import type { ShardBackend, ShardSpec, SlateShardSpec } from '../../engine/shards/shard.ts';

/** This slatesim's version (package.json): workers of another version never take this version's jobs. */
export const ENGINE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The BullMQ queue of one path's jobs (anchor pilots and shards), one per path and slatesim version: a worker
 * takes only its own path's jobs, so a run's shards are all CPU bytes or all GPU bytes (the GPU's f32 worlds and
 * pilot differ from the CPU's in the last bits), and a pool mixing versions cannot mix their bytes either.
 */
export const queueName = (backend: ShardBackend): string => `slatesim-${backend}-v${ENGINE_VERSION}`;
export const CPU_QUEUE = queueName('cpu');
export const GPU_QUEUE = queueName('gpu');
/** Keys of one run (results, anchors, duplicate count) are deleted when the run ends; blobs expire. */
export const KEYS = {
  blob: (digest: string): string => `slatesim:blob:${digest}`,
  anchor: (run: string, game: number): string => `slatesim:run:${run}:anchor:${game}`,
  result: (run: string, shard: string): string => `slatesim:run:${run}:result:${shard}`,
  duplicates: (run: string): string => `slatesim:run:${run}:duplicates`,
};
/** Inputs stay a week: a worker joining late still finds them, and they are small. */
export const BLOB_TTL_S = 7 * 24 * 3600;
/** A run's results stay at most this long (the coordinator deletes them when it ends). */
export const RESULT_TTL_S = 7 * 24 * 3600;

/**
 * A job's payload: the anchor pilot of one game, one game's shard, or a lineup run's shard of every game
 * (engine/shards/shard.ts). `resultsDir`: the coordinator reads this run's results from a shared directory
 * (results-dir.ts), so the worker writes its partial there and puts only the file's name and digest in Redis.
 */
export type JobData = (
  | { kind: 'anchor'; run: string; game: number; seed: number; chunk: number; worlds: number; inputs: string; backend: ShardBackend }
  | { kind: 'shard'; run: string; shard: ShardSpec }
  | { kind: 'slate'; run: string; shard: SlateShardSpec }
) & { resultsDir?: boolean };

/** What a job computes, for log lines and messages: "anchor g3", "g3:w0-1024", "s:w0-1024". */
export const jobWhat = (d: JobData): string => (d.kind === 'anchor' ? `anchor g${d.game}` : d.shard.id);
/** The path a job's bytes are made on. */
export const jobBackend = (d: JobData): ShardBackend => (d.kind === 'anchor' ? d.backend : d.shard.backend);

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** BullMQ job ids may not hold ':'. */
export const jobId = (run: string, what: string): string => `${run}.${what.replace(/:/g, '.')}`;

/** A client that keeps retrying (workers and a running coordinator ride out a Redis restart). */
export function redisClient(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    lazyConnect: true,
  });
}

/** The URL's Redis answers PING within a few seconds, or a one-line UserError naming the URL (nothing retried). */
export async function checkReachable(url: string, flag = '--redis'): Promise<void> {
  let client: Redis;
  try {
    client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  } catch (e) {
    throw new UserError(`${flag} ${url}: not a Redis URL (${(e as Error).message})`);
  }
  let first: NodeJS.ErrnoException | undefined;
  client.on('error', (e: NodeJS.ErrnoException) => (first ??= e)); // the failure is reported below, once
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const err = first ?? (e as NodeJS.ErrnoException);
    const why = err.code ?? err.message;
    throw new UserError(`${flag} ${url}: cannot reach Redis (${why})`);
  } finally {
    client.disconnect();
  }
}

/** Puts the inputs blob under its digest (written whole in one SET, so a reader sees all of it or none). */
export async function putBlob(redis: Redis, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  await redis.set(KEYS.blob(digest), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', BLOB_TTL_S);
  return digest;
}

/** The blob of `digest`, checked against it: a worker never computes on bytes that are not the run's inputs. */
export async function getBlob(redis: Redis, digest: string): Promise<Uint8Array> {
  const bytes = await redis.getBuffer(KEYS.blob(digest));
  if (bytes === null) throw new Error(`inputs ${digest.slice(0, 12)}: not in Redis (expired, or another Redis)`);
  const got = sha256(bytes);
  if (got !== digest)
    throw new Error(`inputs ${digest.slice(0, 12)}: the blob in Redis does not match its digest (sha256 ${got.slice(0, 12)})`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

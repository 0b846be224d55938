// The coordinator: a `Backend` whose run puts the slate's work on a BullMQ queue in Redis and merges what the
// workers (`slatesim worker`, worker.ts) send back. The inputs (slate and profile) go up once as a blob keyed by
// its SHA-256; each game's anchor pilot is one job, and once it is in, the game's shards (engine/shards/shard.ts)
// follow. Results are read from Redis by shard id (a duplicate completion is stored once), so a worker that dies
// mid-shard costs a retry, never a changed byte, and a Redis restart with persistence loses nothing completed.
import { randomUUID } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Backend } from '../../engine/core/backend.ts';
import { CPU_CHUNK } from '../../engine/core/backend.ts';
import { encodeInputs } from '../../engine/shards/inputs.ts';
import { decodePartial, mergePartials, planShards, type Partial, type ShardSpec } from '../../engine/shards/shard.ts';
import { UserError } from '../data/errors.ts';
import { CPU_QUEUE, KEYS, checkReachable, jobId, putBlob, redisClient, type JobData } from './redis.ts';

export interface RedisBackendOptions {
  url: string;
  /** worlds per shard (rounded up to a multiple of the chunk) */
  shardWorlds?: number;
  chunk?: number;
  /** tries per job before the run fails */
  attempts?: number;
  /** how long the coordinator waits through a lost Redis before it gives up (ms) */
  lostAfterMs?: number;
  /** the poll period (ms) */
  pollMs?: number;
}

export const DEFAULT_SHARD_WORLDS = 16384;

/** Refuses an unreachable Redis up front (one line naming the URL), then returns the backend. */
export async function redisBackend(o: RedisBackendOptions): Promise<Backend> {
  await checkReachable(o.url);
  const chunk = o.chunk ?? CPU_CHUNK;
  const shardWorlds = o.shardWorlds ?? DEFAULT_SHARD_WORLDS;
  const attempts = o.attempts ?? 3;
  const pollMs = o.pollMs ?? 100;
  const lostAfterMs = o.lostAfterMs ?? 120_000;
  return {
    kind: 'cpu',
    label: `cpu (workers on ${redactUrl(o.url)})`,
    async run(slate, profile, r) {
      if (r.lineups !== undefined) throw new UserError('--redis does not score lineups yet: run --lineups without --redis');
      const run = randomUUID();
      const redis = redisClient(o.url);
      let lastError = '';
      redis.on('error', (e: Error) => (lastError = e.message));
      await redis.connect();
      const queueConnection = redisClient(o.url);
      const queue = new Queue<JobData>(CPU_QUEUE, { connection: queueConnection });
      queue.on('error', (e: Error) => (lastError = e.message));
      const jobOpts: JobsOptions = {
        attempts,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      };
      const started = Date.now();
      // world rows come back with the shards when they are kept in memory (backtest) or streamed to a spill (--save-worlds)
      const keepWorlds = r.saveWorlds || r.spill !== undefined;
      const stats = { shards: 0, duplicates: 0, redisOutages: 0 };
      const jobIds: string[] = [];
      const shardIds: string[] = [];
      let finished = false;
      // Interrupted (Ctrl-C, SIGTERM): the run's queued jobs go, so the workers do not compute for nobody.
      const interrupted = (signal: NodeJS.Signals): void => {
        void withTimeout(cleanUp(queue, redis, run, jobIds, shardIds, slate.nGames, true), 10_000, () => new Error('cleanup timed out'))
          .catch(() => undefined)
          .finally(() => {
            process.stderr.write(`slatesim: ${signal}: the run's queued shards were removed; nothing written\n`);
            process.exit(130);
          });
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      try {
        const inputs = await putBlob(redis, encodeInputs({ slate, profile }));
        const games = Array.from({ length: slate.nGames }, (_, g) => g);
        const anchorJobs = games.map((g) => ({
          name: 'anchor',
          data: { kind: 'anchor' as const, run, game: g, seed: r.seed, chunk, worlds: r.worlds, inputs },
          opts: { ...jobOpts, jobId: jobId(run, `anchor.g${g}`) },
        }));
        await queue.addBulk(anchorJobs);
        if ((await queue.getWorkersCount()) === 0)
          process.stderr.write(
            `slatesim: no worker on ${CPU_QUEUE} yet; the run waits for one (slatesim worker --redis ${redactUrl(o.url)})\n`,
          );
        jobIds.push(...anchorJobs.map((j) => j.opts.jobId));
        const anchors: ([number, number] | undefined)[] = games.map(() => undefined);
        const pending = new Map<string, ShardSpec>();
        const parts: Partial[] = [];
        let lostSince: number | undefined;
        for (;;) {
          try {
            await withTimeout(
              step(),
              lostAfterMs,
              () =>
                new UserError(
                  `--redis ${redactUrl(o.url)}: no answer from Redis for ${Math.round(lostAfterMs / 1000)}s (${lastError || 'no error seen'}); nothing written`,
                ),
            );
            lostSince = undefined;
            if (pending.size === 0 && anchors.every((a) => a !== undefined)) break;
          } catch (e) {
            if (e instanceof UserError || !isConnectionError(e, redis)) throw e;
            if (lostSince === undefined) {
              lostSince = Date.now();
              stats.redisOutages++;
            }
            if (Date.now() - lostSince > lostAfterMs)
              throw new UserError(
                `--redis ${redactUrl(o.url)}: lost Redis for ${Math.round(lostAfterMs / 1000)}s (${lastError || String(e)}); nothing written`,
              );
          }
          await sleep(pollMs);
        }
        async function step(): Promise<void> {
          const missing = games.filter((g) => anchors[g] === undefined);
          if (missing.length > 0) {
            const got = await redis.mget(missing.map((g) => KEYS.anchor(run, g)));
            const ready: number[] = [];
            got.forEach((v, i) => {
              const g = missing[i];
              if (v !== null && g !== undefined) {
                anchors[g] = JSON.parse(v) as [number, number];
                ready.push(g);
              }
            });
            if (ready.length > 0) {
              // planShards over the whole slate with the anchors known so far, keeping this round's games
              const known = anchors.map((a) => a ?? ([1, 1] as [number, number]));
              const specs = planShards(slate, {
                worlds: r.worlds,
                seed: r.seed,
                chunk,
                shardWorlds,
                saveWorlds: keepWorlds,
                inputs,
                anchors: known,
              }).filter((s) => ready.includes(s.game));
              const jobs = specs.map((s) => ({
                name: 'shard',
                data: { kind: 'shard' as const, run, shard: s },
                opts: { ...jobOpts, jobId: jobId(run, s.id) },
              }));
              await queue.addBulk(jobs);
              for (const s of specs) pending.set(s.id, s);
              jobIds.push(...jobs.map((j) => j.opts.jobId));
              stats.shards += specs.length;
            }
          }
          const ids = [...pending.keys()];
          for (let i = 0; i < ids.length; i += 64) {
            const batch = ids.slice(i, i + 64);
            const got = await redis.mgetBuffer(batch.map((id) => KEYS.result(run, id)));
            got.forEach((bytes, k) => {
              if (bytes === null) return;
              const spec = pending.get(batch[k] ?? '');
              if (spec === undefined) return;
              const p = decodePartial(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
              if (p.game !== spec.game || p.w0 !== spec.w0 || p.w1 !== spec.w1)
                throw new Error(`shard ${spec.id}: its stored result is game ${p.game} worlds ${p.w0}-${p.w1}`);
              parts.push(p);
              pending.delete(spec.id);
              r.onProgress?.(spec.w1 - spec.w0);
            });
          }
          await failIfAnyFailed(queue, run, slate.gameId, pending, attempts);
        }
        stats.duplicates = Number((await redis.get(KEYS.duplicates(run))) ?? 0);
        const merged = mergePartials(slate, parts, r.worlds, keepWorlds);
        // --save-worlds streams to the run's spill: each game's merged worlds go to its sink in one piece (they
        // came through Redis whole; see README "Many machines" on when a results directory would be needed)
        const spill = r.spill;
        const results =
          spill === undefined
            ? merged
            : merged.map(({ acc, worldRows }, g) => {
                if (worldRows !== undefined) spill.sink(g)(worldRows, 0);
                return { acc };
              });
        finished = true;
        return {
          results,
          chunkWorlds: chunk,
          metrics: {
            workers: 'redis',
            redis_queue: CPU_QUEUE,
            shards: stats.shards,
            shard_worlds: Math.max(chunk, Math.ceil(shardWorlds / chunk) * chunk),
            duplicate_completions: stats.duplicates,
            redis_outages: stats.redisOutages,
            queue_seconds: (Date.now() - started) / 1000,
          },
        };
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        await withTimeout(
          cleanUp(queue, redis, run, jobIds, shardIds, slate.nGames, !finished),
          30_000,
          () => new Error('cleanup timed out'),
        ).catch(() => undefined);
        await queue.close().catch(() => undefined);
        queueConnection.disconnect(); // BullMQ leaves a connection it was given open
        redis.disconnect();
      }
    },
  };
}

/** A job that used up its attempts fails the run: one line naming the shard (game id, worlds) and the error. */
async function failIfAnyFailed(
  queue: Queue<JobData>,
  run: string,
  gameIds: readonly string[],
  pending: ReadonlyMap<string, ShardSpec>,
  attempts: number,
): Promise<void> {
  if ((await queue.getFailedCount()) === 0) return;
  for (const job of await queue.getFailed(0, 200)) {
    const d = job.data;
    if (d.run !== run) continue;
    if (d.kind === 'shard' && !pending.has(d.shard.id)) continue;
    const what =
      d.kind === 'anchor'
        ? `anchor pilot of game ${d.game} (${gameIds[d.game] ?? '?'})`
        : `shard ${d.shard.id} (game ${gameIds[d.shard.game] ?? '?'}, worlds ${d.shard.w0}-${d.shard.w1})`;
    throw new UserError(`${what} failed after ${job.attemptsMade || attempts} attempts: ${job.failedReason}; nothing written`);
  }
}

/**
 * After a run: a failed run's queued jobs go (an active one is locked and finishes into nothing); each result
 * becomes a small tombstone for an hour, so a late second completion of a shard still finds its key taken and
 * is counted as the duplicate it is; anchors and the duplicate count go. Blobs stay (they expire) for the next
 * run of the same inputs.
 */
async function cleanUp(
  queue: Queue<JobData>,
  redis: ReturnType<typeof redisClient>,
  run: string,
  jobIds: readonly string[],
  shardIds: readonly string[],
  nGames: number,
  failed: boolean,
): Promise<void> {
  if (failed) {
    for (let i = 0; i < jobIds.length; i += 100)
      await Promise.all(
        jobIds.slice(i, i + 100).map(async (id) => {
          const job = await queue.getJob(id);
          await job?.remove().catch(() => undefined);
        }),
      );
  }
  const p = redis.pipeline();
  for (const id of shardIds) p.set(KEYS.result(run, id), 'merged', 'EX', TOMBSTONE_TTL_S, 'XX');
  for (let g = 0; g < nGames; g++) p.set(KEYS.anchor(run, g), 'merged', 'EX', TOMBSTONE_TTL_S, 'XX');
  p.del(KEYS.duplicates(run));
  await p.exec();
}

const TOMBSTONE_TTL_S = 3600;

function isConnectionError(e: unknown, redis: ReturnType<typeof redisClient>): boolean {
  if (redis.status !== 'ready') return true;
  const code = (e as NodeJS.ErrnoException).code;
  const msg = e instanceof Error ? e.message : '';
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    /Connection is closed|LOADING|ECONNREFUSED|ECONNRESET|Stream isn't writeable/.test(msg)
  );
}

/** The URL without its password, for messages and metrics. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** `p`, or the error of `fail()` once `ms` pass first. */
async function withTimeout<T>(p: Promise<T>, ms: number, fail: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(fail()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The coordinator: a `Backend` whose run puts the slate's work on a BullMQ queue in Redis and merges what the
// workers (`slatesim worker`, worker.ts) send back. The inputs (slate, profile, lineup table) go up once as a
// blob keyed by its SHA-256; each game's anchor pilot is one job, and once it is in, the game's shards
// (engine/shards/shard.ts) follow; a lineup run waits for every anchor, then its shards are ranges of worlds of
// every game. All of a run's jobs go on one path's queue (CPU or GPU workers, never both: their bytes differ), so
// the merge is the bytes of a single-process run on that path. Results are read from Redis (or, with a results
// directory, from the files Redis points to) by shard id (a duplicate completion is stored once), so a worker
// that dies mid-shard costs a retry, never a changed byte, and a Redis restart with persistence loses nothing
// completed.
import { randomUUID } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Backend } from '../../engine/core/backend.ts';
import { CPU_CHUNK } from '../../engine/core/backend.ts';
import { DEFAULT_GPU_CHUNK } from '../../engine/gpu/buffers.ts';
import type { LineupAccumulator } from '../../engine/kernels/lineups/lineups.ts';
import { encodeInputs } from '../../engine/shards/inputs.ts';
import {
  decodePartial,
  decodeSlatePartial,
  isSlatePartial,
  mergePartials,
  mergeSlatePartials,
  planShards,
  planSlateShards,
  shardSize,
  type Partial,
  type ShardBackend,
  type ShardSpec,
  type SlatePartial,
  type SlateShardSpec,
} from '../../engine/shards/shard.ts';
import { UserError } from '../data/errors.ts';
import { KEYS, checkReachable, jobId, putBlob, queueName, redisClient, type JobData } from './redis.ts';
import { decodeResultRef, readResultFile, removeRunResults } from './results-dir.ts';

export interface RedisBackendOptions {
  url: string;
  /** the path the workers run (default cpu): the run's jobs go on that path's queue */
  backend?: ShardBackend;
  /** worlds per shard (on the CPU rounded up to a multiple of the chunk) */
  shardWorlds?: number;
  /** worlds per kernel batch (CPU) or the most per device batch (GPU) */
  chunk?: number;
  /** tries per job before the run fails */
  attempts?: number;
  /** how long the coordinator waits through a lost Redis before it gives up (ms) */
  lostAfterMs?: number;
  /** the poll period (ms) */
  pollMs?: number;
  /** the shared results directory as this machine mounts it: the workers write partials there (results-dir.ts) */
  resultsDir?: string;
}

export const DEFAULT_SHARD_WORLDS = 16384;

/** Refuses an unreachable Redis up front (one line naming the URL), then returns the backend. */
export async function redisBackend(o: RedisBackendOptions): Promise<Backend> {
  await checkReachable(o.url);
  const path: ShardBackend = o.backend ?? 'cpu';
  const chunk = o.chunk ?? (path === 'gpu' ? DEFAULT_GPU_CHUNK : CPU_CHUNK);
  const shardWorlds = o.shardWorlds ?? DEFAULT_SHARD_WORLDS;
  const attempts = o.attempts ?? 3;
  const pollMs = o.pollMs ?? 100;
  const lostAfterMs = o.lostAfterMs ?? 120_000;
  const queueOf = queueName(path);
  const resultsDir = o.resultsDir;
  return {
    kind: path,
    label: `${path} (workers on ${redactUrl(o.url)})`,
    async run(slate, profile, r) {
      const lineupReq = r.lineups;
      if (lineupReq?.onScores !== undefined)
        throw new UserError(
          "--redis merges lineup counts, not every world's scores: a contest (--payouts) or a built set needs them in one process; run it without --redis",
        );
      const table = lineupReq?.table;
      const run = randomUUID();
      const redis = redisClient(o.url);
      let lastError = '';
      redis.on('error', (e: Error) => (lastError = e.message));
      await redis.connect();
      const queueConnection = redisClient(o.url);
      const queue = new Queue<JobData>(queueOf, { connection: queueConnection });
      queue.on('error', (e: Error) => (lastError = e.message));
      const jobOpts: JobsOptions = {
        attempts,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
      };
      const fileOpt = resultsDir !== undefined ? { resultsDir: true } : {};
      const started = Date.now();
      // world rows come back with the shards when they are kept in memory (backtest) or streamed to a spill (--save-worlds)
      const keepWorlds = r.saveWorlds || r.spill !== undefined;
      const stats = { shards: 0, duplicates: 0, redisOutages: 0, resultBytes: 0, resultFiles: 0 };
      const jobIds: string[] = [];
      const shardIds: string[] = [];
      let finished = false;
      // Interrupted (Ctrl-C, SIGTERM): the run's queued jobs go, so the workers do not compute for nobody.
      const interrupted = (signal: NodeJS.Signals): void => {
        void withTimeout(
          cleanUp(queue, redis, run, jobIds, shardIds, slate.nGames, true, resultsDir),
          10_000,
          () => new Error('cleanup timed out'),
        )
          .catch(() => undefined)
          .finally(() => {
            process.stderr.write(`slatesim: ${signal}: the run's queued shards were removed; nothing written\n`);
            process.exit(130);
          });
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      try {
        const inputs = await putBlob(redis, encodeInputs({ slate, profile, ...(table !== undefined ? { lineups: table } : {}) }));
        const games = Array.from({ length: slate.nGames }, (_, g) => g);
        const anchorJobs = games.map((g) => ({
          name: 'anchor',
          data: { kind: 'anchor' as const, run, game: g, seed: r.seed, chunk, worlds: r.worlds, inputs, backend: path, ...fileOpt },
          opts: { ...jobOpts, jobId: jobId(run, `anchor.g${g}`) },
        }));
        await queue.addBulk(anchorJobs);
        if ((await queue.getWorkersCount()) === 0)
          process.stderr.write(
            `slatesim: no worker on ${queueOf} yet; the run waits for one (slatesim worker --redis ${redactUrl(o.url)}${path === 'gpu' ? ' --backend gpu' : ''})\n`,
          );
        jobIds.push(...anchorJobs.map((j) => j.opts.jobId));
        const anchors: ([number, number] | undefined)[] = games.map(() => undefined);
        const pending = new Map<string, ShardSpec | SlateShardSpec>();
        const parts: Partial[] = [];
        const slateParts: SlatePartial[] = [];
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
        async function enqueue(specs: readonly (ShardSpec | SlateShardSpec)[]): Promise<void> {
          const jobs = specs.map((s) => ({
            name: 'shard',
            data: ('game' in s ? { kind: 'shard' as const, run, shard: s } : { kind: 'slate' as const, run, shard: s }) satisfies JobData,
            opts: { ...jobOpts, jobId: jobId(run, s.id) },
          }));
          await queue.addBulk(jobs.map((j) => ({ ...j, data: { ...j.data, ...fileOpt } })));
          for (const s of specs) {
            pending.set(s.id, s);
            shardIds.push(s.id);
          }
          jobIds.push(...jobs.map((j) => j.opts.jobId));
          stats.shards += specs.length;
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
            const plan = {
              worlds: r.worlds,
              seed: r.seed,
              chunk,
              shardWorlds,
              saveWorlds: keepWorlds,
              inputs,
              // the anchors known so far (a game's shards go up only once its own is in)
              anchors: anchors.map((a) => a ?? ([1, 1] as [number, number])),
              backend: path,
            };
            if (table === undefined && ready.length > 0) await enqueue(planShards(slate, plan).filter((s) => ready.includes(s.game)));
            // a lineup shard makes every game's worlds: it needs every anchor
            if (table !== undefined && ready.length > 0 && anchors.every((a) => a !== undefined)) await enqueue(planSlateShards(plan));
          }
          const ids = [...pending.keys()];
          for (let i = 0; i < ids.length; i += 64) {
            const batch = ids.slice(i, i + 64);
            const got = await redis.mgetBuffer(batch.map((id) => KEYS.result(run, id)));
            for (const [k, value] of got.entries()) {
              if (value === null) continue;
              const spec = pending.get(batch[k] ?? '');
              if (spec === undefined) continue;
              let bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
              const ref = decodeResultRef(bytes);
              if (ref !== undefined) {
                bytes = await readResultFile(resultsDir, ref, `shard ${spec.id}`);
                stats.resultFiles++;
              }
              stats.resultBytes += bytes.length;
              const range = `worlds ${spec.w0}-${spec.w1}`;
              if ('game' in spec) {
                const p = decodePartial(bytes);
                if (p.game !== spec.game || p.w0 !== spec.w0 || p.w1 !== spec.w1)
                  throw new Error(
                    `shard ${spec.id}: its stored result is game ${p.game} worlds ${p.w0}-${p.w1}, not game ${spec.game} ${range}`,
                  );
                parts.push(p);
                r.onProgress?.(spec.w1 - spec.w0);
              } else {
                if (!isSlatePartial(bytes)) throw new Error(`shard ${spec.id}: its stored result is not a lineup shard's`);
                const p = decodeSlatePartial(bytes);
                if (p.w0 !== spec.w0 || p.w1 !== spec.w1) throw new Error(`shard ${spec.id}: its stored result is worlds ${p.w0}-${p.w1}`);
                slateParts.push(p);
                r.onProgress?.((spec.w1 - spec.w0) * slate.nGames);
              }
              pending.delete(spec.id);
            }
          }
          await failIfAnyFailed(queue, run, slate.gameId, pending, attempts);
        }
        stats.duplicates = Number((await redis.get(KEYS.duplicates(run))) ?? 0);
        let merged;
        let lineups: LineupAccumulator | undefined;
        if (table !== undefined) {
          const m = mergeSlatePartials(slate, slateParts, r.worlds, keepWorlds, table);
          merged = m.results;
          lineups = m.lineups;
        } else merged = mergePartials(slate, parts, r.worlds, keepWorlds);
        // --save-worlds streams to the run's spill: each game's merged worlds go to its sink in one piece
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
          ...(lineups !== undefined ? { lineups } : {}),
          chunkWorlds: chunk,
          metrics: {
            workers: 'redis',
            redis_queue: queueOf,
            shards: stats.shards,
            shard_worlds: shardSize({ chunk, shardWorlds, backend: path }),
            ...(table !== undefined ? { shard_games: 'all (lineups)' } : {}),
            duplicate_completions: stats.duplicates,
            redis_outages: stats.redisOutages,
            result_bytes: stats.resultBytes,
            results_dir_files: stats.resultFiles,
            queue_seconds: (Date.now() - started) / 1000,
          },
        };
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        await withTimeout(
          cleanUp(queue, redis, run, jobIds, shardIds, slate.nGames, !finished, resultsDir),
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
  pending: ReadonlyMap<string, ShardSpec | SlateShardSpec>,
  attempts: number,
): Promise<void> {
  if ((await queue.getFailedCount()) === 0) return;
  for (const job of await queue.getFailed(0, 200)) {
    const d = job.data;
    if (d.run !== run) continue;
    if (d.kind !== 'anchor' && !pending.has(d.shard.id)) continue;
    const what =
      d.kind === 'anchor'
        ? `anchor pilot of game ${d.game} (${gameIds[d.game] ?? '?'})`
        : d.kind === 'shard'
          ? `shard ${d.shard.id} (game ${gameIds[d.shard.game] ?? '?'}, worlds ${d.shard.w0}-${d.shard.w1})`
          : `lineup shard ${d.shard.id} (every game, worlds ${d.shard.w0}-${d.shard.w1})`;
    throw new UserError(`${what} failed after ${job.attemptsMade || attempts} attempts: ${job.failedReason}; nothing written`);
  }
}

/**
 * After a run: a failed run's queued jobs go (an active one is locked and finishes into nothing); each result
 * becomes a small tombstone for an hour, so a late second completion of a shard still finds its key taken and
 * is counted as the duplicate it is; anchors, the duplicate count and the run's folder of result files go. Blobs
 * stay (they expire) for the next run of the same inputs.
 */
async function cleanUp(
  queue: Queue<JobData>,
  redis: ReturnType<typeof redisClient>,
  run: string,
  jobIds: readonly string[],
  shardIds: readonly string[],
  nGames: number,
  failed: boolean,
  resultsDir: string | undefined,
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
  if (resultsDir !== undefined) await removeRunResults(resultsDir, run);
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

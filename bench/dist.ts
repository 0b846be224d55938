// The distributed path's figures (README "Many machines"): a slate through `sim --redis`'s backend with 1, 2
// and 4 `slatesim worker` processes against the single-process run on the same path (same bytes, checked), and
// the costs of one shard beside its compute: a BullMQ job's round trip, encoding and decoding a partial,
// storing and reading it in Redis; then the most jobs per second this Redis takes. `--backend gpu` runs GPU
// workers against a single-process WebGPU run. Starts its own redis-server on a free port (or uses --redis
// URL). Usage:
//   npx tsx bench/dist.ts [--backend cpu|gpu] [--worlds 10000] [--shard-worlds 4096] [--workers 1,2,4] [--redis URL] [--json FILE]

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the runs below are of the slate just loaded, one
   result per game; the argument table has every key it is read with. */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { redisBackend } from '../src/distributed/backend.ts';
import { gpuBackend, inlineCpuBackend, type GameResult } from '../engine/core/backend.ts';
import { requestGpuDevice } from '../engine/gpu/device.ts';
import { cpuBackend } from '../engine/core/cpu-workers.ts';
import { simulate } from '../engine/core/simulate.ts';
import { encodePartial, decodePartial } from '../engine/shards/shard.ts';
import { loadProfile } from '../engine/profile.ts';
import { loadSlate } from '../engine/slate.ts';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};

const worlds = Number(arg('worlds', '10000'));
const shardWorlds = Number(arg('shard-worlds', '4096'));
const counts = arg('workers', '1,2,4').split(',').map(Number);
const jsonOut = arg('json', '');
const path = arg('backend', 'cpu') === 'gpu' ? 'gpu' : 'cpu';

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

const fingerprint = (rs: GameResult[]): string =>
  rs.map((r) => Buffer.from(encodePartial({ game: r.acc.g, w0: 0, w1: r.acc.worlds, acc: r.acc })).toString('base64')).join('|');

async function main(): Promise<void> {
  await initParquetNode();
  const lake = new Lake(new NodeFileStore(join(ROOT, 'public/data/lake')));
  const slate = await loadSlate(lake, '2024-01-31');
  const profile = await loadProfile('usage_shares_v1');
  let url = arg('redis', '');
  let server: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'slatesim-bench-dist-'));
  if (url === '') {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    url = `redis://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++)
      await new Promise((r) => setTimeout(r, 100));
  }
  const out: Record<string, unknown> = {
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? '?' },
    slate: { date: slate.date, games: slate.nGames, players: slate.nPlayers },
    backend: path,
    worlds,
    shard_worlds: shardWorlds,
  };
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  try {
    // single process: one thread, and the worker-thread backend on every core (GPU: one WebGPU run)
    let t = Date.now();
    let one;
    let single1: number;
    if (path === 'gpu') {
      const ctx = await requestGpuDevice();
      await simulate(slate, profile, gpuBackend(ctx.device), { worlds: 512, seed: 2 }); // compiles the kernels
      t = Date.now();
      one = await simulate(slate, profile, gpuBackend(ctx.device), { worlds, seed: 1 });
      single1 = (Date.now() - t) / 1000;
      ctx.device.destroy();
      log(`single process on the GPU: ${single1.toFixed(2)} s`);
      out.single_process_s = { gpu: single1 };
    } else {
      one = await simulate(slate, profile, inlineCpuBackend(), { worlds, seed: 1 });
      single1 = (Date.now() - t) / 1000;
      t = Date.now();
      await simulate(slate, profile, cpuBackend(), { worlds, seed: 1 });
      const singleAll = (Date.now() - t) / 1000;
      log(`single process: ${single1.toFixed(2)} s on 1 thread, ${singleAll.toFixed(2)} s on ${availableParallelism()} threads`);
      out.single_process_s = { one_thread: single1, all_threads: singleAll };
    }
    const ref = fingerprint(one.games);

    const runs: Record<string, unknown>[] = [];
    for (const n of counts) {
      const ws = Array.from({ length: n }, () =>
        spawn(process.execPath, [join(ROOT, 'bin/slatesim.js'), 'worker', '--redis', url, '--backend', path, '--quiet'], {
          stdio: 'ignore',
        }),
      );
      await new Promise((r) => setTimeout(r, 3000)); // the workers load tsx and connect
      // an untimed run first: each worker's compute thread compiles the kernels (V8's JIT) on its first shards
      await simulate(slate, profile, await redisBackend({ url, backend: path, shardWorlds: Math.ceil(worlds / (2 * n)) }), {
        worlds,
        seed: 2,
      });
      for (const ss of [shardWorlds, 1 << 20]) {
        const backend = await redisBackend({ url, backend: path, shardWorlds: ss });
        t = Date.now();
        const r = await simulate(slate, profile, backend, { worlds, seed: 1 });
        const s = (Date.now() - t) / 1000;
        const same = fingerprint(r.games) === ref;
        const shards = r.backendMetrics.shards as number;
        runs.push({
          workers: n,
          shard_worlds: Math.min(ss, worlds),
          shards,
          seconds: s,
          [path === 'gpu' ? 'speedup_vs_single_process' : 'speedup_vs_one_thread']: single1 / s,
          same_bytes: same,
        });
        log(
          `${n} ${path} worker${n > 1 ? 's' : ''}, ${shards} shards: ${s.toFixed(2)} s (${(single1 / s).toFixed(2)}x ${path === 'gpu' ? 'the single process' : 'one thread'}), same bytes: ${same}`,
        );
      }
      for (const w of ws) w.kill('SIGTERM');
      await Promise.all(ws.map((w) => new Promise((r) => w.once('exit', r))));
    }
    out.runs = runs;

    // one shard's overheads
    const part = { game: 0, w0: 0, w1: one.games[0]!.acc.worlds, acc: one.games[0]!.acc };
    const reps = 200;
    t = performance.now();
    let bytes = new Uint8Array();
    for (let i = 0; i < reps; i++) bytes = encodePartial(part);
    const encodeMs = (performance.now() - t) / reps;
    t = performance.now();
    for (let i = 0; i < reps; i++) decodePartial(bytes);
    const decodeMs = (performance.now() - t) / reps;
    const redis = new Redis(url);
    t = performance.now();
    for (let i = 0; i < reps; i++) {
      await redis.set(`bench:partial:${i}`, Buffer.from(bytes), 'NX');
      await redis.getBuffer(`bench:partial:${i}`);
    }
    const storeMs = (performance.now() - t) / reps;
    await redis.del(...Array.from({ length: reps }, (_, i) => `bench:partial:${i}`));
    // a BullMQ job's round trip (add, a worker takes it, completion seen by the producer), one at a time
    const name = `slatesim-bench-noop-${process.pid}`;
    const conn = (): Redis => new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(name, { connection: conn() });
    const events = new QueueEvents(name, { connection: conn() });
    await events.waitUntilReady();
    const noop = new Worker(name, () => Promise.resolve('ok'), { connection: conn(), concurrency: 64 });
    noop.on('error', () => undefined);
    await noop.waitUntilReady();
    t = performance.now();
    for (let i = 0; i < 100; i++) await (await queue.add('noop', { i })).waitUntilFinished(events);
    const roundTripMs = (performance.now() - t) / 100;
    // how many jobs per second this Redis passes (one producer, one worker process at concurrency 64)
    const many = 5000;
    let done = 0;
    const all = new Promise<void>((ok) => noop.on('completed', () => ++done === many && ok()));
    t = performance.now();
    await queue.addBulk(Array.from({ length: many }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: true } })));
    await all;
    const jobsPerS = many / ((performance.now() - t) / 1000);
    await noop.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    const perGameShard = (single1 / slate.nGames) * (shardWorlds / worlds);
    out.overhead = {
      partial_bytes: bytes.length,
      encode_ms: encodeMs,
      decode_ms: decodeMs,
      redis_set_get_ms: storeMs,
      job_round_trip_ms: roundTripMs,
      noop_jobs_per_s: jobsPerS,
      [path === 'gpu' ? 'shard_compute_s_gpu' : 'shard_compute_s_one_thread']: perGameShard,
    };
    log(
      `per shard: partial ${(bytes.length / 1024).toFixed(0)} KiB, encode ${encodeMs.toFixed(2)} ms, decode ${decodeMs.toFixed(2)} ms, ` +
        `Redis SET+GET ${storeMs.toFixed(2)} ms, job round trip ${roundTripMs.toFixed(2)} ms; a ${shardWorlds}-world shard computes ${(perGameShard * 1000).toFixed(0)} ms ${path === 'gpu' ? 'on the GPU' : 'on one thread'}`,
    );
    log(`Redis: ${jobsPerS.toFixed(0)} no-op jobs/s (one producer, one worker process at concurrency 64)`);
    if (jsonOut !== '') writeFileSync(jsonOut, `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);

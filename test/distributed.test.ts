// Distributed runs on a real Redis (test/redis.ts) with real `slatesim worker` processes: the same seed gives
// the same bytes single-process, with 3 workers, with 3 workers where one is SIGKILLed mid-shard, with a worker
// frozen past its lock (its shard runs twice, counted once) and across a Redis crash and restart; a shard that
// keeps failing fails the run in one line with nothing written; an unreachable Redis is one line naming it.
// `backtest --redis` with 2 workers writes the single-process report byte for byte. Lineups scored by workers
// give the single-process lineup files; with --results-dir the partials go through a shared folder (a folder
// that is not shared is one line naming the file). GPU workers (real WebGPU: lavapipe here) give the bytes of
// a single-process `--backend gpu` run, saved worlds, lineups and a backtest included, also with one SIGKILLed
// mid-shard; without an adapter those skip saying why off CI and fail in CI.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- `redis` and the redis-server binary are checked at the top
   of every test that uses them (a skip otherwise), and the worker lists are the fixed ones each test just started. */

import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_PREGAME_DIR, PREGAME_EMBEDDED_DATE } from '../src/lake/embed.ts';
import { ROOT, filesBelow, gpuForTests, lineupsFile, slatesim, tempDir } from './helpers.ts';
import { findRedisServer, startRedis, startWorker, stopWorkers, type TestRedis, type TestWorker } from './redis.ts';

const server = findRedisServer();
const WORLDS = ['--worlds', '3000', '--chunk', '512', '--seed', '5'];
const SHARDS = ['--shard-worlds', '1024'];
const md5 = async (f: string): Promise<string> =>
  createHash('md5')
    .update(await readFile(f))
    .digest('hex');

/** projections.csv and .parquet of the one run below `out`, by md5. */
async function outputs(out: string): Promise<Record<string, string>> {
  const files = (await filesBelow(out)).filter((f) => /projections\.(csv|parquet)$/.test(f));
  const got: Record<string, string> = {};
  for (const f of files) got[f.replace(/^.*\//, '')] = await md5(join(out, f));
  return got;
}

/** Every .csv, .parquet and lineups_set.json below `dir`, by md5 (metrics.json says how the run went, so differs). */
async function runFiles(dir: string): Promise<Record<string, string>> {
  const got: Record<string, string> = {};
  for (const f of (await filesBelow(dir)).filter((x) => /\.(csv|parquet)$|lineups_set\.json$/.test(x)))
    got[f.replace(/^.*\//, '')] = await md5(join(dir, f));
  return got;
}

const SLATE = join(ROOT, EMBEDDED_PREGAME_DIR, `game_date=${PREGAME_EMBEDDED_DATE}`);

async function metrics(out: string): Promise<Record<string, unknown>> {
  const f = (await filesBelow(out)).find((x) => x.endsWith('metrics.json'));
  return JSON.parse(await readFile(join(out, f ?? 'missing'), 'utf8')) as Record<string, unknown>;
}

let reference: Record<string, string> = {};
let redis: TestRedis | undefined;

beforeAll(async () => {
  if (server.bin === undefined) return;
  const out = await tempDir('dist-single');
  const r = await slatesim('sim', ...WORLDS, '--backend', 'cpu', '--workers', '2', '--out', out);
  expect(r.code, r.stderr).toBe(0);
  reference = await outputs(out);
  expect(Object.keys(reference).sort()).toEqual(['projections.csv', 'projections.parquet']);
  redis = await startRedis(server.bin);
});

/** A distributed sim of the reference run into a fresh folder, while `during` does its damage. */
async function distributedSim(
  url: string,
  during: () => Promise<void> = () => Promise.resolve(),
): Promise<{ code: number; stderr: string; out: string }> {
  const out = await tempDir('dist-run');
  const [r] = await Promise.all([slatesim('sim', ...WORLDS, ...SHARDS, '--redis', url, '--out', out), during()]);
  return { code: r.code, stderr: r.stderr, out };
}

describe('sim --redis with slatesim workers', () => {
  it('3 workers give the single-process bytes', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const ws = [0, 1, 2].map(() => startWorker(redis!.url));
    try {
      const r = await distributedSim(redis.url);
      expect(r.code, r.stderr).toBe(0);
      expect(await outputs(r.out)).toEqual(reference);
      const m = await metrics(r.out);
      expect(m.shards).toBe(30);
      expect(ws.filter((w) => /done \S+ g\d+:w/.test(w.log())).length, 'workers that ran shards').toBeGreaterThan(1);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('--save-worlds: the worlds come through the queue to the single-process files', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const single = await tempDir('dist-worlds-single');
    const s = await slatesim('sim', ...WORLDS, '--backend', 'cpu', '--save-worlds', '--out', single);
    expect(s.code, s.stderr).toBe(0);
    const ws = [0, 1].map(() => startWorker(redis!.url));
    try {
      const out = await tempDir('dist-worlds');
      const r = await slatesim('sim', ...WORLDS, ...SHARDS, '--redis', redis.url, '--save-worlds', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const want = await runFiles(single);
      expect(Object.keys(want).length, 'saved worlds beside the projections').toBeGreaterThan(2);
      expect(await runFiles(out)).toEqual(want);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('a worker SIGKILLed mid-shard: its shard is taken over, same bytes', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const ws = [0, 1, 2].map(() => startWorker(redis!.url));
    const victim = ws[0]!;
    try {
      const r = await distributedSim(redis.url, async () => {
        await victim.waitFor(/start \S+ g\d+:w/);
        victim.proc.kill('SIGKILL');
      });
      expect(r.code, r.stderr).toBe(0);
      expect(victim.proc.signalCode).toBe('SIGKILL');
      const started = [...victim.log().matchAll(/start \S+ (g\d+:w\S+)/g)].map((m) => m[1]);
      const finished = [...victim.log().matchAll(/done \S+ (g\d+:w\S+)/g)].map((m) => m[1]);
      const lost = started.filter((s) => !finished.includes(s));
      expect(lost.length, 'shards the victim started and never finished').toBeGreaterThan(0);
      // someone else finished each of them
      for (const s of lost) expect(ws.slice(1).some((w) => w.log().includes(`done`) && w.log().includes(` ${s} `))).toBe(true);
      expect(await outputs(r.out)).toEqual(reference);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('a worker frozen past its lock finishes a shard another already finished: counted once, same bytes', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const ws = [0, 1, 2].map(() => startWorker(redis!.url));
    const frozen = ws[0]!;
    let shard = '';
    try {
      const r = await distributedSim(redis.url, async () => {
        await frozen.waitFor(/start \S+ g\d+:w\S+/);
        frozen.proc.kill('SIGSTOP');
        shard = /start (\S+ g\d+:w\S+)/.exec(frozen.log())?.[1] ?? '';
        // its lock lapses, another worker's stalled check puts the shard back, and another worker completes it
        const others = ws.slice(1);
        const t0 = Date.now();
        while (!others.some((w) => new RegExp(`(done|duplicate) ${shard} `).test(w.log()))) {
          if (Date.now() - t0 > 60_000) throw new Error(`nobody took over ${shard}`);
          await new Promise((res) => setTimeout(res, 20));
        }
        frozen.proc.kill('SIGCONT');
      });
      expect(r.code, r.stderr).toBe(0);
      // the frozen worker completes the shard too: its SET NX finds the result there (or the run already gone)
      await frozen.waitFor(new RegExp(`(done|duplicate) ${shard} `), 30_000);
      expect(await outputs(r.out)).toEqual(reference);
      const dups = ws.map((w) => (w.log().match(/duplicate \S+ g\d+:w/g) ?? []).length).reduce((a, b) => a + b, 0);
      expect(dups, ws.map((w) => w.log()).join('\n')).toBeGreaterThan(0);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('Redis killed and restarted mid-run loses no completed shard: same bytes', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const own = await startRedis(server.bin!);
    const ws = [0, 1].map(() => startWorker(own.url));
    let doneBefore: (string | undefined)[] = [];
    let cut: number[] = [];
    try {
      const r = await distributedSim(own.url, async () => {
        const t0 = Date.now();
        while (ws.map((w) => (w.log().match(/done \S+ g\d+:w/g) ?? []).length).reduce((a, b) => a + b, 0) < 6) {
          if (Date.now() - t0 > 90_000) throw new Error('no shards done');
          await new Promise((res) => setTimeout(res, 20));
        }
        await own.kill();
        doneBefore = ws.flatMap((w) => [...w.log().matchAll(/done \S+ (g\d+:w\S+)/g)].map((m) => m[1]));
        cut = ws.map((w) => w.log().length);
        await new Promise((res) => setTimeout(res, 1000));
        await own.start();
      });
      expect(r.code, r.stderr).toBe(0);
      expect(await outputs(r.out)).toEqual(reference);
      // nothing completed before the crash was computed again after it (the append-only file kept every result)
      const startedAfter = ws.flatMap((w, i) =>
        [
          ...w
            .log()
            .slice(cut[i])
            .matchAll(/start \S+ (g\d+:w\S+)/g),
        ].map((m) => m[1]),
      );
      expect(doneBefore.length).toBeGreaterThanOrEqual(6);
      expect(startedAfter.filter((s) => doneBefore.includes(s))).toEqual([]);
    } finally {
      await stopWorkers(ws);
      await own.kill();
    }
  });

  it('a shard that always fails fails the run: one line naming it and the error, nothing written', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const own = await startRedis(server.bin!);
    const out = await tempDir('dist-fail');
    const ws: TestWorker[] = [];
    try {
      const run = slatesim('sim', ...WORLDS, ...SHARDS, '--redis', own.url, '--out', out);
      // the inputs go up before any job; corrupt them before a worker exists: every job fails its digest check
      const t0 = Date.now();
      let key = '';
      while (key === '') {
        if (Date.now() - t0 > 60_000) throw new Error('the coordinator never put its inputs up');
        key = own.cli('--scan', '--pattern', 'slatesim:blob:*').split('\n')[0] ?? '';
        await new Promise((res) => setTimeout(res, 20));
      }
      own.cli('set', key, 'not the inputs');
      ws.push(startWorker(own.url));
      const r = await run;
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(
        /^slatesim: (anchor pilot of game \d+ \(\d+\)|shard g\d+:w\d+-\d+ \(game \d+, worlds \d+-\d+\)) failed after 3 attempts: inputs [0-9a-f]{12}: the blob in Redis does not match its digest \(sha256 [0-9a-f]{12}\); nothing written$/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await filesBelow(out)).toEqual([]);
    } finally {
      await stopWorkers(ws);
      await own.kill();
    }
  });

  it('backtest --redis with 2 workers writes the single-process report byte for byte', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const args = ['backtest', '--lake', 'public/data/lake', '--start-date', '2024-01-30', '--end-date', '2024-01-31', '--worlds', '300'];
    const single = await tempDir('bt-single');
    const dist = await tempDir('bt-dist');
    const ws = [0, 1].map(() => startWorker(redis!.url));
    try {
      const a = await slatesim(...args, '--workers', '2', '--json', join(single, 'bt.json'));
      expect(a.code, a.stderr).toBe(0);
      const b = await slatesim(...args, '--redis', redis.url, '--shard-worlds', '128', '--json', join(dist, 'bt.json'));
      expect(b.code, b.stderr).toBe(0);
      const names = await filesBelow(single);
      expect(await filesBelow(dist)).toEqual(names);
      for (const f of names) expect(await md5(join(dist, f)), f).toBe(await md5(join(single, f)));
    } finally {
      await stopWorkers(ws);
    }
  });
});

describe('lineups and the results directory with slatesim workers', () => {
  it('sim --lineups with 2 workers writes the single-process lineup files', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const dir = await tempDir('dist-lineups');
    const file = await lineupsFile(SLATE, dir, 5);
    const args = ['sim', '--inputs', SLATE, '--lineups', file.path, '--worlds', '3000', '--chunk', '512', '--seed', '3', '--run', 'lu'];
    const single = join(dir, 'single');
    const a = await slatesim(...args, '--backend', 'cpu', '--out', single);
    expect(a.code, a.stderr).toBe(0);
    const ws = [0, 1].map(() => startWorker(redis!.url));
    try {
      const out = join(dir, 'dist');
      const b = await slatesim(...args, '--redis', redis.url, '--shard-worlds', '1024', '--out', out);
      expect(b.code, b.stderr).toBe(0);
      const want = await runFiles(single);
      expect(Object.keys(want).sort()).toEqual([
        'lineups.csv',
        'lineups.parquet',
        'lineups_set.json',
        'projections.csv',
        'projections.parquet',
      ]);
      expect(await runFiles(out)).toEqual(want);
      const m = await metrics(out);
      // a lineup shard is a range of worlds of every game: 3000 worlds in shards of 1024
      expect(m.shards).toBe(3);
      expect(ws.filter((w) => /done \S+ s:w/.test(w.log())).length, 'workers that ran lineup shards').toBeGreaterThan(0);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('--results-dir: the partials go through the shared folder, same bytes, the folder left empty', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const shared = await tempDir('dist-results');
    const ws = [0, 1].map(() => startWorker(redis!.url, ['--results-dir', shared]));
    try {
      const out = await tempDir('dist-results-out');
      const r = await slatesim('sim', ...WORLDS, ...SHARDS, '--redis', redis.url, '--results-dir', shared, '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(await outputs(out)).toEqual(reference);
      const m = await metrics(out);
      expect(m.results_dir_files).toBe(30);
      expect(m.result_bytes).toBeGreaterThan(0);
      expect(await readdir(shared), 'the run removes its folder of results').toEqual([]);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('a worker whose --results-dir is not the shared folder: one line naming the file, nothing written', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    const shared = await tempDir('dist-results-coord');
    const elsewhere = await tempDir('dist-results-worker');
    const ws = [startWorker(redis.url, ['--results-dir', elsewhere])];
    try {
      const out = await tempDir('dist-results-bad');
      const r = await slatesim('sim', ...WORLDS, ...SHARDS, '--redis', redis.url, '--results-dir', shared, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(
        new RegExp(
          `^slatesim: shard g\\d+:w\\d+-\\d+: its result file [0-9a-f-]{36}/[0-9a-f]{64}\\.bin is not in --results-dir ${shared} \\(ENOENT\\): it must be one folder shared by the coordinator and every worker$`,
        ),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(await filesBelow(out)).toEqual([]);
    } finally {
      await stopWorkers(ws);
    }
  });
});

describe('GPU workers', () => {
  // an adapter, or (off CI only) the reason there is none: the tests then skip saying why
  let noGpu: string | undefined;
  beforeAll(async () => {
    const got = await gpuForTests();
    got.ctx?.device.destroy();
    noGpu = got.ctx === undefined ? `${got.reason}; CI requires one` : undefined;
  });
  const GPU_WORLDS = ['--worlds', '1000', '--seed', '5', '--backend', 'gpu'];
  const gpuWorker = (url: string, extra: string[] = []): TestWorker => startWorker(url, ['--backend', 'gpu', ...extra]);

  it('2 GPU workers give the bytes of a single-process --backend gpu run, saved worlds included', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    if (noGpu !== undefined) return t.skip(noGpu);
    const single = await tempDir('gpu-single');
    const a = await slatesim('sim', ...GPU_WORLDS, '--save-worlds', '--out', single);
    expect(a.code, a.stderr).toBe(0);
    const ws = [0, 1].map(() => gpuWorker(redis!.url));
    try {
      const out = await tempDir('gpu-dist');
      // shards of 350: GPU shards need not fall on chunk boundaries
      const r = await slatesim('sim', ...GPU_WORLDS, '--save-worlds', '--redis', redis.url, '--shard-worlds', '350', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      const want = await runFiles(single);
      expect(Object.keys(want).sort()).toEqual(['projections.csv', 'projections.parquet', 'team_worlds.parquet', 'worlds.parquet']);
      expect(await runFiles(out)).toEqual(want);
      const m = await metrics(out);
      expect(m.backend).toBe('gpu');
      expect(m.redis_queue).toMatch(/^slatesim-gpu-v/);
      expect(m.shards).toBe(30);
      expect(ws.filter((w) => /done \S+ g\d+:w/.test(w.log())).length, 'workers that ran shards').toBe(2);
      expect(ws.every((w) => /done \S+ anchor g\d+/.test(w.log()) || /done \S+ g\d+:w/.test(w.log()))).toBe(true);
    } finally {
      await stopWorkers(ws);
    }
  });

  it('a GPU worker SIGKILLed mid-shard: its shard is taken over, same bytes', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    if (noGpu !== undefined) return t.skip(noGpu);
    const args = ['--worlds', '6000', '--seed', '5', '--backend', 'gpu'];
    const single = await tempDir('gpu-kill-single');
    const a = await slatesim('sim', ...args, '--out', single);
    expect(a.code, a.stderr).toBe(0);
    const ws = [0, 1].map(() => gpuWorker(redis!.url));
    const victim = ws[0]!;
    try {
      // killed the moment its first shard starts (an anchor pilot before it is not a shard)
      const killed = victim.signalOn(/start \S+ g\d+:w/, 'SIGKILL');
      const out = await tempDir('gpu-kill');
      const r = await slatesim('sim', ...args, '--redis', redis.url, '--shard-worlds', '3000', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      await killed;
      expect(victim.proc.signalCode).toBe('SIGKILL');
      const started = [...victim.log().matchAll(/start \S+ (g\d+:w\S+)/g)].map((m) => m[1]);
      const finished = [...victim.log().matchAll(/done \S+ (g\d+:w\S+)/g)].map((m) => m[1]);
      const lost = started.filter((x) => !finished.includes(x));
      expect(lost.length, 'shards the victim started and never finished').toBe(1);
      expect(ws[1]!.log()).toContain(`done`);
      for (const x of lost) expect(ws[1]!.log()).toMatch(new RegExp(`done \\S+ ${x} `));
      expect(await runFiles(out)).toEqual(await runFiles(single));
    } finally {
      await stopWorkers(ws);
    }
  });

  it('backtest --redis --backend gpu with 2 GPU workers writes the single-process --backend gpu report', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    if (noGpu !== undefined) return t.skip(noGpu);
    const args = ['backtest', '--lake', 'public/data/lake', '--start-date', '2024-01-30', '--end-date', '2024-01-31'];
    const gpuArgs = [...args, '--worlds', '300', '--backend', 'gpu'];
    const single = await tempDir('gpu-bt-single');
    const dist = await tempDir('gpu-bt-dist');
    const ws = [0, 1].map(() => gpuWorker(redis!.url));
    try {
      const a = await slatesim(...gpuArgs, '--json', join(single, 'bt.json'));
      expect(a.code, a.stderr).toBe(0);
      const b = await slatesim(...gpuArgs, '--redis', redis.url, '--shard-worlds', '128', '--json', join(dist, 'bt.json'));
      expect(b.code, b.stderr).toBe(0);
      const names = await filesBelow(single);
      expect(await filesBelow(dist)).toEqual(names);
      for (const f of names) expect(await md5(join(dist, f)), f).toBe(await md5(join(single, f)));
    } finally {
      await stopWorkers(ws);
    }
  });

  it('GPU workers score lineups through --results-dir: the single-process --backend gpu lineup files', async (t) => {
    if (redis === undefined) return t.skip(server.reason);
    if (noGpu !== undefined) return t.skip(noGpu);
    const dir = await tempDir('gpu-lineups');
    const file = await lineupsFile(SLATE, dir, 5);
    const args = ['sim', '--inputs', SLATE, '--lineups', file.path, ...GPU_WORLDS, '--run', 'lu'];
    const single = join(dir, 'single');
    const a = await slatesim(...args, '--out', single);
    expect(a.code, a.stderr).toBe(0);
    const shared = await tempDir('gpu-lineups-results');
    const ws = [0, 1].map(() => gpuWorker(redis!.url, ['--results-dir', shared]));
    try {
      const out = join(dir, 'dist');
      const b = await slatesim(...args, '--redis', redis.url, '--shard-worlds', '350', '--results-dir', shared, '--out', out);
      expect(b.code, b.stderr).toBe(0);
      const want = await runFiles(single);
      expect(Object.keys(want).sort()).toEqual([
        'lineups.csv',
        'lineups.parquet',
        'lineups_set.json',
        'projections.csv',
        'projections.parquet',
      ]);
      expect(await runFiles(out)).toEqual(want);
      const m = await metrics(out);
      expect(m.shards).toBe(3);
      expect(m.results_dir_files).toBe(3);
      expect(await readdir(shared)).toEqual([]);
    } finally {
      await stopWorkers(ws);
    }
  });
});

describe('bad Redis URLs', () => {
  it('an unreachable --redis is one line naming the URL, exit 2, nothing written', async () => {
    const out = await tempDir('dist-unreachable');
    const url = 'redis://127.0.0.1:1';
    const r = await slatesim('sim', '--worlds', '100', '--redis', url, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`slatesim: --redis ${url}: cannot reach Redis (ECONNREFUSED)`);
    expect(await filesBelow(out)).toEqual([]);
    const w = await slatesim('worker', '--redis', url, '--backend', 'cpu');
    expect(w.code).toBe(2);
    expect(w.stderr.trim()).toBe(`slatesim: --redis ${url}: cannot reach Redis (ECONNREFUSED)`);
  });

  it('flags that need --redis or do not go with it are one line each, before any work', async () => {
    const dir = await tempDir('dist-flags');
    const out = join(dir, 'out');
    const cases: [string[], string][] = [
      [['--results-dir', dir], 'slatesim: --results-dir needs --redis URL'],
      [
        [
          '--inputs',
          SLATE,
          '--lineups',
          join(dir, 'l.csv'),
          '--payouts',
          join(dir, 'p.csv'),
          '--entries',
          '10',
          '--redis',
          'redis://127.0.0.1:1',
        ],
        "slatesim: --payouts with --redis: a contest ranks every world's lineup scores in one process, and the workers send back counts; run it without --redis",
      ],
      [
        ['--redis', 'redis://127.0.0.1:1', '--results-dir', join(dir, 'none')],
        `slatesim: --results-dir ${join(dir, 'none')}: no such folder (it must be the shared folder, made beforehand)`,
      ],
    ];
    for (const [args, line] of cases) {
      const r = await slatesim('sim', '--worlds', '100', ...args, '--out', out);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe(line);
    }
    const w = await slatesim('worker', '--redis', 'redis://127.0.0.1:1', '--results-dir', join(dir, 'none'));
    expect(w.code).toBe(2);
    expect(w.stderr.trim()).toBe(
      `slatesim: --results-dir ${join(dir, 'none')}: no such folder (it must be the shared folder, made beforehand)`,
    );
    expect(await filesBelow(out)).toEqual([]);
  });
});

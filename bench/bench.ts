// `slatesim bench`: the engine's throughput on a real slate, CPU (one worker and all workers) against WebGPU
// (the adapter present), measured in one run so the ratios are fair. Each configuration runs in its own child
// process (a warm-up, then repetitions; the median is reported) so its peak memory is its own. The timed work
// is the whole pipeline of `slatesim sim` for the slate: the Vegas pilot, minutes, totals, shares and
// allocation, stat lines, scoring and the reduction to per-player sums and histograms; not the slate loading
// or the file writing. A per-kernel breakdown follows: CPU kernels timed on one thread, GPU kernels by
// timestamp queries when the adapter offers them.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd have two entries per game and h < nGames; the timing tables get a key for every bench and
   column before these loops add to them. */

import { spawn } from 'node:child_process';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../src/data/errors.ts';
import type { Lake } from '../src/data/lake.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { quantile } from '../src/models/linear.ts';
import { frameRows } from '../src/data/schema.ts';
import { RATES_TRAINING_BASE } from '../src/data/tables.ts';
import type { ShareModel } from '../src/shares/model.ts';
import { CounterRng } from '../engine/rng.ts';
import { newBatch } from '../engine/kernels/kernels.ts';
import { GPU_PIPELINE, STAGES, stageSpec, type StageName } from '../engine/kernels/stages.ts';
import { newAccumulator } from '../engine/cpu/simulate.ts';
import { CPU_CHUNK, gpuBackend } from '../engine/core/backend.ts';
import { cpuBackend } from '../engine/core/cpu-workers.ts';
import { simulate } from '../engine/core/simulate.ts';
import type { Profile } from '../engine/profile.ts';
import { SLATE_COLUMNS, slateFromRows, type Slate } from '../engine/slate.ts';
import { describeAdapter, requestGpuDevice } from '../engine/gpu/device.ts';
import { GpuGame } from '../engine/gpu/game.ts';
import { plotThroughput } from './plot.ts';
import { lineupTable, type LineupSlot, type LineupTable } from '../engine/kernels/lineups/lineups.ts';
import type { BenchBackend, BenchResult, ChildConfig, Scope } from './types.ts';

export type { BenchBackend, BenchResult, ChildConfig, Scope } from './types.ts';

/** The slate (every game) or its largest game, from gold rates_training_base. */
export async function benchSlate(lake: Lake, date: string, scope: Scope, shareModel?: ShareModel): Promise<Slate> {
  const rows = frameRows(await lake.read(RATES_TRAINING_BASE, { startDate: date, endDate: date }, { columns: [...SLATE_COLUMNS] }));
  if (rows.length === 0) throw new UserError(`--date ${date}: no available players in gold/rates_training_base for that date`);
  const full = slateFromRows(date, rows, new Set(), shareModel);
  if (scope === 'slate') return full;
  let best = 0;
  for (let g = 1; g < full.nGames; g++) {
    const size = (h: number): number => full.playerEnd[2 * h + 1]! - full.playerStart[2 * h]!;
    if (size(g) > size(best)) best = g;
  }
  return slateFromRows(
    date,
    rows.filter((r) => r.game_id === full.gameId[best]),
    new Set(),
    shareModel,
  );
}

/** One configuration, in this process: a warm-up run, then `reps` timed runs. */
export async function runChild(cfg: ChildConfig, lake: Lake): Promise<BenchResult> {
  const slate = await benchSlate(lake, cfg.date, cfg.scope, cfg.shareModel);
  const workers = cfg.backend === 'cpu1' ? 1 : availableParallelism();
  let device: GPUDevice | undefined;
  let adapter: string | null = null;
  if (cfg.backend === 'gpu') {
    const ctx = await requestGpuDevice();
    device = ctx.device;
    adapter = describeAdapter(ctx.adapter);
  }
  const backend =
    device !== undefined
      ? gpuBackend(device, { adapter: adapter ?? '', ...(cfg.gpuDispatch !== undefined ? { dispatch: cfg.gpuDispatch } : {}) })
      : cpuBackend({ workers, chunk: CPU_CHUNK });
  let dispatch: string | undefined;
  let retried = 0;
  const lineups = cfg.lineups !== undefined ? { table: benchLineups(slate, cfg.lineups) } : undefined;
  const once = async (worlds: number): Promise<number> => {
    const t0 = performance.now();
    const r = await simulate(slate, cfg.profile, backend, { seed: cfg.seed, worlds, ...(lineups !== undefined ? { lineups } : {}) });
    retried += (r.backendMetrics.gpu_chunks_retried_on_cpu as number | undefined) ?? 0;
    dispatch = r.backendMetrics.gpu_dispatch as string | undefined;
    return (performance.now() - t0) / 1000;
  };
  await once(Math.min(cfg.worlds, 1000)); // warm-up: pipelines compiled, workers started, JIT warm
  const seconds: number[] = [];
  for (let r = 0; r < cfg.reps; r++) seconds.push(await once(cfg.worlds));
  device?.destroy();
  const med = quantile(seconds, 0.5);
  return {
    backend: cfg.backend === 'gpu' ? 'gpu' : 'cpu',
    workers: cfg.backend === 'gpu' ? null : workers,
    adapter,
    scope: cfg.scope,
    players: slate.nPlayers,
    worlds: cfg.worlds,
    reps: cfg.reps,
    seconds: med,
    seconds_all: seconds,
    player_worlds_per_s: (slate.nPlayers * cfg.worlds) / med,
    // maxRSS is in KB; the process's peak, workers included
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    ...(cfg.backend === 'gpu' ? { gpu_chunks_retried_on_cpu: retried, ...(dispatch !== undefined ? { gpu_dispatch: dispatch } : {}) } : {}),
    ...(cfg.lineups !== undefined ? { lineups: cfg.lineups } : {}),
  };
}

/** n lineups of 8 distinct slate players from at least two games, by a fixed rule (the bench's workload). */
export function benchLineups(slate: Slate, n: number): LineupTable {
  const lineups: LineupSlot[][] = [];
  for (let l = 0; l < n; l++) {
    const picked = new Set<number>();
    for (let k = 0; picked.size < 8; k++) picked.add((l * 7919 + k * 104729 + ((l * k) % 13)) % slate.nPlayers);
    lineups.push([...picked].map((player) => ({ player, weight: 1 })));
  }
  return lineupTable(slate, lineups, 4);
}

/** Runs one configuration in a child process (`slatesim bench-child`), so peak memory is measured alone. */
function inChild(binPath: string, cfg: ChildConfig): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, 'bench-child'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        const why = err
          .split('\n')
          .filter((l) => l.trim() !== '' && !l.startsWith('Warning: maxDynamic'))
          .slice(-3)
          .join(' | ');
        reject(new UserError(`bench ${cfg.backend} ${cfg.scope} ${cfg.worlds} worlds failed (exit ${code}): ${why}`));
        return;
      }
      resolve(JSON.parse(line) as BenchResult);
    });
    child.stdin.end(JSON.stringify(cfg));
  });
}

/**
 * Per-kernel time on one CPU thread for `worlds` worlds of the slate (ms), one column per CPU twin of the stage
 * list (engine/kernels/stages.ts), in its order.
 */
export function cpuKernelBreakdown(s: Slate, prof: Profile, worlds: number, seed: number): Record<string, number> {
  const t: Record<string, number> = Object.fromEntries(STAGES.flatMap((st) => st.cpu.map((c) => [c.bench, 0])));
  const rng = new CounterRng(seed);
  const anchor = new Float64Array(s.nTeams).fill(1);
  for (let g = 0; g < s.nGames; g++) {
    const b0 = newBatch(s, g, 0);
    const acc = newAccumulator(g, b0.nP, new Float64Array([1, 1]));
    for (let done = 0; done < worlds; done += CPU_CHUNK) {
      const b = newBatch(s, g, Math.min(CPU_CHUNK, worlds - done));
      const k = { s, prof, rng, b, world0: done, anchor, acc };
      for (const st of STAGES) {
        for (const c of st.cpu) {
          const t0 = performance.now();
          c.run(k);
          t[c.bench] = t[c.bench]! + performance.now() - t0;
        }
      }
    }
  }
  return t;
}

/**
 * Per-kernel device time (ms) for `worlds` worlds of the slate, summed over games, one column per stage of the
 * device pipeline (engine/kernels/stages.ts); undefined without timestamps.
 */
export async function gpuKernelBreakdown(
  s: Slate,
  prof: Profile,
  worlds: number,
  seed: number,
): Promise<{ adapter: string; ms: Record<string, number> } | undefined> {
  const ctx = await requestGpuDevice();
  try {
    const ms: Record<string, number> = Object.fromEntries(GPU_PIPELINE.map((name) => [stageSpec(name).gpuBench, 0]));
    for (let g = 0; g < s.nGames; g++) {
      const game = await GpuGame.create(ctx.device, s, prof, seed, g, worlds);
      try {
        await game.timeStages(0, worlds, [1, 1], GPU_PIPELINE); // warm-up
        const t = await game.timeStages(0, worlds, [1, 1], GPU_PIPELINE);
        if (t === undefined) return undefined;
        for (const [st, v] of Object.entries(t)) {
          const col = stageSpec(st as StageName).gpuBench;
          ms[col] = ms[col]! + v;
        }
      } finally {
        game.destroy();
      }
    }
    return { adapter: describeAdapter(ctx.adapter), ms };
  } finally {
    ctx.device.destroy();
  }
}

export interface BenchOptions {
  lake: Lake;
  lakeDir: string;
  date: string;
  profile: Profile;
  profileName: string;
  shareModel?: ShareModel;
  worlds: number[];
  backends: ('cpu' | 'gpu')[];
  reps: number;
  seed: number;
  json: string;
  binPath: string;
  scopes: Scope[];
  /** lineup counts to score at every worlds size on the full slate (none: no lineup bench) */
  lineups?: number[];
  /** WebGPU: games per dispatch (default: the adapter's) */
  gpuDispatch?: 'slate' | 'game';
  log: (line: string) => void;
}

export async function runBench(o: BenchOptions): Promise<Record<string, unknown>> {
  const configs: { backend: BenchBackend; scope: Scope; worlds: number; lineups?: number }[] = [];
  const cpuBackends: BenchBackend[] = availableParallelism() > 1 ? ['cpu1', 'cpu'] : ['cpu1'];
  for (const scope of o.scopes) {
    for (const worlds of o.worlds) {
      if (o.backends.includes('cpu')) for (const b of cpuBackends) configs.push({ backend: b, scope, worlds });
      if (o.backends.includes('gpu')) configs.push({ backend: 'gpu', scope, worlds });
    }
  }
  // Lineups: on the full slate, against the same run without them (the CPU scores them in one thread).
  for (const lineups of o.lineups ?? [])
    for (const worlds of o.worlds) {
      if (o.backends.includes('cpu')) configs.push({ backend: 'cpu1', scope: 'slate', worlds, lineups });
      if (o.backends.includes('gpu')) configs.push({ backend: 'gpu', scope: 'slate', worlds, lineups });
    }
  if ((o.lineups ?? []).length > 0 && !o.scopes.includes('slate'))
    for (const worlds of o.worlds) {
      if (o.backends.includes('cpu')) configs.push({ backend: 'cpu1', scope: 'slate', worlds });
      if (o.backends.includes('gpu')) configs.push({ backend: 'gpu', scope: 'slate', worlds });
    }
  const results: BenchResult[] = [];
  for (const [k, c] of configs.entries()) {
    const label = `${c.backend === 'cpu1' ? 'cpu x1' : c.backend === 'cpu' ? `cpu x${availableParallelism()}` : 'gpu'} ${c.scope} ${c.worlds} worlds${c.lineups !== undefined ? ` + ${c.lineups} lineups` : ''}`;
    o.log(`bench [${k + 1}/${configs.length}] ${label} (warm-up + ${o.reps} reps)`);
    const cfg: ChildConfig = {
      lake: o.lakeDir,
      date: o.date,
      profile: o.profile,
      scope: c.scope,
      backend: c.backend,
      worlds: c.worlds,
      reps: o.reps,
      seed: o.seed,
      ...(o.shareModel !== undefined ? { shareModel: o.shareModel } : {}),
      ...(c.lineups !== undefined ? { lineups: c.lineups } : {}),
      ...(c.backend === 'gpu' && o.gpuDispatch !== undefined ? { gpuDispatch: o.gpuDispatch } : {}),
    };
    const r = await inChild(o.binPath, cfg);
    o.log(
      `  ${(r.player_worlds_per_s / 1e6).toFixed(2)}M player-worlds/s, median ${r.seconds.toFixed(2)} s, peak RSS ${r.peak_rss_mb.toFixed(0)} MB`,
    );
    results.push(r);
  }
  // Lineups against the same backend, slate and worlds without them, this run.
  for (const r of results) {
    if (r.lineups === undefined) continue;
    const base = results.find(
      (x) => x.lineups === undefined && x.backend === r.backend && x.workers === r.workers && x.scope === r.scope && x.worlds === r.worlds,
    );
    if (base === undefined) continue;
    r.lineup_overhead = r.seconds / base.seconds - 1;
    // no rate when the lineups cost less than the runs' own spread (the difference is noise)
    if (r.seconds > base.seconds) r.lineup_worlds_per_s = (r.lineups * r.worlds) / (r.seconds - base.seconds);
  }
  // The GPU against the CPU with all workers, the same slate and worlds, this run.
  const ratios = results
    .filter((r) => r.backend === 'gpu' && r.lineups === undefined)
    .map((g) => {
      const cpu = results.find(
        (r) =>
          r.backend === 'cpu' &&
          r.lineups === undefined &&
          r.workers === Math.max(...results.filter((x) => x.backend === 'cpu').map((x) => x.workers ?? 0)) &&
          r.scope === g.scope &&
          r.worlds === g.worlds,
      );
      return { scope: g.scope, worlds: g.worlds, gpu_over_cpu: cpu === undefined ? null : g.player_worlds_per_s / cpu.player_worlds_per_s };
    });
  const largest = Math.max(...o.worlds);
  const slate = await benchSlate(o.lake, o.date, 'slate', o.shareModel);
  o.log(`bench: per-kernel breakdown at ${Math.min(largest, 20000)} worlds`);
  const breakdownWorlds = Math.min(largest, 20000);
  const kernels: Record<string, unknown> = {
    worlds: breakdownWorlds,
    scope: 'slate',
    cpu_single_thread_ms: cpuKernelBreakdown(slate, o.profile, breakdownWorlds, o.seed),
  };
  if (o.backends.includes('gpu')) {
    const g = await gpuKernelBreakdown(slate, o.profile, Math.min(breakdownWorlds, 65536), o.seed);
    kernels.gpu_device_ms = g?.ms ?? null;
    kernels.gpu_timing = g === undefined ? 'no timestamp-query on this adapter' : 'timestamp queries, one compute pass per kernel';
  }
  const c0 = cpus()[0];
  const report = {
    machine: {
      cpu: c0?.model ?? 'unknown',
      cores: availableParallelism(),
      memory_gb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    slate: { players: slate.nPlayers, teams: slate.nTeams, games: slate.nGames, date: o.date, profile: o.profileName },
    results,
    ratios,
    kernels,
    targets: targetsOf(results, largest),
  };
  const mdPath = o.json.replace(/\.json$/i, '') + '.md';
  const svgPath = o.json.replace(/\.json$/i, '') + '.svg';
  const store = new NodeFileStore(dirname(resolve(o.json)));
  const text = (t: string): Uint8Array => new TextEncoder().encode(t);
  await store.writeFileAtomic(basename(o.json), text(`${JSON.stringify(report, null, 2)}\n`));
  await store.writeFileAtomic(basename(mdPath), text(markdown(report)));
  await store.writeFileAtomic(basename(svgPath), text(plotThroughput(results.filter((r) => r.lineups === undefined))));
  o.log(`wrote ${o.json}, ${mdPath}, ${svgPath}`);
  return report;
}

function targetsOf(results: BenchResult[], worlds: number): Record<string, unknown> {
  const at = (backend: 'cpu' | 'gpu', w: number, many: boolean): BenchResult | undefined =>
    results.find(
      (r) =>
        r.scope === 'slate' &&
        r.lineups === undefined &&
        r.backend === backend &&
        r.worlds === w &&
        (backend === 'gpu' || (many ? (r.workers ?? 0) > 1 || availableParallelism() === 1 : r.workers === 1)),
    );
  const cpu = at('cpu', worlds, true);
  const gpu = at('gpu', worlds, true);
  const perWorld = (b: 'cpu' | 'gpu'): number | null => {
    const lo = at(b, 10000, true);
    const hi = at(b, 100000, true);
    return lo === undefined || hi === undefined ? null : hi.player_worlds_per_s / lo.player_worlds_per_s;
  };
  return {
    worlds,
    cpu_all_workers_player_worlds_per_s: cpu?.player_worlds_per_s ?? null,
    cpu_target: 10e6,
    cpu_met: cpu === undefined ? null : cpu.player_worlds_per_s >= 10e6,
    gpu_player_worlds_per_s: gpu?.player_worlds_per_s ?? null,
    gpu_target: 20e6,
    gpu_met: gpu === undefined ? null : gpu.player_worlds_per_s >= 20e6,
    gpu_faster_than_cpu: cpu === undefined || gpu === undefined ? null : gpu.player_worlds_per_s > cpu.player_worlds_per_s,
    peak_rss_mb_max: Math.max(...results.filter((r) => r.worlds === worlds).map((r) => r.peak_rss_mb)),
    peak_rss_target_mb: 2048,
    throughput_100k_over_10k: { cpu: perWorld('cpu'), gpu: perWorld('gpu') },
  };
}

function markdown(r: {
  machine: Record<string, unknown>;
  slate: Record<string, unknown>;
  results: BenchResult[];
  ratios: { scope: string; worlds: number; gpu_over_cpu: number | null }[];
  kernels: Record<string, unknown>;
}): string {
  const m = r.machine;
  const lines = [
    `# slatesim bench`,
    '',
    `Machine: ${String(m.cpu)}, ${String(m.cores)} cores, ${String(m.memory_gb)} GB, Node ${String(m.node)}. Slate ${String(r.slate.date)}: ${String(r.slate.games)} games, ${String(r.slate.players)} players, profile ${String(r.slate.profile)}.`,
    '',
    '| backend | scope | players | worlds | median s | player-worlds/s | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...r.results
      .filter((x) => x.lineups === undefined)
      .map(
        (x) =>
          `| ${x.backend === 'gpu' ? 'gpu' : `cpu x${String(x.workers)}`} | ${x.scope} | ${x.players} | ${x.worlds} | ${x.seconds.toFixed(3)} | ${(x.player_worlds_per_s / 1e6).toFixed(2)}M | ${x.peak_rss_mb.toFixed(0)} |`,
      ),
    '',
    ...(r.results.some((x) => x.lineups !== undefined)
      ? [
          'Lineups scored in every world (full slate), against the same run without them:',
          '',
          '| backend | lineups | worlds | median s | lineup-worlds/s | added time | peak RSS MB |',
          '|---|---:|---:|---:|---:|---:|---:|',
          ...r.results
            .filter((x) => x.lineups !== undefined)
            .map(
              (x) =>
                `| ${x.backend === 'gpu' ? 'gpu' : `cpu x${String(x.workers)}`} | ${String(x.lineups)} | ${x.worlds} | ${x.seconds.toFixed(3)} | ${x.lineup_worlds_per_s === undefined ? '—' : `${(x.lineup_worlds_per_s / 1e6).toFixed(1)}M`} | ${x.lineup_overhead === undefined ? '—' : `${(100 * x.lineup_overhead).toFixed(0)}%`} | ${x.peak_rss_mb.toFixed(0)} |`,
            ),
          '',
        ]
      : []),
    ...(r.ratios.length > 0
      ? [
          '| scope | worlds | GPU / CPU (all workers) |',
          '|---|---:|---:|',
          ...r.ratios.map((x) => `| ${x.scope} | ${x.worlds} | ${x.gpu_over_cpu === null ? '—' : x.gpu_over_cpu.toFixed(2)} |`),
          '',
        ]
      : []),
    `Adapter: ${r.results.find((x) => x.adapter !== null)?.adapter ?? 'none'}`,
    '',
    `Per-kernel time (${String(r.kernels.worlds)} worlds, full slate):`,
    '',
    '| kernel | CPU one thread ms | GPU device ms |',
    '|---|---:|---:|',
    ...kernelRows(r.kernels),
    '',
  ];
  return lines.join('\n');
}

function kernelRows(k: Record<string, unknown>): string[] {
  const cpu = (k.cpu_single_thread_ms ?? {}) as Record<string, number>;
  const gpu = (k.gpu_device_ms ?? {}) as Record<string, number>;
  const rows: [string, number | undefined, number | undefined][] = [
    ['minutes + team totals', (cpu.minutes ?? 0) + (cpu.team_totals ?? 0), gpu.minutes_and_team_totals],
    ['shares + allocation', cpu.shares_allocation, gpu.shares_allocation],
    ['stat line + scoring', (cpu.stat_line ?? 0) + (cpu.scoring ?? 0), gpu.stat_line_and_scoring],
    ['reduction', cpu.reduction, gpu.reduction],
  ];
  return rows.map(([name, c, g]) => `| ${name} | ${c === undefined ? '—' : c.toFixed(0)} | ${g === undefined ? '—' : g.toFixed(0)} |`);
}

// The device-resident WebGPU engine: the reduction kernel against reduceBatch, independent counts (shares
// off) against the CPU, results independent of the chunk size (to the bit), a million worlds of one game in
// bounded memory, and a device lost mid-run (its chunks rerun on the CPU, no world lost). In CI a missing
// adapter fails.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { beforeAll, describe, expect, it } from 'vitest';
import { requestGpuDevice } from '../engine/gpu/device.ts';
import { GpuGame, addChunkSums, gpuChunkWorlds, runStagesOnBatch } from '../engine/gpu/game.ts';
import { gameRanges, runGpu } from '../engine/gpu/simulate-gpu.ts';
import { shaderWarnings } from '../engine/gpu/runner.ts';
import { PACE_FRACTION, paceSleepMs } from '../engine/gpu/readback.ts';
import { CounterRng } from '../engine/rng.ts';
import { newBatch, runKernels } from '../engine/kernels/kernels.ts';
import { newAccumulator, reduceBatch, simulateGame, type GameAccumulator } from '../engine/cpu/simulate.ts';
import { loadProfile, type Profile } from '../engine/profile.ts';
import { SLATE_COLUMNS, loadSlate, slateFromRows, type Slate } from '../engine/slate.ts';
import { frameRows } from '../src/data/schema.ts';
import { RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { EMBEDDED_LAKE, useGpuDevice } from './helpers.ts';

const webgpu = useGpuDevice();
let slate: Slate;
let shares: Profile;
beforeAll(async () => {
  await initParquetNode();
  slate = await loadSlate(new Lake(new NodeFileStore(EMBEDDED_LAKE)), '2024-01-31');
  shares = await loadProfile('usage_shares_v1');
});

const device = (): GPUDevice => webgpu.ctx!.device;

/** Every array and count of two accumulators, compared exactly (minutes sums to float error). */
function expectSameAccumulator(a: GameAccumulator, b: GameAccumulator, minutesTolerance = 0): void {
  expect(a.worlds).toBe(b.worlds);
  for (const k of [
    'dkSum',
    'dkSumSq',
    'dkHist',
    'statSum',
    'activeCount',
    'doubleDouble',
    'tripleDouble',
    'teamPtsSum',
    'teamPtsSumSq',
    'fgaHist',
    'teamTotalHist',
  ] as const) {
    expect(Array.from(a[k]), k).toEqual(Array.from(b[k]));
  }
  for (const k of ['conservationViolations', 'minutesViolations', 'fallbacks', 'overtimeWorlds'] as const) expect(a[k], k).toBe(b[k]);
  a.minSum.forEach((v, j) => expect(Math.abs(v - b.minSum[j]!), 'minSum').toBeLessThanOrEqual(minutesTolerance));
}

describe('paced readbacks', () => {
  it('sleep a fraction of the last wait of their kind, scaled down with less work but never up, and poll from the start when first or short', () => {
    const last = { waitedMs: 100, work: 1000 };
    expect(paceSleepMs(undefined, 1000)).toBe(0);
    expect(paceSleepMs(last, 1000)).toBeCloseTo(PACE_FRACTION * 100, 12);
    expect(paceSleepMs(last, 500)).toBeCloseTo(PACE_FRACTION * 50, 12);
    // a warm-up's small, latency-bound readback must not make a large one oversleep
    expect(paceSleepMs(last, 1_000_000)).toBeCloseTo(PACE_FRACTION * 100, 12);
    expect(paceSleepMs({ waitedMs: 2, work: 1000 }, 1000)).toBe(0);
    expect(paceSleepMs({ waitedMs: 100, work: 0 }, 1000)).toBe(0);
    // done before the sleep ended: the wait measured is the sleep, and the sleeps shrink until polling has work
    let wait = { waitedMs: 400, work: 1000 };
    const device = 40;
    for (let k = 0; k < 12; k++) {
      const sleep = paceSleepMs(wait, 1000);
      expect(sleep).toBeLessThanOrEqual(wait.waitedMs);
      wait = { waitedMs: Math.max(sleep, device), work: 1000 };
    }
    expect(wait.waitedMs).toBeLessThan(device / PACE_FRACTION + 1e-9);
    expect(paceSleepMs(wait, 1000)).toBeLessThanOrEqual(device);
  });
});

describe('the reduction kernel on WebGPU against reduceBatch', () => {
  it('gives the same integer sums and histograms from the same worlds, over partial blocks', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const W = 3001; // not a multiple of the kernel's 256-world block
    for (let g = 0; g < 3; g++) {
      const b = newBatch(slate, g, W);
      runKernels(slate, shares, new CounterRng(9), b, 0, new Float64Array(slate.nTeams).fill(1));
      const cpu = newAccumulator(g, b.nP, new Float64Array([1, 1]));
      reduceBatch(cpu, b);
      // The device holds minutes in f32: the CPU's bins of the same f32 minutes compare exactly.
      const b32 = { ...b, minutes: Float64Array.from(Float32Array.from(b.minutes)) };
      const cpu32 = newAccumulator(g, b.nP, new Float64Array([1, 1]));
      reduceBatch(cpu32, b32);
      const game = await GpuGame.create(device(), slate, shares, 9, g, W);
      try {
        game.uploadBatch(b);
        await game.run(0, W, [1, 1], ['reduce']);
        const gpu = newAccumulator(g, b.nP, new Float64Array([1, 1]));
        addChunkSums(gpu, await game.readSums(W));
        gpu.fallbacks = cpu.fallbacks; // counted by the allocation kernel, not the reduction
        // minutes to 1/65536 per world (fixed point) plus f32 rounding
        expectSameAccumulator(gpu, cpu, W * 1e-4);
        expect(Array.from(gpu.minHist)).toEqual(Array.from(cpu32.minHist));
        expect(cpu.conservationViolations).toBe(0);
      } finally {
        game.destroy();
      }
    }
  });
});

describe('independent counts (shares off) on WebGPU against the CPU path', () => {
  it('draws the same per-player counts and makes team totals their sums', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const baseline = await loadProfile('baseline');
    expect(baseline.usage_shares.enabled).toBe(false);
    const W = 2048;
    let counts = 0;
    let differ = 0;
    let unconserved = 0;
    for (let g = 0; g < slate.nGames; g++) {
      const anchor: [number, number] = [1.03, 0.97];
      const full = new Float64Array(slate.nTeams).fill(1);
      full[2 * g] = anchor[0];
      full[2 * g + 1] = anchor[1];
      const b = newBatch(slate, g, W);
      runKernels(slate, baseline, new CounterRng(12), b, 0, full);
      const gpu = newBatch(slate, g, W);
      await runStagesOnBatch(device(), slate, baseline, 12, b, 0, anchor, ['allocation'], { fromBatch: true, out: gpu });
      for (let w = 0; w < W; w++) {
        for (let team = 0; team < 2; team++) {
          const lo = team === 0 ? 0 : b.nHome;
          const hi = team === 0 ? b.nHome : b.nP;
          for (let k = 0; k < 3; k++) {
            let sum = 0;
            for (let j = lo; j < hi; j++) {
              const x = (w * b.nP + j) * 3 + k;
              counts++;
              if (gpu.counts[x] !== b.counts[x]) differ++;
              sum += gpu.counts[x]!;
            }
            if (sum !== gpu.totals[(w * 2 + team) * 3 + k]) unconserved++;
          }
        }
      }
    }
    console.log(
      `independent counts WGSL vs CPU: ${differ} of ${counts} player counts differ (${((1e4 * differ) / counts).toFixed(2)} per 10,000)`,
    );
    expect(unconserved).toBe(0);
    expect(differ / counts).toBeLessThan(1e-4);
  });
});

describe('the FGA-efficiency coupling on WebGPU against the CPU path', () => {
  it('draws the same minutes, totals and efficiencies with it on', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const prof = {
      ...shares,
      team_opportunities: { ...shares.team_opportunities, fga_dispersion: 0.6, fga_efficiency_elasticity: 0.8 },
    };
    const W = 4096;
    let teamWorlds = 0;
    let totalsDiffer = 0;
    let effOff = 0;
    let minutesOff = 0;
    for (let g = 0; g < 4; g++) {
      const cpu = newBatch(slate, g, W);
      runKernels(slate, prof, new CounterRng(17), cpu, 0, new Float64Array(slate.nTeams).fill(1));
      const gpu = newBatch(slate, g, W);
      await runStagesOnBatch(device(), slate, prof, 17, gpu, 0, [1, 1], ['minutes'], { fromBatch: false, out: gpu });
      for (let x = 0; x < W * cpu.nP; x++) if (Math.abs(gpu.minutes[x]! - cpu.minutes[x]!) > 1e-3) minutesOff++;
      for (let w = 0; w < W; w++) {
        for (let team = 0; team < 2; team++) {
          teamWorlds++;
          if (Math.abs(gpu.efficiency[w * 2 + team]! / cpu.efficiency[w * 2 + team]! - 1) > 1e-5) effOff++;
          for (let k = 0; k < 3; k++) if (gpu.totals[(w * 2 + team) * 3 + k] !== cpu.totals[(w * 2 + team) * 3 + k]) totalsDiffer++;
        }
      }
    }
    console.log(
      `FGA-efficiency coupling WGSL vs CPU: ${totalsDiffer} of ${3 * teamWorlds} totals, ${effOff} efficiencies and ${minutesOff} minutes differ`,
    );
    expect(totalsDiffer / (3 * teamWorlds)).toBeLessThan(1e-4);
    expect(effOff / teamWorlds).toBeLessThan(1e-4);
    expect(minutesOff).toBe(0);
  });
});

describe('chunking on WebGPU', () => {
  it('gives bit-identical accumulators for any chunk size, and agrees with the CPU path', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const prof = { ...shares, vegas_anchoring: { ...shares.vegas_anchoring, pilot_worlds: 2000 } };
    const a = await runGpu(device(), slate, prof, { seed: 21, worlds: 3000, chunk: 1000, saveWorlds: false });
    const b = await runGpu(device(), slate, prof, { seed: 21, worlds: 3000, chunk: 2999, saveWorlds: false });
    expect(a.cpuChunks + b.cpuChunks).toBe(0);
    // One game's set of device buffers serves all ten games.
    expect(a.buffers.created).toBeGreaterThan(0);
    expect(a.buffers.reused).toBe(a.buffers.created * (slate.nGames - 1));
    a.results.forEach((r, g) => {
      expectSameAccumulator(r.acc, b.results[g]!.acc);
      expect(Array.from(r.acc.anchor)).toEqual(Array.from(b.results[g]!.acc.anchor));
    });
    // The CPU path from the same counters: anchor scales and DK means agree to float error.
    const g = 4;
    const cpu = simulateGame(slate, prof, 21, g, 3000, 512, false).acc;
    const gpu = a.results[g]!.acc;
    for (let team = 0; team < 2; team++) expect(Math.abs(gpu.anchor[team]! / cpu.anchor[team]! - 1)).toBeLessThan(1e-5);
    let maxDiff = 0;
    for (let j = 0; j < cpu.nP; j++) maxDiff = Math.max(maxDiff, Math.abs(gpu.dkSum[j]! - cpu.dkSum[j]!) / 4 / 3000);
    expect(maxDiff).toBeLessThan(0.05);
  });

  it('runs the whole slate in one dispatch per kernel with the bytes of game-by-game dispatches, saved worlds included', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const prof = { ...shares, vegas_anchoring: { ...shares.vegas_anchoring, pilot_worlds: 1500 } };
    const opts = { seed: 33, worlds: 2500, chunk: 1000, saveWorlds: true } as const;
    const bySlate = await runGpu(device(), slate, prof, { ...opts, dispatch: 'slate' });
    const byGame = await runGpu(device(), slate, prof, { ...opts, dispatch: 'game' });
    expect(bySlate.cpuChunks + byGame.cpuChunks).toBe(0);
    expect(bySlate.chunkWorlds).toBe(1000);
    bySlate.results.forEach((r, g) => {
      expectSameAccumulator(r.acc, byGame.results[g]!.acc);
      expect(Array.from(r.acc.anchor)).toEqual(Array.from(byGame.results[g]!.acc.anchor));
      expect(r.worldRows).toEqual(byGame.results[g]!.worldRows);
    });
  }, 300_000);

  it('splits a slate into ranges of consecutive games only where the buffer limits say so', () => {
    const nP = (g: number): number => slate.playerEnd[2 * g + 1]! - slate.playerStart[2 * g]!;
    const all = Array.from({ length: slate.nGames }, (_, g) => g);
    const whole = gameRanges(slate, device().limits, 10_000, 4096, 'slate');
    expect(whole.ranges).toEqual([all]);
    expect(whole.room).toEqual({ players: slate.nPlayers, games: slate.nGames });
    expect(gameRanges(slate, device().limits, 10_000, 4096, 'game').ranges).toEqual(all.map((g) => [g]));
    // A device whose bindings hold 8,192 worlds of about 70 players: ranges of two or three games.
    const binding = 8192 * 70 * 13 * 4;
    const small = { maxStorageBufferBindingSize: binding, maxBufferSize: binding } as GPUSupportedLimits;
    const split = gameRanges(slate, small, 100_000, undefined, 'slate');
    expect(split.ranges.flat()).toEqual(all);
    expect(split.ranges.length).toBeGreaterThan(2);
    for (const r of split.ranges) {
      const players = r.reduce((n, g) => n + nP(g), 0);
      if (r.length > 1) expect(players * 8192 * 13 * 4).toBeLessThanOrEqual(binding);
    }
    expect(split.capacity).toBeGreaterThanOrEqual(8192);
  });

  it('runs a million worlds of one game in chunks without holding the worlds, identical for two chunkings', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    // A one-game slate, as a user simulating one game gets it.
    const frame = await new Lake(new NodeFileStore(EMBEDDED_LAKE)).read(
      RATES_TRAINING_BASE,
      { startDate: slate.date, endDate: slate.date },
      { columns: [...SLATE_COLUMNS] },
    );
    const one = slateFromRows(
      slate.date,
      frameRows(frame).filter((r) => r.game_id === slate.gameId[0]),
    );
    expect(one.nGames).toBe(1);
    const worlds = 1_000_000;
    const nP = one.nPlayers;
    const chunk = gpuChunkWorlds(device().limits, nP);
    expect(chunk * nP * 13 * 4).toBeLessThanOrEqual(device().limits.maxStorageBufferBindingSize);
    const rss0 = process.memoryUsage().rss;
    const big = await runGpu(device(), one, shares, { seed: 8, worlds, saveWorlds: false });
    const rssGrowth = process.memoryUsage().rss - rss0;
    const other = await runGpu(device(), one, shares, { seed: 8, worlds, chunk: 40_000, saveWorlds: false });
    const acc = big.results[0]!.acc;
    console.log(
      `1,000,000 worlds x ${nP} players on the GPU in chunks of ${big.chunkWorlds}: RSS grew ${(rssGrowth / 2 ** 20).toFixed(0)} MB (all worlds' stat lines would be ${((worlds * nP * 13 * 4) / 2 ** 20).toFixed(0)} MB)`,
    );
    expect(big.cpuChunks + other.cpuChunks).toBe(0);
    expect(acc.worlds).toBe(worlds);
    expect(acc.conservationViolations).toBe(0);
    expect(acc.minutesViolations).toBe(0);
    expect(rssGrowth).toBeLessThan((worlds * nP * 13 * 4) / 2);
    expectSameAccumulator(acc, other.results[0]!.acc);
  }, 600_000);
});

describe('the WGSL kernels', () => {
  it('compile with no warnings from Dawn', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const game = await GpuGame.create(device(), slate, shares, 1, 0, 64); // compiles every kernel of the engine
    game.destroy();
    expect(shaderWarnings).toEqual([]);
  });
});

describe('a device lost mid-run', () => {
  it('reruns the remaining chunks on the CPU, says so, and loses no world', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const own = await requestGpuDevice();
    const prof = { ...shares, vegas_anchoring: { ...shares.vegas_anchoring, pilot_worlds: 1000 } };
    let chunks = 0;
    const r = await runGpu(own.device, slate, prof, {
      seed: 3,
      worlds: 2000,
      chunk: 500,
      saveWorlds: false,
      onProgress: () => {
        if (++chunks === 2) own.device.destroy();
      },
    });
    console.log(`device destroyed after 2 chunks: ${r.cpuChunks} chunks ran on the CPU; failure: ${r.failure ?? 'none'}`);
    expect(r.failure).toMatch(/GpuDeviceLostError/);
    expect(r.cpuChunks).toBe(slate.nGames * 4 - 2);
    for (const res of r.results) {
      expect(res.acc.worlds).toBe(2000);
      expect(res.acc.conservationViolations).toBe(0);
    }
    // Games after the loss ran wholly on the CPU (pilot included): the CPU path's exact result.
    const last = slate.nGames - 1;
    expectSameAccumulator(r.results[last]!.acc, simulateGame(slate, prof, 3, last, 2000, 500, false).acc);
  });
});

// Lineups scored inside the engine, on both backends: the world-block-major loop gives each game the same
// accumulator as the game-major one (projections unchanged), and every lineup's histogram, the best-of-set
// histogram and counts equal what the saved worlds say, recomputed here from each world's DraftKings points.
// On the GPU the lineup kernel is checked against its CPU twin on the device's own worlds, count for count.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the slate is the embedded one, of known size, and every
   index below is one the test has just built; a miss fails the test either way. */

import { beforeAll, describe, expect, it } from 'vitest';
import { simulateGame, simulateSlateBlocks, type GameResult } from '../engine/cpu/simulate.ts';
import { runGpu, runGpuBlocks } from '../engine/gpu/simulate-gpu.ts';
import {
  LINEUP_BINS,
  lineupLo,
  lineupTable,
  newLineupAccumulator,
  reduceLineups,
  type LineupAccumulator,
  type LineupSlot,
  type LineupTable,
} from '../engine/kernels/lineups/lineups.ts';
import { loadProfile, type Profile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { EMBEDDED_LAKE, useGpuDevice } from './helpers.ts';

const webgpu = useGpuDevice();
let slate: Slate;
let profile: Profile;

beforeAll(async () => {
  await initParquetNode();
  const lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  slate = await loadSlate(lake, '2024-01-31');
  profile = await loadProfile('usage_shares_v1');
});

/** Lineups drawn from the slate by a fixed rule: 8 players spread over the games, some repeated sets. */
function someLineups(s: Slate, n: number, weights: (k: number) => number = () => 1): LineupSlot[][] {
  const out: LineupSlot[][] = [];
  for (let l = 0; l < n; l++) {
    const lineup: LineupSlot[] = [];
    for (let k = 0; k < 8; k++) lineup.push({ player: (l * 37 + k * 29 + ((l * k) % 11)) % s.nPlayers, weight: weights(k) });
    out.push(lineup);
  }
  out.push(out[0]!.map((x) => ({ ...x }))); // an exact duplicate: ties go to the lower index
  out.push([...out[1]!.slice(0, 7), { player: -1, weight: 0 }]); // a slot without worlds scores 0
  return out;
}

/** The lineups' accumulator recomputed from saved worlds: each world's points of every game, summed per lineup. */
function fromSavedWorlds(s: Slate, t: LineupTable, results: GameResult[], worlds: number): LineupAccumulator {
  const acc = newLineupAccumulator(t);
  const dkOf = (p: number, w: number): number => {
    for (let g = 0; g < s.nGames; g++) {
      const p0 = s.playerStart[2 * g]!;
      const nP = s.playerEnd[2 * g + 1]! - p0;
      if (p >= p0 && p < p0 + nP) return results[g]!.worldRows!.dk[w * nP + (p - p0)]!;
    }
    throw new Error(`player ${p}`);
  };
  const scores = new Int32Array(t.nLineups * worlds);
  for (let l = 0; l < t.nLineups; l++)
    for (let w = 0; w < worlds; w++) {
      let score = 0;
      for (let k = 0; k < t.nSlots; k++) {
        const at = (l * t.nSlots + k) * 4;
        if (t.slots[at + 3] === 0) continue;
        score += t.slots[at + 3]! * Math.round(dkOf(t.slots[at]! + t.slots[at + 2]!, w) * 4);
      }
      scores[l * worlds + w] = score;
    }
  reduceLineups(acc, t, scores, worlds);
  return acc;
}

const expectSameAccumulators = (a: GameResult[], b: GameResult[]): void => {
  expect(a.length).toBe(b.length);
  for (let g = 0; g < a.length; g++) {
    const { worldRows: _a, ...x } = a[g]!;
    const { worldRows: _b, ...y } = b[g]!;
    expect(x).toEqual(y);
  }
};

describe('lineups on the CPU', () => {
  it('leave every game accumulator as the game-major loop makes it, and score every world exactly', () => {
    const worlds = 2500;
    const lineups = someLineups(slate, 40);
    const table = lineupTable(slate, lineups, 4);
    const blocks = simulateSlateBlocks(slate, profile, 7, worlds, 700, true, { table });
    const gameMajor = Array.from({ length: slate.nGames }, (_, g) => simulateGame(slate, profile, 7, g, worlds, 2048, false));
    expectSameAccumulators(blocks.results, gameMajor);
    const expected = fromSavedWorlds(slate, table, blocks.results, worlds);
    expect(blocks.lineups).toEqual(expected);
    expect(blocks.lineups.worlds).toBe(worlds);
    // the duplicate of lineup 0 never wins a world (ties go to the lower index); every world has one best
    expect(blocks.lineups.bestCount[40]).toBe(0);
    expect(blocks.lineups.bestCount.reduce((x, y) => x + y, 0)).toBe(worlds);
    expect(blocks.lineups.bestHist.reduce((x, y) => x + y, 0)).toBe(worlds);
    // a lineup's histogram is exact: its mean equals the mean of its players' projected means
    const mean = (l: number): number => {
      let sum = 0;
      for (let b = 0; b < LINEUP_BINS; b++) sum += blocks.lineups.hist[l * LINEUP_BINS + b]! * (b + lineupLo(table));
      return sum / worlds / 4;
    };
    const playerMean = (p: number): number => {
      for (const r of blocks.results) {
        const p0 = slate.playerStart[2 * r.acc.g]!;
        if (p >= p0 && p < p0 + r.acc.nP) return r.acc.dkSum[p - p0]! / 4 / worlds;
      }
      return NaN;
    };
    for (const l of [0, 5, 17])
      expect(mean(l)).toBeCloseTo(
        lineups[l]!.reduce((s, x) => s + playerMean(x.player), 0),
        9,
      );
    expect(blocks.lineups.clamped).toBe(0);
  });

  it('give the same bytes whatever the block size, and hand each block of scores over in world order', () => {
    const table = lineupTable(
      slate,
      someLineups(slate, 12, (k) => (k === 0 ? 3 : 2)),
      8,
    ); // showdown weights
    const starts: number[] = [];
    const a = simulateSlateBlocks(slate, profile, 11, 1500, 512, false, { table, onScores: (_s, w0) => starts.push(w0) });
    const b = simulateSlateBlocks(slate, profile, 11, 1500, 1500, false, { table });
    expect(a.lineups).toEqual(b.lineups);
    expectSameAccumulators(a.results, b.results);
    expect(starts).toEqual([0, 512, 1024]);
  });
});

describe('lineups on WebGPU', () => {
  it('leave the game accumulators as runGpu makes them, and the kernel counts what its CPU twin counts', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const device = webgpu.ctx.device;
    const worlds = 3000;
    const table = lineupTable(slate, someLineups(slate, 300), 4);
    const seen: Int32Array[] = [];
    const blocks = await runGpuBlocks(device, slate, profile, {
      seed: 5,
      worlds,
      chunk: 1024,
      saveWorlds: true,
      lineups: { table, onScores: (s) => seen.push(s.slice()) },
    });
    const gameMajor = await runGpu(device, slate, profile, { seed: 5, worlds, saveWorlds: false });
    expectSameAccumulators(blocks.results, gameMajor.results);
    expect(blocks.cpuChunks).toBe(0);
    // the device's own worlds, scored by the CPU twin: the same histograms and best-of-set, count for count
    expect(blocks.lineups).toEqual(fromSavedWorlds(slate, table, blocks.results, worlds));
    expect(seen.map((s) => s.length)).toEqual([1024, 1024, 952].map((n) => n * table.nLineups));
  });

  it('give the same lineup counts, accumulators and saved worlds with the whole slate in one dispatch per kernel', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const device = webgpu.ctx.device;
    const table = lineupTable(slate, someLineups(slate, 100), 4);
    const opts = { seed: 6, worlds: 1500, chunk: 512, saveWorlds: true, lineups: { table } } as const;
    const bySlate = await runGpuBlocks(device, slate, profile, { ...opts, dispatch: 'slate' });
    const byGame = await runGpuBlocks(device, slate, profile, { ...opts, dispatch: 'game' });
    expect(bySlate.dispatch).toBe('slate');
    expect(bySlate.cpuChunks + byGame.cpuChunks).toBe(0);
    expect(bySlate.lineups).toEqual(byGame.lineups);
    expectSameAccumulators(bySlate.results, byGame.results);
    bySlate.results.forEach((r, g) => expect(r.worldRows).toEqual(byGame.results[g]!.worldRows));
  }, 300_000);
});

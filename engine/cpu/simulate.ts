// One game's worlds on the CPU: Vegas-anchoring pilot, then chunks of worlds through the kernels, reduced as
// they stream (per-player sums and histograms), so memory does not grow with the number of worlds.
// Worlds are reduced in world order within a game whatever the chunk size, and a game is never split across
// workers, so the same seed gives the same bytes for any chunking and worker count.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: teamItt
   has two entries per game and the anchor/sums pairs one per team (0, 1); every loop is bounded by the chunk's worlds
   and the game's players. */

import { CounterRng } from '../rng.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import {
  NSTAT,
  PILOT_WORLD_OFFSET,
  STAT_INDEX,
  newBatch,
  reuseBatch,
  runKernels,
  runPilotKernels,
  type GameBatch,
} from '../kernels/kernels.ts';
import { pilotPoints } from '../kernels/statline/statline.ts';
import {
  newLineupAccumulator,
  reduceLineups,
  scoreLineups,
  type LineupAccumulator,
  type LineupRequest,
} from '../kernels/lineups/lineups.ts';

// The histogram bins are declared with the rest of the kernel contract; the accumulator is the reduction's.
export { DK_BINS, DK_MIN, FGA_BINS, MIN_BIN, MIN_BINS, TEAM_TOTAL_BINS } from '../kernels/contract.ts';
export { newAccumulator, reduceBatch, type GameAccumulator } from '../kernels/reduce/reduce.ts';
import type { GameAccumulator } from '../kernels/reduce/reduce.ts';
import { newAccumulator, reduceBatch } from '../kernels/reduce/reduce.ts';

export interface WorldRows {
  /** [world][player] */
  minutes: Float32Array;
  stats: Int32Array; // [world][player][stat]
  dk: Float32Array;
  /** [world][team][target] */
  totals: Int32Array;
  teamPts: Int32Array; // [world][team]
  pace: Float32Array; // [world]
}

/**
 * Worlds of the anchoring pilot: an eighth of the run's (at least 256), at most the profile's pilot_worlds, so the
 * pilot stays a small fixed share of the run. Its estimate needs few worlds: it reads points off the attempts
 * (the make noise drops out), whose spread per team-world is about 4% of the mean, so 256 pilot worlds leave
 * about 0.25% of standard error on a team's scale and 2,048 about 0.1%, against the 1% the anchoring promises.
 */
export function pilotWorlds(prof: Profile, worlds: number): number {
  return Math.min(prof.vegas_anchoring.pilot_worlds, Math.max(256, Math.ceil(worlds / 8)));
}

/**
 * Vegas anchoring: scales each team's FGA/FTA means so its mean simulated points equal its implied total, from
 * a pilot on its own counters (worlds above PILOT_WORLD_OFFSET). Calibrating the means before
 * sampling keeps every stat an integer and the spread of team points intact.
 */
export function anchorScales(s: Slate, prof: Profile, seed: number, g: number, chunk: number, worlds: number): Float64Array {
  const anchor = new Float64Array([1, 1]);
  const teams = [2 * g, 2 * g + 1];
  if (!prof.vegas_anchoring.enabled || teams.some((t) => !Number.isFinite(s.teamItt[t]!))) return anchor;
  const rng = new CounterRng(seed);
  // The pilot runs unscaled; points are proportional to the FGA/FTA scale (up to integer rounding), so the
  // ratio of the implied total to the pilot's mean is the scale.
  const unscaled = new Float64Array(s.nTeams).fill(1);
  const sums = [0, 0];
  let done = 0;
  const total = pilotWorlds(prof, worlds);
  let b: GameBatch | undefined;
  while (done < total) {
    const n = Math.min(chunk, total - done);
    b = reuseBatch(b, s, g, n);
    runPilotKernels(s, prof, rng, b, PILOT_WORLD_OFFSET + done, unscaled);
    // Points expected given each world's attempts (not the drawn makes): the make noise, the largest part
    // of a team's point spread, drops out of the pilot's estimate, so a small pilot calibrates within 1%.
    for (let w = 0; w < n; w++) {
      sums[0] = pilotPoints(s, b, w, 0, sums[0]!);
      sums[1] = pilotPoints(s, b, w, 1, sums[1]!);
    }
    done += n;
  }
  for (let team = 0; team < 2; team++) {
    const mean = sums[team]! / done;
    if (mean > 0) anchor[team] = s.teamItt[teams[team]!]! / mean;
  }
  return anchor;
}

export interface GameResult {
  acc: GameAccumulator;
  worldRows?: WorldRows;
}

export function newWorldRows(worlds: number, nP: number): WorldRows {
  return {
    minutes: new Float32Array(worlds * nP),
    stats: new Int32Array(worlds * nP * NSTAT),
    dk: new Float32Array(worlds * nP),
    totals: new Int32Array(worlds * 6),
    teamPts: new Int32Array(worlds * 2),
    pace: new Float32Array(worlds),
  };
}

export function storeChunk(rows: WorldRows, b: GameBatch, done: number): void {
  const nP = b.nP;
  rows.minutes.set(b.minutes, done * nP);
  rows.stats.set(b.stats, done * nP * NSTAT);
  rows.dk.set(b.dk, done * nP);
  rows.totals.set(b.totals, done * 6);
  rows.pace.set(b.pace, done);
  for (let w = 0; w < b.worlds; w++) {
    for (let j = 0; j < nP; j++) {
      const team = j < b.nHome ? 0 : 1;
      rows.teamPts[(done + w) * 2 + team] = rows.teamPts[(done + w) * 2 + team]! + b.stats[(w * nP + j) * NSTAT + STAT_INDEX.pts]!;
    }
  }
}

/** Where a game's worlds go chunk by chunk when they are streamed out rather than kept: `rows` holds `rows.pace.length`
 * worlds starting at world `done`, in world order. */
export type ChunkSink = (rows: WorldRows, done: number) => void;

/** true: every world kept in memory (WorldRows, grows with worlds); a function: each chunk handed to the game's
 * sink as it is made (memory bounded by the chunk); false: none. */
export type SaveWorlds = boolean | ((g: number) => ChunkSink);

/** What a game does with each chunk's worlds under `save`, and the rows it keeps (save === true only). */
export function worldKeeper(
  save: SaveWorlds,
  g: number,
  worlds: number,
  nP: number,
): { store?: (b: GameBatch, done: number) => void; rows?: WorldRows } {
  if (save === false) return {};
  if (save === true) {
    const rows = newWorldRows(worlds, nP);
    return { rows, store: (b, done) => storeChunk(rows, b, done) };
  }
  const sink = save(g);
  return {
    store: (b, done) => {
      const chunk = newWorldRows(b.worlds, nP);
      storeChunk(chunk, b, 0);
      sink(chunk, done);
    },
  };
}

/** The anchor scales of game g placed in a slate-wide array (1 elsewhere). */
export function fullAnchor(s: Slate, g: number, anchor: Float64Array): Float64Array {
  const full = new Float64Array(s.nTeams).fill(1);
  full[2 * g] = anchor[0]!;
  full[2 * g + 1] = anchor[1]!;
  return full;
}

/** All worlds of game g, chunk by chunk, on the CPU. */
export function simulateGame(
  s: Slate,
  prof: Profile,
  seed: number,
  g: number,
  worlds: number,
  chunk: number,
  saveWorlds: SaveWorlds,
  onChunk?: (n: number) => void,
): GameResult {
  const anchor = anchorScales(s, prof, seed, g, chunk, worlds);
  const full = fullAnchor(s, g, anchor);
  const rng = new CounterRng(seed);
  const nP = newBatch(s, g, 0).nP;
  const acc = newAccumulator(g, nP, anchor);
  const { rows, store } = worldKeeper(saveWorlds, g, worlds, nP);
  let b: GameBatch | undefined;
  for (let done = 0; done < worlds;) {
    const n = Math.min(chunk, worlds - done);
    b = reuseBatch(b, s, g, n);
    runKernels(s, prof, rng, b, done, full);
    reduceBatch(acc, b);
    store?.(b, done);
    done += n;
    onChunk?.(n);
  }
  return rows === undefined ? { acc } : { acc, worldRows: rows };
}

/**
 * Every game's worlds block by block (world-block-major), for lineups: each block of worlds is made for every
 * game (reduced into each game's accumulator in world order, as simulateGame does, so the projections are the
 * same bytes), then the block's lineups are scored on all games' points at once.
 */
export function simulateSlateBlocks(
  s: Slate,
  prof: Profile,
  seed: number,
  worlds: number,
  chunk: number,
  saveWorlds: SaveWorlds,
  lineups: LineupRequest,
  onChunk?: (n: number) => void,
): { results: GameResult[]; lineups: LineupAccumulator } {
  const anchors = Array.from({ length: s.nGames }, (_, g) => anchorScales(s, prof, seed, g, chunk, worlds));
  return simulateSlateRange(s, prof, seed, { w0: 0, w1: worlds, chunk, anchors }, saveWorlds, lineups, onChunk);
}

/**
 * Worlds [w0, w1) of every game, block by block as simulateSlateBlocks makes them, with each game's anchor scales
 * given (home, away): one shard of a distributed lineup run (engine/shards). Kept world rows (and a sink's world
 * numbers) count from w0. Every lineup count is per world, so ranges add up to the whole run.
 */
export function simulateSlateRange(
  s: Slate,
  prof: Profile,
  seed: number,
  range: { w0: number; w1: number; chunk: number; anchors: readonly ArrayLike<number>[] },
  saveWorlds: SaveWorlds,
  lineups: LineupRequest,
  onChunk?: (n: number) => void,
): { results: GameResult[]; lineups: LineupAccumulator } {
  const { w0, w1, chunk } = range;
  const games = Array.from({ length: s.nGames }, (_, g) => g);
  const rng = new CounterRng(seed);
  const scales = games.map((g) => Float64Array.of(range.anchors[g]![0]!, range.anchors[g]![1]!));
  const anchors = games.map((g) => fullAnchor(s, g, scales[g]!));
  const accs = games.map((g) => newAccumulator(g, newBatch(s, g, 0).nP, scales[g]!));
  const keepers = games.map((g) => worldKeeper(saveWorlds, g, w1 - w0, newBatch(s, g, 0).nP));
  const lacc = newLineupAccumulator(lineups.table);
  const scores = new Int32Array(lineups.table.nLineups * chunk);
  const batches: (GameBatch | undefined)[] = games.map(() => undefined);
  for (let done = w0; done < w1;) {
    const n = Math.min(chunk, w1 - done);
    const dk = new Float32Array(n * s.nPlayers);
    for (const g of games) {
      const b = (batches[g] = reuseBatch(batches[g], s, g, n));
      runKernels(s, prof, rng, b, done, anchors[g]!);
      reduceBatch(accs[g]!, b);
      keepers[g]!.store?.(b, done - w0);
      dk.set(b.dk, n * b.p0);
      onChunk?.(n);
    }
    const blockScores = scores.subarray(0, lineups.table.nLineups * n);
    scoreLineups(lineups.table, dk, n, blockScores);
    reduceLineups(lacc, lineups.table, blockScores, n);
    lineups.onScores?.(blockScores, done, n);
    done += n;
  }
  return {
    results: games.map((g) => {
      const rows = keepers[g]!.rows;
      return rows === undefined ? { acc: accs[g]! } : { acc: accs[g]!, worldRows: rows };
    }),
    lineups: lacc,
  };
}

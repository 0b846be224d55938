// One game's worlds on the CPU: Vegas-anchoring pilot, then chunks of worlds through the kernels, reduced as
// they stream (per-player sums and histograms), so memory does not grow with the number of worlds.
// Worlds are reduced in world order within a game whatever the chunk size, and a game is never split across
// workers, so the same seed gives the same bytes for any chunking and worker count.
import { CounterRng } from '../rng.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { NSTAT, PILOT_WORLD_OFFSET, STAT_INDEX, newBatch, runKernels, type GameBatch } from '../kernels/kernels.ts';

/** DraftKings points are multiples of 0.25: a histogram of 0.25-point bins holds them exactly. */
export const DK_MIN = -10;
export const DK_BINS = 4 * 210 + 1; // -10 .. 200
export const MIN_BIN = 0.1;
export const MIN_BINS = 800; // 0 .. 80 minutes
/** Per-player FGA histogram bins (0 .. 63, the last bin holds 63 and more). */
export const FGA_BINS = 64;
/** Per-team histogram bins of the FGA/FTA/TOV totals (0 .. 255). */
export const TEAM_TOTAL_BINS = 256;

export interface GameAccumulator {
  g: number;
  nP: number;
  worlds: number;
  dkSum: Float64Array; // [player] sum of 4 x dk (integers, exact)
  dkSumSq: Float64Array; // [player] sum of (4 x dk)^2
  dkHist: Uint32Array; // [player][bin]
  minSum: Float64Array; // [player]
  minHist: Uint32Array; // [player][bin]
  fgaHist: Uint32Array; // [player][FGA_BINS]
  teamTotalHist: Uint32Array; // [team][target][TEAM_TOTAL_BINS]
  statSum: Float64Array; // [player][stat]
  activeCount: Uint32Array;
  doubleDouble: Uint32Array;
  tripleDouble: Uint32Array;
  teamPtsSum: Float64Array; // [team]
  teamPtsSumSq: Float64Array;
  conservationViolations: number;
  minutesViolations: number;
  fallbacks: number;
  overtimeWorlds: number;
  anchor: Float64Array; // [team] the scale applied to FGA/FTA means
}

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

export function newAccumulator(g: number, nP: number, anchor: Float64Array): GameAccumulator {
  return {
    g,
    nP,
    worlds: 0,
    dkSum: new Float64Array(nP),
    dkSumSq: new Float64Array(nP),
    dkHist: new Uint32Array(nP * DK_BINS),
    minSum: new Float64Array(nP),
    minHist: new Uint32Array(nP * MIN_BINS),
    fgaHist: new Uint32Array(nP * FGA_BINS),
    teamTotalHist: new Uint32Array(2 * 3 * TEAM_TOTAL_BINS),
    statSum: new Float64Array(nP * NSTAT),
    activeCount: new Uint32Array(nP),
    doubleDouble: new Uint32Array(nP),
    tripleDouble: new Uint32Array(nP),
    teamPtsSum: new Float64Array(2),
    teamPtsSumSq: new Float64Array(2),
    conservationViolations: 0,
    minutesViolations: 0,
    fallbacks: 0,
    overtimeWorlds: 0,
    anchor,
  };
}

/** Kernel 6, the reduction: folds a batch into the accumulator in world order, checking conservation. */
export function reduceBatch(acc: GameAccumulator, b: GameBatch): void {
  const { nP } = b;
  for (let w = 0; w < b.worlds; w++) {
    const teamPts = [0, 0];
    const teamCounts = [0, 0, 0, 0, 0, 0];
    const teamMinutes = [0, 0];
    for (let j = 0; j < nP; j++) {
      const x = w * nP + j;
      const team = j < b.nHome ? 0 : 1;
      const dk4 = Math.round((b.dk[x] as number) * 4);
      acc.dkSum[j] = (acc.dkSum[j] as number) + dk4;
      acc.dkSumSq[j] = (acc.dkSumSq[j] as number) + dk4 * dk4;
      const bin = Math.min(DK_BINS - 1, Math.max(0, dk4 - 4 * DK_MIN));
      acc.dkHist[j * DK_BINS + bin] = (acc.dkHist[j * DK_BINS + bin] as number) + 1;
      const m = b.minutes[x] as number;
      acc.minSum[j] = (acc.minSum[j] as number) + m;
      const mb = Math.min(MIN_BINS - 1, Math.floor(m / MIN_BIN));
      acc.minHist[j * MIN_BINS + mb] = (acc.minHist[j * MIN_BINS + mb] as number) + 1;
      teamMinutes[team] = (teamMinutes[team] as number) + m;
      if (b.active[x] === 1) acc.activeCount[j] = (acc.activeCount[j] as number) + 1;
      const at = x * NSTAT;
      const fb = j * FGA_BINS + Math.min(FGA_BINS - 1, b.stats[at + STAT_INDEX.fga] as number);
      acc.fgaHist[fb] = (acc.fgaHist[fb] as number) + 1;
      for (let k = 0; k < NSTAT; k++) acc.statSum[j * NSTAT + k] = (acc.statSum[j * NSTAT + k] as number) + (b.stats[at + k] as number);
      const pts = b.stats[at + STAT_INDEX.pts] as number;
      const reb = (b.stats[at + STAT_INDEX.oreb] as number) + (b.stats[at + STAT_INDEX.dreb] as number);
      const doubles =
        (pts >= 10 ? 1 : 0) + (reb >= 10 ? 1 : 0) + ((b.stats[at + STAT_INDEX.ast] as number) >= 10 ? 1 : 0) + ((b.stats[at + STAT_INDEX.stl] as number) >= 10 ? 1 : 0) + ((b.stats[at + STAT_INDEX.blk] as number) >= 10 ? 1 : 0);
      if (doubles >= 2) acc.doubleDouble[j] = (acc.doubleDouble[j] as number) + 1;
      if (doubles >= 3) acc.tripleDouble[j] = (acc.tripleDouble[j] as number) + 1;
      teamPts[team] = (teamPts[team] as number) + pts;
      for (let k = 0; k < 3; k++) teamCounts[team * 3 + k] = (teamCounts[team * 3 + k] as number) + (b.counts[x * 3 + k] as number);
    }
    for (let team = 0; team < 2; team++) {
      acc.teamPtsSum[team] = (acc.teamPtsSum[team] as number) + (teamPts[team] as number);
      acc.teamPtsSumSq[team] = (acc.teamPtsSumSq[team] as number) + (teamPts[team] as number) ** 2;
      for (let k = 0; k < 3; k++) {
        const total = b.totals[(w * 2 + team) * 3 + k] as number;
        if (teamCounts[team * 3 + k] !== total) acc.conservationViolations++;
        const tb = (team * 3 + k) * TEAM_TOTAL_BINS + Math.min(TEAM_TOTAL_BINS - 1, total);
        acc.teamTotalHist[tb] = (acc.teamTotalHist[tb] as number) + 1;
      }
      if (Math.abs((teamMinutes[team] as number) - (240 + 25 * (b.ot[w] as number))) > 1e-6) acc.minutesViolations++;
    }
    if ((b.ot[w] as number) > 0) acc.overtimeWorlds++;
  }
  acc.worlds += b.worlds;
  acc.fallbacks += b.fallbacks;
}

/** Worlds of the anchoring pilot: the profile's, but never more than the run simulates. */
export function pilotWorlds(prof: Profile, worlds: number): number {
  return Math.min(prof.vegas_anchoring.pilot_worlds, Math.max(worlds, 256));
}

/**
 * Vegas anchoring: scales each team's FGA/FTA means so its mean simulated points equal its implied total, from
 * a pilot on its own counters (worlds above PILOT_WORLD_OFFSET). Calibrating the means before
 * sampling keeps every stat an integer and the spread of team points intact.
 */
export function anchorScales(s: Slate, prof: Profile, seed: number, g: number, chunk: number, worlds: number): Float64Array {
  const anchor = new Float64Array([1, 1]);
  const teams = [2 * g, 2 * g + 1];
  if (!prof.vegas_anchoring.enabled || teams.some((t) => !Number.isFinite(s.teamItt[t] as number))) return anchor;
  const rng = new CounterRng(seed);
  // The pilot runs unscaled; points are proportional to the FGA/FTA scale (up to integer rounding), so the
  // ratio of the implied total to the pilot's mean is the scale.
  const unscaled = new Float64Array(s.nTeams).fill(1);
  const sums = [0, 0];
  let done = 0;
  const total = pilotWorlds(prof, worlds);
  while (done < total) {
    const n = Math.min(chunk, total - done);
    const b = newBatch(s, g, n);
    runKernels(s, prof, rng, b, PILOT_WORLD_OFFSET + done, unscaled);
    // Points expected given each world's attempts (not the drawn makes): the make noise, the largest part
    // of a team's point spread, drops out of the pilot's estimate, so a small pilot calibrates within 1%.
    for (let w = 0; w < n; w++) {
      for (let j = 0; j < b.nP; j++) {
        const team = j < b.nHome ? 0 : 1;
        const i = b.p0 + j;
        const x = w * b.nP + j;
        const eff = b.efficiency[w * 2 + team] as number;
        const share3 = s.fg3Share[i] as number;
        const perFga = share3 * 3 * Math.min(0.99, (s.fg3Pct[i] as number) * eff) + (1 - share3) * 2 * Math.min(0.99, (s.fg2Pct[i] as number) * eff);
        sums[team] = (sums[team] as number) + (b.counts[x * 3] as number) * perFga + (b.counts[x * 3 + 1] as number) * (s.ftPct[i] as number);
      }
    }
    done += n;
  }
  for (let team = 0; team < 2; team++) {
    const mean = (sums[team] as number) / done;
    if (mean > 0) anchor[team] = (s.teamItt[teams[team] as number] as number) / mean;
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
      rows.teamPts[(done + w) * 2 + team] = (rows.teamPts[(done + w) * 2 + team] as number) + (b.stats[(w * nP + j) * NSTAT + STAT_INDEX.pts] as number);
    }
  }
}

/** The anchor scales of game g placed in a slate-wide array (1 elsewhere). */
export function fullAnchor(s: Slate, g: number, anchor: Float64Array): Float64Array {
  const full = new Float64Array(s.nTeams).fill(1);
  full[2 * g] = anchor[0] as number;
  full[2 * g + 1] = anchor[1] as number;
  return full;
}

/** All worlds of game g, chunk by chunk, on the CPU. */
export function simulateGame(s: Slate, prof: Profile, seed: number, g: number, worlds: number, chunk: number, saveWorlds: boolean, onChunk?: (n: number) => void): GameResult {
  const anchor = anchorScales(s, prof, seed, g, chunk, worlds);
  const full = fullAnchor(s, g, anchor);
  const rng = new CounterRng(seed);
  const nP = newBatch(s, g, 0).nP;
  const acc = newAccumulator(g, nP, anchor);
  const rows = saveWorlds ? newWorldRows(worlds, nP) : undefined;
  for (let done = 0; done < worlds; ) {
    const n = Math.min(chunk, worlds - done);
    const b = newBatch(s, g, n);
    runKernels(s, prof, rng, b, done, full);
    reduceBatch(acc, b);
    if (rows !== undefined) storeChunk(rows, b, done);
    done += n;
    onChunk?.(n);
  }
  return rows === undefined ? { acc } : { acc, worldRows: rows };
}

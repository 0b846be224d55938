// Kernel 6 on the CPU, the twin of reduce.wgsl: folds a batch of worlds into a game's accumulator (per-player
// sums and histograms, per-team points, conservation and minutes checks) in world order.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   batch's stats are [world][player][stat] (at = (w * nP + j) * N_STATS), dk and minutes [world][player]; the
   accumulators are nP (or nP * bins) long with bins clamped into range, and the team sums 2 long. */

import {
  DK_BINS,
  DK_MIN,
  FGA_BINS,
  MIN_BIN,
  MIN_BINS,
  MINUTES_FIXED,
  MINUTES_TOLERANCE,
  NSTAT,
  STAT_INDEX,
  TEAM_TOTAL_BINS,
  teamMinutes as teamMinutesOf,
} from '../contract.ts';
import { DK_CLASSIC, doubleFlags, doublesAt } from '../scoring/scoring.ts';
import type { GameBatch } from '../batch.ts';

export interface GameAccumulator {
  g: number;
  nP: number;
  worlds: number;
  dkSum: Float64Array; // [player] sum of 4 x dk (integers, exact)
  dkSumSq: Float64Array; // [player] sum of (4 x dk)^2
  dkHist: Uint32Array; // [player][bin]
  minSum: Float64Array; // [player] sum of minutes rounded to 1/MINUTES_FIXED (exact, any order)
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
  const { nP, nHome } = b;
  const { dkSum, dkSumSq, dkHist, minSum, minHist, activeCount, fgaHist, statSum, doubleDouble, tripleDouble } = acc;
  const { stats, dk, minutes, active, counts } = b;
  // the categories that count toward doubles (DK_CLASSIC's, as doubles() counts them)
  const flags = doubleFlags(DK_CLASSIC);
  const teamPts = new Float64Array(2);
  const teamCounts = new Float64Array(6);
  const teamMinutes = new Float64Array(2);
  for (let w = 0; w < b.worlds; w++) {
    teamPts.fill(0);
    teamCounts.fill(0);
    teamMinutes.fill(0);
    for (let j = 0; j < nP; j++) {
      const x = w * nP + j;
      const team = j < nHome ? 0 : 1;
      const dk4 = Math.round(dk[x]! * 4);
      dkSum[j] = dkSum[j]! + dk4;
      dkSumSq[j] = dkSumSq[j]! + dk4 * dk4;
      const bin = Math.min(DK_BINS - 1, Math.max(0, dk4 - 4 * DK_MIN));
      dkHist[j * DK_BINS + bin] = dkHist[j * DK_BINS + bin]! + 1;
      const m = minutes[x]!;
      // In fixed point, as on the GPU: a sum of multiples of 1/MINUTES_FIXED is exact, so it does not depend
      // on the order of the worlds and partial sums of world ranges merge to the same bytes (engine/shards).
      minSum[j] = minSum[j]! + Math.floor(m * MINUTES_FIXED + 0.5) / MINUTES_FIXED;
      const mb = Math.min(MIN_BINS - 1, Math.floor(m / MIN_BIN));
      minHist[j * MIN_BINS + mb] = minHist[j * MIN_BINS + mb]! + 1;
      teamMinutes[team] = teamMinutes[team]! + m;
      if (active[x] === 1) activeCount[j] = activeCount[j]! + 1;
      const at = x * NSTAT;
      const fb = j * FGA_BINS + Math.min(FGA_BINS - 1, stats[at + STAT_INDEX.fga]!);
      fgaHist[fb] = fgaHist[fb]! + 1;
      const sj = j * NSTAT;
      for (let k = 0; k < NSTAT; k++) statSum[sj + k] = statSum[sj + k]! + stats[at + k]!;
      const pts = stats[at + STAT_INDEX.pts]!;
      const d = doublesAt(stats, at, flags);
      if (d >= 2) doubleDouble[j] = doubleDouble[j]! + 1;
      if (d >= 3) tripleDouble[j] = tripleDouble[j]! + 1;
      teamPts[team] = teamPts[team]! + pts;
      const t3 = team * 3;
      teamCounts[t3] = teamCounts[t3]! + counts[x * 3]!;
      teamCounts[t3 + 1] = teamCounts[t3 + 1]! + counts[x * 3 + 1]!;
      teamCounts[t3 + 2] = teamCounts[t3 + 2]! + counts[x * 3 + 2]!;
    }
    for (let team = 0; team < 2; team++) {
      acc.teamPtsSum[team] = acc.teamPtsSum[team]! + teamPts[team]!;
      acc.teamPtsSumSq[team] = acc.teamPtsSumSq[team]! + teamPts[team]! ** 2;
      for (let k = 0; k < 3; k++) {
        const total = b.totals[(w * 2 + team) * 3 + k]!;
        if (teamCounts[team * 3 + k] !== total) acc.conservationViolations++;
        const tb = (team * 3 + k) * TEAM_TOTAL_BINS + Math.min(TEAM_TOTAL_BINS - 1, total);
        acc.teamTotalHist[tb] = acc.teamTotalHist[tb]! + 1;
      }
      if (Math.abs(teamMinutes[team]! - teamMinutesOf(b.ot[w]!)) > MINUTES_TOLERANCE) acc.minutesViolations++;
    }
    if (b.ot[w]! > 0) acc.overtimeWorlds++;
  }
  acc.worlds += b.worlds;
  acc.fallbacks += b.fallbacks;
}

// What the demo shows, computed from a game's accumulator: each player's expected share of his team's FGA, FTA
// and TOV, his means and histograms across worlds, the team totals' distributions, the real night's shares
// from the box score, and the before/after table of ruling players out. Pure functions (no DOM), so a Node test
// can check them.
import { DK_BINS, DK_MIN, FGA_BINS, TEAM_TOTAL_BINS, type GameAccumulator } from '../../engine/cpu/simulate.ts';
import { NSTAT, STAT_INDEX } from '../../engine/kernels/kernels.ts';
import { TARGETS, type Target } from '../../engine/profile.ts';
import type { Slate } from '../../engine/slate.ts';
import { at, defined } from '../data/checked.ts';
import type { Value } from '../data/schema.ts';

/** 0 = home, 1 = away: team t = 2g + side in the slate. */
export type Side = 0 | 1;

export interface PlayerSummary {
  playerId: number;
  name: string;
  side: Side;
  minutesP50: number;
  /** E[his count] / E[team total], per target: the share of the team's attempts he takes across worlds. */
  share: Record<Target, number>;
  mean: { fga: number; fta: number; tov: number; pts: number; minutes: number; dk: number };
  /** [FGA_BINS] worlds with 0, 1, ... FGA (the last bin holds 63 and more) */
  fgaHist: Uint32Array;
  /** [DK_BINS] worlds per 0.25-point bin from DK_MIN */
  dkHist: Uint32Array;
}

export interface GameSummary {
  worlds: number;
  /** in slate order: home team first, then by projected minutes */
  players: PlayerSummary[];
  /** [side][target] histogram of the team total, TEAM_TOTAL_BINS bins from 0 */
  teamTotalHist: Uint32Array[][];
  conservationViolations: number;
}

/** Summarises game 0 of a one-game slate (batch player j is slate player playerStart[0] + j). */
export function summarise(slate: Slate, acc: GameAccumulator): GameSummary {
  const p0 = at(slate.playerStart, 0);
  const n = acc.worlds;
  const stat = (j: number, k: number): number => at(acc.statSum, j * NSTAT + k);
  const teamSums = [0, 1].map((side) =>
    TARGETS.map((t) => {
      let sum = 0;
      for (let i = at(slate.playerStart, side); i < at(slate.playerEnd, side); i++) sum += stat(i - p0, STAT_INDEX[t]);
      return sum;
    }),
  );
  const players: PlayerSummary[] = [];
  for (let j = 0; j < acc.nP; j++) {
    const i = p0 + j;
    const side = at(slate.playerTeam, i) % 2 === 0 ? 0 : 1;
    const share = {} as Record<Target, number>;
    TARGETS.forEach((t, k) => {
      const total = at(at(teamSums, side), k);
      share[t] = total > 0 ? stat(j, STAT_INDEX[t]) / total : 0;
    });
    players.push({
      playerId: at(slate.playerId, i),
      name: at(slate.playerName, i),
      side,
      minutesP50: at(slate.p50, i),
      share,
      mean: {
        fga: stat(j, STAT_INDEX.fga) / n,
        fta: stat(j, STAT_INDEX.fta) / n,
        tov: stat(j, STAT_INDEX.tov) / n,
        pts: stat(j, STAT_INDEX.pts) / n,
        minutes: at(acc.minSum, j) / n,
        dk: at(acc.dkSum, j) / 4 / n,
      },
      fgaHist: acc.fgaHist.slice(j * FGA_BINS, (j + 1) * FGA_BINS),
      dkHist: acc.dkHist.slice(j * DK_BINS, (j + 1) * DK_BINS),
    });
  }
  const teamTotalHist = [0, 1].map((side) =>
    TARGETS.map((_, k) => acc.teamTotalHist.slice((side * 3 + k) * TEAM_TOTAL_BINS, (side * 3 + k + 1) * TEAM_TOTAL_BINS)),
  );
  return { worlds: n, players, teamTotalHist, conservationViolations: acc.conservationViolations };
}

export interface ActualLine {
  playerId: number;
  name: string;
  teamId: number;
  minutes: number;
  counts: Record<Target, number>;
  share: Record<Target, number>;
}

/** The real night from silver/player_games rows: each player's FGA, FTA and TOV and his share of his team's. */
export function actualShares(boxRows: readonly Record<string, Value>[], gameId: string): Map<number, ActualLine> {
  const rows = boxRows.filter((r) => String(r.game_id) === gameId);
  const count = (r: Record<string, Value>, t: Target): number => (typeof r[t] === 'number' ? r[t] : 0);
  const teamTotal = new Map<number, Record<Target, number>>();
  for (const r of rows) {
    const tot = teamTotal.get(r.team_id as number) ?? { fga: 0, fta: 0, tov: 0 };
    for (const t of TARGETS) tot[t] += count(r, t);
    teamTotal.set(r.team_id as number, tot);
  }
  const out = new Map<number, ActualLine>();
  for (const r of rows) {
    const tot = defined(teamTotal.get(r.team_id as number), `team ${String(r.team_id)}'s totals`);
    const counts = { fga: count(r, 'fga'), fta: count(r, 'fta'), tov: count(r, 'tov') };
    out.set(r.player_id as number, {
      playerId: r.player_id as number,
      name: String(r.player_name),
      teamId: r.team_id as number,
      minutes: typeof r.minutes === 'number' ? r.minutes : 0,
      counts,
      share: {
        fga: tot.fga > 0 ? counts.fga / tot.fga : 0,
        fta: tot.fta > 0 ? counts.fta / tot.fta : 0,
        tov: tot.tov > 0 ? counts.tov / tot.tov : 0,
      },
    });
  }
  return out;
}

export interface EffectRow {
  playerId: number;
  name: string;
  minutesP50: number;
  ruledOut: boolean;
  shareBefore: number;
  /** null when nobody is ruled out (there is no "after") */
  shareAfter: number | null;
  meanBefore: number;
  meanAfter: number | null;
  dkBefore: number;
  dkAfter: number | null;
  minutesBefore: number;
  minutesAfter: number | null;
}

/** One team's players before and after ruling players out (ruled-out players: share 0 after). */
export function ruleOutEffect(before: GameSummary, after: GameSummary | undefined, side: Side, target: Target): EffectRow[] {
  const afterById = new Map((after?.players ?? []).map((p) => [p.playerId, p]));
  return before.players
    .filter((p) => p.side === side)
    .map((p) => {
      const a = afterById.get(p.playerId);
      const ruledOut = after !== undefined && a === undefined;
      const pick = <T>(f: (q: PlayerSummary) => T, gone: T): T | null => (after === undefined ? null : a === undefined ? gone : f(a));
      return {
        playerId: p.playerId,
        name: p.name,
        minutesP50: p.minutesP50,
        ruledOut,
        shareBefore: p.share[target],
        shareAfter: pick((q) => q.share[target], 0),
        meanBefore: p.mean[target],
        meanAfter: pick((q) => q.mean[target], 0),
        dkBefore: p.mean.dk,
        dkAfter: pick((q) => q.mean.dk, 0),
        minutesBefore: p.mean.minutes,
        minutesAfter: pick((q) => q.mean.minutes, 0),
      };
    });
}

export interface Histogram {
  /** the lower edge of each bin */
  edges: number[];
  /** probabilities, one array per input histogram, over the same bins */
  probs: number[][];
}

/**
 * Histograms over shared bins of `width` source bins, trimmed to where any of them has mass (the 0.1% tails
 * on either side dropped), as probabilities. `valueOf(bin)` maps a source bin to its value.
 */
export function rebin(hists: readonly Uint32Array[], width: number, valueOf: (bin: number) => number, tail = 0.001): Histogram {
  const bins = hists[0]?.length ?? 0;
  let lo = bins;
  let hi = -1;
  for (const h of hists) {
    const total = h.reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    let cum = 0;
    for (let k = 0; k < bins; k++) {
      cum += at(h, k);
      if (cum > tail * total) {
        lo = Math.min(lo, k);
        break;
      }
    }
    cum = 0;
    for (let k = bins - 1; k >= 0; k--) {
      cum += at(h, k);
      if (cum > tail * total) {
        hi = Math.max(hi, k);
        break;
      }
    }
  }
  if (hi < lo) return { edges: [], probs: hists.map(() => []) };
  lo -= lo % width;
  const edges: number[] = [];
  for (let k = lo; k <= hi; k += width) edges.push(valueOf(k));
  const probs = hists.map((h) => {
    const total = h.reduce((a, b) => a + b, 0);
    return edges.map((_, e) => {
      let c = 0;
      for (let k = lo + e * width; k < Math.min(bins, lo + (e + 1) * width); k++) c += at(h, k);
      return total > 0 ? c / total : 0;
    });
  });
  return { edges, probs };
}

/** The value of a DK histogram bin (0.25-point bins from DK_MIN). */
export const dkValue = (bin: number): number => DK_MIN + bin / 4;

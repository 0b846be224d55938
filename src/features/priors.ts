// Priors of the rates base: league rates by position group, league shooting, the empirical-Bayes strength of
// the shooting priors and the pace prior. Each reads the league of the season before (else this season so far,
// else typical NBA values), so a season's first games and a player with no history still get real numbers.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: made,
   att, ps and ns are per-season arrays of the same length and every loop is bounded by it. */

import { positionInfo, type Acc, type LeagueSeason, type PosGroup, type RateStat, type RatesState, type TeamState } from './rates-state.ts';

/** Pseudo-minutes of the shrinkage prior on season rates (about four games of a rotation player). */
export const SEASON_PRIOR_MINUTES = 120;
/** Pseudo-minutes pulling last season's rate toward the league rate of his position group. */
export const PREV_PRIOR_MINUTES = 400;
/** Pace prior weight, in games. */
export const PACE_PRIOR_GAMES = 8;

/** Typical NBA rates, used only before the lake has any game to learn league means from. */
const FALLBACK_RATE: Record<RateStat, number> = {
  fga: 0.37,
  fga3: 0.14,
  fta: 0.1,
  tov: 0.055,
  ast: 0.1,
  oreb: 0.045,
  dreb: 0.15,
  stl: 0.035,
  blk: 0.022,
};
const FALLBACK_PCT = { fg2: 0.52, fg3: 0.355, ft: 0.77 };
const FALLBACK_PACE = 100;

/** Beta-binomial prior strength by the method of moments over players with enough attempts. */
export function ebPriorStrength(made: number[], att: number[], minAtt: number, fallback: number): number {
  let sm = 0;
  let sa = 0;
  const ps: number[] = [];
  const ns: number[] = [];
  for (let i = 0; i < made.length; i++) {
    const a = att[i]!;
    if (a < minAtt) continue;
    ps.push(made[i]! / a);
    ns.push(a);
    sm += made[i]!;
    sa += a;
  }
  if (ps.length < 30 || sa === 0) return fallback;
  const pbar = sm / sa;
  let varObs = 0;
  let binom = 0;
  for (let i = 0; i < ps.length; i++) {
    varObs += (ps[i]! - pbar) ** 2;
    binom += (pbar * (1 - pbar)) / ns[i]!;
  }
  varObs /= ps.length - 1;
  binom /= ps.length;
  const tau2 = varObs - binom;
  if (!(tau2 > 0)) return 2000;
  return Math.min(2000, Math.max(5, (pbar * (1 - pbar)) / tau2 - 1));
}

export function rateFrom(acc: Acc, stat: RateStat): number {
  return acc.min > 0 ? acc[stat] / acc.min : 0;
}

/** League reference for a season: last season's league, else this season so far, else none (typical values). */
export function leagueRef(state: RatesState, season: number): LeagueSeason | null {
  const prev = state.leagues.get(season - 1);
  if (prev !== undefined && prev.all.min > 0) return prev;
  const cur = state.leagues.get(season);
  return cur !== undefined && cur.all.min > 0 ? cur : null;
}

export function leagueRate(state: RatesState, season: number, group: PosGroup, stat: RateStat): number {
  const ref = leagueRef(state, season);
  if (ref === null) return FALLBACK_RATE[stat];
  const g = ref.byGroup[group];
  return g.min > 0 ? rateFrom(g, stat) : rateFrom(ref.all, stat);
}

export function leaguePct(state: RatesState, season: number): { fg2: number; fg3: number; ft: number } {
  const ref = leagueRef(state, season);
  if (ref === null) return FALLBACK_PCT;
  const a = ref.all;
  const fga2 = a.fga - a.fga3;
  return {
    fg2: fga2 > 0 ? a.fgm2 / fga2 : FALLBACK_PCT.fg2,
    fg3: a.fga3 > 0 ? a.fg3m / a.fga3 : FALLBACK_PCT.fg3,
    ft: a.fta > 0 ? a.ftm / a.fta : FALLBACK_PCT.ft,
  };
}

/** Shooting prior strengths of a season, from the players of the season before; cached on the state. */
export function ebFor(state: RatesState, season: number): { fg2: number; fg3: number; ft: number } {
  let e = state.ebStrength.get(season);
  if (e === undefined) {
    const prev = state.leagues.get(season - 1);
    const sh = prev?.shooters ?? [];
    e = {
      fg2: ebPriorStrength(
        sh.map((s) => s.fgm2),
        sh.map((s) => s.fga2),
        100,
        100,
      ),
      fg3: ebPriorStrength(
        sh.map((s) => s.fg3m),
        sh.map((s) => s.fga3),
        50,
        150,
      ),
      ft: ebPriorStrength(
        sh.map((s) => s.ftm),
        sh.map((s) => s.fta),
        40,
        50,
      ),
    };
    state.ebStrength.set(season, e);
  }
  return e;
}

export function paceOf(state: RatesState, t: TeamState, season: number): number {
  const ref = leagueRef(state, season);
  const leaguePace = ref !== null && ref.teamGames > 0 ? ref.paceSum / ref.teamGames : FALLBACK_PACE;
  const prior = t.prevPace ?? leaguePace;
  return (t.paceSum + PACE_PRIOR_GAMES * prior) / (t.games + PACE_PRIOR_GAMES);
}

/** The prior per-minute rate of a stat for a player: last season's rate shrunk toward his group's league rate. */
export function ratePrior(state: RatesState, season: number, prev: Acc | null, group: PosGroup, stat: RateStat): number {
  const league = leagueRate(state, season, group, stat);
  return prev !== null ? (prev[stat] + PREV_PRIOR_MINUTES * league) / (prev.min + PREV_PRIOR_MINUTES) : league;
}

/** DK position ("PG", "SG/SF", "C", "F/C") -> a roster position string positionInfo reads ("G", "G-F", "F-C"). */
export function rosterPositionFromDk(dk: string | null | undefined): string | null {
  if (dk === null || dk === undefined || dk.trim() === '') return null;
  const letters: string[] = [];
  for (const part of dk.toUpperCase().split('/')) {
    const l = part.trim().endsWith('G') ? 'G' : part.trim().endsWith('F') ? 'F' : part.trim() === 'C' ? 'C' : '';
    if (l !== '' && !letters.includes(l)) letters.push(l);
  }
  if (letters.length === 0) return null;
  const order = ['G', 'F', 'C'];
  letters.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const s = letters.join('-');
  return positionInfo(s).primary === 'U' ? null : s;
}

// What the backtest scores beyond DK points, as pure functions of numbers already gathered: the real line of a
// scored player (a DraftKings row with no box-score line scores 0: what his roster slot scored), the Brier score
// of P(plays) against who played beside the constant base rate's, and the minutes block of the backtest JSON
// (../shared/docs/contracts.md): minutes MAE overall and in the top vacancy quartile of team-games, and the share
// of regulation minutes at 44+ among players who played, simulated and real, overall and in the top vacancy decile.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   per-player and per-team arrays are allocated for the slate being scored and indexed by its own player and team
   counts. */

import { NO_VACANCY, REGULAR_STARTER_MINUTES } from '../diagnostics/minutes-vacancy.ts';

/** A scored player's real game: DK points, FGA, points and minutes (0 for a DNP or a player not in the box score). */
export interface Actual {
  dk: number;
  fga: number;
  pts: number;
  minutes: number;
  /** his game went to no overtime (true for a player absent from the box score: nothing to exclude) */
  regulation: boolean;
}

export const DNP: Actual = Object.freeze({ dk: 0, fga: 0, pts: 0, minutes: 0, regulation: true });

/** The real line of a DraftKings row: his box-score line, or a DNP when unmatched (no player id) or absent. */
export function actualOfRow(playerId: number | null, actuals: ReadonlyMap<number, Actual>): Actual {
  if (playerId === null) return DNP;
  return actuals.get(playerId) ?? DNP;
}

/**
 * A team-game the lake quarantined (a partial or repeated box score: kept out of silver) cannot be scored: its
 * players would read as DNPs. True when either team of the row's game is quarantined on that date.
 */
export function inQuarantinedGame(teamId: number, opponentTeamId: number, quarantinedTeams: ReadonlySet<number>): boolean {
  return quarantinedTeams.has(teamId) || quarantinedTeams.has(opponentTeamId);
}

/** Brier score of P(plays) against who played, and that of the constant forecast at the observed base rate. */
export function brierScores(
  probs: readonly number[],
  played: readonly boolean[],
): { n: number; brier: number; brier_base_rate: number; base_rate: number } {
  const n = probs.length;
  if (n === 0) return { n: 0, brier: Number.NaN, brier_base_rate: Number.NaN, base_rate: Number.NaN };
  let sq = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const y = played[i] === true ? 1 : 0;
    sq += (probs[i]! - y) ** 2;
    hits += y;
  }
  const rate = hits / n;
  // The constant forecast p = rate scores rate (1 - rate) in mean: the bar a play probability must clear.
  return { n, brier: sq / n, brier_base_rate: rate * (1 - rate), base_rate: rate };
}

/** One scored player for the minutes block. */
export interface MinutesEntry {
  /** team-game key (date/team): vacancy ranks team-games, not players */
  teamGame: string;
  /** vacated season minutes per game of the team's unavailable players that day */
  vacancy: number;
  /** mean simulated minutes over all worlds (0 in the worlds he sits) */
  simMean: number;
  /** worlds of a regulation game (no overtime) in which he played, and those of them at 44+ minutes */
  simRegPlayed: number;
  simReg44: number;
  actual: Actual;
  /** his minutes rank among the team's available players and his season minutes per available game before the
   * night (gold's minutes_rank_in_team, minutes_szn; absent without 5 available games this season) */
  role?: { rank: number; minutesSzn: number };
}

/** One minutes rank's gain when about a regular starter's minutes are out, simulated and real. */
export interface RankGain {
  rank: string;
  n: number;
  sim_gain: number;
  real_gain: number;
}

export interface MinutesBlock {
  /** over every scored player, those who did not play counted at 0 minutes (the simulated mean has his sitting
   * worlds at 0 too) */
  mae: number;
  mae_top_vacancy_quartile: number;
  /** the same over the players who played (the row set of the minutes targets, and of `lake build`'s p50 MAE);
   * the top quartile is the same set of team-games */
  mae_played: number;
  mae_top_vacancy_quartile_played: number;
  share_44plus_sim: number;
  share_44plus_real: number;
  share_44plus_sim_top_vacancy_decile: number;
  share_44plus_real_top_vacancy_decile: number;
  /**
   * Team-games with 24+ season minutes vacated (about a regular starter out) against those with under 3: per
   * minutes rank among the available players, the mean of (minutes - his season average) on the first less the
   * second, for the simulated mean and for the real minutes (src/diagnostics/minutes-vacancy.ts measures the
   * same on every season)
   */
  gain_by_rank: RankGain[];
  /** the largest |sim_gain - real_gain| over ranks with 30+ players */
  gain_by_rank_max_abs_diff: number;
  n_players: number;
  n_played: number;
  n_team_games: number;
}

/**
 * The team-games in the top `fraction` by vacancy: the ceil(fraction x n) highest, ties broken by key so the
 * set does not depend on input order.
 */
export function topVacancyTeamGames(entries: readonly MinutesEntry[], fraction: number): Set<string> {
  const vac = new Map<string, number>();
  for (const e of entries) vac.set(e.teamGame, Math.max(vac.get(e.teamGame) ?? -Infinity, e.vacancy));
  const order = [...vac.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Set(order.slice(0, Math.ceil(fraction * order.length)).map(([k]) => k));
}

const GAIN_RANKS = 10;

/** The gain_by_rank table: ranks 1..9 and 10+, event team-games against nobody-out team-games. */
export function gainByRank(entries: readonly MinutesEntry[]): RankGain[] {
  const acc = Array.from({ length: GAIN_RANKS }, () => ({ en: 0, es: 0, er: 0, cn: 0, cs: 0, cr: 0 }));
  for (const e of entries) {
    if (e.role === undefined) continue;
    const a = acc[Math.min(GAIN_RANKS, Math.max(1, e.role.rank)) - 1]!;
    const sim = e.simMean - e.role.minutesSzn;
    const real = e.actual.minutes - e.role.minutesSzn;
    // "a regular starter out": a regular starter's minutes vacated; "nobody out": the diagnostics' control nights
    if (e.vacancy >= REGULAR_STARTER_MINUTES) {
      a.en++;
      a.es += sim;
      a.er += real;
    } else if (e.vacancy < NO_VACANCY) {
      a.cn++;
      a.cs += sim;
      a.cr += real;
    }
  }
  return acc.map((a, k) => ({
    rank: k + 1 === GAIN_RANKS ? `${GAIN_RANKS}+` : String(k + 1),
    n: a.en,
    sim_gain: a.en > 0 && a.cn > 0 ? a.es / a.en - a.cs / a.cn : Number.NaN,
    real_gain: a.en > 0 && a.cn > 0 ? a.er / a.en - a.cr / a.cn : Number.NaN,
  }));
}

/** The backtest JSON's `minutes` block over the scored players. */
export function minutesBlock(entries: readonly MinutesEntry[]): MinutesBlock {
  const q4 = topVacancyTeamGames(entries, 0.25);
  const d10 = topVacancyTeamGames(entries, 0.1);
  const mae = (keep: (e: MinutesEntry) => boolean): number => {
    let s = 0;
    let n = 0;
    for (const e of entries) {
      if (!keep(e)) continue;
      s += Math.abs(e.simMean - e.actual.minutes);
      n++;
    }
    return n > 0 ? s / n : Number.NaN;
  };
  const share = (keep: (e: MinutesEntry) => boolean): { sim: number; real: number } => {
    let simN = 0;
    let sim44 = 0;
    let realN = 0;
    let real44 = 0;
    for (const e of entries) {
      if (!keep(e)) continue;
      simN += e.simRegPlayed;
      sim44 += e.simReg44;
      if (e.actual.regulation && e.actual.minutes > 0) {
        realN++;
        if (e.actual.minutes >= 44) real44++;
      }
    }
    return { sim: simN > 0 ? sim44 / simN : Number.NaN, real: realN > 0 ? real44 / realN : Number.NaN };
  };
  const all = share(() => true);
  const top = share((e) => d10.has(e.teamGame));
  const gains = gainByRank(entries);
  return {
    mae: mae(() => true),
    mae_top_vacancy_quartile: mae((e) => q4.has(e.teamGame)),
    mae_played: mae((e) => e.actual.minutes > 0),
    mae_top_vacancy_quartile_played: mae((e) => e.actual.minutes > 0 && q4.has(e.teamGame)),
    share_44plus_sim: all.sim,
    share_44plus_real: all.real,
    share_44plus_sim_top_vacancy_decile: top.sim,
    share_44plus_real_top_vacancy_decile: top.real,
    gain_by_rank: gains,
    gain_by_rank_max_abs_diff: Math.max(0, ...gains.filter((g) => g.n >= 30).map((g) => Math.abs(g.sim_gain - g.real_gain))),
    n_players: entries.length,
    n_played: entries.filter((e) => e.actual.minutes > 0).length,
    n_team_games: new Set(entries.map((e) => e.teamGame)).size,
  };
}

/** Regulation team minutes; a world whose team played more went to overtime (float32 sums: half a minute slack). */
const REGULATION_TEAM_MINUTES = 240.5;

/**
 * A player's simulated minutes summed from the saved worlds: his mean, and the regulation worlds he played and
 * reached 44+. `teamMinutes[w]` is his team's minutes in world w (overtime worlds exceed 240).
 */
export function simMinutesOf(
  minutes: ArrayLike<number>,
  teamMinutes: ArrayLike<number>,
): { simMean: number; simRegPlayed: number; simReg44: number; playProb: number } {
  let sum = 0;
  let played = 0;
  let regPlayed = 0;
  let reg44 = 0;
  for (let w = 0; w < minutes.length; w++) {
    const m = minutes[w]!;
    sum += m;
    if (m <= 0) continue;
    played++;
    if (teamMinutes[w]! > REGULATION_TEAM_MINUTES) continue;
    regPlayed++;
    if (m >= 44) reg44++;
  }
  const n = minutes.length;
  return { simMean: n > 0 ? sum / n : 0, simRegPlayed: regPlayed, simReg44: reg44, playProb: n > 0 ? played / n : 0 };
}

// Row emission of the rates base: the pregame features of one team-game's available players, read from the
// state as it stands before the game's date (priors from priors.ts). Only what is known before tip enters:
// who is available, who starts and the line. Labels (what happened) are the caller's to add.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: recentMin
   has an entry for every candidate index it ranks, and score one per candidate. */

import { ebFor, leaguePct, paceOf, ratePrior, SEASON_PRIOR_MINUTES } from './priors.ts';
import { positionInfo, RATE_STATS, type FeatureRow, type PosGroup, type RatesState } from './rates-state.ts';

/** The line of a game as features read it. */
export interface GameLine {
  spread_home: number | null;
  total: number | null;
  home_implied_total: number | null;
  away_implied_total: number | null;
}

/** One listed player of a team-game before tip. */
export interface RosterEntry {
  player_id: number;
  position: string | null;
  /** False = out (injury, suspension, ...): no row, and his minutes count as vacancy for teammates. */
  available: boolean;
  is_starter: boolean;
}

export interface TeamGameSetup {
  season: number;
  date: string;
  game_id: string;
  team_id: number;
  opponent_team_id: number;
  home: boolean;
  line: GameLine | undefined;
  players: RosterEntry[];
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The feature columns of each available player of the team-game, in the order of `tg.players` (the
 * unavailable ones are skipped). Reads and may create player/team entries of the state; adds no outcome.
 */
export function emitTeamGame(state: RatesState, tg: TeamGameSetup): FeatureRow[] {
  const { season, date, line, home } = tg;
  const spreadHome = line?.spread_home ?? null;
  const spread = spreadHome === null ? null : home ? spreadHome : -spreadHome;
  const itt = line === undefined ? null : home ? line.home_implied_total : line.away_implied_total;
  const oitt = line === undefined ? null : home ? line.away_implied_total : line.home_implied_total;
  const team = state.teamState(tg.team_id, season);
  const opp = state.teamState(tg.opponent_team_id, season);
  const lastGame = state.lastTeamGame.get(tg.team_id);
  const daysRest = lastGame === undefined ? 7 : Math.min(7, daysBetween(lastGame, date));
  const lgPct = leaguePct(state, season);
  const eb = ebFor(state, season);

  // Vacancy: teammates listed unavailable today, valued by what they did this season before today.
  let vacMin = 0;
  let vacFga = 0;
  let vacTov = 0;
  let vacRecent = 0;
  let vacUsage = 0;
  let nOut = 0;
  const vacGroup: Record<PosGroup, number> = { guard: 0, wing: 0, big: 0 };
  const teamUsagePerGame = team.games > 0 ? team.usage / team.games : 0;
  for (const e of tg.players) {
    if (e.available) continue;
    nOut++;
    const p = state.playerState(e.player_id, season, e.position);
    const src = p.acc.games > 0 ? p.acc : p.prev;
    if (src === null || src.games === 0) continue;
    const perGame = (x: number): number => x / src.games;
    vacMin += perGame(src.min);
    vacFga += perGame(src.fga);
    vacTov += perGame(src.tov);
    vacRecent += p.mW > 0 ? p.mSum / p.mW : 0;
    vacGroup[p.group] += perGame(src.min);
    if (teamUsagePerGame > 0 && p.acc.games > 0) vacUsage += perGame(src.fga + 0.44 * src.fta + src.tov) / teamUsagePerGame;
  }

  const avail = tg.players.map((e, k) => ({ e, k })).filter(({ e }) => e.available);
  const recentMin = new Map<number, number>();
  for (const { e, k } of avail) {
    const p = state.playerState(e.player_id, season, e.position);
    recentMin.set(k, p.mW > 0 ? p.mSum / p.mW : -1);
  }
  const ranked = avail.map(({ k }) => k).sort((a, b) => recentMin.get(b)! - recentMin.get(a)! || a - b);
  const out: FeatureRow[] = [];
  for (const { e, k } of avail) {
    const pos = positionInfo(e.position);
    const p = state.playerState(e.player_id, season, e.position);
    const row: FeatureRow = {};
    // season priors: this season's rate shrunk toward last season's (itself shrunk toward the league's)
    for (const s of RATE_STATS) {
      const prior = ratePrior(state, season, p.prev, pos.group, s);
      row[`season_${s}_per_min`] = (p.acc[s] + SEASON_PRIOR_MINUTES * prior) / (p.acc.min + SEASON_PRIOR_MINUTES);
      row[`recent_${s}_per_min`] = (p.rW[s] + (SEASON_PRIOR_MINUTES / 2) * prior) / (p.rMin + SEASON_PRIOR_MINUTES / 2);
    }
    const shoot = p.acc;
    const prevShoot = p.prev;
    const fga2Seen = shoot.fga - shoot.fga3 + (prevShoot === null ? 0 : (prevShoot.fga - prevShoot.fga3) * 0.5);
    const fgm2Seen = shoot.fgm2 + (prevShoot === null ? 0 : prevShoot.fgm2 * 0.5);
    const fga3Seen = shoot.fga3 + (prevShoot === null ? 0 : prevShoot.fga3 * 0.5);
    const fg3mSeen = shoot.fg3m + (prevShoot === null ? 0 : prevShoot.fg3m * 0.5);
    const ftaSeen = shoot.fta + (prevShoot === null ? 0 : prevShoot.fta * 0.5);
    const ftmSeen = shoot.ftm + (prevShoot === null ? 0 : prevShoot.ftm * 0.5);
    row.season_fg2_pct = (fgm2Seen + eb.fg2 * lgPct.fg2) / (fga2Seen + eb.fg2);
    row.season_fg3_pct = (fg3mSeen + eb.fg3 * lgPct.fg3) / (fga3Seen + eb.fg3);
    row.season_ft_pct = (ftmSeen + eb.ft * lgPct.ft) / (ftaSeen + eb.ft);
    const rec = recentMin.get(k)!;
    row.recent_minutes = rec >= 0 ? rec : null;
    row.recent_minutes_played = p.pW > 0 ? p.pSum / p.pW : null;
    row.last_minutes = p.lastMinutes;
    row.minutes_last5 = p.last5.length > 0 ? p.last5.reduce((a, b) => a + b, 0) / p.last5.length : null;
    row.minutes_szn = p.acc.availGames > 0 ? p.acc.min / p.acc.availGames : null;
    row.minutes_prev_season = p.prev !== null && p.prev.availGames > 0 ? p.prev.min / p.prev.availGames : null;
    row.games_played_szn = p.acc.games;
    row.games_available_szn = p.acc.availGames;
    row.start_rate_recent = p.startW > 0 ? p.startSum / p.startW : null;
    row.played_rate_recent = p.playedW > 0 ? p.playedSum / p.playedW : null;
    row.days_rest = daysRest;
    row.back_to_back = daysRest === 1;
    row.days_since_played = p.lastPlayed === null ? null : daysBetween(p.lastPlayed, date);
    // role
    row.is_starter = e.is_starter;
    row.position_primary = pos.primary;
    row.pos_g = pos.g;
    row.pos_f = pos.f;
    row.pos_c = pos.c;
    row.pos_group = p.group;
    row.minutes_rank_in_team = ranked.indexOf(k) + 1;
    // team context
    row.team_itt = itt;
    row.opp_itt = oitt;
    row.spread_close = spread;
    row.total_close = line?.total ?? null;
    row.team_pace_szn = paceOf(state, team, season);
    row.opp_pace_szn = paceOf(state, opp, season);
    // vacancy
    row.vac_min_szn = vacMin;
    row.vac_fga_szn = vacFga;
    row.vac_tov_szn = vacTov;
    row.vac_min_recent = vacRecent;
    row.team_minutes_vacated = vacMin / 240;
    row.team_usage_vacated = vacUsage;
    row.vac_min_guard = vacGroup.guard;
    row.vac_min_wing = vacGroup.wing;
    row.vac_min_big = vacGroup.big;
    row.n_out = nOut;
    out.push(row);
  }
  return out;
}

/** A player of a team-game whose starting role may be unknown (null). */
export interface StarterCandidate {
  player_id: number;
  position: string | null;
  available: boolean;
  is_starter: boolean | null;
}

/**
 * Starters of a team-game before tip. Listed starters (is_starter true) who are available are kept; an
 * unavailable one is dropped. Unless exactly five remain, the team is filled (or trimmed) to five by the
 * prediction: the available players ranked by recent start rate (decayed, half-life 4 games), then recent
 * minutes; players with no history rank last. Returns one flag per candidate (false for the unavailable).
 */
export function predictStarters(state: RatesState, players: readonly StarterCandidate[]): boolean[] {
  const score = players.map((c) => {
    const p = state.players.get(c.player_id);
    // A player seen only in an earlier season still counts: his decayed sums carry over (halved at the season
    // boundary, a ratio unchanged by the halving).
    const startRate = p !== undefined && p.startW > 0 ? p.startSum / p.startW : -1;
    const recent = p !== undefined && p.mW > 0 ? p.mSum / p.mW : -1;
    return { startRate, recent };
  });
  const byRole = (a: number, b: number): number =>
    score[b]!.startRate - score[a]!.startRate || score[b]!.recent - score[a]!.recent || a - b;
  const idx = players.map((_, i) => i).filter((i) => players[i]?.available === true);
  const listed = idx.filter((i) => players[i]?.is_starter === true).sort(byRole);
  const others = idx.filter((i) => players[i]?.is_starter !== true).sort(byRole);
  // Listed starters come first, so they are kept before any predicted one; more than five listed are trimmed.
  const chosen = new Set([...listed, ...others].slice(0, 5));
  return players.map((_, i) => chosen.has(i));
}

// Pregame features for every available player of every team-game: gold/rates_training_base.
//
// Leak-free by construction: dates are processed in order; the features of date D are computed from state
// that holds only rows dated before D, and D's rows update the state only after all of D's features exist.
// What D itself contributes to its own features is only what is known before tip: who is available (the
// injury report), who starts (the confirmed lineup) and the closing line (known at tip).
//
// The parts: rates-state.ts (accumulators and their update), priors.ts (league and shrinkage priors),
// rates-emit.ts (one team-game's feature rows); this file is the loop over the lake's dates.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: order,
   rows and dayRows list row numbers of the frame (never empty where [0] is read), the columns read are schema
   columns, and predicted has one flag per entry whenever a starter flag is missing. */

import type { Frame, Value } from '../data/schema.ts';
import { selectAsOf, tipTimestamp } from './asof.ts';
import { emitTeamGame, predictStarters, type GameLine } from './rates-emit.ts';
import { RatesState, type FeatureRow, type PlayerOutcome, type RowCounts } from './rates-state.ts';

export {
  RATE_STATS,
  MINUTES_HALF_LIFE,
  RATE_HALF_LIFE,
  positionInfo,
  RatesState,
  type RateStat,
  type PosGroup,
  type FeatureRow,
} from './rates-state.ts';
export { SEASON_PRIOR_MINUTES, PREV_PRIOR_MINUTES, PACE_PRIOR_GAMES, ebPriorStrength } from './priors.ts';

export interface OddsRow extends GameLine {
  game_id: string;
  home_team_id: number;
  as_of_ts: string;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the caller's reading of one cell of a Value[] column
const col = <T extends Value>(f: Frame, name: string, i: number): T => f.columns[name]![i] as T;

/** The silver/player_games rows of one team-game of one date, in the box score's order. */
interface TeamGameRows {
  rows: number[];
}

/** Silver/player_games rows grouped by date, then team-game, in the order features are computed. */
export function dateGroups(games: Frame): { date: string; season: number; teamGames: number[][] }[] {
  // Order: date, then game, then team, then the box score's own row order.
  const order = Array.from({ length: games.numRows }, (_, i) => i);
  order.sort(
    (a, b) =>
      col<string>(games, 'game_date', a).localeCompare(col<string>(games, 'game_date', b)) ||
      col<string>(games, 'game_id', a).localeCompare(col<string>(games, 'game_id', b)) ||
      col<number>(games, 'team_id', a) - col<number>(games, 'team_id', b) ||
      a - b,
  );
  const out: { date: string; season: number; teamGames: number[][] }[] = [];
  let start = 0;
  while (start < order.length) {
    const date = col<string>(games, 'game_date', order[start]!);
    let end = start;
    while (end < order.length && col<string>(games, 'game_date', order[end]!) === date) end++;
    const dayRows = order.slice(start, end);
    start = end;
    const teamGames = new Map<string, number[]>();
    for (const i of dayRows) {
      const k = `${col(games, 'game_id', i)}|${col(games, 'team_id', i)}`;
      const l = teamGames.get(k);
      if (l === undefined) teamGames.set(k, [i]);
      else l.push(i);
    }
    out.push({ date, season: col<number>(games, 'season', dayRows[0]!), teamGames: [...teamGames.values()] });
  }
  return out;
}

/** The state update's view of one team-game's silver rows. */
export function outcomeOf(games: Frame, rows: readonly number[]): Parameters<RatesState['update']>[0] {
  const r0 = rows[0]!;
  const count = (name: string, i: number): number => col<number | null>(games, name, i) ?? 0;
  const players: PlayerOutcome[] = rows.map((i) => {
    const counts: RowCounts = {
      fgm: count('fgm', i),
      fga: count('fga', i),
      fg3m: count('fg3m', i),
      fg3a: count('fg3a', i),
      ftm: count('ftm', i),
      fta: count('fta', i),
      oreb: count('oreb', i),
      dreb: count('dreb', i),
      ast: count('ast', i),
      stl: count('stl', i),
      blk: count('blk', i),
      tov: count('tov', i),
    };
    return {
      player_id: col<number>(games, 'player_id', i),
      position: col<string | null>(games, 'position', i),
      available: col<boolean>(games, 'available', i),
      starter: col<boolean | null>(games, 'starter', i) ?? null,
      minutes: col<number | null>(games, 'minutes', i),
      counts,
    };
  });
  const listsDnps = rows.some((i) => col<boolean | null>(games, 'played', i) === false) || players.some((p) => p.starter !== null);
  return {
    season: col<number>(games, 'season', r0),
    date: col<string>(games, 'game_date', r0),
    team_id: col<number>(games, 'team_id', r0),
    listsDnps,
    players,
  };
}

/** Runs the state forward over every date of `games` without emitting rows (pregame history). */
export function advanceState(state: RatesState, games: Frame): void {
  for (const day of dateGroups(games)) {
    state.beginDate(day.season);
    const outcomes = day.teamGames.map((rows) => outcomeOf(games, rows));
    for (const o of outcomes) state.touch(o);
    for (const o of outcomes) state.update(o);
  }
}

/**
 * Computes the feature rows (no minutes projections yet) for every available player in `games`
 * (silver/player_games rows of all seasons, any order) with closing lines from `odds`.
 */
export function computeRatesBase(games: Frame, odds: readonly OddsRow[]): FeatureRow[] {
  const days = dateGroups(games);
  const tipOf = new Map<string, string>();
  for (const d of days)
    for (const rows of d.teamGames)
      for (const i of rows)
        tipOf.set(
          col<string>(games, 'game_id', i),
          tipTimestamp(col<string>(games, 'game_date', i), col<string | null>(games, 'tip_time_local', i)),
        );
  const lines = selectAsOf(
    odds,
    (o) => o.game_id,
    (o) => o.as_of_ts,
    (k) => tipOf.get(k),
  );
  const state = new RatesState();
  const out: FeatureRow[] = [];
  for (const { date, season: daySeason, teamGames } of days) {
    state.beginDate(daySeason);
    // 1. Features of the day, from state before the day.
    for (const rows of teamGames) out.push(...teamGameRows(games, { rows }, state, date, lines));
    // 2. Update state with the day's outcomes.
    for (const rows of teamGames) state.update(outcomeOf(games, rows));
  }
  return out;
}

function teamGameRows(games: Frame, tg: TeamGameRows, state: RatesState, date: string, lines: Map<string, OddsRow>): FeatureRow[] {
  const { rows } = tg;
  const r0 = rows[0]!;
  const season = col<number>(games, 'season', r0);
  const gid = col<string>(games, 'game_id', r0);
  const starters = rows.map((i) => col<boolean | null>(games, 'starter', i) ?? null);
  const entries = rows.map((i, k) => ({
    player_id: col<number>(games, 'player_id', i),
    position: col<string | null>(games, 'position', i),
    available: col<boolean>(games, 'available', i),
    is_starter: starters[k] ?? null,
  }));
  // A row without a starter flag (a game log) gets the predicted lineup, never its own minutes (that would leak).
  const predicted = starters.some((s) => s === null) ? predictStarters(state, entries) : null;
  const features = emitTeamGame(state, {
    season,
    date,
    game_id: gid,
    team_id: col<number>(games, 'team_id', r0),
    opponent_team_id: col<number>(games, 'opponent_team_id', r0),
    home: col<string>(games, 'home_away', r0) === 'home',
    line: lines.get(gid),
    players: entries.map((e, k) => ({ ...e, is_starter: e.is_starter ?? predicted![k]! })),
  });
  const avail = rows.filter((i) => col<boolean>(games, 'available', i));
  return avail.map((i, k) => ({ ...identityAndLabels(games, i, season, date), ...features[k] }));
}

function identityAndLabels(games: Frame, i: number, season: number, date: string): FeatureRow {
  const minutes = col<number | null>(games, 'minutes', i) ?? 0;
  const count = (name: string): number => col<number | null>(games, name, i) ?? 0;
  const fga = count('fga');
  const fg3a = count('fg3a');
  const fgm = count('fgm');
  const fg3m = count('fg3m');
  const per = (x: number): number | null => (minutes > 0 ? x / minutes : null);
  const pct = (m: number, a: number): number | null => (a > 0 ? m / a : null);
  return {
    season,
    game_date: date,
    game_id: col<string>(games, 'game_id', i),
    team_id: col<number>(games, 'team_id', i),
    opponent_team_id: col<number>(games, 'opponent_team_id', i),
    player_id: col<number>(games, 'player_id', i),
    player_name: col<string>(games, 'player_name', i),
    season_type: col<string>(games, 'season_type', i),
    home: col<string>(games, 'home_away', i) === 'home',
    // labels
    minutes_actual: minutes,
    played: minutes > 0,
    fga2_per_min: per(fga - fg3a),
    fga3_per_min: per(fg3a),
    fta_per_min: per(count('fta')),
    tov_per_min: per(count('tov')),
    oreb_per_min: per(count('oreb')),
    dreb_per_min: per(count('dreb')),
    ast_per_min: per(count('ast')),
    stl_per_min: per(count('stl')),
    blk_per_min: per(count('blk')),
    fg2_pct: pct(fgm - fg3m, fga - fg3a),
    fg3_pct: pct(fg3m, fg3a),
    ft_pct: pct(count('ftm'), count('fta')),
    fgm,
    fga,
    fg3m,
    fg3a,
    ftm: count('ftm'),
    fta: count('fta'),
    oreb: count('oreb'),
    dreb: count('dreb'),
    ast: count('ast'),
    stl: count('stl'),
    blk: count('blk'),
    tov: count('tov'),
    pts: count('pts'),
  };
}

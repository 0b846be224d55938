// Pregame features for tonight's roster: the rates-base state run forward over the lake's rows dated before D,
// then one feature row per available roster player with the same definitions as gold/rates_training_base,
// and the minutes projection of projections_minutes_v1. Rows on or after D are never read, so the same call on
// a past date is an honest backtest.
//
// Documented choices:
// - Starters: listed starters (is_starter true) who are available are kept; a team with other than five (an Out
//   starter dropped, no starters file: null) is filled or trimmed to five by predictStarters (recent start rate,
//   then recent minutes, among the available players).
// - No NBA history (no available game in the lake before D): rates are the league's of his position group (the
//   roster position, else the DK position: PG/SG = G, SF/PF = F, C = C), the row gets `no_history: true`, and
//   when a salary is given his minutes are the salary rule (SALARY_MINUTES) instead of the model's
//   no-history intercept, because the lake holds no salaries to fit minutes on salary with.
// - Minutes model: opts.model, else the shipped public/data/models/minutes_v1.json (fit on the seasons before
//   the embedded one, the model gold uses for that season). Fitting on the lake's earlier seasons on the fly
//   takes about a minute a season, far over the 10 s budget of a slate build, so it is not done here.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: dates is
   the frame's column (numRows long), preds has one entry per target row, each team-game has players and its game_id
   is from gameById. */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { takeRows, type Frame } from '../data/schema.ts';
import { PLAYER_GAMES } from '../data/tables.ts';
import { heuristicMinutesModel, parseMinutesModel, predictMinutes, type MinutesModel } from './minutes-model.ts';
import { rosterPositionFromDk } from './priors.ts';
import { advanceState } from './rates-base.ts';
import { emitTeamGame, predictStarters, type GameLine } from './rates-emit.ts';
import { RatesState, type FeatureRow } from './rates-state.ts';

export const SHIPPED_MINUTES_MODEL = resolve(fileURLToPath(import.meta.url), '../../../public/data/models/minutes_v1.json');

/** One player of tonight's DraftKings roster, after name matching and the injury report. */
export interface PregameRosterPlayer {
  player_id: number;
  player_name: string;
  team_id: number;
  game_id: string;
  /** Projected starter; null = predict. */
  is_starter: boolean | null;
  /** False = Out or Suspension: no row, and he counts as vacancy for teammates. */
  available: boolean;
  dk_position?: string | null;
  salary?: number | null;
  /** NBA roster position when the caller knows it; else his last one in the lake, else the DK position. */
  position?: string | null;
}

export interface PregameGame {
  game_id: string;
  date: string;
  home_team_id: number;
  away_team_id: number;
  spread_home: number | null;
  total: number | null;
  tip_time?: string | null;
  /** Defaults to Regular Season. */
  season_type?: string;
}

export interface PregameOptions {
  model?: MinutesModel;
  /** Season end year; defaults to the date's (August on belongs to the next season). */
  season?: number;
}

export interface PregameResult {
  rows: FeatureRow[];
  season: number;
  model: MinutesModel;
  /** Player-game rows of history read (all dated before D). */
  historyRows: number;
  /** The last history date read, or null for an empty lake. */
  lastHistoryDate: string | null;
  seconds: { read: number; state: number; emit: number };
}

/** Minutes of a player with no NBA history, by DK salary (hand-set: 3000 -> 8, +4 per 1000, 4..36). */
export function salaryMinutes(salary: number): number {
  return Math.min(36, Math.max(4, 8 + (4 * (salary - 3000)) / 1000));
}

/** Columns the state update reads. */
const HISTORY_COLUMNS = [
  'season',
  'game_id',
  'game_date',
  'team_id',
  'player_id',
  'position',
  'available',
  'starter',
  'played',
  'minutes',
  'fgm',
  'fga',
  'fg3m',
  'fg3a',
  'ftm',
  'fta',
  'oreb',
  'dreb',
  'ast',
  'stl',
  'blk',
  'tov',
] as const;

export function seasonOfDate(date: string): number {
  const y = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 8 ? y + 1 : y;
}

function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

let shippedModel: MinutesModel | null = null;
/** The shipped minutes model (public/data/models/minutes_v1.json, trained on 2018-2023), read once. */
export async function loadShippedModel(): Promise<MinutesModel> {
  shippedModel ??= parseMinutesModel(await readFile(SHIPPED_MINUTES_MODEL, 'utf8'), SHIPPED_MINUTES_MODEL);
  return shippedModel;
}

/**
 * P(available tonight) for a player no injury report mentions, by the team-games in a row he has just missed
 * (RatesState.absenceStreak): counted on the regular seasons 2023-24 and 2024-25 (clean box scores: an injury-type
 * DNP or absence from the box score is unavailable), every player who had played for his team that season, pooled.
 * A player who missed the last game was available for the next 42.3% of the time (1,890 of 4,473); after 2: 24.8%
 * (619 / 2,498); 3-4: 19.3% (624 / 3,241); 5-9: 12.4% (531 / 4,271); 10 or more: 4.4% (330 / 7,532). Only streaks of
 * three or more are used: a short absence (rest, a one-game knock) is what an injury report still lists when it
 * matters, while a long one is what a sparse report leaves out (the shared slates' feed before 2026-03-12). Used
 * for streaks of one and two as well, the 15 shared slates' MAE was 6.86 (complete-report nights 6.43); from three,
 * 6.76 (5.85); not at all, 8.20 (5.99). After a game he was available for, or one or two missed: 1 (the minutes
 * model's play probability covers coach's decisions). The box-score mode never uses it: there availability is known.
 */
export function availabilityAfterAbsence(streak: number): number {
  if (streak <= 2) return 1;
  if (streak <= 4) return 0.193;
  if (streak <= 9) return 0.124;
  return 0.044;
}

/**
 * Reads silver/player_games dated before `date` (partition pruning, then a row check that never trusts it), of
 * `seasons` when given. A pregame build reads the date's season and the one before: every feature comes from
 * them (season rates shrunk to last season's, last season shrunk to the league of its position group, shooting
 * priors from last season's players), so older seasons only cost time. What it gives up: a player who missed all
 * of last season gets the league prior where gold, which walks every season, remembers the season before.
 */
export async function readHistory(lake: Lake, date: string, seasons?: readonly number[]): Promise<Frame> {
  const f = await lake.read(
    PLAYER_GAMES,
    { endDate: dayBefore(date), ...(seasons !== undefined ? { seasons } : {}) },
    { columns: HISTORY_COLUMNS },
  );
  const dates = f.columns.game_date as string[];
  const keep: number[] = [];
  for (let i = 0; i < f.numRows; i++) if (dates[i]! < date) keep.push(i);
  return keep.length === f.numRows ? f : takeRows(f, keep);
}

/** Feature rows and minutes projections for the available players of `roster` on `date`, from history < date. */
export async function pregameFeatureRows(
  lake: Lake,
  date: string,
  roster: readonly PregameRosterPlayer[],
  games: readonly PregameGame[],
  opts: PregameOptions = {},
): Promise<PregameResult> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UserError(`date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const season = opts.season ?? seasonOfDate(date);
  const gameById = new Map(games.map((g) => [g.game_id, g]));
  const seen = new Set<number>();
  for (const r of roster) {
    const g = gameById.get(r.game_id);
    if (g === undefined)
      throw new UserError(`roster player ${r.player_name} (${r.player_id}): game ${r.game_id} is not among the slate's games`);
    if (r.team_id !== g.home_team_id && r.team_id !== g.away_team_id)
      throw new UserError(`roster player ${r.player_name} (${r.player_id}): team ${r.team_id} does not play in game ${r.game_id}`);
    if (seen.has(r.player_id)) throw new UserError(`roster player ${r.player_name} (${r.player_id}) is listed twice`);
    seen.add(r.player_id);
  }

  const t0 = performance.now();
  const history = await readHistory(lake, date, [season - 1, season]);
  const t1 = performance.now();
  const state = new RatesState();
  advanceState(state, history);
  state.beginDate(season);
  const t2 = performance.now();

  // Team-games in gold's order (game, then team), players in roster order.
  const groups = new Map<string, PregameRosterPlayer[]>();
  for (const r of [...roster].sort((a, b) => a.game_id.localeCompare(b.game_id) || a.team_id - b.team_id)) {
    const k = `${r.game_id}|${r.team_id}`;
    const l = groups.get(k);
    if (l === undefined) groups.set(k, [r]);
    else l.push(r);
  }
  const rows: FeatureRow[] = [];
  const salaries: (number | null)[] = [];
  for (const players of groups.values()) {
    const first = players[0]!;
    const g = gameById.get(first.game_id)!;
    const home = first.team_id === g.home_team_id;
    const line: GameLine = {
      spread_home: g.spread_home,
      total: g.total,
      // as silver/odds_snapshot derives them
      home_implied_total: g.total !== null && g.spread_home !== null ? g.total / 2 - g.spread_home / 2 : null,
      away_implied_total: g.total !== null && g.spread_home !== null ? g.total / 2 + g.spread_home / 2 : null,
    };
    const entries = players.map((r) => ({
      player_id: r.player_id,
      position: r.position !== undefined ? r.position : (state.players.get(r.player_id)?.position ?? rosterPositionFromDk(r.dk_position)),
      available: r.available,
      is_starter: r.is_starter,
    }));
    const listed = entries.filter((e) => e.available && e.is_starter === true).length;
    const needPrediction = listed !== 5 || entries.some((e) => e.available && e.is_starter === null);
    const predicted = needPrediction ? predictStarters(state, entries) : entries.map((e) => e.available && e.is_starter === true);
    const features = emitTeamGame(state, {
      season,
      date,
      game_id: g.game_id,
      team_id: first.team_id,
      opponent_team_id: home ? g.away_team_id : g.home_team_id,
      home,
      line: g.spread_home === null && g.total === null ? undefined : line,
      players: entries.map((e, k) => ({ ...e, is_starter: predicted[k]! })),
    });
    const avail = players.filter((r) => r.available);
    avail.forEach((r, k) => {
      rows.push({
        season,
        game_date: date,
        game_id: g.game_id,
        team_id: r.team_id,
        opponent_team_id: home ? g.away_team_id : g.home_team_id,
        player_id: r.player_id,
        player_name: r.player_name,
        season_type: g.season_type ?? 'Regular Season',
        home,
        ...features[k],
      });
      salaries.push(r.salary ?? null);
    });
  }

  const model = opts.model ?? (await loadShippedModel());
  const usable = model.trained_seasons.every((s) => s < season) ? model : heuristicMinutesModel();
  const preds = predictMinutes(usable, rows);
  rows.forEach((r, i) => {
    const p = preds[i]!;
    const noHistory = r.recent_minutes === null;
    const salary = salaries[i] ?? null;
    r.no_history = noHistory;
    if (noHistory && salary !== null) {
      // the salary rule, with the heuristic model's +-8 minute band
      const m = salaryMinutes(salary);
      r.minutes_pred_p10 = Math.max(0, m - 8);
      r.minutes_pred_p50 = m;
      r.minutes_pred_p90 = Math.min(48, m + 8);
      r.minutes_source = 'salary_prior';
    } else {
      r.minutes_pred_p10 = p.p10;
      r.minutes_pred_p50 = p.p50;
      r.minutes_pred_p90 = p.p90;
      r.minutes_source = 'model';
    }
    r.minutes_pred_play_prob = p.playProb;
    r.absence_streak = state.absenceStreak.get(r.player_id as number) ?? 0;
  });
  const t3 = performance.now();
  const hd = history.columns.game_date as string[];
  let last: string | null = null;
  for (const d of hd) if (last === null || d > last) last = d;
  return {
    rows,
    season,
    model: usable,
    historyRows: history.numRows,
    lastHistoryDate: last,
    seconds: { read: (t1 - t0) / 1000, state: (t2 - t1) / 1000, emit: (t3 - t2) / 1000 },
  };
}

// A slate as flat typed arrays: what the kernels (CPU now, WGSL next) read. Built from gold/rates_training_base
// of one date, reading only pregame columns (features and projections, never the game's labels).
//
// Layouts, stated once:
//   players: [player], ordered by game, then team (home first), then projected minutes (most first);
//   teams:   [team], two per game, home first; team t's players are playerStart[t] .. playerEnd[t] - 1;
//   games:   [game]; game g's teams are 2g (home) and 2g + 1 (away).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd have one entry per team (two per game), and t < 2 * nGames, g < nGames. */

import { UserError } from '../src/data/errors.ts';
import type { Lake } from '../src/data/lake.ts';
import { frameRows, type Value } from '../src/data/schema.ts';
import { RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { ruleOut, ruleOutMinutes } from '../src/shares/counterfactual.ts';
import type { MinutesModel } from '../src/features/minutes-model.ts';
import { SHARE_TARGETS, type ShareTarget } from '../src/shares/features.ts';
import { baseLogits, type ShareModel } from '../src/shares/model.ts';

/** Per-minute stats the engine draws counts for. */
export const COUNT_STATS = ['oreb', 'dreb', 'ast', 'stl', 'blk'] as const;

/** The pregame columns a simulation reads. Labels are never read. */
export const SLATE_COLUMNS = [
  'season',
  'game_date',
  'game_id',
  'team_id',
  'opponent_team_id',
  'player_id',
  'player_name',
  'home',
  'is_starter',
  'season_fga_per_min',
  'season_fga3_per_min',
  'season_fta_per_min',
  'season_tov_per_min',
  'season_ast_per_min',
  'season_oreb_per_min',
  'season_dreb_per_min',
  'season_stl_per_min',
  'season_blk_per_min',
  'recent_fga_per_min',
  'recent_fga3_per_min',
  'recent_fta_per_min',
  'recent_tov_per_min',
  'recent_ast_per_min',
  'recent_oreb_per_min',
  'recent_dreb_per_min',
  'recent_stl_per_min',
  'recent_blk_per_min',
  'season_fg2_pct',
  'season_fg3_pct',
  'season_ft_pct',
  'team_itt',
  'spread_close',
  'total_close',
  'minutes_pred_p10',
  'minutes_pred_p50',
  'minutes_pred_p90',
  'minutes_pred_play_prob',
  // share-model inputs and what ruling a player out updates
  'minutes_rank_in_team',
  'pos_group',
  'games_played_szn',
  'team_usage_vacated',
  'vac_min_szn',
  'vac_fga_szn',
  'vac_tov_szn',
  'vac_min_recent',
  'team_minutes_vacated',
  'vac_min_guard',
  'vac_min_wing',
  'vac_min_big',
  'n_out',
  'minutes_szn',
  'recent_minutes',
  // the minutes model's other inputs (ruling a player out re-predicts his teammates' minutes)
  'minutes_last5',
  'minutes_prev_season',
  'games_available_szn',
  'start_rate_recent',
  'played_rate_recent',
  'recent_minutes_played',
  'last_minutes',
  'days_since_played',
  'back_to_back',
  'season_type',
] as const;

/** Weight of the season prior against recent form in the rates the engine uses. */
export const SEASON_WEIGHT = 0.6;

export interface Slate {
  date: string;
  season: number;
  nPlayers: number;
  nTeams: number;
  nGames: number;
  // players
  playerId: Int32Array;
  playerName: string[];
  playerTeam: Int32Array;
  isStarter: Uint8Array;
  p10: Float64Array;
  p50: Float64Array;
  p90: Float64Array;
  playProb: Float64Array;
  /** per-minute rates, [player] each */
  fgaRate: Float64Array;
  ftaRate: Float64Array;
  tovRate: Float64Array;
  fg3Share: Float64Array; // 3PA / FGA
  fg2Pct: Float64Array;
  fg3Pct: Float64Array;
  ftPct: Float64Array;
  countRate: Record<(typeof COUNT_STATS)[number], Float64Array>;
  /** Share logit before the world's log minutes, per target and player: log(rate), or the share model's z . beta. */
  shareBase: Record<ShareTarget, Float64Array>;
  /** 'rate_weighted' or the share model's version and training dates. */
  shareSource: string;
  // teams
  teamId: Int32Array;
  teamGame: Int32Array;
  playerStart: Int32Array;
  playerEnd: Int32Array;
  teamItt: Float64Array; // NaN when the line is missing
  // games
  gameId: string[];
  gameKey: Uint32Array; // numeric game id, the RNG's entity for game-level draws
  spreadHome: Float64Array; // 0 when missing
}

function bad(date: string, row: Record<string, Value>, field: string, why: string): never {
  throw new UserError(
    `${date} ${String(row.player_name)} (player_id ${String(row.player_id)}): ${field} ${why}, got ${JSON.stringify(row[field])}`,
  );
}

/**
 * Builds the slate of `date` from feature rows; `playerOut` ids are ruled out (they leave, and their teammates'
 * vacancy features gain them, so usage moves, and with a minutes model their minutes projections move too:
 * ruleOutMinutes). With a share model, its base logits replace log(rate).
 */
export function slateFromRows(
  date: string,
  rows: readonly Record<string, Value>[],
  playerOut: ReadonlySet<number> = new Set(),
  shareModel?: ShareModel,
  minutesModel?: MinutesModel,
): Slate {
  if (rows.length === 0) throw new UserError(`--date ${date}: no available players in gold/rates_training_base for that date`);
  for (const id of playerOut) {
    if (!rows.some((r) => r.player_id === id)) throw new UserError(`--player-out ${id}: no available player with that id on ${date}`);
  }
  const kept = ruleOut(rows, playerOut);
  if (minutesModel !== undefined) ruleOutMinutes(rows, kept, playerOut, minutesModel);
  // Validate every number the kernels will read.
  for (const r of kept) {
    for (const f of SLATE_COLUMNS) {
      const v = r[f];
      if (typeof v === 'number' && !Number.isFinite(v)) bad(date, r, f, 'must be a finite number');
    }
    for (const f of ['minutes_pred_p10', 'minutes_pred_p50', 'minutes_pred_p90']) {
      const v = r[f];
      if (typeof v !== 'number' || v < 0 || v > 73) bad(date, r, f, 'must be minutes in 0..73');
    }
    if (
      (r.minutes_pred_p10 as number) > (r.minutes_pred_p50 as number) ||
      (r.minutes_pred_p50 as number) > (r.minutes_pred_p90 as number)
    ) {
      bad(
        date,
        r,
        'minutes_pred_p10',
        `must be <= minutes_pred_p50 (${String(r.minutes_pred_p50)}) <= minutes_pred_p90 (${String(r.minutes_pred_p90)})`,
      );
    }
    const pp = r.minutes_pred_play_prob;
    if (typeof pp !== 'number' || pp < 0 || pp > 1) bad(date, r, 'minutes_pred_play_prob', 'must be a probability in 0..1');
    for (const f of SLATE_COLUMNS.filter((c) => c.endsWith('_per_min'))) {
      const v = r[f];
      if (typeof v !== 'number' || v < 0) bad(date, r, f, 'must be a rate >= 0');
    }
    for (const f of ['season_fg2_pct', 'season_fg3_pct', 'season_ft_pct']) {
      const v = r[f];
      if (typeof v !== 'number' || v < 0 || v > 1) bad(date, r, f, 'must be a probability in 0..1');
    }
  }
  const teamKey = (r: Record<string, Value>): string => `${String(r.game_id)}|${String(r.team_id)}`;
  const order = [...kept].sort(
    (a, b) =>
      String(a.game_id).localeCompare(String(b.game_id)) ||
      Number(b.home) - Number(a.home) ||
      (b.minutes_pred_p50 as number) - (a.minutes_pred_p50 as number) ||
      (a.player_id as number) - (b.player_id as number),
  );
  const games = [...new Set(order.map((r) => String(r.game_id)))];
  // Every game needs both teams: a team with no available players cannot be simulated.
  for (const g of games) {
    const teams = new Set(rows.filter((r) => r.game_id === g).map((r) => `${String(r.team_id)}:${String(r.home)}`));
    const keptTeams = new Set(order.filter((r) => r.game_id === g).map((r) => r.team_id));
    for (const t of teams) {
      const [tid] = t.split(':');
      if (!keptTeams.has(Number(tid))) throw new UserError(`${date} game ${g}: team ${tid} has no players left to simulate`);
    }
    if (teams.size !== 2) throw new UserError(`${date} game ${g}: expected two teams with available players, found ${teams.size}`);
  }
  const n = order.length;
  const nTeams = games.length * 2;
  const s: Slate = {
    date,
    season: order[0]?.season as number,
    nPlayers: n,
    nTeams,
    nGames: games.length,
    playerId: new Int32Array(n),
    playerName: [],
    playerTeam: new Int32Array(n),
    isStarter: new Uint8Array(n),
    p10: new Float64Array(n),
    p50: new Float64Array(n),
    p90: new Float64Array(n),
    playProb: new Float64Array(n),
    fgaRate: new Float64Array(n),
    ftaRate: new Float64Array(n),
    tovRate: new Float64Array(n),
    fg3Share: new Float64Array(n),
    fg2Pct: new Float64Array(n),
    fg3Pct: new Float64Array(n),
    ftPct: new Float64Array(n),
    countRate: {
      oreb: new Float64Array(n),
      dreb: new Float64Array(n),
      ast: new Float64Array(n),
      stl: new Float64Array(n),
      blk: new Float64Array(n),
    },
    teamId: new Int32Array(nTeams),
    teamGame: new Int32Array(nTeams),
    playerStart: new Int32Array(nTeams),
    playerEnd: new Int32Array(nTeams),
    teamItt: new Float64Array(nTeams),
    shareBase: { fga: new Float64Array(n), fta: new Float64Array(n), tov: new Float64Array(n) },
    shareSource:
      shareModel === undefined
        ? 'rate_weighted'
        : `${shareModel.version} trained ${shareModel.training.start_date}..${shareModel.training.end_date}`,
    gameId: games,
    gameKey: Uint32Array.from(games, gameKeyOf),
    spreadHome: new Float64Array(games.length),
  };
  const teamIndex = new Map<string, number>();
  order.forEach((r, i) => {
    const g = games.indexOf(String(r.game_id));
    const t = 2 * g + (r.home === true ? 0 : 1);
    if (!teamIndex.has(teamKey(r))) {
      teamIndex.set(teamKey(r), t);
      s.teamId[t] = r.team_id as number;
      s.teamGame[t] = g;
      s.playerStart[t] = i;
      s.teamItt[t] = typeof r.team_itt === 'number' ? r.team_itt : Number.NaN;
      if (r.home === true) s.spreadHome[g] = typeof r.spread_close === 'number' ? r.spread_close : 0;
      else if (typeof r.spread_close === 'number') s.spreadHome[g] = -r.spread_close;
    }
    s.playerEnd[t] = i + 1;
    const blend = (k: string): number =>
      SEASON_WEIGHT * (r[`season_${k}_per_min`] as number) + (1 - SEASON_WEIGHT) * (r[`recent_${k}_per_min`] as number);
    s.playerId[i] = r.player_id as number;
    s.playerName.push(String(r.player_name));
    s.playerTeam[i] = t;
    s.isStarter[i] = r.is_starter === true ? 1 : 0;
    s.p10[i] = r.minutes_pred_p10 as number;
    s.p50[i] = r.minutes_pred_p50 as number;
    s.p90[i] = r.minutes_pred_p90 as number;
    s.playProb[i] = r.minutes_pred_play_prob as number;
    s.fgaRate[i] = blend('fga');
    s.ftaRate[i] = blend('fta');
    s.tovRate[i] = blend('tov');
    const fga3 = blend('fga3');
    s.fg3Share[i] = s.fgaRate[i] > 0 ? Math.min(1, fga3 / s.fgaRate[i]) : 0;
    s.fg2Pct[i] = r.season_fg2_pct as number;
    s.fg3Pct[i] = r.season_fg3_pct as number;
    s.ftPct[i] = r.season_ft_pct as number;
    for (const c of ['oreb', 'dreb', 'ast', 'stl', 'blk'] as const) s.countRate[c][i] = blend(c);
    s.shareBase.fga[i] = Math.log(Math.max(s.fgaRate[i], 1e-6));
    s.shareBase.fta[i] = Math.log(Math.max(s.ftaRate[i], 1e-6));
    s.shareBase.tov[i] = Math.log(Math.max(s.tovRate[i], 1e-6));
  });
  if (shareModel !== undefined) {
    for (let t = 0; t < nTeams; t++) {
      const lo = s.playerStart[t]!;
      const hi = s.playerEnd[t]!;
      const teamRows = order.slice(lo, hi);
      for (const target of SHARE_TARGETS) s.shareBase[target].set(baseLogits(shareModel, target, teamRows), lo);
    }
  }
  return s;
}

export async function loadSlate(
  lake: Lake,
  date: string,
  playerOut: ReadonlySet<number> = new Set(),
  shareModel?: ShareModel,
  minutesModel?: MinutesModel,
): Promise<Slate> {
  const frame = await lake.read(RATES_TRAINING_BASE, { startDate: date, endDate: date }, { columns: [...SLATE_COLUMNS] });
  return slateFromRows(date, frameRows(frame), playerOut, shareModel, minutesModel);
}

/**
 * The RNG's entity for a game: an nba.com game id as its number (what every box-score slate has used), or, for
 * a pregame slate's ids (`20260312_BOS@OKC`), the 32-bit FNV-1a hash of the id.
 */
export function gameKeyOf(gameId: string): number {
  if (/^\d+$/.test(gameId)) return Number.parseInt(gameId, 10) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < gameId.length; i++) h = Math.imul(h ^ gameId.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Players of game g: indices [start, end). */
export function gamePlayers(s: Slate, g: number): [number, number] {
  return [s.playerStart[2 * g]!, s.playerEnd[2 * g + 1]!];
}

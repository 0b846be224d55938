// The lake's tables: where each lives, how it is partitioned, and its columns. One declaration serves the
// writer, the reader's schema check and the docs (see README "The lake").
import { col, type ColumnSpec, type TableSchema } from './schema.ts';

export interface LakeTable {
  readonly schema: TableSchema;
  /** Directory below the lake root. */
  readonly dir: string;
  /** Hive partition keys, outermost first. */
  readonly partitionKeys: readonly string[];
  readonly fileName: string;
}

/** The box-score CSV's columns, typed: the input format users bring (see ../shared/data/README.md). */
export const BOX_SCORE_COLUMNS: readonly ColumnSpec[] = [
  col('season', 'int32', false, 'season end year (2024 = 2023-24)'),
  col('season_type', 'utf8', false, 'Regular Season | Play-In | Playoffs | NBA Cup Final'),
  col('game_id', 'utf8', false, 'nba.com 10-character game id, leading zeros kept'),
  col('game_date', 'utf8', false, 'local game date YYYY-MM-DD'),
  col('tip_time_local', 'utf8', true, 'HH:MM arena local time, when the source has it'),
  col('team_id', 'int64'),
  col('team_abbreviation', 'utf8'),
  col('opponent_team_id', 'int64'),
  col('opponent_abbreviation', 'utf8'),
  col('home_away', 'utf8', false, 'home | away'),
  col('player_id', 'int64', false, 'nba.com person id'),
  col('player_name', 'utf8'),
  col('position', 'utf8', true, 'roster position (G, F, C, G-F, Guard-Forward, ...)'),
  col('start_position', 'utf8', true, 'G/F/C when he started'),
  col('starter', 'bool', true, 'started the game; null when the feed does not say (a game log), never guessed'),
  col('played', 'bool'),
  col('dnp_reason', 'utf8', true, "the box score's comment, e.g. DNP - Coach's Decision"),
  col('minutes', 'float64', true, 'decimal minutes; null when he did not play'),
  ...['fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'oreb', 'dreb', 'reb', 'ast', 'stl', 'blk', 'tov', 'pf', 'pts'].map((n) =>
    col(n, 'int32', true),
  ),
  col('plus_minus', 'float64', true),
  col('source', 'utf8', true),
  col('note', 'utf8', true),
];

export const LINES_COLUMNS: readonly ColumnSpec[] = [
  col('season', 'int32'),
  col('season_type', 'utf8'),
  col('game_date', 'utf8'),
  col('game_id', 'utf8', true),
  col('home_team', 'utf8'),
  col('away_team', 'utf8'),
  col('home_score', 'int32', true),
  col('away_score', 'int32', true),
  col('favorite', 'utf8', true),
  col('spread_abs', 'float64', true),
  col('home_spread', 'float64', true, 'negative = home favoured'),
  col('total', 'float64', true),
  col('moneyline_home', 'float64', true),
  col('moneyline_away', 'float64', true),
  col('h2_spread_abs', 'float64', true),
  col('h2_total', 'float64', true),
  col('line_timestamp', 'utf8', true),
  col('line_type', 'utf8', true),
  col('source', 'utf8', true),
];

export const BRONZE_BOX_SCORES: LakeTable = {
  schema: { name: 'bronze/box_scores', columns: BOX_SCORE_COLUMNS },
  dir: 'bronze/box_scores',
  partitionKeys: ['season'],
  fileName: 'box_scores.parquet',
};

export const BRONZE_LINES: LakeTable = {
  schema: { name: 'bronze/lines', columns: LINES_COLUMNS },
  dir: 'bronze/lines',
  partitionKeys: ['season'],
  fileName: 'lines.parquet',
};

export const PLAYER_GAMES: LakeTable = {
  schema: {
    name: 'silver/player_games',
    columns: [
      ...BOX_SCORE_COLUMNS,
      col('available', 'bool', false, "played, or his comment is a coach's decision; any other comment = unavailable before tip"),
      col(
        'dnp_category',
        'utf8',
        false,
        'played | coach_decision | injury | rest | personal | suspension | protocols | not_with_team | other',
      ),
      col('team_minutes', 'float64', false, "sum of the team's player minutes in this game"),
      col('overtime_periods', 'int32', false, 'overtime periods, from team minutes (240 + 25 per overtime)'),
    ],
  },
  dir: 'silver/player_games',
  partitionKeys: ['season', 'game_date'],
  fileName: 'player_games.parquet',
};

export const ODDS_SNAPSHOT: LakeTable = {
  schema: {
    name: 'silver/odds_snapshot',
    columns: [
      col('season', 'int32'),
      col('season_type', 'utf8'),
      col('game_date', 'utf8'),
      col('game_id', 'utf8'),
      col('home_team_id', 'int64'),
      col('away_team_id', 'int64'),
      col('home_team', 'utf8'),
      col('away_team', 'utf8'),
      col('spread_home', 'float64', true, 'home spread, negative = home favoured'),
      col('total', 'float64', true, 'game total'),
      col('home_implied_total', 'float64', true, 'total/2 - spread_home/2'),
      col('away_implied_total', 'float64', true, 'total/2 + spread_home/2'),
      col('moneyline_home', 'float64', true),
      col('moneyline_away', 'float64', true),
      col('as_of_ts', 'utf8', false, 'when the line was known, local ISO time; closing lines are known at tip'),
      col('line_type', 'utf8', true),
    ],
  },
  dir: 'silver/odds_snapshot',
  partitionKeys: ['season', 'game_date'],
  fileName: 'odds_snapshot.parquet',
};

export const DK_SALARIES: LakeTable = {
  schema: {
    name: 'gold/dk_salaries',
    columns: [
      col('site', 'utf8'),
      col('game_date', 'utf8'),
      col('draft_group_id', 'utf8'),
      col('dk_id', 'int64', false, "DraftKings' player id (not nba.com's)"),
      col('dk_name', 'utf8'),
      col('dk_position', 'utf8', false, 'e.g. PG/SG'),
      col('roster_position', 'utf8', false, 'e.g. PG/SG/G/UTIL'),
      col('salary', 'int32'),
      col('game_info', 'utf8'),
      col('team_abbrev', 'utf8'),
      col('avg_points_per_game', 'float64', true),
      col('team_id', 'int64', true),
      col('game_id', 'utf8', true, "the team's game on that date"),
      col('player_id', 'int64', true, 'nba.com person id; null when no player matched'),
      col('player_name', 'utf8', true, 'the box-score name that matched'),
      col('match_method', 'utf8', false, 'exact | normalised | normalised_any_team | team_last_name | season_team | registry | unmatched'),
    ],
  },
  dir: 'gold/dk_salaries',
  partitionKeys: ['site', 'game_date', 'draft_group_id'],
  fileName: 'salaries.parquet',
};

const RATE_COLS = ['fga', 'fga3', 'fta', 'tov', 'ast', 'oreb', 'dreb', 'stl', 'blk'];

/**
 * One row per available player per team-game: labels of that game and features known before its tip.
 * Labels are float64 (per-minute rate x minutes must give back the box score's count exactly); features are
 * float32, ample for their precision, which halves the table and keeps the embedded slice small.
 */
export const RATES_TRAINING_BASE: LakeTable = {
  schema: {
    name: 'gold/rates_training_base',
    columns: [
      col('season', 'int32'),
      col('game_date', 'utf8'),
      col('game_id', 'utf8'),
      col('team_id', 'int64'),
      col('opponent_team_id', 'int64'),
      col('player_id', 'int64'),
      col('player_name', 'utf8'),
      col('season_type', 'utf8', false, 'Regular Season | Play-In | Playoffs | NBA Cup Final'),
      col('home', 'bool'),
      // labels: what happened in this game
      col('minutes_actual', 'float64', false, 'label: minutes played (0 for an available player who did not play)'),
      col('played', 'bool', false, 'label: minutes_actual > 0'),
      ...['fga2', 'fga3', 'fta', 'tov', 'oreb', 'dreb', 'ast', 'stl', 'blk'].map((s) =>
        col(`${s}_per_min`, 'float64', true, `label: ${s} / minutes_actual (null when he did not play)`),
      ),
      col('fg2_pct', 'float64', true, 'label: 2-point makes / attempts (null without attempts)'),
      col('fg3_pct', 'float64', true, 'label'),
      col('ft_pct', 'float64', true, 'label'),
      ...['fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'oreb', 'dreb', 'ast', 'stl', 'blk', 'tov', 'pts'].map((s) =>
        col(s, 'int32', false, 'label: the box-score count (0 when he did not play)'),
      ),
      // season priors and recent form: strictly earlier games
      ...RATE_COLS.map((s) =>
        col(
          `season_${s}_per_min`,
          'float32',
          false,
          'season-to-date per-minute rate shrunk toward last season (itself shrunk toward the league by position group)',
        ),
      ),
      col('season_fg2_pct', 'float32', false, 'empirical-Bayes shrunk 2-point percentage (this season + half of last, toward the league)'),
      col('season_fg3_pct', 'float32', false, 'empirical-Bayes shrunk 3-point percentage'),
      col('season_ft_pct', 'float32', false, 'empirical-Bayes shrunk free-throw percentage'),
      ...RATE_COLS.map((s) => col(`recent_${s}_per_min`, 'float32', false, 'exponentially weighted per-minute rate (half-life 10 games)')),
      col(
        'recent_minutes',
        'float32',
        true,
        'exponentially weighted minutes over available games (half-life 4 games); null without history',
      ),
      col('recent_minutes_played', 'float32', true, 'exponentially weighted minutes over games he played (half-life 4 games)'),
      col('last_minutes', 'float32', true, 'minutes in his last available game'),
      col('minutes_last5', 'float32', true, 'mean minutes of his last five available games this season'),
      col('minutes_szn', 'float32', true, 'season-to-date minutes per available game'),
      col('minutes_prev_season', 'float32', true, 'last season minutes per available game'),
      col('games_played_szn', 'int32', false, 'games with minutes this season, before today'),
      col('games_available_szn', 'int32', false, 'games available this season, before today'),
      col('start_rate_recent', 'float32', true, 'exponentially weighted share of available games started'),
      col('played_rate_recent', 'float32', true, 'exponentially weighted share of available games with minutes'),
      col('days_rest', 'int32', false, "days since the team's previous game (7 = season opener or 7+)"),
      col('back_to_back', 'bool'),
      col('days_since_played', 'int32', true, 'days since he last played'),
      // role
      col('is_starter', 'bool', false, 'in the confirmed starting lineup (announced before tip)'),
      col('position_primary', 'utf8', false, 'G | F | C | U (unknown)'),
      col('pos_g', 'bool'),
      col('pos_f', 'bool'),
      col('pos_c', 'bool'),
      col('pos_group', 'utf8', false, 'guard | wing | big'),
      col('minutes_rank_in_team', 'int32', false, 'rank by recent_minutes among available teammates (1 = most)'),
      // team context
      col('team_itt', 'float32', true, 'implied team total from the closing line'),
      col('opp_itt', 'float32', true),
      col('spread_close', 'float32', true, "the team's closing spread (negative = favoured)"),
      col('total_close', 'float32', true),
      col('team_pace_szn', 'float32', false, 'possessions per 48 minutes, season to date, shrunk toward last season'),
      col('opp_pace_szn', 'float32', false),
      // vacancy: teammates unavailable today, valued by their season before today
      col('vac_min_szn', 'float32', false, 'summed season minutes per game of unavailable teammates'),
      col('vac_fga_szn', 'float32', false),
      col('vac_tov_szn', 'float32', false),
      col('vac_min_recent', 'float32', false, 'summed recent_minutes of unavailable teammates'),
      col('team_minutes_vacated', 'float32', false, 'vac_min_szn / 240'),
      col('team_usage_vacated', 'float32', false, "summed share of the team's usage (FGA + 0.44 FTA + TOV) of unavailable teammates"),
      col('vac_min_guard', 'float32'),
      col('vac_min_wing', 'float32'),
      col('vac_min_big', 'float32'),
      col('n_out', 'int32', false, 'teammates listed unavailable in the box score'),
      // minutes projection (projections_minutes_v1)
      col('minutes_pred_p10', 'float64'),
      col('minutes_pred_p50', 'float64'),
      col('minutes_pred_p90', 'float64'),
      col('minutes_pred_play_prob', 'float64'),
    ],
  },
  dir: 'gold/rates_training_base',
  partitionKeys: ['season', 'game_date'],
  fileName: 'rates_training_base.parquet',
};

/** The leading columns of every per-player, per-slate output: which game, team and player a row is. */
export const PLAYER_SLATE_KEYS: readonly ColumnSpec[] = [
  col('game_date', 'utf8'),
  col('game_id', 'utf8'),
  col('team_id', 'int64'),
  col('player_id', 'int64'),
  col('player_name', 'utf8'),
];

export const MINUTES_V1: LakeTable = {
  schema: {
    name: 'gold/projections_minutes_v1',
    columns: [
      ...PLAYER_SLATE_KEYS,
      col('is_starter', 'bool'),
      col('play_prob', 'float64', false, 'P(minutes > 0 | available)'),
      col('minutes_p10', 'float64', false, 'minutes if he plays: 10th percentile'),
      col('minutes_p50', 'float64'),
      col('minutes_p90', 'float64'),
    ],
  },
  dir: 'gold/projections_minutes_v1',
  partitionKeys: ['game_date'],
  fileName: 'minutes.parquet',
};

export const LAKE_TABLES: readonly LakeTable[] = [
  BRONZE_BOX_SCORES,
  BRONZE_LINES,
  PLAYER_GAMES,
  ODDS_SNAPSHOT,
  RATES_TRAINING_BASE,
  MINUTES_V1,
  DK_SALARIES,
];

const SHARE_FEATURE_INPUTS = [
  'season_fga_per_min',
  'season_fga3_per_min',
  'season_fta_per_min',
  'season_tov_per_min',
  'recent_fga_per_min',
  'recent_fta_per_min',
  'recent_tov_per_min',
  'season_fg2_pct',
  'season_fg3_pct',
  'season_ft_pct',
  'is_starter',
  'minutes_rank_in_team',
  'pos_group',
  'games_played_szn',
  'team_usage_vacated',
  'vac_min_szn',
  'vac_fga_szn',
  'vac_tov_szn',
  'vac_min_guard',
  'vac_min_wing',
  'vac_min_big',
  'minutes_pred_p10',
  'minutes_pred_p50',
  'minutes_pred_p90',
  'minutes_pred_play_prob',
];

/** Team usage shares: the box score's counts, team totals and shares, beside the pregame-safe features. */
export const USAGE_SHARES_TRAINING_BASE: LakeTable = {
  schema: {
    name: 'gold/usage_shares_training_base',
    columns: [
      col('season', 'int32'),
      col('game_date', 'utf8'),
      col('game_id', 'utf8'),
      col('team_id', 'int64'),
      col('player_id', 'int64'),
      col('player_name', 'utf8'),
      col('minutes_actual', 'float64'),
      ...['fga', 'fta', 'tov'].flatMap((t) => [
        col(t, 'int32', false, `label: ${t} = per-minute label x minutes_actual (equals the box score)`),
        col(`${t}_team`, 'int32', false, `the team-game's total ${t}`),
        col(`${t}_share`, 'float64', true, `${t} / ${t}_team; null when the team total is 0 (see ${t}_share_valid)`),
        col(`${t}_share_valid`, 'bool', false, 'false when the team total is 0'),
      ]),
      ...RATES_TRAINING_BASE.schema.columns.filter((c) => SHARE_FEATURE_INPUTS.includes(c.name)),
    ],
  },
  dir: 'gold/usage_shares_training_base',
  partitionKeys: ['season', 'game_date'],
  fileName: 'usage_shares_training_base.parquet',
};

export const ALL_LAKE_TABLES: readonly LakeTable[] = [...LAKE_TABLES, USAGE_SHARES_TRAINING_BASE];

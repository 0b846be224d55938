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
  col('starter', 'bool'),
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
      col('dnp_category', 'utf8', false, 'played | coach_decision | injury | rest | personal | suspension | protocols | not_with_team | other'),
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

export const LAKE_TABLES: readonly LakeTable[] = [BRONZE_BOX_SCORES, BRONZE_LINES, PLAYER_GAMES, ODDS_SNAPSHOT, DK_SALARIES];

// Closing-lines CSV -> silver/odds_snapshot, joined to the box scores' games by game_id (or, where a line has
// no game_id, by date and teams). Counts of games without lines and lines without games are reported.
import { UserError } from '../data/errors.ts';
import { parseTypedCsv } from '../data/csv.ts';
import type { Frame, Value } from '../data/schema.ts';
import { frameFromRows } from '../data/schema.ts';
import { LINES_COLUMNS, ODDS_SNAPSHOT } from '../data/tables.ts';
import { teamByAbbreviation } from '../data/teams.ts';

export const OPTIONAL_LINES_COLUMNS = [
  'game_id',
  'home_score',
  'away_score',
  'favorite',
  'spread_abs',
  'moneyline_home',
  'moneyline_away',
  'h2_spread_abs',
  'h2_total',
  'line_timestamp',
  'line_type',
  'source',
];

export interface GameKey {
  gameId: string;
  season: number;
  seasonType: string;
  gameDate: string;
  homeTeamId: number;
  awayTeamId: number;
  tipTimeLocal: string | null;
}

export interface LinesReport {
  file: string;
  rowsRead: number;
  rowsInSeasons: number;
  matchedGames: number;
  gamesWithoutLine: number;
  linesWithoutGame: number;
  missingTotal: number;
}

export function parseLines(text: string, file: string): { frame: Frame; lines: number[]; file: string } {
  return parseTypedCsv(text, { name: 'lines', columns: LINES_COLUMNS }, file, OPTIONAL_LINES_COLUMNS);
}

/** Known at tip: the tip's local time when the feed has it, else the start of the game date. */
export function asOfTs(gameDate: string, tipTimeLocal: string | null): string {
  return tipTimeLocal !== null && /^\d{2}:\d{2}$/.test(tipTimeLocal) ? `${gameDate}T${tipTimeLocal}:00` : `${gameDate}T00:00:00`;
}

/**
 * Builds odds_snapshot rows for the games in `games` (seasons being built). A line naming an unknown team, a
 * line whose game_id's teams disagree with the box score, or two lines for one game is an error.
 */
export function buildOddsSnapshot(
  parsed: { frame: Frame; lines: number[]; file: string },
  games: ReadonlyMap<string, GameKey>,
  seasons: ReadonlySet<number>,
): { frame: Frame; report: LinesReport } {
  const { frame, lines, file } = parsed;
  const c = frame.columns as Record<string, Value[]>;
  const get = <T extends Value>(name: string, i: number): T => (c[name] as Value[])[i] as T;
  const byDateTeams = new Map<string, GameKey>();
  for (const g of games.values()) byDateTeams.set(`${g.gameDate}|${g.homeTeamId}|${g.awayTeamId}`, g);

  const rows: Record<string, Value>[] = [];
  const used = new Map<string, number>();
  let rowsInSeasons = 0;
  let linesWithoutGame = 0;
  let missingTotal = 0;
  for (let i = 0; i < frame.numRows; i++) {
    if (!seasons.has(get<number>('season', i))) continue;
    rowsInSeasons++;
    const home = teamByAbbreviation(get<string>('home_team', i));
    const away = teamByAbbreviation(get<string>('away_team', i));
    if (home === undefined || away === undefined) {
      throw new UserError(
        `${file} line ${lines[i]}: unknown team ${JSON.stringify(home === undefined ? get('home_team', i) : get('away_team', i))} in column "${home === undefined ? 'home_team' : 'away_team'}"`,
      );
    }
    const gid = get<string | null>('game_id', i);
    const game = gid !== null ? games.get(gid) : byDateTeams.get(`${get('game_date', i)}|${home.teamId}|${away.teamId}`);
    if (game === undefined) {
      linesWithoutGame++;
      continue;
    }
    if (game.homeTeamId !== home.teamId || game.awayTeamId !== away.teamId) {
      throw new UserError(
        `${file} line ${lines[i]}: game_id ${game.gameId} is ${get('away_team', i)}@${get('home_team', i)} here but team ${game.awayTeamId}@${game.homeTeamId} in the box scores`,
      );
    }
    const prev = used.get(game.gameId);
    if (prev !== undefined) throw new UserError(`${file} line ${lines[i]}: second line for game_id ${game.gameId} (first at line ${prev})`);
    used.set(game.gameId, lines[i] as number);
    const spread = get<number | null>('home_spread', i);
    const total = get<number | null>('total', i);
    if (total === null) missingTotal++;
    rows.push({
      season: game.season,
      season_type: game.seasonType,
      game_date: game.gameDate,
      game_id: game.gameId,
      home_team_id: home.teamId,
      away_team_id: away.teamId,
      home_team: home.abbreviation,
      away_team: away.abbreviation,
      spread_home: spread,
      total,
      home_implied_total: total !== null && spread !== null ? total / 2 - spread / 2 : null,
      away_implied_total: total !== null && spread !== null ? total / 2 + spread / 2 : null,
      moneyline_home: get('moneyline_home', i),
      moneyline_away: get('moneyline_away', i),
      as_of_ts: asOfTs(game.gameDate, game.tipTimeLocal),
      line_type: get('line_type', i),
    });
  }
  rows.sort((a, b) => (a.game_date as string).localeCompare(b.game_date as string) || (a.game_id as string).localeCompare(b.game_id as string));
  return {
    frame: frameFromRows(ODDS_SNAPSHOT.schema, rows),
    report: {
      file,
      rowsRead: frame.numRows,
      rowsInSeasons,
      matchedGames: rows.length,
      gamesWithoutLine: games.size - rows.length,
      linesWithoutGame,
      missingTotal,
    },
  };
}

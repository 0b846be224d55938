// Closing-lines CSV -> silver/odds_snapshot, joined to the box scores' games by game_id (or, where a line has
// no game_id, by date and teams). Counts of games without lines and lines without games are reported. Any
// number of lines files may feed one build: a game in two files must carry the same values in both.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   part.lines has one entry per row of part's frame, out gets an array per column before the rows, and the columns
   read are the schema's. */

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
  /** The lines files read, comma-separated. */
  file: string;
  rowsRead: number;
  rowsInSeasons: number;
  matchedGames: number;
  gamesWithoutLine: number;
  linesWithoutGame: number;
  missingTotal: number;
}

/** Typed lines rows; `rowFiles` names each row's file when several files were merged. */
export interface ParsedLines {
  frame: Frame;
  lines: number[];
  file: string;
  rowFiles?: string[];
}

export function parseLines(text: string, file: string): ParsedLines {
  return parseTypedCsv(text, { name: 'lines', columns: LINES_COLUMNS }, file, OPTIONAL_LINES_COLUMNS);
}

/** Where a lines row points: its game_id, else its date and (normalised) teams. */
function lineGameKey(c: Record<string, Value[]>, i: number): string {
  const gid = c.game_id?.[i] as string | null;
  if (gid !== null) return gid;
  const team = (col: string): string => {
    const raw = c[col]?.[i] as string;
    return String(teamByAbbreviation(raw)?.teamId ?? raw);
  };
  return `${c.game_date?.[i] as string}|${team('home_team')}|${team('away_team')}`;
}

/**
 * Concatenates several files' lines. A game in two files is kept once when every value but `source` agrees,
 * and is an error naming both places when one differs (two closing lines cannot both be the close).
 */
export function mergeLines(parts: readonly ParsedLines[]): ParsedLines {
  const columns = LINES_COLUMNS.map((s) => s.name);
  const out: Record<string, Value[]> = Object.fromEntries(columns.map((k) => [k, [] as Value[]]));
  const lines: number[] = [];
  const rowFiles: string[] = [];
  const firstSeen = new Map<string, { file: string; line: number; values: Value[] }>();
  for (const part of parts) {
    const c = part.frame.columns as Record<string, Value[]>;
    const local = new Set<string>();
    for (let i = 0; i < part.frame.numRows; i++) {
      const key = lineGameKey(c, i);
      const values = columns.map((k) => (k === 'source' ? null : (c[k]?.[i] ?? null)));
      const prev = firstSeen.get(key);
      if (prev !== undefined && !local.has(key)) {
        const at = columns.findIndex((_, j) => values[j] !== prev.values[j]);
        if (at >= 0) {
          throw new UserError(
            `${prev.file} line ${prev.line} and ${part.file} line ${part.lines[i]}: game ${key} has different lines (column "${columns[at]}": ${JSON.stringify(prev.values[at])} vs ${JSON.stringify(values[at])})`,
          );
        }
        continue; // the same line twice: keep the first
      }
      // A repeat inside one file is left for buildOddsSnapshot, which refuses a second line for a game.
      local.add(key);
      if (prev === undefined) firstSeen.set(key, { file: part.file, line: part.lines[i]!, values });
      for (const k of columns) out[k]!.push(c[k]?.[i] ?? null);
      lines.push(part.lines[i]!);
      rowFiles.push(part.file);
    }
  }
  const schema = parts[0]?.frame.schema ?? { name: 'lines', columns: LINES_COLUMNS };
  return { frame: { schema, numRows: lines.length, columns: out }, lines, file: parts.map((p) => p.file).join(', '), rowFiles };
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
  parsed: ParsedLines,
  games: ReadonlyMap<string, GameKey>,
  seasons: ReadonlySet<number>,
): { frame: Frame; report: LinesReport } {
  const { frame, lines, file } = parsed;
  const fileOf = (i: number): string => parsed.rowFiles?.[i] ?? file;
  const c = frame.columns as Record<string, Value[]>;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the caller's reading of one cell of a Value[] column
  const get = <T extends Value>(name: string, i: number): T => c[name]![i] as T;
  const byDateTeams = new Map<string, GameKey>();
  for (const g of games.values()) byDateTeams.set(`${g.gameDate}|${g.homeTeamId}|${g.awayTeamId}`, g);

  const rows: Record<string, Value>[] = [];
  const used = new Map<string, string>();
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
        `${fileOf(i)} line ${lines[i]}: unknown team ${JSON.stringify(home === undefined ? get('home_team', i) : get('away_team', i))} in column "${home === undefined ? 'home_team' : 'away_team'}"`,
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
        `${fileOf(i)} line ${lines[i]}: game_id ${game.gameId} is ${get('away_team', i)}@${get('home_team', i)} here but team ${game.awayTeamId}@${game.homeTeamId} in the box scores`,
      );
    }
    const prev = used.get(game.gameId);
    if (prev !== undefined) throw new UserError(`${fileOf(i)} line ${lines[i]}: second line for game_id ${game.gameId} (first at ${prev})`);
    used.set(game.gameId, `${fileOf(i)} line ${lines[i]}`);
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
  rows.sort(
    (a, b) => (a.game_date as string).localeCompare(b.game_date as string) || (a.game_id as string).localeCompare(b.game_id as string),
  );
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

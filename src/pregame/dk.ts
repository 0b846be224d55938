// The DraftKings salary export (DKSalaries.csv) as tonight's slate: every row validated, its Game Info
// `AWAY@HOME MM/DD/YYYY HH:MMPM ET` turned into a game (date, nba.com team ids, tip time in ET and UTC).
// The file may hold two dates (a slate that runs past midnight, or two exports pasted together); the caller
// picks one with --date.
import { UserError } from '../data/errors.ts';
import { teamByAbbreviation } from '../data/teams.ts';
import { cellError, csvRecords, headerKey, quoteValue, withHeader } from './files.ts';
import { at } from '../data/checked.ts';

export interface SlateGame {
  /** `AWAY@HOME` in DraftKings' abbreviations: the game's key on the slate. */
  readonly key: string;
  readonly gameDate: string;
  readonly awayAbbr: string;
  readonly homeAbbr: string;
  readonly awayTeamId: number;
  readonly homeTeamId: number;
  /** Tip as DraftKings prints it, 24-hour `HH:MM` Eastern time. */
  readonly tipTimeEt: string;
  /** The same instant in UTC, ISO 8601 (`2026-03-12T23:00:00Z`). */
  readonly tipTimeUtc: string;
}

export interface DkSlateRow {
  readonly line: number;
  readonly position: string;
  readonly nameId: string;
  readonly name: string;
  readonly dkId: number;
  readonly rosterPosition: string;
  readonly salary: number;
  readonly gameInfo: string;
  readonly teamAbbrev: string;
  /** The player's DraftKings team, as an nba.com team id (his team tonight, whatever history says). */
  readonly teamId: number;
  readonly opponentTeamId: number;
  readonly avgPointsPerGame: number | null;
  readonly game: SlateGame;
}

/** DraftKings' header names (the export's spelling; matching ignores case, spaces and underscores). */
export const DK_COLUMNS = ['Position', 'Name + ID', 'Name', 'ID', 'Roster Position', 'Salary', 'Game Info', 'TeamAbbrev'] as const;

const GAME_INFO_RE = /^([A-Za-z]{2,4})@([A-Za-z]{2,4})\s+(\d{2})\/(\d{2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*([AP]M)\s+ET$/i;

/** Minutes east of UTC of America/New_York at a UTC instant (-300 EST, -240 EDT). */
function newYorkOffsetMinutes(utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((asUtc - utcMs) / 60000);
}

/** A wall-clock time in New York -> the UTC instant (the standard-time guess, corrected once for DST). */
export function easternToUtc(y: number, mo: number, d: number, h: number, mi: number): Date {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let utc = wall + 300 * 60000;
  utc = wall - newYorkOffsetMinutes(utc) * 60000;
  return new Date(utc);
}

/**
 * Parses `AWAY@HOME MM/DD/YYYY HH:MMPM ET`; null when it is not that shape or names an impossible date/time.
 * Team abbreviations are returned as written; the caller maps them to teams.
 */
export function parseGameInfo(
  info: string,
): { away: string; home: string; gameDate: string; tipTimeEt: string; tipTimeUtc: string } | null {
  const m = GAME_INFO_RE.exec(info.trim());
  if (m === null) return null;
  const [, away, home, mm, dd, yyyy, hh, mi, ampm] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const y = Number(yyyy);
  const mo = Number(mm);
  const d = Number(dd);
  let h = Number(hh);
  const min = Number(mi);
  if (h < 1 || h > 12 || min > 59) return null;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  if (ampm.toUpperCase() === 'PM' && h !== 12) h += 12;
  if (ampm.toUpperCase() === 'AM' && h === 12) h = 0;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    away: away.toUpperCase(),
    home: home.toUpperCase(),
    gameDate: `${yyyy}-${mm}-${dd}`,
    tipTimeEt: `${pad(h)}:${pad(min)}`,
    tipTimeUtc: easternToUtc(y, mo, d, h, min).toISOString().replace('.000Z', 'Z'),
  };
}

/**
 * Every player row of a DraftKings export, all dates. The header may sit below DraftKings' instruction rows
 * and to the right of them (the lineup-upload export), so it is searched for in the first 20 records.
 */
export function parseDkSalaries(text: string, path: string): DkSlateRow[] {
  const records = csvRecords(text, path);
  const headerAt = records.slice(0, 20).findIndex((r) => {
    const keys = r.cells.map(headerKey);
    return keys.includes('name') && (keys.includes('salary') || keys.includes('id'));
  });
  if (headerAt < 0) {
    const first = records[0];
    throw new UserError(
      `${path} line ${first?.line ?? 1}: no DraftKings header (expected columns ${DK_COLUMNS.join(', ')}), got ${quoteValue(first?.cells.join(',') ?? '')}`,
    );
  }
  const csv = withHeader(records, headerAt, path, DK_COLUMNS);
  // In the lineup-upload export, the instruction block's cells sit left of the player table on the same lines.
  const offset = csv.at('Position') ?? 0;
  const rows: DkSlateRow[] = [];
  const games = new Map<string, SlateGame>();
  for (const r of csv.rows) {
    const cell = (c: string): string => csv.cell(r, c);
    if (cell('Name') === '' && cell('ID') === '' && r.cells.slice(offset).every((c) => c.trim() === '')) continue;
    const name = cell('Name');
    if (name === '') throw cellError(path, r.line, 'Name', 'empty, expected the player name');
    const idRaw = cell('ID');
    const dkId = Number(idRaw);
    if (!/^\d+$/.test(idRaw) || !Number.isSafeInteger(dkId))
      throw cellError(path, r.line, 'ID', `expected a DraftKings player id (digits), got ${quoteValue(idRaw)}`);
    const salaryRaw = cell('Salary');
    const salary = Number(salaryRaw.replace(/^\$/, '').replace(/,/g, ''));
    if (salaryRaw === '' || !Number.isInteger(salary) || salary <= 0) {
      throw cellError(path, r.line, 'Salary', `expected a positive whole number of dollars, got ${quoteValue(salaryRaw)}`);
    }
    const appgRaw = csv.at('AvgPointsPerGame') === undefined ? '' : cell('AvgPointsPerGame');
    const appg = appgRaw === '' ? null : Number(appgRaw);
    if (appg !== null && !Number.isFinite(appg))
      throw cellError(path, r.line, 'AvgPointsPerGame', `expected a number, got ${quoteValue(appgRaw)}`);
    const position = cell('Position');
    if (position === '') throw cellError(path, r.line, 'Position', 'empty, expected e.g. PG or SF/PF');
    const rosterPosition = cell('Roster Position');
    if (rosterPosition === '') throw cellError(path, r.line, 'Roster Position', 'empty, expected e.g. PG/G/UTIL');
    const gameInfo = cell('Game Info');
    const parsed = parseGameInfo(gameInfo);
    if (parsed === null) {
      throw cellError(path, r.line, 'Game Info', `expected "AWAY@HOME MM/DD/YYYY HH:MMPM ET", got ${quoteValue(gameInfo)}`);
    }
    const away = teamByAbbreviation(parsed.away);
    const home = teamByAbbreviation(parsed.home);
    if (away === undefined || home === undefined) {
      throw cellError(
        path,
        r.line,
        'Game Info',
        `unknown team ${quoteValue(away === undefined ? parsed.away : parsed.home)} in ${quoteValue(gameInfo)}`,
      );
    }
    if (away.teamId === home.teamId) throw cellError(path, r.line, 'Game Info', `a team cannot play itself: ${quoteValue(gameInfo)}`);
    const teamAbbrev = cell('TeamAbbrev').toUpperCase();
    const team = teamByAbbreviation(teamAbbrev);
    if (team === undefined) throw cellError(path, r.line, 'TeamAbbrev', `unknown team ${quoteValue(teamAbbrev)}`);
    if (team.teamId !== away.teamId && team.teamId !== home.teamId) {
      throw cellError(path, r.line, 'TeamAbbrev', `${quoteValue(teamAbbrev)} does not play in ${quoteValue(gameInfo)}`);
    }
    const key = `${parsed.away}@${parsed.home}`;
    const gameKey = `${parsed.gameDate} ${key}`;
    let game = games.get(gameKey);
    if (game === undefined) {
      game = {
        key,
        gameDate: parsed.gameDate,
        awayAbbr: parsed.away,
        homeAbbr: parsed.home,
        awayTeamId: away.teamId,
        homeTeamId: home.teamId,
        tipTimeEt: parsed.tipTimeEt,
        tipTimeUtc: parsed.tipTimeUtc,
      };
      games.set(gameKey, game);
    } else if (game.tipTimeEt !== parsed.tipTimeEt) {
      throw cellError(path, r.line, 'Game Info', `${key} tips at ${game.tipTimeEt} ET in an earlier row, here ${quoteValue(gameInfo)}`);
    }
    rows.push({
      line: r.line,
      position,
      nameId: cell('Name + ID'),
      name,
      dkId,
      rosterPosition,
      salary,
      gameInfo,
      teamAbbrev,
      teamId: team.teamId,
      opponentTeamId: team.teamId === home.teamId ? away.teamId : home.teamId,
      avgPointsPerGame: appg,
      game,
    });
  }
  if (rows.length === 0) throw new UserError(`${path}: no player rows below the header (line ${csv.headerLine})`);
  const seen = new Map<number, number>();
  for (const row of rows) {
    const prev = seen.get(row.dkId);
    if (prev !== undefined) throw cellError(path, row.line, 'ID', `DraftKings id ${row.dkId} is listed twice (also line ${prev})`);
    seen.set(row.dkId, row.line);
  }
  return rows;
}

/**
 * The rows of one date. Without `date` the file must hold one date; with it, that date must have games.
 */
export function pickSlateDate(rows: readonly DkSlateRow[], path: string, date: string | undefined): { date: string; rows: DkSlateRow[] } {
  const dates = [...new Set(rows.map((r) => r.game.gameDate))].sort();
  if (date === undefined) {
    if (dates.length > 1) throw new UserError(`${path}: games on ${dates.length} dates (${dates.join(', ')}); pick one with --date`);
    const only = at(dates, 0);
    return { date: only, rows: [...rows] };
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new UserError(`--date must be YYYY-MM-DD, got ${quoteValue(date)}`);
  }
  const picked = rows.filter((r) => r.game.gameDate === date);
  if (picked.length === 0) throw new UserError(`--date ${date}: no games on that date in ${path} (dates in the file: ${dates.join(', ')})`);
  return { date, rows: picked };
}

/** The slate's games in tip order (then key), one per Game Info. */
export function gamesOf(rows: readonly DkSlateRow[]): SlateGame[] {
  const byKey = new Map<string, SlateGame>();
  for (const r of rows) byKey.set(r.game.key, r.game);
  return [...byKey.values()].sort((a, b) => (a.tipTimeUtc < b.tipTimeUtc ? -1 : a.tipTimeUtc > b.tipTimeUtc ? 1 : a.key < b.key ? -1 : 1));
}

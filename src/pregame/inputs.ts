// Tonight's input files, read and validated together: the DraftKings export defines the slate (date, games,
// players); the injury report, lines, projected starters and minutes overrides are checked against it. Every
// bad input is one UserError line naming the file, line, column and value; nothing is matched to nba.com ids
// here (that needs the lake: see match.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseName } from '../data/names.ts';
import { teamByAbbreviation } from '../data/teams.ts';
import { gamesOf, parseDkSalaries, pickSlateDate, type DkSlateRow, type SlateGame } from './dk.ts';
import { cellError, headeredCsv, quoteValue, readTextFile, type CsvRecord, type HeaderedCsv } from './files.ts';
import { finerStatus, KNOWN_STATUSES, parseStatus, statusRule, type InjuryStatus } from './status.ts';
import { defined } from '../data/checked.ts';

export interface PregameFiles {
  dkCsv: string;
  injuries?: string;
  lines?: string;
  starters?: string;
  minutes?: string;
}

/** The file names of a game_date=D/ folder, as ../shared/pregame lays them out. */
export const PREGAME_FOLDER_FILES = {
  dkCsv: 'DKSalaries.csv',
  injuries: 'injuries.csv',
  lines: 'lines.csv',
  starters: 'starters.csv',
  minutes: 'minutes.csv',
} as const;

/** The pregame files present in `folder` (a game_date=D/ folder); the caller decides what is required. */
export function pregameFolderFiles(folder: string): Partial<PregameFiles> {
  const files: Partial<PregameFiles> = {};
  for (const [k, name] of Object.entries(PREGAME_FOLDER_FILES) as [keyof PregameFiles, string][]) {
    if (existsSync(join(folder, name))) files[k] = join(folder, name);
  }
  return files;
}

/** A row of the injuries, starters or minutes file: a DraftKings-spelled name on a DraftKings team. */
export interface NamedEntry {
  readonly file: string;
  readonly line: number;
  readonly playerName: string;
  readonly teamAbbr: string;
  readonly teamId: number;
  /** The slate row of that name and team, or null (then a warning says so). */
  readonly dkRow: DkSlateRow | null;
}

export interface InjuryEntry extends NamedEntry {
  /** The status as the file gives it. */
  readonly status: InjuryStatus;
  /** Day-To-Day refined by the comment's word; otherwise `status`. */
  readonly finerStatus: InjuryStatus;
  readonly comment: string;
  readonly playProb: number;
  /** Out or Suspension: off the slate, minutes to vacancy. */
  readonly removed: boolean;
}

export interface MinutesEntry extends NamedEntry {
  readonly minutes: number;
}

export interface LineEntry {
  readonly line: number;
  readonly gameKey: string;
  readonly homeSpread: number;
  readonly total: number;
}

export interface PregameInputs {
  readonly date: string;
  readonly files: PregameFiles;
  /** The date's games in tip order. */
  readonly games: readonly SlateGame[];
  /** The DraftKings rows of the date, in file order: one output row each (a showdown's captain rows aside). */
  readonly dkRows: readonly DkSlateRow[];
  /**
   * A showdown's CPT rows: the same people as their UTIL rows at 1.5x salary (and points, in lineups). They are
   * kept out of matching, side files and the engine, and come back as output rows and lineup slots.
   */
  readonly captainRows: readonly DkSlateRow[];
  readonly injuries: readonly InjuryEntry[];
  /** Given lines by game key (`AWAY@HOME`); games missing here take the fallback (see lines.ts). */
  readonly lines: ReadonlyMap<string, LineEntry>;
  /** null without a starters file (then nobody is a projected starter by the user's word). */
  readonly starters: readonly NamedEntry[] | null;
  readonly minutes: readonly MinutesEntry[];
  /** One line per problem that is not an error (names not on the slate, rows for teams not playing). */
  readonly warnings: readonly string[];
}

/** The slate rows by (normalised name, team id): how the side files, spelled like DraftKings, find players. */
function rowIndex(rows: readonly DkSlateRow[]): Map<string, DkSlateRow> {
  const out = new Map<string, DkSlateRow>();
  for (const r of rows) out.set(`${r.teamId}|${normaliseName(r.name)}`, r);
  return out;
}

function teamOf(path: string, row: CsvRecord, column: string, raw: string): number {
  const team = teamByAbbreviation(raw);
  if (raw === '' || team === undefined) throw cellError(path, row.line, column, `unknown team ${quoteValue(raw)}`);
  return team.teamId;
}

function namedEntries(
  path: string,
  csv: HeaderedCsv,
  slateTeams: ReadonlySet<number>,
  index: ReadonlyMap<string, DkSlateRow>,
  warnings: string[],
  what: string,
): { row: CsvRecord; entry: NamedEntry }[] {
  const out: { row: CsvRecord; entry: NamedEntry }[] = [];
  let offSlateTeams = 0;
  const unknown: string[] = [];
  for (const row of csv.rows) {
    const playerName = csv.cell(row, 'player_name');
    if (playerName === '') throw cellError(path, row.line, 'player_name', 'empty, expected the player name');
    const teamAbbr = csv.cell(row, 'team').toUpperCase();
    const teamId = teamOf(path, row, 'team', teamAbbr);
    if (!slateTeams.has(teamId)) {
      offSlateTeams++;
      continue;
    }
    const dkRow = index.get(`${teamId}|${normaliseName(playerName)}`) ?? null;
    if (dkRow === null) unknown.push(`${playerName} (${teamAbbr}, line ${row.line})`);
    out.push({ row, entry: { file: path, line: row.line, playerName, teamAbbr, teamId, dkRow } });
  }
  if (offSlateTeams > 0) warnings.push(`${path}: ${offSlateTeams} ${what} row(s) for teams not on the slate, ignored`);
  if (unknown.length > 0) {
    warnings.push(`${path}: ${unknown.length} ${what} name(s) not on the DraftKings slate: ${unknown.join('; ')}`);
  }
  return out;
}

function duplicateCheck(path: string, entries: readonly NamedEntry[]): void {
  const seen = new Map<string, number>();
  for (const e of entries) {
    const key = `${e.teamId}|${normaliseName(e.playerName)}`;
    const prev = seen.get(key);
    if (prev !== undefined)
      throw cellError(path, e.line, 'player_name', `${quoteValue(e.playerName)} (${e.teamAbbr}) is listed twice (also line ${prev})`);
    seen.set(key, e.line);
  }
}

async function readInjuries(
  path: string,
  teams: ReadonlySet<number>,
  index: ReadonlyMap<string, DkSlateRow>,
  warnings: string[],
): Promise<InjuryEntry[]> {
  const csv = headeredCsv(await readTextFile(path), path, ['player_name', 'team', 'status']);
  const hasComment = csv.at('comment') !== undefined;
  const out: InjuryEntry[] = [];
  // Statuses are checked on every row, even rows of teams not on the slate: an unknown word is an error.
  for (const row of csv.rows) {
    const raw = csv.cell(row, 'status');
    if (parseStatus(raw) === null) {
      throw cellError(path, row.line, 'status', `unknown injury status ${quoteValue(raw)} (known: ${KNOWN_STATUSES.join(', ')})`);
    }
  }
  for (const { row, entry } of namedEntries(path, csv, teams, index, warnings, 'injury')) {
    const status = defined(parseStatus(csv.cell(row, 'status')), `${path} line ${row.line}: the status checked above`);
    const comment = hasComment ? csv.cell(row, 'comment') : '';
    const finer = finerStatus(status, comment);
    const rule = statusRule(finer);
    out.push({ ...entry, status, finerStatus: finer, comment, playProb: rule.playProb, removed: rule.playProb === 0 });
  }
  duplicateCheck(path, out);
  return out;
}

function numberCell(path: string, csv: HeaderedCsv, row: CsvRecord, column: string, lo: number, hi: number, what: string): number {
  const raw = csv.cell(row, column);
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v)) throw cellError(path, row.line, column, `expected ${what}, got ${quoteValue(raw)}`);
  if (v < lo || v > hi) throw cellError(path, row.line, column, `${quoteValue(raw)} is out of range [${lo}, ${hi}] for ${what}`);
  return v;
}

async function readLines(path: string, date: string, games: readonly SlateGame[]): Promise<Map<string, LineEntry>> {
  const csv = headeredCsv(await readTextFile(path), path, ['game_date', 'home_team', 'away_team', 'home_spread', 'total']);
  const out = new Map<string, LineEntry>();
  const slateKeys = games.map((g) => g.key).join(', ');
  for (const row of csv.rows) {
    const gameDate = csv.cell(row, 'game_date');
    if (gameDate !== date) {
      throw cellError(
        path,
        row.line,
        'game_date',
        `${quoteValue(gameDate)} is not the slate's date ${date} (games on the slate: ${slateKeys})`,
      );
    }
    const home = teamOf(path, row, 'home_team', csv.cell(row, 'home_team').toUpperCase());
    const away = teamOf(path, row, 'away_team', csv.cell(row, 'away_team').toUpperCase());
    const game = games.find((g) => g.homeTeamId === home && g.awayTeamId === away);
    if (game === undefined) {
      const named = `${csv.cell(row, 'away_team')}@${csv.cell(row, 'home_team')}`;
      throw cellError(path, row.line, 'home_team', `game ${quoteValue(named)} is not on the slate (games: ${slateKeys})`);
    }
    // Wide bounds: only what no line can be (a typo, a moneyline in the spread column).
    const homeSpread = numberCell(path, csv, row, 'home_spread', -40, 40, 'a spread in points');
    const total = numberCell(path, csv, row, 'total', 150, 300, 'a game total in points');
    if (out.has(game.key))
      throw cellError(path, row.line, 'home_team', `game ${game.key} has a line twice (also line ${out.get(game.key)?.line})`);
    out.set(game.key, { line: row.line, gameKey: game.key, homeSpread, total });
  }
  return out;
}

async function readStarters(
  path: string,
  teams: ReadonlySet<number>,
  index: ReadonlyMap<string, DkSlateRow>,
  warnings: string[],
): Promise<NamedEntry[]> {
  const csv = headeredCsv(await readTextFile(path), path, ['player_name', 'team']);
  const flag = csv.at('projected_starter');
  const out: NamedEntry[] = [];
  for (const { row, entry } of namedEntries(path, csv, teams, index, warnings, 'starter')) {
    // The feed's optional flag column; a row marked other than yes is not a projected starter.
    if (flag !== undefined) {
      const v = csv.cell(row, 'projected_starter').toLowerCase();
      if (['no', 'false', 'n', '0'].includes(v)) continue;
      if (!['yes', 'true', 'y', '1', ''].includes(v))
        throw cellError(path, row.line, 'projected_starter', `expected Yes or No, got ${quoteValue(v)}`);
    }
    out.push(entry);
  }
  duplicateCheck(path, out);
  return out;
}

async function readMinutes(
  path: string,
  teams: ReadonlySet<number>,
  index: ReadonlyMap<string, DkSlateRow>,
  warnings: string[],
): Promise<MinutesEntry[]> {
  const csv = headeredCsv(await readTextFile(path), path, ['player_name', 'team', 'minutes']);
  const out: MinutesEntry[] = [];
  for (const { row, entry } of namedEntries(path, csv, teams, index, warnings, 'minutes')) {
    // 0 to 53: a whole game plus one overtime is the most a projection can sensibly ask for.
    out.push({ ...entry, minutes: numberCell(path, csv, row, 'minutes', 0, 53, 'minutes between 0 and 53') });
  }
  duplicateCheck(path, out);
  return out;
}

/**
 * Reads and validates tonight's files. `date` picks the slate's date when the DraftKings file spans two
 * (required then); every other file is checked against that date's slate.
 */
export async function readPregameInputs(files: PregameFiles, date?: string): Promise<PregameInputs> {
  const all = parseDkSalaries(await readTextFile(files.dkCsv), files.dkCsv);
  const chosen = pickSlateDate(all, files.dkCsv, date);
  const isCaptain = (r: DkSlateRow): boolean => r.rosterPosition.split('/').some((x) => x.trim().toUpperCase() === 'CPT');
  const captainRows = chosen.rows.filter(isCaptain);
  const picked = { date: chosen.date, rows: chosen.rows.filter((r) => !isCaptain(r)) };
  const games = gamesOf(picked.rows);
  const teams = new Set(picked.rows.map((r) => r.teamId));
  const index = rowIndex(picked.rows);
  const warnings: string[] = [];
  const collisions = picked.rows.length - index.size;
  if (collisions > 0)
    warnings.push(`${files.dkCsv}: ${collisions} player name(s) repeated within a team; side files match the last of them`);
  const injuries = files.injuries === undefined ? [] : await readInjuries(files.injuries, teams, index, warnings);
  const lines = files.lines === undefined ? new Map<string, LineEntry>() : await readLines(files.lines, picked.date, games);
  const starters = files.starters === undefined ? null : await readStarters(files.starters, teams, index, warnings);
  const minutes = files.minutes === undefined ? [] : await readMinutes(files.minutes, teams, index, warnings);
  return { date: picked.date, files, games, dkRows: picked.rows, captainRows, injuries, lines, starters, minutes, warnings };
}

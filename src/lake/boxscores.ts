// Box-score CSV -> validated, typed rows -> silver/player_games. Corrupt input (a bad value, an unknown team,
// an impossible stat line) stops the build with file, line and column before anything is written. A real feed's
// damaged games (a partial box score, a game whose rows repeat) are quarantined instead: kept out of silver and
// listed in the report, unless `strict`, which refuses them as corrupt input. In a season that is a game log (a
// real feed's), an impossible stat line quarantines its game too; in a box-score season it stops the build.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: lines has
   one entry per row of the frame, every bad-row list read at [0] is non-empty there, and the columns read are the
   schema's. */

import { UserError } from '../data/errors.ts';
import { parseTypedCsv } from '../data/csv.ts';
import { takeRows, type Frame, type Value } from '../data/schema.ts';
import { BOX_SCORE_COLUMNS, PLAYER_GAMES } from '../data/tables.ts';
import { teamById, teamByAbbreviation } from '../data/teams.ts';

export const OPTIONAL_BOX_COLUMNS = ['tip_time_local', 'position', 'start_position', 'starter', 'plus_minus', 'pf', 'source', 'note'];

/** Tolerance, in minutes, between a team's summed minutes and 240 + 25 per overtime (data README: within 1). */
export const TEAM_MINUTES_WARN = 1.5;
/** Beyond this the box score is partial: the team-game is quarantined (or, with strict, the build refuses it). */
export const TEAM_MINUTES_FAIL = 5;

export type DnpCategory =
  'played' | 'no_comment' | 'coach_decision' | 'injury' | 'rest' | 'personal' | 'suspension' | 'protocols' | 'not_with_team' | 'other';

/**
 * Classifies the box score's comment. Spellings vary by season ("DNP - Coach's Decision", "DND_COACH",
 * "NWT_LEAGUE_SUSPENSION"), so this matches words, not whole strings.
 */
export function dnpCategory(played: boolean, comment: string | null): DnpCategory {
  if (played) return 'played';
  if (comment === null || comment.trim() === '') return 'no_comment';
  const c = comment.toUpperCase().replace(/[^A-Z]+/g, ' ');
  if (c.includes('COACH')) return 'coach_decision';
  if (/INJUR|ILLNESS|CONCUSSION|RECONDITIONING/.test(c)) return 'injury';
  if (/SUSPEN/.test(c)) return 'suspension';
  if (/PROTOCOL|HEALTH AND SAFETY/.test(c)) return 'protocols';
  if (/\bREST\b/.test(c)) return 'rest';
  if (/PERSONAL/.test(c)) return 'personal';
  if (/NOT WITH TEAM|TRADE/.test(c)) return 'not_with_team';
  return 'other';
}

/**
 * Available before tip: he played, or he sat by the coach's decision (or sat with no comment at all, i.e. he
 * dressed and was not listed out). Any other comment (injury, rest, suspension, personal, protocols, not with
 * team) is something an injury report would have said before tip.
 */
export function isAvailable(category: DnpCategory): boolean {
  return category === 'played' || category === 'coach_decision' || category === 'no_comment';
}

/** A team-game kept out of silver (labels and features), with why. Its whole game goes with it. */
export interface QuarantinedTeamGame {
  file: string;
  /** First line of the team-game's rows in the file. */
  line: number;
  game_id: string;
  team: string;
  /** Dates its rows carry (two when a game's rows repeat under another date). */
  game_dates: string[];
  why: string;
}

export interface BoxScoreReport {
  file: string;
  /** Rows, games and team-games of the file, quarantined ones included. */
  rows: number;
  games: number;
  teamGames: number;
  seasons: number[];
  /** The counts below are of the rows kept in silver. */
  available: number;
  unavailable: number;
  played: number;
  overtimeTeamGames: number;
  /** team-games whose minutes are off 240(+25/OT) by more than TEAM_MINUTES_WARN but within TEAM_MINUTES_FAIL */
  minutesWarnings: number;
  dnpCategories: Record<string, number>;
  /** Team-games quarantined for their own defect (the other team of their game is dropped with them). */
  quarantined: QuarantinedTeamGame[];
  /** Rows kept out of silver: every row of a game with a quarantined team-game. */
  quarantinedRows: number;
  /** Played rows of team-games whose every played row has whole minutes (a game log, not a box score). */
  roundedMinutesRows: number;
  rowsWithoutStarter: number;
  rowsWithoutPosition: number;
  /** Team-games listing only players who played: the feed names no inactive player. */
  teamGamesWithoutDnpRows: number;
}

export interface ParsedBoxScores {
  /** Rows kept (quarantined games left out), silver/player_games schema. */
  frame: Frame;
  /** Every row of the file, typed, for bronze (a faithful copy of the input). */
  all: Frame;
  report: BoxScoreReport;
}

export interface ParseBoxScoreOptions {
  /** Refuse a partial or repeated game instead of quarantining it. */
  strict?: boolean;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(d: string): boolean {
  if (!DATE_RE.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

function fail(file: string, what: string, count: number, firstLine: number, detail: string): never {
  const many = count > 1 ? ` (${count} rows; first at line ${firstLine})` : ` (line ${firstLine})`;
  throw new UserError(`${file}: ${what}${many}: ${detail}`);
}

/** The parsed CSV with typed accessors; every check below reads through it. */
interface Rows {
  n: number;
  c: Record<string, Value[]>;
  lines: number[];
  file: string;
  // T is the caller's reading of one cell, stated once where the column is known; the frame holds Value[].
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed cell read, see above
  get: <T extends Value>(column: string, i: number) => T;
}

function rowsOf(raw: Frame, lines: number[], file: string): Rows {
  const c = raw.columns as Record<string, Value[]>;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the typed cell read of Rows.get
  return { n: raw.numRows, c, lines, file, get: <T extends Value>(column: string, i: number): T => c[column]![i] as T };
}

function badRows(rows: Rows, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.n; i++) if (pred(i)) out.push(i);
  return out;
}

/** Dates, home/away, and teams known and consistent with their abbreviations. */
function checkRowFields(rows: Rows): void {
  const { get, lines, file } = rows;
  const badDate = badRows(rows, (i) => !isRealDate(get<string>('game_date', i)));
  if (badDate.length > 0) {
    const i = badDate[0]!;
    fail(file, 'bad game_date', badDate.length, lines[i]!, `expected YYYY-MM-DD, got ${JSON.stringify(get('game_date', i))}`);
  }
  const badHa = badRows(rows, (i) => get<string>('home_away', i) !== 'home' && get<string>('home_away', i) !== 'away');
  if (badHa.length > 0) {
    const i = badHa[0]!;
    fail(file, 'bad home_away', badHa.length, lines[i]!, `expected home or away, got ${JSON.stringify(get('home_away', i))}`);
  }
  const teamKnown = (id: number, abbr: string): boolean => {
    const t = teamById(id);
    return t !== undefined && teamByAbbreviation(abbr)?.teamId === id;
  };
  const badTeam = badRows(
    rows,
    (i) =>
      !teamKnown(get<number>('team_id', i), get<string>('team_abbreviation', i)) ||
      !teamKnown(get<number>('opponent_team_id', i), get<string>('opponent_abbreviation', i)),
  );
  if (badTeam.length > 0) {
    const i = badTeam[0]!;
    fail(
      file,
      'unknown team',
      badTeam.length,
      lines[i]!,
      `team ${get('team_id', i)} "${get('team_abbreviation', i)}" vs opponent ${get('opponent_team_id', i)} "${get('opponent_abbreviation', i)}" is not an NBA team id/abbreviation pair`,
    );
  }
}

/** Minutes present when he played. */
function checkMinutes(rows: Rows): void {
  const { get, lines, file } = rows;
  const noMinutes = badRows(rows, (i) => get<boolean>('played', i) && get('minutes', i) === null);
  if (noMinutes.length > 0) {
    const i = noMinutes[0]!;
    fail(file, 'played but minutes empty', noMinutes.length, lines[i]!, `player_id ${get('player_id', i)} game_id ${get('game_id', i)}`);
  }
}

/** No one plays more than 48 + 5 x 5 overtimes; the game's own length is checked once its overtime is known. */
const MAX_ROW_MINUTES = 73;
/** Slack over a game's length for minutes stored as decimals of seconds (48:00 may read 48.0000001). */
const GAME_LENGTH_SLACK = 0.05;
/** A team-game's summed minutes tell its game's length when within this of 240 + 25 per overtime (rounded game-log minutes leave up to 3). */
const GAME_LENGTH_FIT = 3;

const STAT_COLUMNS = ['fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'oreb', 'dreb', 'reb', 'ast', 'stl', 'blk', 'tov', 'pf', 'pts'] as const;

/**
 * A stat line no game can produce: negative minutes or more than MAX_ROW_MINUTES, a negative count, more made
 * than attempted, more threes than field goals, rebounds that are not offensive + defensive, points that are not
 * 2 x FGM + 3PM + FTM. Each names the column at fault and its value; checks skip a null (a feed may omit pf, say).
 */
function impossibleStat(get: Rows['get'], i: number): string | null {
  const v = (k: string): number | null => get<number | null>(k, i);
  const m = v('minutes');
  if (m !== null && m < 0) return `column "minutes" is ${m}, below 0`;
  if (m !== null && m > MAX_ROW_MINUTES) return `column "minutes" is ${m}, more than ${MAX_ROW_MINUTES} (48 + 5 overtimes)`;
  for (const k of STAT_COLUMNS) {
    const x = v(k);
    if (x !== null && x < 0) return `column "${k}" is ${x}, below 0`;
  }
  const pairs: [string, string, string][] = [
    ['fgm', 'fga', 'made more than attempted'],
    ['fg3m', 'fg3a', 'made more than attempted'],
    ['ftm', 'fta', 'made more than attempted'],
    ['fg3m', 'fgm', 'more threes than field goals'],
    ['fg3a', 'fga', 'more three attempts than field-goal attempts'],
  ];
  for (const [a, b, why] of pairs) {
    const x = v(a);
    const y = v(b);
    if (x !== null && y !== null && x > y) return `column "${a}" is ${x}, more than ${b} ${y} (${why})`;
  }
  const [oreb, dreb, reb] = [v('oreb'), v('dreb'), v('reb')];
  if (oreb !== null && dreb !== null && reb !== null && reb !== oreb + dreb) {
    return `column "reb" is ${reb}, not oreb ${oreb} + dreb ${dreb}`;
  }
  const [fgm, fg3m, ftm, pts] = [v('fgm'), v('fg3m'), v('ftm'), v('pts')];
  if (fgm !== null && fg3m !== null && ftm !== null && pts !== null && pts !== 2 * fgm + fg3m + ftm) {
    return `column "pts" is ${pts}, not 2 x fgm ${fgm} + fg3m ${fg3m} + ftm ${ftm}`;
  }
  return null;
}

/** Every impossible row (row index -> what is wrong), in row order. */
function impossibleRows(rows: Rows): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; i < rows.n; i++) {
    const bad = impossibleStat(rows.get, i);
    if (bad !== null) out.set(i, bad);
  }
  return out;
}

/**
 * Rows with more minutes than their game lasted: 48 + 5 per overtime. The game's overtime comes from the
 * team-games whose summed minutes fit 240 + 25 per overtime within GAME_LENGTH_FIT (the larger, if both fit): a row
 * with impossible minutes spoils its own team's sum, and a partial box score sums short, but the other side
 * still tells. A game neither side of which fits is left to the partial-box-score check. Added to `bad`.
 */
function longerThanTheGame(rows: Rows, games: Map<string, TeamGame[]>, bad: Map<number, string>): void {
  for (const tgs of games.values()) {
    const fits = tgs.map((tg) => minutesFit(tg.minutes)).filter((f) => f.dev <= GAME_LENGTH_FIT);
    if (fits.length === 0) continue;
    const ot = Math.max(...fits.map((f) => f.ot));
    const length = 48 + 5 * ot;
    for (const tg of tgs) {
      for (const i of tg.rows) {
        const m = rows.get<number | null>('minutes', i);
        if (m === null || m <= length + GAME_LENGTH_SLACK || bad.has(i)) continue;
        bad.set(i, `column "minutes" is ${m}, more than the game's ${length} (${ot === 0 ? 'no overtime' : `${ot} overtime period(s)`})`);
      }
    }
  }
}

/** Stops the build at the first impossible row (by line), counting the others. */
function refuseImpossible(rows: Rows, bad: Map<number, string>): void {
  let first = -1;
  for (const i of bad.keys()) if (first < 0 || i < first) first = i;
  if (first < 0) return;
  const more = bad.size > 1 ? ` (${bad.size - 1} more impossible row(s))` : '';
  throw new UserError(`${rows.file} line ${rows.lines[first]}: impossible stat line, ${bad.get(first)}${more}`);
}

interface TeamGame {
  key: string;
  gameId: string;
  teamId: number;
  minutes: number;
  rows: number[];
  home: boolean;
  opponent: number;
  dates: string[];
  /** Set when its rows disagree on opponent or home/away. */
  inconsistent: boolean;
}

/** Groups rows by game and team; a team-game's rows must agree on opponent, home/away and date. */
function groupTeamGames(rows: Rows, strict: boolean): { teamGames: Map<string, TeamGame>; games: Map<string, TeamGame[]> } {
  const { get, lines, file } = rows;
  const teamGames = new Map<string, TeamGame>();
  const games = new Map<string, TeamGame[]>();
  for (let i = 0; i < rows.n; i++) {
    const gameId = get<string>('game_id', i);
    const teamId = get<number>('team_id', i);
    const key = `${gameId}|${teamId}`;
    const home = get('home_away', i) === 'home';
    const date = get<string>('game_date', i);
    let tg = teamGames.get(key);
    if (tg === undefined) {
      tg = {
        key,
        gameId,
        teamId,
        minutes: 0,
        rows: [],
        home,
        opponent: get<number>('opponent_team_id', i),
        dates: [date],
        inconsistent: false,
      };
      teamGames.set(key, tg);
      const g = games.get(gameId) ?? [];
      g.push(tg);
      games.set(gameId, g);
    }
    const sameDate = tg.dates.includes(date);
    if (tg.opponent !== get<number>('opponent_team_id', i) || tg.home !== home || (strict && !sameDate)) {
      if (strict)
        fail(
          file,
          'inconsistent team-game',
          1,
          lines[i]!,
          `game_id ${gameId} team_id ${teamId}: opponent, home_away or game_date differ between rows`,
        );
      tg.inconsistent = true;
    }
    if (!sameDate) tg.dates.push(date);
    tg.minutes += get<number | null>('minutes', i) ?? 0;
    tg.rows.push(i);
  }
  for (const [gid, tgs] of games) {
    const [a, b] = tgs;
    if (tgs.length !== 2 || a === undefined || b === undefined || a.home === b.home) {
      const line = lines[tgs[0]!.rows[0]!]!;
      fail(file, 'incomplete game', 1, line, `game_id ${gid} needs exactly two teams, one home and one away (found ${tgs.length})`);
    }
  }
  return { teamGames, games };
}

/** Overtime periods from summed minutes, and how far the sum is from 240 + 25 per overtime. */
function minutesFit(minutes: number): { ot: number; dev: number } {
  const ot = Math.max(0, Math.round((minutes - 240) / 25));
  return { ot, dev: Math.abs(minutes - 240 - 25 * ot) };
}

/**
 * Why each damaged team-game is quarantined: its rows repeat (a player listed twice in the game, or its rows
 * under two dates: the same game from two sources), or its minutes are partial. Strict refuses instead, with
 * today's messages.
 */
function findDamaged(rows: Rows, teamGames: Map<string, TeamGame>, strict: boolean): Map<string, string> {
  const { get, lines, file } = rows;
  const why = new Map<string, string>();
  const seen = new Map<string, number>();
  const dups: [number, number][] = [];
  for (let i = 0; i < rows.n; i++) {
    const key = `${get('game_id', i)}|${get('player_id', i)}`;
    const first = seen.get(key);
    if (first !== undefined) dups.push([first, i]);
    else seen.set(key, i);
  }
  if (strict && dups.length > 0) {
    const [a, b] = dups[0]!;
    fail(
      file,
      'duplicated player-game row',
      dups.length,
      lines[b]!,
      `game_id ${get('game_id', b)} player_id ${get('player_id', b)} (${get('player_name', b)}) also at line ${lines[a]}`,
    );
  }
  const twice = new Map<string, number>();
  for (const [, b] of dups) {
    const key = `${get('game_id', b)}|${get('team_id', b)}`;
    twice.set(key, (twice.get(key) ?? 0) + 1);
  }
  for (const tg of teamGames.values()) {
    const players = twice.get(tg.key) ?? 0;
    if (tg.dates.length > 1 || players > 0 || tg.inconsistent) {
      const perDate = tg.dates.map((d) => `${tg.rows.filter((i) => get('game_date', i) === d).length} rows dated ${d}`).join(' and ');
      why.set(
        tg.key,
        `repeats another game's rows: ${perDate}, ${players} player(s) listed twice${tg.inconsistent ? ', opponent or home/away differ between rows' : ''}`,
      );
      continue;
    }
    const { ot, dev } = minutesFit(tg.minutes);
    if (dev > TEAM_MINUTES_FAIL) {
      if (strict) {
        throw new UserError(
          `${file}: team-game(s) whose minutes are not 240 (+25 per overtime) within ${TEAM_MINUTES_FAIL}; first game_id ${tg.gameId} team_id ${tg.teamId} at line ${lines[tg.rows[0]!]} sums to ${tg.minutes.toFixed(2)}`,
        );
      }
      const played = tg.rows.filter((i) => get<boolean>('played', i));
      const pts = tg.rows.reduce((a, i) => a + (get<number | null>('pts', i) ?? 0), 0);
      why.set(
        tg.key,
        `partial box score: ${tg.minutes.toFixed(1)} minutes where ${240 + 25 * ot} are expected, ${played.length} players with ${pts} points`,
      );
    }
  }
  return why;
}

/** The feed's gaps, counted: rounded minutes, missing starter and position, team-games without DNP rows. */
function feedCounts(
  rows: Rows,
  teamGames: Map<string, TeamGame>,
): Pick<BoxScoreReport, 'roundedMinutesRows' | 'rowsWithoutStarter' | 'rowsWithoutPosition' | 'teamGamesWithoutDnpRows'> {
  const { get } = rows;
  let roundedMinutesRows = 0;
  let teamGamesWithoutDnpRows = 0;
  for (const tg of teamGames.values()) {
    if (tg.rows.every((i) => get<boolean>('played', i))) teamGamesWithoutDnpRows++;
    // Per date, so a game whose two copies differ in precision counts its rounded copy. A team-game of exact
    // decimals is whole in every row by chance about once in 60^10 games; a single row, once in 60.
    for (const d of tg.dates) {
      const played = tg.rows.filter((i) => get('game_date', i) === d && get<boolean>('played', i));
      if (played.length > 0 && played.every((i) => Number.isInteger(get<number>('minutes', i)))) roundedMinutesRows += played.length;
    }
  }
  return {
    roundedMinutesRows,
    rowsWithoutStarter: badRows(rows, (i) => get('starter', i) === null).length,
    rowsWithoutPosition: badRows(rows, (i) => get('position', i) === null).length,
    teamGamesWithoutDnpRows,
  };
}

/** Adds the derived silver columns (availability, team minutes, overtime) to every row. */
function deriveSilver(rows: Rows, raw: Frame, teamGames: Map<string, TeamGame>): Frame {
  const { n, get } = rows;
  const available = new Array<Value>(n);
  const category = new Array<Value>(n);
  const teamMinutes = new Array<Value>(n);
  const overtime = new Array<Value>(n);
  for (let i = 0; i < n; i++) {
    const cat = dnpCategory(get<boolean>('played', i), get<string | null>('dnp_reason', i));
    category[i] = cat;
    available[i] = isAvailable(cat);
    const tg = teamGames.get(`${get('game_id', i)}|${get('team_id', i)}`)!;
    teamMinutes[i] = Math.round(tg.minutes * 1000) / 1000;
    overtime[i] = minutesFit(tg.minutes).ot;
  }
  return {
    schema: PLAYER_GAMES.schema,
    numRows: n,
    columns: { ...raw.columns, available, dnp_category: category, team_minutes: teamMinutes, overtime_periods: overtime },
  };
}

/** A feed's impossible rows take their team-game into the quarantine, the first row's line and fault in the why. */
function quarantineImpossible(rows: Rows, teamGames: Map<string, TeamGame>, bad: Map<number, string>, why: Map<string, string>): void {
  const byTeamGame = new Map<string, number[]>();
  for (const i of [...bad.keys()].sort((a, b) => a - b)) {
    const key = `${rows.get('game_id', i)}|${rows.get('team_id', i)}`;
    byTeamGame.set(key, [...(byTeamGame.get(key) ?? []), i]);
  }
  for (const [key, idx] of byTeamGame) {
    if (!teamGames.has(key)) continue;
    const first = idx[0]!;
    const more = idx.length > 1 ? ` (${idx.length - 1} more impossible row(s))` : '';
    const said = `impossible stat line at line ${rows.lines[first]}, ${bad.get(first)}${more}`;
    const already = why.get(key);
    why.set(key, already === undefined ? said : `${already}; ${said}`);
  }
}

/** Parses and validates one box-score CSV's text; returns rows in the silver/player_games schema. */
export function parseBoxScores(text: string, file: string, options: ParseBoxScoreOptions = {}): ParsedBoxScores {
  const strict = options.strict === true;
  const parsed = parseTypedCsv(text, { name: 'box_scores', columns: BOX_SCORE_COLUMNS }, file, OPTIONAL_BOX_COLUMNS);
  const rows = rowsOf(parsed.frame, parsed.lines, parsed.file);
  checkRowFields(rows);
  checkMinutes(rows);
  const impossible = impossibleRows(rows);
  if (strict) refuseImpossible(rows, impossible);
  const { teamGames, games } = groupTeamGames(rows, strict);
  longerThanTheGame(rows, games, impossible);
  const gaps = feedCounts(rows, teamGames);
  // A season that is a game log (whole minutes, or no starter flags) is a real feed's: an impossible row there
  // quarantines its game like a partial box score. A box-score season (and any season under --strict) refuses it.
  const isFeed = !strict && (gaps.roundedMinutesRows > 0 || gaps.rowsWithoutStarter > 0);
  if (!isFeed) refuseImpossible(rows, impossible);
  const damaged = findDamaged(rows, teamGames, strict);
  quarantineImpossible(rows, teamGames, impossible, damaged);

  // A damaged team-game takes its whole game out: the other team's labels may be real, but its opponent
  // features (pace, the other side's minutes) and the two-teams-per-game shape would not be.
  const quarantined: QuarantinedTeamGame[] = [];
  const droppedGames = new Set<string>();
  for (const [key, why] of damaged) {
    const tg = teamGames.get(key)!;
    droppedGames.add(tg.gameId);
    const first = tg.rows[0]!;
    quarantined.push({
      file: rows.file,
      line: rows.lines[first]!,
      game_id: tg.gameId,
      team: rows.get<string>('team_abbreviation', first),
      game_dates: [...tg.dates].sort(),
      why,
    });
  }
  quarantined.sort((a, b) => a.game_id.localeCompare(b.game_id) || a.line - b.line);
  const all = deriveSilver(rows, parsed.frame, teamGames);
  const keep = badRows(rows, (i) => !droppedGames.has(rows.get<string>('game_id', i)));
  const frame = keep.length === rows.n ? all : takeRows(all, keep);

  const categories: Record<string, number> = {};
  for (const cat of frame.columns.dnp_category as string[]) categories[cat] = (categories[cat] ?? 0) + 1;
  const nAvail = (frame.columns.available as boolean[]).filter((a) => a).length;
  let minutesWarnings = 0;
  let overtimeTeamGames = 0;
  for (const tg of teamGames.values()) {
    if (droppedGames.has(tg.gameId)) continue;
    const { ot, dev } = minutesFit(tg.minutes);
    if (ot > 0) overtimeTeamGames++;
    if (dev > TEAM_MINUTES_WARN) minutesWarnings++;
  }
  return {
    frame,
    all,
    report: {
      file: rows.file,
      rows: rows.n,
      games: games.size,
      teamGames: teamGames.size,
      seasons: [...new Set(rows.c.season as number[])].sort(),
      available: nAvail,
      unavailable: frame.numRows - nAvail,
      played: categories.played ?? 0,
      overtimeTeamGames,
      minutesWarnings,
      dnpCategories: categories,
      quarantined,
      quarantinedRows: rows.n - frame.numRows,
      ...gaps,
    },
  };
}

// Box-score CSV -> validated, typed rows -> silver/player_games. Every check reports counts and the first
// offending line; corrupt input stops the build before anything is written.
import { UserError } from '../data/errors.ts';
import { parseTypedCsv } from '../data/csv.ts';
import type { Frame, Value } from '../data/schema.ts';
import { BOX_SCORE_COLUMNS, PLAYER_GAMES } from '../data/tables.ts';
import { teamById, teamByAbbreviation } from '../data/teams.ts';

export const OPTIONAL_BOX_COLUMNS = ['tip_time_local', 'position', 'start_position', 'plus_minus', 'pf', 'source', 'note'];

/** Tolerance, in minutes, between a team's summed minutes and 240 + 25 per overtime (data README: within 1). */
export const TEAM_MINUTES_WARN = 1.5;
/** Beyond this the box score is partial or corrupt and the build refuses it. */
export const TEAM_MINUTES_FAIL = 5;

export type DnpCategory =
  | 'played'
  | 'no_comment'
  | 'coach_decision'
  | 'injury'
  | 'rest'
  | 'personal'
  | 'suspension'
  | 'protocols'
  | 'not_with_team'
  | 'other';

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

export interface BoxScoreReport {
  file: string;
  rows: number;
  games: number;
  teamGames: number;
  seasons: number[];
  available: number;
  unavailable: number;
  played: number;
  overtimeTeamGames: number;
  /** team-games whose minutes are off 240(+25/OT) by more than TEAM_MINUTES_WARN but within TEAM_MINUTES_FAIL */
  minutesWarnings: number;
  dnpCategories: Record<string, number>;
}

export interface ParsedBoxScores {
  frame: Frame; // silver/player_games schema
  report: BoxScoreReport;
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

/** Parses and validates one box-score CSV's text; returns rows in the silver/player_games schema. */
export function parseBoxScores(text: string, file: string): ParsedBoxScores {
  const { frame: raw, lines, file: name } = parseTypedCsv(
    text,
    { name: 'box_scores', columns: BOX_SCORE_COLUMNS },
    file,
    OPTIONAL_BOX_COLUMNS,
  );
  const n = raw.numRows;
  const c = raw.columns as Record<string, Value[]>;
  const get = <T extends Value>(name: string, i: number): T => (c[name] as Value[])[i] as T;

  // Row-level checks: dates, home/away, teams known and consistent with their abbreviations.
  const badOf = (pred: (i: number) => boolean): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (pred(i)) out.push(i);
    return out;
  };
  const badDate = badOf((i) => !isRealDate(get<string>('game_date', i)));
  if (badDate.length > 0) {
    const i = badDate[0] as number;
    fail(name, 'bad game_date', badDate.length, lines[i] as number, `expected YYYY-MM-DD, got ${JSON.stringify(get('game_date', i))}`);
  }
  const badHa = badOf((i) => get<string>('home_away', i) !== 'home' && get<string>('home_away', i) !== 'away');
  if (badHa.length > 0) {
    const i = badHa[0] as number;
    fail(name, 'bad home_away', badHa.length, lines[i] as number, `expected home or away, got ${JSON.stringify(get('home_away', i))}`);
  }
  const teamKnown = (id: number, abbr: string): boolean => {
    const t = teamById(id);
    return t !== undefined && teamByAbbreviation(abbr)?.teamId === id;
  };
  const badTeam = badOf(
    (i) =>
      !teamKnown(get<number>('team_id', i), get<string>('team_abbreviation', i)) ||
      !teamKnown(get<number>('opponent_team_id', i), get<string>('opponent_abbreviation', i)),
  );
  if (badTeam.length > 0) {
    const i = badTeam[0] as number;
    fail(
      name,
      'unknown team',
      badTeam.length,
      lines[i] as number,
      `team ${get('team_id', i)} "${get('team_abbreviation', i)}" vs opponent ${get('opponent_team_id', i)} "${get('opponent_abbreviation', i)}" is not an NBA team id/abbreviation pair`,
    );
  }

  // Duplicated player-game rows (same game, team and player; or a player on both teams of a game).
  const seen = new Map<string, number>();
  const dups: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const key = `${get('game_id', i)}|${get('player_id', i)}`;
    const first = seen.get(key);
    if (first !== undefined) dups.push([first, i]);
    else seen.set(key, i);
  }
  if (dups.length > 0) {
    const [a, b] = dups[0] as [number, number];
    fail(
      name,
      'duplicated player-game row',
      dups.length,
      lines[b] as number,
      `game_id ${get('game_id', b)} player_id ${get('player_id', b)} (${get('player_name', b)}) also at line ${lines[a]}`,
    );
  }

  // A player who played has minutes; played rows' stats must be present.
  const noMinutes = badOf((i) => get<boolean>('played', i) && get('minutes', i) === null);
  if (noMinutes.length > 0) {
    const i = noMinutes[0] as number;
    fail(name, 'played but minutes empty', noMinutes.length, lines[i] as number, `player_id ${get('player_id', i)} game_id ${get('game_id', i)}`);
  }
  const badMinutes = badOf((i) => {
    const m = get<number | null>('minutes', i);
    return m !== null && (m < 0 || m > 73); // 48 + 5 overtimes would be 73
  });
  if (badMinutes.length > 0) {
    const i = badMinutes[0] as number;
    fail(name, 'minutes out of range 0..73', badMinutes.length, lines[i] as number, `got ${get('minutes', i)}`);
  }

  // Team-game structure and minutes: two teams per game, one home one away, summed minutes 240 + 25/OT.
  interface TeamGame {
    minutes: number;
    rows: number[];
    home: boolean;
    opponent: number;
    date: string;
  }
  const teamGames = new Map<string, TeamGame>();
  const games = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    const gid = get<string>('game_id', i);
    const tid = get<number>('team_id', i);
    const key = `${gid}|${tid}`;
    let tg = teamGames.get(key);
    if (tg === undefined) {
      tg = { minutes: 0, rows: [], home: get('home_away', i) === 'home', opponent: get<number>('opponent_team_id', i), date: get<string>('game_date', i) };
      teamGames.set(key, tg);
      const g = games.get(gid) ?? [];
      g.push(key);
      games.set(gid, g);
    }
    if (tg.opponent !== get<number>('opponent_team_id', i) || tg.home !== (get('home_away', i) === 'home') || tg.date !== get('game_date', i)) {
      fail(name, 'inconsistent team-game', 1, lines[i] as number, `game_id ${gid} team_id ${tid}: opponent, home_away or game_date differ between rows`);
    }
    tg.minutes += get<number | null>('minutes', i) ?? 0;
    tg.rows.push(i);
  }
  for (const [gid, keys] of games) {
    const tgs = keys.map((k) => teamGames.get(k) as TeamGame);
    const [a, b] = tgs;
    if (tgs.length !== 2 || a === undefined || b === undefined || a.home === b.home) {
      const line = lines[(tgs[0] as TeamGame).rows[0] as number] as number;
      fail(name, 'incomplete game', 1, line, `game_id ${gid} needs exactly two teams, one home and one away (found ${tgs.length})`);
    }
  }
  let minutesWarnings = 0;
  let overtimeTeamGames = 0;
  const otOf = new Map<string, number>();
  const badTeamMinutes: { key: string; minutes: number }[] = [];
  for (const [key, tg] of teamGames) {
    const ot = Math.max(0, Math.round((tg.minutes - 240) / 25));
    const dev = Math.abs(tg.minutes - 240 - 25 * ot);
    otOf.set(key, ot);
    if (ot > 0) overtimeTeamGames++;
    if (dev > TEAM_MINUTES_FAIL) badTeamMinutes.push({ key, minutes: tg.minutes });
    else if (dev > TEAM_MINUTES_WARN) minutesWarnings++;
  }
  if (badTeamMinutes.length > 0) {
    const first = badTeamMinutes[0] as { key: string; minutes: number };
    const tg = teamGames.get(first.key) as TeamGame;
    const [gid, tid] = first.key.split('|');
    throw new UserError(
      `${name}: ${badTeamMinutes.length} team-game(s) whose minutes are not 240 (+25 per overtime) within ${TEAM_MINUTES_FAIL}; first game_id ${gid} team_id ${tid} at line ${lines[tg.rows[0] as number]} sums to ${first.minutes.toFixed(2)}`,
    );
  }

  // Derive silver columns.
  const available: Value[] = new Array(n);
  const category: Value[] = new Array(n);
  const teamMinutes: Value[] = new Array(n);
  const overtime: Value[] = new Array(n);
  const categories: Record<string, number> = {};
  let nAvail = 0;
  let nPlayed = 0;
  for (let i = 0; i < n; i++) {
    const cat = dnpCategory(get<boolean>('played', i), get<string | null>('dnp_reason', i));
    category[i] = cat;
    categories[cat] = (categories[cat] ?? 0) + 1;
    const av = isAvailable(cat);
    available[i] = av;
    if (av) nAvail++;
    if (cat === 'played') nPlayed++;
    const key = `${get('game_id', i)}|${get('team_id', i)}`;
    teamMinutes[i] = Math.round((teamGames.get(key) as TeamGame).minutes * 1000) / 1000;
    overtime[i] = otOf.get(key) as number;
  }
  const frame: Frame = {
    schema: PLAYER_GAMES.schema,
    numRows: n,
    columns: { ...c, available, dnp_category: category, team_minutes: teamMinutes, overtime_periods: overtime },
  };
  const seasons = [...new Set(c.season as number[])].sort();
  return {
    frame,
    report: {
      file: name,
      rows: n,
      games: games.size,
      teamGames: teamGames.size,
      seasons,
      available: nAvail,
      unavailable: n - nAvail,
      played: nPlayed,
      overtimeTeamGames,
      minutesWarnings,
      dnpCategories: categories,
    },
  };
}

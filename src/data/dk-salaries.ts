// The DraftKings salary export (DKSalaries.csv) and the name matcher that joins its players to nba.com ids.
// It sits in the data layer because both the lake (`lake salaries`, gold/dk_salaries) and the engine
// (`sim --dk-csv`) read it, and the engine may not import the lake builders above it.
import { at as itemAt } from './checked.ts';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from './errors.ts';
import { lastName, normaliseName } from './names.ts';
import type { Frame, Value } from './schema.ts';
import { teamByAbbreviation } from './teams.ts';

/** DraftKings' own header, and the snake_case names the shared samples use. */
const DK_COLUMNS = {
  position: ['Position', 'position'],
  name: ['Name', 'name'],
  id: ['ID', 'dk_id'],
  roster_position: ['Roster Position', 'roster_position'],
  salary: ['Salary', 'salary'],
  game_info: ['Game Info', 'game_info'],
  team_abbrev: ['TeamAbbrev', 'team_abbrev'],
  avg_points_per_game: ['AvgPointsPerGame', 'avg_points_per_game'],
} as const;

type DkField = keyof typeof DK_COLUMNS;

export interface DkRow {
  line: number;
  position: string;
  name: string;
  dkId: number;
  rosterPosition: string;
  salary: number;
  gameInfo: string;
  teamAbbrev: string;
  avgPointsPerGame: number | null;
  gameDate: string | null;
  sourceFile: string | null;
}

/** "AWAY@HOME MM/DD/YYYY HH:MMPM ET" -> YYYY-MM-DD (null when the slate lists no date, e.g. postponed). */
export function gameDateOfGameInfo(info: string): string | null {
  const m = /(\d{2})\/(\d{2})\/(\d{4})/.exec(info);
  return m === null ? null : `${m[3]}-${m[1]}-${m[2]}`;
}

/** Parses a DKSalaries.csv. The header may sit below DraftKings' instruction rows and to the right of them. */
export function parseDkCsv(text: string, file: string): DkRow[] {
  const name = basename(file);
  let records: string[][];
  try {
    const parsed: unknown = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true });
    records = parsed as string[][];
  } catch (e) {
    throw new UserError(`${name}: malformed CSV (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  let headerAt = -1;
  const index = new Map<DkField, number>();
  for (let r = 0; r < Math.min(records.length, 20) && headerAt < 0; r++) {
    const rec = itemAt(records, r).map((h) => h.trim());
    const at = (f: DkField): number => Math.max(...DK_COLUMNS[f].map((h) => rec.indexOf(h)));
    if (at('name') >= 0 && at('salary') >= 0 && at('id') >= 0) {
      headerAt = r;
      for (const f of Object.keys(DK_COLUMNS) as DkField[]) {
        const i = at(f);
        if (i >= 0) index.set(f, i);
      }
    }
  }
  if (headerAt < 0) throw new UserError(`${name}: no DraftKings header found (expected columns Name, ID, Salary, ...)`);
  for (const f of ['position', 'name', 'id', 'roster_position', 'salary', 'game_info', 'team_abbrev'] as DkField[]) {
    if (!index.has(f)) throw new UserError(`${name}: missing column "${DK_COLUMNS[f][0]}"`);
  }
  const hdr = itemAt(records, headerAt);
  const sourceAt = hdr.indexOf('source_file');
  const dateAt = hdr.indexOf('game_date');
  const rows: DkRow[] = [];
  for (let r = headerAt + 1; r < records.length; r++) {
    const rec = itemAt(records, r);
    const line = r + 1;
    const get = (f: DkField): string => (rec[index.get(f) ?? -1] ?? '').trim();
    if (get('name') === '' && get('id') === '') continue;
    const dkId = Number(get('id'));
    if (!Number.isSafeInteger(dkId) || get('id') === '')
      throw new UserError(`${name} line ${line}: column "ID" must be an integer, got ${JSON.stringify(get('id'))}`);
    const salary = Number(get('salary'));
    if (!Number.isInteger(salary) || salary <= 0 || get('salary') === '') {
      throw new UserError(`${name} line ${line}: column "Salary" must be a positive integer, got ${JSON.stringify(get('salary'))}`);
    }
    const appgRaw = get('avg_points_per_game');
    const appg = appgRaw === '' ? null : Number(appgRaw);
    if (appg !== null && !Number.isFinite(appg)) {
      throw new UserError(`${name} line ${line}: column "AvgPointsPerGame" must be a number, got ${JSON.stringify(appgRaw)}`);
    }
    const gameInfo = get('game_info');
    rows.push({
      line,
      position: get('position'),
      name: get('name'),
      dkId,
      rosterPosition: get('roster_position'),
      salary,
      gameInfo,
      teamAbbrev: get('team_abbrev'),
      avgPointsPerGame: appg,
      gameDate: gameDateOfGameInfo(gameInfo) ?? (dateAt >= 0 ? (rec[dateAt] ?? null) : null),
      sourceFile: sourceAt >= 0 ? (rec[sourceAt] ?? null) : null,
    });
  }
  return rows;
}

export type MatchMethod = 'exact' | 'normalised' | 'normalised_any_team' | 'team_last_name' | 'season_team' | 'registry' | 'unmatched';

export interface Candidate {
  playerId: number;
  name: string;
  norm: string;
  teamId: number;
}

export interface SalaryMatch {
  row: DkRow;
  teamId: number | null;
  candidate: Candidate | null;
  method: MatchMethod;
}

/** First names that DraftKings and nba.com spell differently for the same person (e.g. Cam / Cameron). */
function firstNamesCompatible(a: string, b: string): boolean {
  const fa = a.split(' ')[0] ?? '';
  const fb = b.split(' ')[0] ?? '';
  return fa.length > 0 && fb.length > 0 && (fa.startsWith(fb) || fb.startsWith(fa));
}

/** The single player among `list` (several rows of one player_id count once), or null. */
function uniquePlayer(list: readonly Candidate[]): Candidate | null {
  const first = list[0];
  if (first === undefined) return null;
  return list.every((c) => c.playerId === first.playerId) ? first : null;
}

/**
 * Joins DraftKings rows to nba.com players, most certain method first, accepting only a unique player:
 * that date's box-score rows (same team: exact name, normalised name, same last name with a compatible
 * first name; then any team); then, for players absent from the date's box score (the inactive list), the
 * same team's rows that season; then every player the lake knows. Names identify people, not outcomes, so
 * the later tiers leak nothing about the slate.
 */
export function matchSalaries(
  rows: readonly DkRow[],
  dateRows: readonly Candidate[],
  seasonRows: readonly Candidate[] = [],
  registry: readonly Candidate[] = [],
): SalaryMatch[] {
  const index = (list: readonly Candidate[]): Map<number, Candidate[]> => {
    const byTeam = new Map<number, Candidate[]>();
    for (const c of list) {
      const l = byTeam.get(c.teamId) ?? [];
      l.push(c);
      byTeam.set(c.teamId, l);
    }
    return byTeam;
  };
  const dateByTeam = index(dateRows);
  const seasonByTeam = index(seasonRows);
  return rows.map((row) => {
    const team = teamByAbbreviation(row.teamAbbrev);
    const teamId = team?.teamId ?? null;
    const pool = teamId === null ? [] : (dateByTeam.get(teamId) ?? []);
    const seasonPool = teamId === null ? [] : (seasonByTeam.get(teamId) ?? []);
    const norm = normaliseName(row.name);
    const tries: [MatchMethod, () => Candidate | null][] = [
      ['exact', () => uniquePlayer(pool.filter((c) => c.name === row.name))],
      ['normalised', () => uniquePlayer(pool.filter((c) => c.norm === norm))],
      ['normalised_any_team', () => uniquePlayer(dateRows.filter((c) => c.norm === norm))],
      ['team_last_name', () => uniquePlayer(pool.filter((c) => lastName(c.norm) === lastName(norm) && firstNamesCompatible(c.norm, norm)))],
      ['season_team', () => uniquePlayer(seasonPool.filter((c) => c.norm === norm))],
      ['registry', () => uniquePlayer(registry.filter((c) => c.norm === norm))],
    ];
    for (const [method, attempt] of tries) {
      const hit = attempt();
      if (hit !== null) return { row, teamId, candidate: hit, method };
    }
    return { row, teamId, candidate: null, method: 'unmatched' as const };
  });
}

/** Match candidates from box-score rows (columns team_id, player_id, player_name), one per row. */
export function candidatesOf(f: Frame): Candidate[] {
  const c = f.columns as Record<string, Value[]>;
  const out: Candidate[] = [];
  for (let i = 0; i < f.numRows; i++) {
    const name = c.player_name?.[i] as string;
    out.push({ playerId: c.player_id?.[i] as number, name, norm: normaliseName(name), teamId: c.team_id?.[i] as number });
  }
  return out;
}

/** How a DraftKings file met a box-score slate (`sim --mode box-score --dk-csv`): metrics.json's `dk_join`. */
export interface DkJoin {
  file: string;
  date: string;
  /** the file's rows on the date */
  rows: number;
  matched: number;
  unmatched: { name: string; team: string; line: number }[];
}

/**
 * The same player twice is an error naming both lines: the same DraftKings name and team, or two rows that
 * joined to one player_id (which salary would be his?).
 */
export function refuseDuplicateDkRows(matches: readonly SalaryMatch[], file: string): void {
  const name = basename(file);
  const byNameTeam = new Map<string, DkRow>();
  const byPlayer = new Map<number, DkRow>();
  for (const m of matches) {
    const r = m.row;
    const key = `${normaliseName(r.name)}|${r.teamAbbrev.toUpperCase()}`;
    const seen = byNameTeam.get(key);
    if (seen !== undefined) {
      throw new UserError(
        `--dk-csv ${name}: ${r.name} (${r.teamAbbrev}) is listed twice, line ${seen.line} (salary ${seen.salary}) and line ${r.line} (salary ${r.salary})`,
      );
    }
    byNameTeam.set(key, r);
    if (m.candidate === null) continue;
    const other = byPlayer.get(m.candidate.playerId);
    if (other !== undefined) {
      throw new UserError(
        `--dk-csv ${name}: line ${other.line} (${other.name}, ${other.teamAbbrev}) and line ${r.line} (${r.name}, ${r.teamAbbrev}) both match player ${m.candidate.playerId} (${m.candidate.name})`,
      );
    }
    byPlayer.set(m.candidate.playerId, r);
  }
}

/** Counts and misses of a join; under half of the date's rows matched is an error naming the file and counts. */
export function dkJoinOf(matches: readonly SalaryMatch[], file: string, date: string): DkJoin {
  const unmatched = matches
    .filter((m) => m.candidate === null)
    .map((m) => ({ name: m.row.name, team: m.row.teamAbbrev, line: m.row.line }));
  const join: DkJoin = { file, date, rows: matches.length, matched: matches.length - unmatched.length, unmatched };
  if (2 * join.matched < join.rows) {
    throw new UserError(
      `--dk-csv ${basename(file)}: only ${join.matched} of ${join.rows} DraftKings rows on ${date} matched a player of the box score (under half; is it the right date's file?)`,
    );
  }
  return join;
}

/** "N of M DraftKings rows matched; unmatched: name (team), ..." with the list clipped to `max` names. */
export function dkJoinLine(join: DkJoin, max = 12): string {
  const head = `${join.matched} of ${join.rows} DraftKings rows matched`;
  if (join.unmatched.length === 0) return head;
  const shown = join.unmatched.slice(0, max).map((u) => `${u.name} (${u.team})`);
  const more = join.unmatched.length - shown.length;
  return `${head}; unmatched: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

// DraftKings rows -> nba.com player ids through the lake's history strictly before the slate's date.
// DraftKings ids are not nba.com ids and its names are its own spellings (accents dropped, nicknames), so
// names are normalised (src/data/names.ts) and matched most certain place first: the DraftKings team's
// recent roster, then any player active in the last year (a traded player: his DraftKings team is kept),
// then anyone the lake knows, then a same-last-name player on the team's roster. Only a unique player is
// accepted. Every DraftKings row comes back; an unmatched one has player_id null and is counted, never dropped.
import type { Lake } from '../data/lake.ts';
import { lastName, normaliseName, plainName } from '../data/names.ts';
import { PLAYER_GAMES } from '../data/tables.ts';
import type { DkSlateRow } from './dk.ts';
import { at } from '../data/checked.ts';

export type MatchMethod =
  /** Unique normalised name among players whose latest team before D is the DraftKings team. */
  | 'team'
  /** Unique normalised name among players seen in the 365 days before D, on another team (traded, signed). */
  | 'traded'
  /** The normalised name anywhere in the lake's history (the most recently seen player if several). */
  | 'lake'
  /** Same last name and a compatible first name (Nic / Nicolas) on the team's recent roster, and unique. */
  | 'team_last_name'
  | 'unmatched';

export interface PlayerMatch {
  readonly dkRow: DkSlateRow;
  readonly playerId: number | null;
  readonly method: MatchMethod;
  /** The name matched only through the alias table (DraftKings' nickname vs nba.com's given name). */
  readonly alias: boolean;
  /** His nba.com name (latest spelling in the lake), or null. */
  readonly nbaName: string | null;
  /** His DraftKings team tonight, as an nba.com team id, whatever history says. */
  readonly teamId: number;
  /** His team in his latest lake game before D (null: no rows). */
  readonly historyTeamId: number | null;
  /** Matched, and his latest team before D is not his DraftKings team. */
  readonly traded: boolean;
  /** Games with minutes > 0 before D. */
  readonly gamesPlayed: number;
  readonly lastGameDate: string | null;
  /** Unmatched, or matched with no game played before D: the feature layer uses its no-history prior. */
  readonly noHistory: boolean;
}

export interface MatchSummary {
  readonly matches: PlayerMatch[];
  readonly matched: number;
  readonly total: number;
  /** `NAME (TEAM, line N)` of every unmatched DraftKings row. */
  readonly unmatched: string[];
  readonly byMethod: Record<MatchMethod, number>;
  readonly warnings: string[];
}

export interface PlayerHistory {
  readonly playerId: number;
  /** His latest nba.com spelling. */
  name: string;
  /** Every spelling the lake has for him, normalised and plain (feeds differ: "Yang Hansen" / "Hansen Yang"). */
  readonly norms: Set<string>;
  readonly plains: Set<string>;
  lastDate: string;
  lastTeamId: number;
  gamesPlayed: number;
}

/** The day before an ISO date (the lake's inclusive endDate for "strictly before D"). */
export function dayBefore(date: string): string {
  const t = Date.parse(`${date}T00:00:00Z`) - 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/** First names that DraftKings and nba.com spell differently for one person: one a prefix of the other. */
function firstNamesCompatible(a: string, b: string): boolean {
  const fa = a.split(' ')[0] ?? '';
  const fb = b.split(' ')[0] ?? '';
  return fa.length > 0 && fb.length > 0 && (fa.startsWith(fb) || fb.startsWith(fa));
}

/**
 * Every player's history before `date` from silver/player_games, reading only partitions dated < date (the
 * partition filter works on paths, so files of D and later are never opened).
 */
export async function playerHistories(lake: Lake, date: string): Promise<PlayerHistory[]> {
  const f = await lake.read(
    PLAYER_GAMES,
    { endDate: dayBefore(date) },
    { columns: ['game_date', 'team_id', 'player_id', 'player_name', 'minutes'] },
  );
  const c = f.columns;
  const byId = new Map<number, PlayerHistory>();
  for (let i = 0; i < f.numRows; i++) {
    const playerId = c.player_id?.[i] as number;
    const gameDate = c.game_date?.[i] as string;
    const minutes = c.minutes?.[i] as number | null;
    let h = byId.get(playerId);
    if (h === undefined) {
      const name = c.player_name?.[i] as string;
      h = { playerId, name, norms: new Set(), plains: new Set(), lastDate: '', lastTeamId: 0, gamesPlayed: 0 };
      byId.set(playerId, h);
    }
    const name = c.player_name?.[i] as string;
    if (gameDate >= h.lastDate) {
      h.lastDate = gameDate;
      h.lastTeamId = c.team_id?.[i] as number;
      h.name = name;
    }
    if (!h.plains.has(plainName(name))) {
      h.plains.add(plainName(name));
      h.norms.add(normaliseName(name));
    }
    if (minutes !== null && minutes > 0) h.gamesPlayed++;
  }
  return [...byId.values()];
}

function unique(list: readonly PlayerHistory[]): PlayerHistory | null {
  return list.length === 1 ? at(list, 0) : null;
}

/** Matches already-read histories (see `matchPregamePlayers`); pure, for tests and re-use. */
export function matchAgainstHistories(date: string, dkRows: readonly DkSlateRow[], histories: readonly PlayerHistory[]): MatchSummary {
  const byNorm = new Map<string, PlayerHistory[]>();
  const rosterOf = new Map<number, PlayerHistory[]>();
  for (const h of histories) {
    for (const norm of h.norms) {
      const named = byNorm.get(norm) ?? [];
      named.push(h);
      byNorm.set(norm, named);
    }
    const roster = rosterOf.get(h.lastTeamId) ?? [];
    roster.push(h);
    rosterOf.set(h.lastTeamId, roster);
  }
  const matches = dkRows.map((dkRow): PlayerMatch => {
    const norm = normaliseName(dkRow.name);
    const sameName = byNorm.get(norm) ?? [];
    const roster = rosterOf.get(dkRow.teamId) ?? [];
    const tries: [MatchMethod, () => PlayerHistory | null][] = [
      ['team', () => unique(sameName.filter((h) => h.lastTeamId === dkRow.teamId))],
      ['traded', () => unique(sameName.filter((h) => daysBetween(h.lastDate, date) <= 365))],
      // Several players of one name in the lake's years: the latest seen is the one still in the league.
      ['lake', () => [...sameName].sort((a, b) => (a.lastDate < b.lastDate ? 1 : a.lastDate > b.lastDate ? -1 : 0))[0] ?? null],
      [
        'team_last_name',
        () => unique(roster.filter((h) => [...h.norms].some((n) => lastName(n) === lastName(norm) && firstNamesCompatible(n, norm)))),
      ],
    ];
    for (const [method, attempt] of tries) {
      const hit = attempt();
      if (hit === null) continue;
      return {
        dkRow,
        playerId: hit.playerId,
        method,
        alias: method !== 'team_last_name' && !hit.plains.has(plainName(dkRow.name)),
        nbaName: hit.name,
        teamId: dkRow.teamId,
        historyTeamId: hit.lastTeamId,
        traded: hit.lastTeamId !== dkRow.teamId,
        gamesPlayed: hit.gamesPlayed,
        lastGameDate: hit.lastDate,
        noHistory: hit.gamesPlayed === 0,
      };
    }
    return {
      dkRow,
      playerId: null,
      method: 'unmatched',
      alias: false,
      nbaName: null,
      teamId: dkRow.teamId,
      historyTeamId: null,
      traded: false,
      gamesPlayed: 0,
      lastGameDate: null,
      noHistory: true,
    };
  });
  const byMethod: Record<MatchMethod, number> = { team: 0, traded: 0, lake: 0, team_last_name: 0, unmatched: 0 };
  for (const m of matches) byMethod[m.method]++;
  const warnings: string[] = [];
  const seen = new Map<number, PlayerMatch>();
  for (const m of matches) {
    if (m.playerId === null) continue;
    const prev = seen.get(m.playerId);
    if (prev !== undefined) {
      warnings.push(
        `DraftKings rows ${prev.dkRow.name} (line ${prev.dkRow.line}) and ${m.dkRow.name} (line ${m.dkRow.line}) both match nba.com player ${m.playerId}`,
      );
    }
    seen.set(m.playerId, m);
  }
  const unmatched = matches.filter((m) => m.playerId === null).map((m) => `${m.dkRow.name} (${m.dkRow.teamAbbrev}, line ${m.dkRow.line})`);
  return { matches, matched: matches.length - unmatched.length, total: matches.length, unmatched, byMethod, warnings };
}

/**
 * For every DraftKings row of the slate on `date`: nba.com player_id or null, how it was matched, his
 * DraftKings team, and whether he has history, reading only lake rows dated before `date`.
 */
export async function matchPregamePlayers(lake: Lake, date: string, dkRows: readonly DkSlateRow[]): Promise<MatchSummary> {
  return matchAgainstHistories(date, dkRows, await playerHistories(lake, date));
}

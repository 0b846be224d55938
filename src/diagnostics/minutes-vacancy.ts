// `slatesim diagnostics minutes-vacancy`: where minutes go when players sit, measured on real box scores
// (gold/rates_training_base: available players only, labels beside the pregame features). Four tables:
//   1. a regular starter out: the minutes each teammate gains by his minutes rank among the available players,
//      against the same rank's drift on nights with nobody out (a difference in differences);
//   2. the same by role and position group (the replacement starter, the out starter's position group or not);
//   3. rotation size by the team's vacancy;
//   4. the top player's minutes in regulation games by the team's vacancy, and the share of players at 44+.
// Regular season, regulation team-games (team minutes 240) only. The engine's allocation is judged against the
// same numbers by the backtest's `minutes` block (src/backtest/outcomes.ts).
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: rows
   are grouped into team-games by index, and the rank arrays are allocated for RANKS entries and indexed by
   rankBucket, which is below RANKS. */

import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { frameRows, type Value } from '../data/schema.ts';
import { RATES_TRAINING_BASE } from '../data/tables.ts';
import type { Progress } from '../data/progress.ts';
import { quantile } from '../models/linear.ts';

export const MINUTES_VACANCY_COLUMNS = [
  'season',
  'game_date',
  'game_id',
  'team_id',
  'player_id',
  'season_type',
  'minutes_actual',
  'is_starter',
  'start_rate_recent',
  'minutes_rank_in_team',
  'minutes_szn',
  'games_available_szn',
  'pos_group',
  'vac_min_szn',
] as const;

/** A regular starter: started his last game for the team and averages 24+ minutes over 5+ available games. */
export const REGULAR_STARTER_MINUTES = 24;
/** Nights with nobody out: less than this many season minutes per game vacated (a deep-bench absence). */
export const NO_VACANCY = 3;
/** Regulation team minutes (float minutes in the box score: half a minute of slack). */
const REGULATION = 240.5;
/** Ranks 1..9 and "10+". */
export const RANKS = 10;
export const VACANCY_BINS = [0, NO_VACANCY, 15, 30, 50, 80] as const;

export interface MinutesRow {
  season: number;
  date: string;
  teamGame: string;
  playerId: number;
  minutes: number;
  isStarter: boolean;
  startRate: number;
  rank: number;
  minutesSzn: number | null;
  gamesAvailable: number;
  posGroup: string;
  vacancy: number;
}

export function rankBucket(rank: number): number {
  return Math.min(RANKS, Math.max(1, rank)) - 1;
}

export function vacancyBin(v: number): number {
  let b = 0;
  while (b + 1 < VACANCY_BINS.length && v >= VACANCY_BINS[b + 1]!) b++;
  return b;
}

export function vacancyBinLabel(b: number): string {
  const lo = VACANCY_BINS[b]!;
  const hi = VACANCY_BINS[b + 1];
  return hi === undefined ? `${lo}+` : `${lo}-${hi}`;
}

const num = (v: Value | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function toMinutesRow(r: Record<string, Value>): MinutesRow {
  return {
    season: num(r.season) ?? 0,
    date: String(r.game_date),
    teamGame: `${String(r.game_id)}|${String(r.team_id)}`,
    playerId: num(r.player_id) ?? 0,
    minutes: num(r.minutes_actual) ?? 0,
    isStarter: r.is_starter === true,
    startRate: num(r.start_rate_recent) ?? 0,
    rank: num(r.minutes_rank_in_team) ?? 99,
    minutesSzn: num(r.minutes_szn),
    gamesAvailable: num(r.games_available_szn) ?? 0,
    posGroup: String(r.pos_group),
    vacancy: num(r.vac_min_szn) ?? 0,
  };
}

/** Reads the regular-season gold rows of [start, end] with the columns above. */
export async function readMinutesRows(lake: Lake, start: string, end: string, progress?: Progress): Promise<MinutesRow[]> {
  const parts = await lake.partitions(RATES_TRAINING_BASE, { startDate: start, endDate: end });
  if (parts.length === 0)
    throw new UserError(
      `no gold/rates_training_base partitions between ${start} and ${end} in ${lake.store.root} (run slatesim lake build)`,
    );
  const rows: MinutesRow[] = [];
  progress?.start('minutes-vacancy: read gold', parts.length, 'dates');
  for (const [k, p] of parts.entries()) {
    for (const r of frameRows(await lake.readFile(RATES_TRAINING_BASE, p.path, MINUTES_VACANCY_COLUMNS)))
      if (r.season_type === 'Regular Season') rows.push(toMinutesRow(r));
    progress?.update(k + 1);
  }
  progress?.stop();
  return rows;
}

export interface TeamGame {
  key: string;
  season: number;
  date: string;
  team: string;
  rows: MinutesRow[];
  regulation: boolean;
  vacancy: number;
  /** regular starters of the team unavailable tonight (seen for the team before and after this game) */
  startersOut: { playerId: number; minutesSzn: number; posGroup: string }[];
}

/**
 * Groups rows into team-games and finds each one's regular starters newly out: a player who started the team's
 * previous game with 24+ minutes per game this season, is unavailable tonight and is back for the team later
 * in the season (so not traded). Only the first night of an absence counts: after it, teammates' season
 * averages start to carry the absence themselves.
 */
export function teamGames(rows: readonly MinutesRow[]): TeamGame[] {
  const byKey = new Map<string, TeamGame>();
  for (const r of rows) {
    let g = byKey.get(r.teamGame);
    if (g === undefined) {
      g = {
        key: r.teamGame,
        season: r.season,
        date: r.date,
        team: r.teamGame.split('|')[1]!,
        rows: [],
        regulation: true,
        vacancy: r.vacancy,
        startersOut: [],
      };
      byKey.set(r.teamGame, g);
    }
    g.rows.push(r);
  }
  const games = [...byKey.values()];
  for (const g of games) g.regulation = g.rows.reduce((a, r) => a + r.minutes, 0) <= REGULATION;
  // per season and team, in date order
  const runs = new Map<string, TeamGame[]>();
  for (const g of games) {
    const k = `${g.season}|${g.team}`;
    const list = runs.get(k);
    if (list === undefined) runs.set(k, [g]);
    else list.push(g);
  }
  for (const list of runs.values()) {
    list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const lastIndex = new Map<number, number>();
    list.forEach((g, i) => {
      for (const r of g.rows) lastIndex.set(r.playerId, i);
    });
    const lastRow = new Map<number, { row: MinutesRow; index: number }>();
    list.forEach((g, i) => {
      const present = new Set(g.rows.map((r) => r.playerId));
      for (const [pid, seen] of lastRow) {
        // the first night of his absence (he was available the team's previous game), and back later
        if (present.has(pid) || seen.index !== i - 1 || (lastIndex.get(pid) ?? -1) <= i) continue;
        const r = seen.row;
        if (r.isStarter && r.minutesSzn !== null && r.minutesSzn >= REGULAR_STARTER_MINUTES && r.gamesAvailable >= 5)
          g.startersOut.push({ playerId: pid, minutesSzn: r.minutesSzn, posGroup: r.posGroup });
      }
      for (const r of g.rows) lastRow.set(r.playerId, { row: r, index: i });
    });
  }
  return games;
}

/** A teammate counted in the gain tables: a history of 5+ available games this season. */
const counted = (r: MinutesRow): r is MinutesRow & { minutesSzn: number } => r.minutesSzn !== null && r.gamesAvailable >= 5;

export interface RankGain {
  rank: string;
  /** teammates at this rank on the event nights */
  n: number;
  /** mean minutes over his season average before the night, on the event nights and on nights with nobody out */
  eventDrift: number;
  controlDrift: number;
  /** event - control: the minutes he gains because the starter is out */
  gain: number;
}

export interface GroupGain {
  group: string;
  n: number;
  gain: number;
}

export interface VacancyRow {
  bin: string;
  teamGames: number;
  rotation1: number;
  rotation10: number;
  rotation20: number;
  topP50: number;
  topP90: number;
  topP99: number;
  topMax: number;
  top44: number;
  players44: number;
  players46: number;
}

export interface MinutesVacancyReport {
  seasons: number[];
  teamGames: number;
  regulationTeamGames: number;
  eventTeamGames: number;
  controlTeamGames: number;
  /** mean season minutes of the out starter on the event nights */
  vacatedMean: number;
  byRank: RankGain[];
  /** summed gains over the ranks / the starter's season minutes */
  gainSharePerVacated: number;
  byGroup: GroupGain[];
  byVacancy: VacancyRow[];
}

/** Control drift per rank bucket: mean(minutes - season average) on regulation nights with nobody out. */
export function controlDrift(games: readonly TeamGame[]): { drift: Float64Array; n: Int32Array } {
  const s = new Float64Array(RANKS);
  const n = new Int32Array(RANKS);
  for (const g of games) {
    if (!g.regulation || g.vacancy >= NO_VACANCY) continue;
    for (const r of g.rows) {
      if (!counted(r)) continue;
      const b = rankBucket(r.rank);
      s[b]! += r.minutes - r.minutesSzn;
      n[b]!++;
    }
  }
  return { drift: s.map((x, b) => (n[b]! > 0 ? x / n[b]! : 0)), n };
}

/** A single regular starter out, and nobody else of note (the rest of the vacancy under 10 minutes). */
export function isSingleStarterOut(g: TeamGame): boolean {
  return g.regulation && g.startersOut.length === 1 && g.vacancy - g.startersOut[0]!.minutesSzn < 10;
}

export function minutesVacancy(rows: readonly MinutesRow[]): MinutesVacancyReport {
  const games = teamGames(rows);
  const control = controlDrift(games);
  const events = games.filter(isSingleStarterOut);
  const es = new Float64Array(RANKS);
  const en = new Int32Array(RANKS);
  const groupSum = new Map<string, { s: number; n: number }>();
  const addGroup = (k: string, x: number): void => {
    const e = groupSum.get(k) ?? { s: 0, n: 0 };
    e.s += x;
    e.n++;
    groupSum.set(k, e);
  };
  let vacated = 0;
  for (const g of events) {
    const out = g.startersOut[0]!;
    vacated += out.minutesSzn;
    for (const r of g.rows) {
      if (!counted(r)) continue;
      const b = rankBucket(r.rank);
      const drift = r.minutes - r.minutesSzn;
      es[b]! += drift;
      en[b]!++;
      const gain = drift - control.drift[b]!;
      const role = r.isStarter && r.startRate < 0.5 ? 'replacement starter' : r.isStarter ? 'regular starter' : 'bench';
      addGroup(`role: ${role}`, gain);
      addGroup(r.posGroup === out.posGroup ? 'position: same group as the out starter' : 'position: another group', gain);
    }
  }
  const byRank: RankGain[] = [];
  let gainSum = 0;
  for (let b = 0; b < RANKS; b++) {
    const eventDrift = en[b]! > 0 ? es[b]! / en[b]! : Number.NaN;
    const gain = eventDrift - control.drift[b]!;
    if (en[b]! > 0) gainSum += (gain * en[b]!) / Math.max(1, events.length);
    byRank.push({ rank: b + 1 === RANKS ? `${RANKS}+` : String(b + 1), n: en[b]!, eventDrift, controlDrift: control.drift[b]!, gain });
  }
  const byGroup = [...groupSum.entries()]
    .map(([group, e]) => ({ group, n: e.n, gain: e.s / e.n }))
    .sort((a, b) => (a.group < b.group ? -1 : 1));

  const bins = VACANCY_BINS.map(() => ({ games: 0, r1: 0, r10: 0, r20: 0, tops: [] as number[], players: 0, p44: 0, p46: 0 }));
  for (const g of games) {
    if (!g.regulation) continue;
    const b = bins[vacancyBin(g.vacancy)]!;
    b.games++;
    let top = 0;
    for (const r of g.rows) {
      if (r.minutes <= 0) continue;
      b.r1++;
      if (r.minutes >= 10) b.r10++;
      if (r.minutes >= 20) b.r20++;
      b.players++;
      if (r.minutes >= 44) b.p44++;
      if (r.minutes >= 46) b.p46++;
      top = Math.max(top, r.minutes);
    }
    b.tops.push(top);
  }
  const byVacancy: VacancyRow[] = bins.map((b, k) => {
    const tops = b.tops.sort((x, y) => x - y);
    return {
      bin: vacancyBinLabel(k),
      teamGames: b.games,
      rotation1: b.r1 / b.games,
      rotation10: b.r10 / b.games,
      rotation20: b.r20 / b.games,
      topP50: quantile(tops, 0.5),
      topP90: quantile(tops, 0.9),
      topP99: quantile(tops, 0.99),
      topMax: tops.length > 0 ? tops[tops.length - 1]! : Number.NaN,
      top44: tops.filter((t) => t >= 44).length / Math.max(1, tops.length),
      players44: b.p44 / Math.max(1, b.players),
      players46: b.p46 / Math.max(1, b.players),
    };
  });
  return {
    seasons: [...new Set(rows.map((r) => r.season))].sort((a, b) => a - b),
    teamGames: games.length,
    regulationTeamGames: games.filter((g) => g.regulation).length,
    eventTeamGames: events.length,
    controlTeamGames: games.filter((g) => g.regulation && g.vacancy < NO_VACANCY).length,
    vacatedMean: events.length > 0 ? vacated / events.length : Number.NaN,
    byRank,
    gainSharePerVacated: events.length > 0 ? gainSum / (vacated / events.length) : Number.NaN,
    byGroup,
    byVacancy,
  };
}

const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '-');

/** The report as Markdown tables (the README's "Where minutes go when players sit"). */
export function formatMinutesVacancy(r: MinutesVacancyReport): string {
  const out: string[] = [];
  out.push(
    `Seasons ${r.seasons.join(', ')}, regular season: ${r.teamGames} team-games, ${r.regulationTeamGames} in regulation; ` +
      `${r.eventTeamGames} with one regular starter out (${f1(r.vacatedMean)} season minutes per game vacated on average), ` +
      `${r.controlTeamGames} with nobody out (under ${NO_VACANCY} minutes vacated).`,
  );
  out.push('');
  out.push('Minutes gained by minutes rank among the available players (one regular starter out; regulation):');
  out.push('');
  out.push('| rank | players | minutes - season avg, starter out | same, nobody out | gain |');
  out.push('|---|---|---|---|---|');
  for (const k of r.byRank) out.push(`| ${k.rank} | ${k.n} | ${f2(k.eventDrift)} | ${f2(k.controlDrift)} | ${f2(k.gain)} |`);
  out.push('');
  out.push(`Summed gain per team-game / vacated minutes: ${f2(r.gainSharePerVacated)}.`);
  out.push('');
  out.push('| teammates (one regular starter out) | players | gain |');
  out.push('|---|---|---|');
  for (const g of r.byGroup) out.push(`| ${g.group} | ${g.n} | ${f2(g.gain)} |`);
  out.push('');
  out.push('Rotation size and the top player by vacancy (season minutes per game of unavailable teammates; regulation):');
  out.push('');
  out.push(
    '| vacancy | team-games | played | 10+ min | 20+ min | top p50 | top p90 | top p99 | top max | top 44+ | players 44+ | players 46+ |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const v of r.byVacancy)
    out.push(
      `| ${v.bin} | ${v.teamGames} | ${f2(v.rotation1)} | ${f2(v.rotation10)} | ${f2(v.rotation20)} | ${f1(v.topP50)} | ${f1(v.topP90)} | ` +
        `${f1(v.topP99)} | ${f1(v.topMax)} | ${pct(v.top44)} | ${pct(v.players44)} | ${pct(v.players46)} |`,
    );
  return out.join('\n');
}

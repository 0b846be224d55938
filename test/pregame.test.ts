// The pregame feature layer on the real embedded lake: rows built from history before D with D's roster,
// availability, starters and closing lines equal gold's rows of D exactly; rewriting every row on or after D
// moves nothing; starters and no-history players follow the documented rules; and the state copes with a dirty
// feed (null starter flags, game logs without DNP rows), unit-tested on small frames.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { cp } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Frame, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { MINUTES_V1, ODDS_SNAPSHOT, PLAYER_GAMES, RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { selectAsOf, tipTimestamp } from '../src/features/asof.ts';
import {
  availabilityAfterAbsence,
  pregameFeatureRows,
  salaryMinutes,
  type PregameGame,
  type PregameRosterPlayer,
} from '../src/features/pregame.ts';
import { rosterPositionFromDk } from '../src/features/priors.ts';
import { advanceState, computeRatesBase, type FeatureRow, type OddsRow } from '../src/features/rates-base.ts';
import { RatesState } from '../src/features/rates-state.ts';
import { EMBEDDED_LAKE, tempDir } from './helpers.ts';

const D = '2024-01-31';
let lake: Lake;
let dayRows: Record<string, Value>[];
let roster: PregameRosterPlayer[];
let slate: PregameGame[];

/** D's roster, availability, starters and closing lines, as a pregame caller would hand them over. */
async function slateOf(
  l: Lake,
  date: string,
): Promise<{ rows: Record<string, Value>[]; roster: PregameRosterPlayer[]; games: PregameGame[] }> {
  const rows = frameRows(await l.read(PLAYER_GAMES, { startDate: date, endDate: date }));
  const odds = frameRows(await l.read(ODDS_SNAPSHOT)).map((r) => r as unknown as OddsRow);
  const tips = new Map(rows.map((r) => [r.game_id as string, tipTimestamp(date, r.tip_time_local as string | null)]));
  const lines = selectAsOf(
    odds,
    (o) => o.game_id,
    (o) => o.as_of_ts,
    (k) => tips.get(k),
  );
  const games = new Map<string, PregameGame>();
  for (const r of rows) {
    if (games.has(r.game_id as string) || r.home_away !== 'home') continue;
    const line = lines.get(r.game_id as string);
    games.set(r.game_id as string, {
      game_id: r.game_id as string,
      date,
      home_team_id: r.team_id as number,
      away_team_id: r.opponent_team_id as number,
      spread_home: line?.spread_home ?? null,
      total: line?.total ?? null,
      season_type: r.season_type as string,
    });
  }
  const roster = rows.map((r) => ({
    player_id: r.player_id as number,
    player_name: r.player_name as string,
    team_id: r.team_id as number,
    game_id: r.game_id as string,
    is_starter: r.starter as boolean,
    available: r.available as boolean,
    position: r.position as string | null,
  }));
  return { rows, roster, games: [...games.values()] };
}

beforeAll(async () => {
  await initParquetNode();
  lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  ({ rows: dayRows, roster, games: slate } = await slateOf(lake, D));
});

const key = (r: Record<string, Value>): string => `${r.game_id}|${r.player_id}`;

describe('pregame rows for a past date', () => {
  it('equal the gold rates_training_base and projections_minutes_v1 rows of D (features, not labels)', async () => {
    const t0 = performance.now();
    const res = await pregameFeatureRows(lake, D, roster, slate);
    const ms = performance.now() - t0;
    console.log(
      `pregame ${D}: ${slate.length} games, ${res.rows.length} rows in ${ms.toFixed(0)} ms (read ${res.seconds.read.toFixed(2)} s, state ${res.seconds.state.toFixed(2)} s, emit ${res.seconds.emit.toFixed(2)} s)`,
    );
    expect(slate.length).toBeGreaterThanOrEqual(10);
    expect(res.lastHistoryDate).toBe('2024-01-30');
    const gold = new Map(frameRows(await lake.read(RATES_TRAINING_BASE, { startDate: D, endDate: D })).map((r) => [key(r), r]));
    const minutes = new Map(frameRows(await lake.read(MINUTES_V1, { startDate: D, endDate: D })).map((r) => [key(r), r]));
    expect(res.rows.length).toBe(gold.size);
    expect(res.rows.length).toBe(dayRows.filter((r) => r.available === true).length);
    // Gold stores some columns as float32: compare those at float32, the rest exactly; and every column exactly
    // with the in-memory rows gold is written from.
    const f32 = new Set(RATES_TRAINING_BASE.schema.columns.filter((c) => c.type === 'float32').map((c) => c.name));
    const games = await lake.read(PLAYER_GAMES);
    const odds = frameRows(await lake.read(ODDS_SNAPSHOT)).map((r) => r as unknown as OddsRow);
    const memory = new Map(
      computeRatesBase(games, odds)
        .filter((r) => r.game_date === D)
        .map((r) => [key(r), r]),
    );
    let cells = 0;
    for (const r of res.rows) {
      const g = gold.get(key(r))!;
      const mem = memory.get(key(r))!;
      for (const [c, v] of Object.entries(r)) {
        if (c === 'no_history' || c === 'minutes_source' || c === 'absence_streak' || c.startsWith('minutes_pred_')) continue;
        expect([c, f32.has(c) && typeof v === 'number' ? Math.fround(v) : v]).toEqual([c, g[c]]);
        expect([c, v]).toEqual([c, mem[c]]);
        cells++;
      }
      const m = minutes.get(key(r))!;
      expect([r.minutes_pred_p10, r.minutes_pred_p50, r.minutes_pred_p90, r.minutes_pred_play_prob, r.is_starter]).toEqual([
        m.minutes_p10,
        m.minutes_p50,
        m.minutes_p90,
        m.play_prob,
        m.is_starter,
      ]);
    }
    // every feature column of gold was compared
    const labels = new Set([
      'minutes_actual',
      'played',
      'fga2_per_min',
      'fga3_per_min',
      'fta_per_min',
      'tov_per_min',
      'oreb_per_min',
      'dreb_per_min',
      'ast_per_min',
      'stl_per_min',
      'blk_per_min',
      'fg2_pct',
      'fg3_pct',
      'ft_pct',
      'fgm',
      'fga',
      'fg3m',
      'fg3a',
      'ftm',
      'fta',
      'oreb',
      'dreb',
      'ast',
      'stl',
      'blk',
      'tov',
      'pts',
    ]);
    const compared = new Set(Object.keys(res.rows[0] ?? {}));
    for (const c of RATES_TRAINING_BASE.schema.columns) if (!labels.has(c.name)) expect(compared.has(c.name), c.name).toBe(true);
    expect(cells).toBeGreaterThan(res.rows.length * 60);
  });

  it('never reads a row on or after D: rewriting them all moves nothing', async () => {
    const dir = await tempDir('pregame-leak');
    await cp(EMBEDDED_LAKE, dir, { recursive: true });
    const copy = new Lake(new NodeFileStore(dir));
    let rewritten = 0;
    for (const p of await copy.partitions(PLAYER_GAMES, { startDate: D })) {
      const f = await copy.readFile(PLAYER_GAMES, p.path);
      const cols: Record<string, Value[]> = {};
      for (const [name, values] of Object.entries(f.columns)) cols[name] = [...values];
      for (let i = 0; i < f.numRows; i++) {
        cols.minutes![i] = 40;
        cols.fga![i] = 30;
        cols.available![i] = !cols.available![i];
        cols.starter![i] = !cols.starter![i];
        rewritten++;
      }
      await copy.write(PLAYER_GAMES, p.partition, { ...f, columns: cols });
    }
    expect(rewritten).toBeGreaterThan(200);
    const a = await pregameFeatureRows(lake, D, roster, slate);
    const b = await pregameFeatureRows(copy, D, roster, slate);
    expect(b.rows).toEqual(a.rows);
    // and the rewrite is visible to a reader of D (the test could fail)
    expect(frameRows(await copy.read(PLAYER_GAMES, { startDate: D, endDate: D })).map((r) => r.minutes)).not.toEqual(
      dayRows.map((r) => r.minutes),
    );
  });
});

describe('pregame rules', () => {
  it('drops an Out starter, fills each team to five starters, and predicts starters when none are given', async () => {
    const team = roster[0]!.team_id;
    const starter = roster.find((r) => r.team_id === team && r.is_starter === true)!;
    const edited = roster.map((r) => (r.player_id === starter.player_id ? { ...r, available: false } : r));
    const res = await pregameFeatureRows(lake, D, edited, slate);
    const teamRows = res.rows.filter((r) => r.team_id === team);
    expect(teamRows.some((r) => r.player_id === starter.player_id)).toBe(false);
    expect(teamRows.filter((r) => r.is_starter === true).length).toBe(5);
    // his minutes are vacancy for his teammates
    const before = (await pregameFeatureRows(lake, D, roster, slate)).rows.find((r) => r.team_id === team)!;
    expect(teamRows[0]?.n_out as number).toBe((before.n_out as number) + 1);
    expect(teamRows[0]?.vac_min_szn as number).toBeGreaterThan(before.vac_min_szn as number);

    const unknown = roster.map((r) => ({ ...r, is_starter: null }));
    const predicted = await pregameFeatureRows(lake, D, unknown, slate);
    const teams = new Set(predicted.rows.map((r) => `${r.game_id}|${r.team_id}`));
    for (const t of teams) expect(predicted.rows.filter((r) => `${r.game_id}|${r.team_id}` === t && r.is_starter === true).length).toBe(5);
    // the prediction from recent starts agrees with the real lineups for most players
    const actual = new Map(roster.map((r) => [r.player_id, r.is_starter]));
    const agree = predicted.rows.filter((r) => r.is_starter === actual.get(r.player_id as number) && r.is_starter === true).length;
    expect(agree / (teams.size * 5)).toBeGreaterThan(0.7);
  });

  it('gives a player with no NBA history league priors by DK position, a flag and salary minutes', async () => {
    const base = roster.find((r) => r.available && r.is_starter === false)!;
    const rookie: PregameRosterPlayer = {
      player_id: 9_999_001,
      player_name: 'New Player',
      team_id: base.team_id,
      game_id: base.game_id,
      is_starter: false,
      available: true,
      dk_position: 'C',
      salary: 5000,
    };
    const res = await pregameFeatureRows(lake, D, [...roster, rookie], slate);
    const r = res.rows.find((x) => x.player_id === rookie.player_id)!;
    expect(r.no_history).toBe(true);
    expect(r.recent_minutes).toBeNull();
    expect(r.pos_group).toBe('big');
    expect(r.minutes_pred_p50).toBe(salaryMinutes(5000));
    expect(r.minutes_source).toBe('salary_prior');
    const guard = (await pregameFeatureRows(lake, D, [...roster, { ...rookie, dk_position: 'PG/SG' }], slate)).rows.find(
      (x) => x.player_id === rookie.player_id,
    )!;
    expect(guard.pos_group).toBe('guard');
    // league rates differ by group: bigs rebound more than guards
    expect(r.season_oreb_per_min as number).toBeGreaterThan(guard.season_oreb_per_min as number);
    // the real roster of a late-January date is nearly all players with history
    expect(res.rows.filter((x) => x.no_history === true).length).toBeLessThanOrEqual(3);
    expect([rosterPositionFromDk('SG/SF'), rosterPositionFromDk('PF/C'), rosterPositionFromDk('')]).toEqual(['G-F', 'F-C', null]);
  });

  it('refuses a roster player whose game is not on the slate, naming him', async () => {
    const bad = [{ ...roster[0]!, game_id: '0000000000' }];
    await expect(pregameFeatureRows(lake, D, bad, slate)).rejects.toThrow(/game 0000000000 is not among the slate's games/);
  });
});

/** A small silver/player_games frame from rows that name only what differs from a dressed player who played. */
function smallFrame(rows: Partial<Record<string, Value>>[]): Frame {
  const full = rows.map((r) => ({
    season: 2026,
    season_type: 'Regular Season',
    tip_time_local: null,
    team_abbreviation: 'AAA',
    opponent_abbreviation: 'BBB',
    home_away: 'home',
    opponent_team_id: 2,
    player_name: `P${r.player_id}`,
    position: 'G',
    start_position: null,
    dnp_reason: null,
    available: true,
    played: true,
    fgm: 2,
    fga: 5,
    fg3m: 1,
    fg3a: 2,
    ftm: 1,
    fta: 2,
    oreb: 1,
    dreb: 2,
    reb: 3,
    ast: 1,
    stl: 0,
    blk: 0,
    tov: 1,
    pf: 1,
    pts: 6,
    plus_minus: 0,
    source: null,
    note: null,
    dnp_category: 'played',
    team_minutes: 240,
    overtime_periods: 0,
    team_id: 1,
    starter: false,
    minutes: 20,
    ...r,
  }));
  const columns: Record<string, Value[]> = {};
  for (const c of PLAYER_GAMES.schema.columns) columns[c.name] = full.map((r) => (r as Record<string, Value>)[c.name] ?? null);
  return { schema: PLAYER_GAMES.schema, numRows: full.length, columns };
}

describe('a dirty feed', () => {
  const day = (date: string, game: string): Partial<Record<string, Value>> => ({ game_date: date, game_id: game });
  it('leaves games without a starter flag out of the start rate instead of reading them as "did not start"', () => {
    const rows = (flag: boolean | null): Frame =>
      smallFrame([
        { ...day('2026-01-01', 'g1'), player_id: 10, starter: true },
        { ...day('2026-01-02', 'g2'), player_id: 10, starter: flag },
        { ...day('2026-01-03', 'g3'), player_id: 10, starter: true },
      ]);
    const lastRow = (f: Frame): FeatureRow => computeRatesBase(f, []).find((r) => r.game_date === '2026-01-03')!;
    expect(lastRow(rows(null)).start_rate_recent).toBe(1);
    expect(lastRow(rows(false)).start_rate_recent as number).toBeLessThan(1);
    expect(lastRow(rows(true)).start_rate_recent).toBe(1);
    // the row whose flag is unknown gets the predicted lineup (he started before), never a null
    expect(computeRatesBase(rows(null), []).find((r) => r.game_date === '2026-01-02')?.is_starter).toBe(true);
  });

  it('counts the team-games a player has just missed, and turns three or more into a lower chance he is back', () => {
    // 30 plays g1, then is absent from three box scores (starters marked: they list DNPs, so absent = inactive),
    // then listed with an injury DNP in g5; 10 plays every game; 20 is a coach's-decision DNP in g2 (available).
    const rows: Partial<Record<string, Value>>[] = [{ ...day('2026-01-01', 'g1'), player_id: 30, starter: true }];
    for (const [d, g] of [
      ['2026-01-02', 'g2'],
      ['2026-01-03', 'g3'],
      ['2026-01-04', 'g4'],
      ['2026-01-05', 'g5'],
    ] as const) {
      rows.push({ ...day(d, g), player_id: 10, starter: true });
    }
    rows.push({ ...day('2026-01-01', 'g1'), player_id: 10, starter: true }, { ...day('2026-01-01', 'g1'), player_id: 20 });
    rows.push({ ...day('2026-01-02', 'g2'), player_id: 20, played: false, minutes: null, dnp_category: 'coach_decision', fga: 0, fta: 0 });
    rows.push({
      ...day('2026-01-05', 'g5'),
      player_id: 30,
      played: false,
      available: false,
      minutes: null,
      dnp_category: 'injury',
      fga: 0,
      fta: 0,
    });
    const state = new RatesState();
    advanceState(state, smallFrame(rows));
    expect(state.absenceStreak.get(10)).toBe(0);
    expect(state.absenceStreak.get(20)).toBe(3); // g2 was available (coach's decision); absent from g3, g4, g5
    expect(state.absenceStreak.get(30)).toBe(4); // absent from g2-g4, injured in g5
    expect(availabilityAfterAbsence(0)).toBe(1);
    expect(availabilityAfterAbsence(2)).toBe(1);
    expect(availabilityAfterAbsence(3)).toBeCloseTo(0.193, 12);
    expect(availabilityAfterAbsence(4)).toBeGreaterThan(availabilityAfterAbsence(9));
    expect(availabilityAfterAbsence(9)).toBeGreaterThan(availabilityAfterAbsence(10));
  });
  it('reads a game log without DNP rows fairly: its listed players played, its absent deep-bench players sat, absent rotation players are unknown', () => {
    // g1: a box score (starters marked): 10 played 20 minutes, 20 was a coach's-decision DNP, 30 played 34 minutes;
    // g2: a game log listing only who played (no starter flags, no DNP rows); g3: a box score again.
    const frame = (g2: Partial<Record<string, Value>>[]): Frame =>
      smallFrame([
        { ...day('2026-01-01', 'g1'), player_id: 10, starter: true },
        { ...day('2026-01-01', 'g1'), player_id: 20, played: false, minutes: null, dnp_category: 'coach_decision', fga: 0, fta: 0 },
        { ...day('2026-01-01', 'g1'), player_id: 30, starter: true, minutes: 34 },
        ...g2,
        { ...day('2026-01-03', 'g3'), player_id: 10, starter: true },
        { ...day('2026-01-03', 'g3'), player_id: 20 },
        { ...day('2026-01-03', 'g3'), player_id: 30, starter: true, minutes: 34 },
      ]);
    const on3 = (f: Frame, pid: number): FeatureRow =>
      computeRatesBase(f, []).find((r) => r.game_date === '2026-01-03' && r.player_id === pid)!;
    const bothListed = frame([
      { ...day('2026-01-02', 'g2'), player_id: 10, starter: null },
      { ...day('2026-01-02', 'g2'), player_id: 20, starter: null },
      { ...day('2026-01-02', 'g2'), player_id: 30, starter: null, minutes: 34 },
    ]);
    // 20 appears in the log, so he played in g2: his played rate counts g1 (sat) and g2 (played)
    const p20 = on3(bothListed, 20).played_rate_recent as number;
    expect(p20).toBeGreaterThan(0);
    expect(p20).toBeLessThan(1);
    // 20 absent from the log (under BENCH_MINUTES recently): benched, as a box score would have listed him
    const only10and30 = frame([
      { ...day('2026-01-02', 'g2'), player_id: 10, starter: null },
      { ...day('2026-01-02', 'g2'), player_id: 30, starter: null, minutes: 34 },
    ]);
    expect(on3(only10and30, 20).played_rate_recent).toBe(0);
    expect(on3(only10and30, 20).games_available_szn).toBe(2);
    // 30 (34 minutes) absent from the log: unknown (most likely unavailable), so nothing counts for g2
    const only10and20 = frame([
      { ...day('2026-01-02', 'g2'), player_id: 10, starter: null },
      { ...day('2026-01-02', 'g2'), player_id: 20, starter: null },
    ]);
    expect(on3(only10and20, 30).games_available_szn).toBe(1);
    expect(on3(only10and20, 30).played_rate_recent).toBe(1);
    // the same game as a box score (starters marked, everybody played) counts as before
    const boxed = frame([
      { ...day('2026-01-02', 'g2'), player_id: 10, starter: true },
      { ...day('2026-01-02', 'g2'), player_id: 20, starter: false },
      { ...day('2026-01-02', 'g2'), player_id: 30, starter: true, minutes: 34 },
    ]);
    expect(on3(boxed, 20).played_rate_recent).toBeCloseTo(p20, 12);
    expect(on3(boxed, 10).played_rate_recent).toBe(1);
  });
});

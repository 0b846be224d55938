// Pregame features and minutes projections on the embedded 2023-24 slice: leak-free as a property (change
// every row from date D on and nothing before D moves), as-of selection of snapshots, the exact
// reconstruction of FGA/FTA/TOV from the per-minute labels, and the minutes projection's sanity.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Frame, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { MINUTES_V1, ODDS_SNAPSHOT, PLAYER_GAMES, RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { selectAsOf, tipTimestamp } from '../src/features/asof.ts';
import { parseMinutesModel, predictMinutes, type MinutesModel } from '../src/features/minutes-model.ts';
import { computeRatesBase, ebPriorStrength, positionInfo, type FeatureRow, type OddsRow } from '../src/features/rates-base.ts';
import { usageSharePrep } from '../src/diagnostics/usage-share-prep.ts';
import { EMBEDDED, EMBEDDED_LAKE } from './helpers.ts';

let lake: Lake;
let games: Frame;
let odds: OddsRow[];
let model: MinutesModel;

function oddsRows(f: Frame): OddsRow[] {
  return frameRows(f).map((r) => r as unknown as OddsRow);
}

beforeAll(async () => {
  await initParquetNode();
  lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  games = await lake.read(PLAYER_GAMES);
  odds = oddsRows(await lake.read(ODDS_SNAPSHOT));
  const file = join(EMBEDDED, 'models/minutes_v1.json');
  model = parseMinutesModel(await readFile(file, 'utf8'), file);
});

function withProjections(rows: FeatureRow[]): FeatureRow[] {
  const preds = predictMinutes(model, rows);
  return rows.map((r, i) => ({
    ...r,
    p10: preds[i]?.p10 ?? null,
    p50: preds[i]?.p50 ?? null,
    p90: preds[i]?.p90 ?? null,
    play: preds[i]?.playProb ?? null,
  }));
}

describe('leakage', () => {
  it('no feature or projection before D moves when every row from D on changes', () => {
    const D = '2024-01-10';
    const before = withProjections(computeRatesBase(games, odds));
    // Rewrite the future: stats, minutes, availability, starters and lines of every date >= D.
    const cols: Record<string, Value[]> = {};
    for (const [name, values] of Object.entries(games.columns)) cols[name] = [...values];
    const dates = cols.game_date as string[];
    let changed = 0;
    for (let i = 0; i < games.numRows; i++) {
      if (dates[i]! < D) continue;
      changed++;
      const c = (name: string, f: (v: Value) => Value): void => {
        cols[name]![i] = f(cols[name]![i] ?? null);
      };
      c('minutes', (v) => (v === null ? 12 : Math.min(48, (v as number) * 0.5 + 7)));
      for (const s of ['fga', 'fg3a', 'fta', 'tov', 'ast', 'oreb', 'dreb', 'stl', 'blk', 'pts', 'fgm', 'fg3m', 'ftm'])
        c(s, (v) => ((v as number | null) ?? 0) + 3);
      c('available', (v) => !(v as boolean));
      c('starter', (v) => !(v as boolean));
      c('played', () => true);
    }
    const future: Frame = { ...games, columns: cols };
    const futureOdds = odds.map((o) =>
      o.as_of_ts.slice(0, 10) >= D ? { ...o, spread_home: 30, total: 150, home_implied_total: 60, away_implied_total: 90 } : o,
    );
    const after = withProjections(computeRatesBase(future, futureOdds));
    expect(changed).toBeGreaterThan(4000);
    const key = (r: FeatureRow): string => `${r.game_id}|${r.player_id}`;
    const pastBefore = before.filter((r) => (r.game_date as string) < D);
    const pastAfter = new Map(after.filter((r) => (r.game_date as string) < D).map((r) => [key(r), r]));
    expect(pastAfter.size).toBe(pastBefore.length);
    for (const r of pastBefore) expect(pastAfter.get(key(r))).toEqual(r);
    // And the test can fail: rows on and after D did change.
    const onD = after.filter((r) => r.game_date === D);
    const onDBefore = new Map(before.filter((r) => r.game_date === D).map((r) => [key(r), r]));
    expect(onD.some((r) => JSON.stringify(r) !== JSON.stringify(onDBefore.get(key(r))))).toBe(true);
  });
});

describe('as-of selection', () => {
  it('takes the latest snapshot at or before tip, never one after', () => {
    const snaps = [
      { game_id: 'g1', as_of_ts: '2024-01-05T10:00:00', spread: -3 },
      { game_id: 'g1', as_of_ts: '2024-01-05T18:55:00', spread: -4 },
      { game_id: 'g1', as_of_ts: '2024-01-05T19:00:00', spread: -4.5 }, // exactly at tip: known
      { game_id: 'g1', as_of_ts: '2024-01-05T19:30:00', spread: -9 }, // after tip: never used
      { game_id: 'g2', as_of_ts: '2024-01-06T12:00:00', spread: 2 }, // only after g2's tip
      { game_id: 'g3', as_of_ts: '2024-01-05T00:00:00', spread: 1 }, // g3 has no tip time: end of day
    ];
    const tips: Record<string, string> = {
      g1: tipTimestamp('2024-01-05', '19:00'),
      g2: tipTimestamp('2024-01-05', '20:00'),
      g3: tipTimestamp('2024-01-05', null),
    };
    const picked = selectAsOf(
      snaps,
      (s) => s.game_id,
      (s) => s.as_of_ts,
      (k) => tips[k],
    );
    expect(picked.get('g1')?.spread).toBe(-4.5);
    expect(picked.has('g2')).toBe(false);
    expect(picked.get('g3')?.spread).toBe(1);
    expect(tips.g3).toBe('2024-01-05T23:59:59');
  });
});

describe('rates_training_base on the embedded lake', () => {
  let rows: Record<string, Value>[];
  beforeAll(async () => {
    rows = frameRows(await lake.read(RATES_TRAINING_BASE));
  });

  it('has one row per available player per team-game, with every documented column', () => {
    const avail = frameRows(games).filter((r) => r.available === true).length;
    expect(rows.length).toBe(avail);
    for (const c of RATES_TRAINING_BASE.schema.columns) expect(Object.keys(rows[0] ?? {})).toContain(c.name);
  });

  it('rebuilds FGA, FTA and TOV from per-minute labels x minutes exactly, on every date', async () => {
    const diag = await usageSharePrep(lake, '2023-10-24', '2024-01-31');
    expect(diag.length).toBe(95);
    for (const d of diag) expect(d.mismatches).toEqual({ fga: 0, fta: 0, tov: 0 });
    expect(Math.max(...diag.map((d) => d.maxFloatError))).toBeLessThan(1e-9);
    expect(diag.reduce((a, d) => a + d.missingFeatureCells, 0)).toBe(0);
  });

  it('gives the first games of the season non-null priors', () => {
    const opening = rows.filter((r) => r.game_date === '2023-10-24');
    expect(opening.length).toBe(54);
    for (const r of opening) {
      for (const s of ['fga', 'fga3', 'fta', 'tov', 'ast', 'oreb', 'dreb', 'stl', 'blk'])
        expect(r[`season_${s}_per_min`]).toBeGreaterThan(0);
      expect(r.season_fg3_pct).toBeGreaterThan(0.2);
      expect(r.team_pace_szn).toBeGreaterThan(80);
      expect(r.minutes_pred_p50).toBeGreaterThanOrEqual(0);
    }
  });

  it("values vacated minutes by the out players' season before the date, recomputed independently", () => {
    const box = frameRows(games);
    const top = [...rows].sort((x, y) => (y.vac_min_szn as number) - (x.vac_min_szn as number))[0]!;
    expect(top.vac_min_szn).toBeGreaterThan(40);
    const out = box.filter((r) => r.game_id === top.game_id && r.team_id === top.team_id && r.available === false);
    let expected = 0;
    for (const p of out) {
      const earlier = box.filter(
        (r) =>
          r.player_id === p.player_id && (r.game_date as string) < (top.game_date as string) && ((r.minutes as number | null) ?? 0) > 0,
      );
      if (earlier.length > 0) expected += earlier.reduce((a, r) => a + (r.minutes as number), 0) / earlier.length;
    }
    expect(top.vac_min_szn as number).toBeCloseTo(expected, 3);
    expect(top.n_out).toBe(out.length);
    expect(top.team_minutes_vacated as number).toBeCloseTo(expected / 240, 5);
  });

  it('projects minutes: intervals ordered, team p50s near 240, in-slice accuracy beats last-5', () => {
    let err = 0;
    let errLast5 = 0;
    let n = 0;
    let inside = 0;
    const team = new Map<string, number>();
    for (const r of rows) {
      const p10 = r.minutes_pred_p10 as number;
      const p50 = r.minutes_pred_p50 as number;
      const p90 = r.minutes_pred_p90 as number;
      expect(p10).toBeLessThanOrEqual(p50);
      expect(p50).toBeLessThanOrEqual(p90);
      expect(p50).toBeLessThanOrEqual(48);
      expect(r.minutes_pred_play_prob).toBeGreaterThan(0);
      expect(r.minutes_pred_play_prob).toBeLessThan(1);
      const k = `${r.game_id}|${r.team_id}`;
      team.set(k, (team.get(k) ?? 0) + p50 * (r.minutes_pred_play_prob as number));
      if (r.played !== true || r.minutes_last5 === null) continue;
      const a = r.minutes_actual as number;
      err += Math.abs(a - p50);
      errLast5 += Math.abs(a - (r.minutes_last5 as number));
      if (a >= p10 && a <= p90) inside++;
      n++;
    }
    console.log(
      `embedded slice: minutes MAE ${(err / n).toFixed(3)} vs last-5 ${(errLast5 / n).toFixed(3)}, p10-p90 coverage ${((100 * inside) / n).toFixed(1)}%`,
    );
    expect(err / n).toBeLessThan(errLast5 / n - 0.3);
    expect(inside / n).toBeGreaterThan(0.75);
    expect(inside / n).toBeLessThan(0.86);
    const sums = [...team.values()];
    const mean = sums.reduce((a, b) => a + b, 0) / sums.length;
    expect(Math.abs(mean - 240)).toBeLessThan(6);
  });

  it('writes projections_minutes_v1 with the same values', async () => {
    const m = frameRows(await lake.read(MINUTES_V1, { startDate: '2024-01-05', endDate: '2024-01-05' }));
    const base = new Map(rows.filter((r) => r.game_date === '2024-01-05').map((r) => [`${r.game_id}|${r.player_id}`, r]));
    expect(m.length).toBe(base.size);
    for (const r of m) {
      const b = base.get(`${r.game_id}|${r.player_id}`);
      expect([r.minutes_p10, r.minutes_p50, r.minutes_p90, r.play_prob]).toEqual([
        b?.minutes_pred_p10,
        b?.minutes_pred_p50,
        b?.minutes_pred_p90,
        b?.minutes_pred_play_prob,
      ]);
    }
  });
});

describe('feature helpers', () => {
  it('reads roster positions', () => {
    expect(positionInfo('Guard-Forward')).toEqual({ primary: 'G', g: true, f: true, c: false, group: 'wing' });
    expect(positionInfo('C-F')).toMatchObject({ primary: 'C', group: 'big' });
    expect(positionInfo('G')).toMatchObject({ group: 'guard' });
    expect(positionInfo(null)).toMatchObject({ primary: 'U', group: 'wing' });
  });

  it('estimates the empirical-Bayes prior strength of a beta-binomial population', () => {
    // True skills ~ Beta(a, b) with a + b = 60 (so m = 59 by the method of moments' definition, m = a + b).
    let seed = 12345;
    const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const gamma = (k: number): number => {
      // Marsaglia-Tsang for k >= 1
      const d = k - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        let x: number;
        let v: number;
        do {
          const u1 = rand() || 1e-12;
          x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rand());
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        if (Math.log(rand() || 1e-12) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const made: number[] = [];
    const att: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const g1 = gamma(21);
      const p = g1 / (g1 + gamma(39));
      const n = 100 + Math.floor(rand() * 400);
      let m = 0;
      for (let k = 0; k < n; k++) if (rand() < p) m++;
      made.push(m);
      att.push(n);
    }
    const strength = ebPriorStrength(made, att, 50, 999);
    expect(strength).toBeGreaterThan(50);
    expect(strength).toBeLessThan(72);
  });
});

// The seven seasons of ../shared/data (2018-2024): the whole lake builds, the checked facts of the data's
// README hold in it, every table reads back in DuckDB, and the DraftKings join holds on the real
// 2023-01-18 slate. Runs in the `full` group (.ci/run adds it where ../shared exists).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCsvBytes } from '../../src/data/csv.ts';
import { Lake } from '../../src/data/lake.ts';
import { initParquetNode } from '../../src/data/parquet-node.ts';
import { NodeFileStore } from '../../src/data/store-node.ts';
import { frameRows } from '../../src/data/schema.ts';
import { ODDS_SNAPSHOT, PLAYER_GAMES, RATES_TRAINING_BASE } from '../../src/data/tables.ts';
import { usageSharePrep } from '../../src/diagnostics/usage-share-prep.ts';
import { evaluateShareModel, formatEval, loadTeamGames, trainShareModel } from '../../src/shares/train.ts';
import { silentProgress } from '../../src/cli/progress.ts';
import { buildLake, type BuildResult } from '../../src/lake/build.ts';
import { importSalaries } from '../../src/lake/salaries.ts';
import { SHARED_DATA, tempDir } from '../helpers.ts';

let lakeDir: string;
let result: BuildResult;
let seconds: number;

beforeAll(async () => {
  if (!existsSync(join(SHARED_DATA, 'box_scores_2024.csv.gz'))) {
    throw new Error(`the full test group needs the shared data at ${SHARED_DATA} (set SLATESIM_SHARED_DATA)`);
  }
  await initParquetNode();
  lakeDir = await tempDir('full');
  const t0 = Date.now();
  result = await buildLake({ source: SHARED_DATA, lake: lakeDir, progress: silentProgress });
  seconds = (Date.now() - t0) / 1000;
  console.log(`full lake: 7 seasons, silver and gold, ${result.filesWritten} files in ${seconds.toFixed(1)}s (targets: silver < 3 min, whole lake < 5 min)`);
}, 600_000);

describe('the full lake, 2018-2024', () => {
  it('builds every season with every row', () => {
    expect(result.built).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024]);
    const rows = Object.fromEntries(Object.entries(result.manifest.seasons).map(([s, m]) => [s, m.box_scores.rows]));
    expect(rows).toEqual({ '2018': 30980, '2019': 30808, '2020': 26538, '2021': 28859, '2022': 31321, '2023': 34024, '2024': 34843 });
  });

  it('has the real regular-season game counts, and team minutes within 1 of 240 (+25/OT) everywhere', async () => {
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const glob = `${lakeDir}/silver/player_games/*/*/*.parquet`;
    const games = (
      await conn.runAndReadAll(
        `SELECT season::INT AS season, count(DISTINCT game_id)::INT AS games FROM read_parquet('${glob}', hive_partitioning = true)
         WHERE season_type = 'Regular Season' GROUP BY 1 ORDER BY 1`,
      )
    ).getRowObjectsJson();
    expect(games).toEqual([
      { season: 2018, games: 1230 },
      { season: 2019, games: 1230 },
      { season: 2020, games: 1059 },
      { season: 2021, games: 1080 },
      { season: 2022, games: 1230 },
      { season: 2023, games: 1230 },
      { season: 2024, games: 1230 },
    ]);
    const [off] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INT AS team_games, count(*) FILTER (WHERE abs(m - 240 - 25 * ot) > 1)::INT AS off
         FROM (SELECT game_id, team_id, sum(coalesce(minutes, 0)) AS m, any_value(overtime_periods) AS ot
               FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY 1, 2)`,
      )
    ).getRowObjectsJson();
    expect(off).toEqual({ team_games: 2 * (1230 + 1230 + 1059 + 1080 + 1230 + 1320 + 1319), off: 0 });
  });

  it("agrees with the lines archive's final scores, an independent source", async () => {
    const lake = new Lake(new NodeFileStore(lakeDir));
    const pg = await lake.read(PLAYER_GAMES, undefined, { columns: ['game_id', 'team_id', 'pts'] });
    const pts = new Map<string, number>();
    for (let i = 0; i < pg.numRows; i++) {
      const k = `${pg.columns.game_id?.[i]}|${pg.columns.team_id?.[i]}`;
      pts.set(k, (pts.get(k) ?? 0) + ((pg.columns.pts?.[i] as number | null) ?? 0));
    }
    // bronze lines hold the final scores; silver odds hold only what was known before tip.
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const lines = (
      await conn.runAndReadAll(
        `SELECT o.game_id, o.home_team_id::BIGINT AS h, o.away_team_id::BIGINT AS a, l.home_score AS hs, l.away_score AS as_
         FROM read_parquet('${lakeDir}/silver/odds_snapshot/*/*/*.parquet', hive_partitioning = true) o
         JOIN read_parquet('${lakeDir}/bronze/lines/*/*.parquet') l USING (game_id)`,
      )
    ).getRowObjectsJson();
    expect(lines.length).toBe(8468); // every game of the seven seasons has a closing line
    let agree = 0;
    for (const l of lines) {
      if (pts.get(`${l.game_id}|${l.h}`) === l.hs && pts.get(`${l.game_id}|${l.a}`) === l.as_) agree++;
    }
    console.log(`final scores: ${agree}/${lines.length} games agree with the lines archive`);
    expect(agree / lines.length).toBeGreaterThan(0.995);
    const odds = await lake.read(ODDS_SNAPSHOT, { seasons: [2024] });
    expect(odds.numRows).toBe(1319);
  });

  it('meets the 2024 minutes targets, each season fit only on earlier seasons', () => {
    const metrics = result.gold?.minutes_metrics ?? [];
    for (const m of metrics) {
      console.log(`minutes ${m.season}: MAE p50 ${m.mae_p50.toFixed(3)} (last-5 ${m.mae_last5.toFixed(3)}), p10-p90 ${(100 * m.coverage_p10_p90).toFixed(1)}%, trained on ${m.trained_on.join(',') || 'heuristic'}`);
      expect(m.trained_on.every((s) => s < m.season)).toBe(true);
    }
    const m2024 = metrics.find((m) => m.season === 2024);
    expect(m2024?.trained_on).toEqual([2018, 2019, 2020, 2021, 2022, 2023]);
    expect(m2024?.mae_p50).toBeLessThanOrEqual(4.5);
    expect(m2024?.coverage_p10_p90).toBeGreaterThanOrEqual(0.78);
    expect(m2024?.coverage_p10_p90).toBeLessThanOrEqual(0.82);
    expect(Math.abs((m2024?.team_p50_sum_mean ?? 0) - 240)).toBeLessThan(5);
  });

  it('rebuilds FGA/FTA/TOV exactly from the labels on every 2024 date', async () => {
    const diag = await usageSharePrep(new Lake(new NodeFileStore(lakeDir)), '2023-10-01', '2024-06-30');
    expect(diag.length).toBe(208);
    for (const d of diag) expect(d.mismatches).toEqual({ fga: 0, fta: 0, tov: 0 });
  });

  it("starts a season's priors from each player's last season", async () => {
    const lake = new Lake(new NodeFileStore(lakeDir));
    const opening = frameRows(await lake.read(RATES_TRAINING_BASE, { startDate: '2018-10-16', endDate: '2018-10-17' }));
    const prev = frameRows(await lake.read(PLAYER_GAMES, { seasons: [2018] }, { columns: ['player_id', 'minutes', 'fga'] }));
    const agg = new Map<number, { min: number; fga: number }>();
    for (const r of prev) {
      const a = agg.get(r.player_id as number) ?? { min: 0, fga: 0 };
      a.min += (r.minutes as number | null) ?? 0;
      a.fga += (r.fga as number | null) ?? 0;
      agg.set(r.player_id as number, a);
    }
    const pairs = opening
      .map((r) => [r.season_fga_per_min as number, agg.get(r.player_id as number)] as const)
      .filter((p): p is readonly [number, { min: number; fga: number }] => p[1] !== undefined && p[1].min > 500)
      .map(([prior, a]) => [prior, a.fga / a.min] as const);
    expect(pairs.length).toBeGreaterThan(100);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const xs = pairs.map((p) => p[0]);
    const ys = pairs.map((p) => p[1]);
    const mx = mean(xs);
    const my = mean(ys);
    const cov = mean(pairs.map(([x, y]) => (x - mx) * (y - my)));
    const corr = cov / Math.sqrt(mean(xs.map((x) => (x - mx) ** 2)) * mean(ys.map((y) => (y - my) ** 2)));
    expect(corr).toBeGreaterThan(0.9);
  });

  it('trains the share model on 2018-2023 and meets the 2024 targets against rate_weighted', async () => {
    const lake = new Lake(new NodeFileStore(lakeDir));
    const model = trainShareModel(await loadTeamGames(lake, '2017-10-01', '2023-06-30', silentProgress), '2017-10-01', '2023-06-30', ['fga', 'fta', 'tov'], silentProgress);
    const report = evaluateShareModel(model, await loadTeamGames(lake, '2023-10-01', '2024-06-30', silentProgress), '2023-10-01', '2024-06-30', { resamples: 1000 });
    console.log(formatEval(report));
    type Sec = { backends: Record<'model' | 'rate_weighted', { mae: number; kl: number; nll: number }>; by_vacancy_quartile: Record<string, Record<'model' | 'rate_weighted', { mae: number }>>; bootstrap: Record<string, { frac_improved: number }> };
    const need = { fga: 0.04, fta: 0.02, tov: 0.015 };
    for (const t of ['fga', 'fta', 'tov'] as const) {
      const r = report.targets[t] as Sec & { pregame: Sec };
      const pre = r.pregame;
      expect(pre.backends.model.mae).toBeLessThanOrEqual(pre.backends.rate_weighted.mae * (1 - need[t]));
      expect(pre.by_vacancy_quartile.q4?.model.mae).toBeLessThan(pre.by_vacancy_quartile.q4?.rate_weighted.mae as number);
      expect(r.backends.model.nll).toBeLessThan(r.backends.rate_weighted.nll);
      expect(r.bootstrap.nll?.frac_improved).toBeGreaterThanOrEqual(0.95);
      expect(r.backends.model.mae).toBeLessThanOrEqual(r.backends.rate_weighted.mae);
    }
    const fga = (report.targets.fga as { pregame: Sec }).pregame;
    expect(fga.backends.model.kl).toBeLessThanOrEqual(fga.backends.rate_weighted.kl * 0.9);
    expect(fga.bootstrap.mae?.frac_improved).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it('is incremental: a second build rewrites nothing', async () => {
    const again = await buildLake({ source: SHARED_DATA, lake: lakeDir, progress: silentProgress });
    expect(again.built).toEqual([]);
    expect(again.filesWritten).toBe(0);
  });

  it('joins at least 98% of the real 2023-01-18 DraftKings slate by player_id', async () => {
    const csvFile = join(SHARED_DATA, 'dk_salaries_samples.csv.gz');
    const r = await importSalaries({ lake: new Lake(new NodeFileStore(lakeDir)), csvText: await readCsvBytes(csvFile), csvFile, date: '2023-01-18' });
    console.log(`DK 2023-01-18: matched ${r.matched}/${r.total}; unmatched: ${r.matches.filter((m) => m.candidate === null).map((m) => m.row.name).join(', ') || 'none'}`);
    expect(r.total).toBe(293);
    expect(r.matched / r.total).toBeGreaterThanOrEqual(0.98);
  });
});

// The nine seasons of ../shared/data (2018-2024) and ../shared/recent (2025 and the 2026 part season), built
// into one lake from both folders: the checked facts of both READMEs hold in it (the 2025-26 feed's damaged
// games quarantined exactly, its gaps counted), every table reads back in DuckDB, and the DraftKings join
// holds on the real 2023-01-18 slate. Runs in the `full` group (.ci/run adds it where ../shared exists).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

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
import { formatMinutesVacancy, minutesVacancy, readMinutesRows } from '../../src/diagnostics/minutes-vacancy.ts';
import { FILL_RANK_WEIGHTS } from '../../engine/profile.ts';
import { evaluateShareModel, formatEval, loadTeamGames, trainShareModel } from '../../src/shares/train.ts';
import { silentProgress } from '../../src/cli/progress.ts';
import { buildLake, type BuildResult } from '../../src/lake/build.ts';
import { importSalaries } from '../../src/lake/salaries.ts';
import { SHARED_DATA, tempDir } from '../helpers.ts';

// ../shared/recent beside ../shared/data unless told otherwise.
const SHARED_RECENT = process.env.SLATESIM_SHARED_RECENT ?? join(SHARED_DATA, '../recent');
const SOURCES = [SHARED_DATA, SHARED_RECENT];
let lakeDir: string;
let result: BuildResult;
let seconds: number;

beforeAll(async () => {
  if (!existsSync(join(SHARED_DATA, 'box_scores_2024.csv.gz'))) {
    throw new Error(`the full test group needs the shared data at ${SHARED_DATA} (set SLATESIM_SHARED_DATA)`);
  }
  if (!existsSync(join(SHARED_RECENT, 'box_scores_2026.csv.gz'))) {
    throw new Error(`the full test group needs the recent seasons at ${SHARED_RECENT} (set SLATESIM_SHARED_RECENT)`);
  }
  await initParquetNode();
  lakeDir = await tempDir('full');
  const t0 = Date.now();
  result = await buildLake({ source: SOURCES, lake: lakeDir, progress: silentProgress });
  seconds = (Date.now() - t0) / 1000;
  console.log(
    `full lake: 9 seasons, silver and gold, ${result.filesWritten} files in ${seconds.toFixed(1)}s (targets: silver < 3 min, whole lake < 5 min)`,
  );
}, 1_800_000);

describe('the full lake, 2018-2026', () => {
  it('builds every season with every row', () => {
    expect(result.built).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    const rows = Object.fromEntries(Object.entries(result.manifest.seasons).map(([s, m]) => [s, m.box_scores.rows]));
    expect(rows).toEqual({
      '2018': 30980,
      '2019': 30808,
      '2020': 26538,
      '2021': 28859,
      '2022': 31321,
      '2023': 34024,
      '2024': 34843,
      '2025': 35114,
      '2026': 25450,
    });
    for (let s = 2018; s <= 2025; s++) expect(result.manifest.seasons[String(s)]?.box_scores.quarantined, String(s)).toEqual([]);
  });

  it("holds ../shared/recent's 2024-25 facts: games, team-games, played and DNP rows, every game with its line", () => {
    const m = result.manifest.seasons['2025'];
    expect(m?.box_scores).toMatchObject({ rows: 35114, games: 1321, teamGames: 2642, played: 28261, quarantinedRows: 0 });
    expect((m?.box_scores.rows ?? 0) - (m?.box_scores.played ?? 0)).toBe(6853);
    expect(m?.dates[0]).toBe('2024-10-22');
    expect(m?.dates.at(-1)).toBe('2025-06-22');
    expect(m?.lines).toMatchObject({ rowsInSeasons: 1321, matchedGames: 1321, gamesWithoutLine: 0, linesWithoutGame: 0 });
  });

  it("quarantines exactly the five damaged team-games ../shared/recent's README names for 2025-26, and counts its gaps", async () => {
    const b = result.manifest.seasons['2026']?.box_scores;
    expect(b?.quarantined.map((q) => [q.game_id, q.team, q.game_dates.join(','), q.why.split(':')[0]])).toEqual([
      ['0022500644', 'GSW', '2026-01-24,2026-01-25', "repeats another game's rows"],
      ['0022500644', 'MIN', '2026-01-24,2026-01-25', "repeats another game's rows"],
      ['0022500947', 'ORL', '2026-03-11', 'partial box score'],
      ['0022500949', 'NYK', '2026-03-11', 'partial box score'],
      ['0022500949', 'UTA', '2026-03-11', 'partial box score'],
    ]);
    expect(b?.quarantined.map((q) => q.why)).toEqual([
      "repeats another game's rows: 14 rows dated 2026-01-24 and 14 rows dated 2026-01-25, 14 player(s) listed twice",
      "repeats another game's rows: 13 rows dated 2026-01-24 and 13 rows dated 2026-01-25, 13 player(s) listed twice",
      'partial box score: 206.0 minutes where 240 are expected, 8 players with 105 points',
      'partial box score: 151.0 minutes where 240 are expected, 7 players with 84 points',
      'partial box score: 54.0 minutes where 240 are expected, 3 players with 25 points',
    ]);
    expect(b).toMatchObject({
      rows: 25450,
      games: 1012,
      teamGames: 2024,
      roundedMinutesRows: 4628,
      rowsWithoutStarter: 4628,
      rowsWithoutPosition: 4629,
    });
    const m = result.manifest.seasons['2026'];
    expect(m?.dates[0]).toBe('2025-10-21');
    expect(m?.dates.at(-1)).toBe('2026-03-15');
    expect(m?.lines).toMatchObject({ rowsInSeasons: 0, matchedGames: 0, gamesWithoutLine: 1009 });
    // Bronze keeps every row: 3,494 DNP rows, all from the box-score part, and starter null only in the game-log part.
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const [bronze] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INT AS n, count(*) FILTER (WHERE NOT played)::INT AS dnp, count(*) FILTER (WHERE starter IS NULL)::INT AS no_starter,
                count(*) FILTER (WHERE starter IS NULL AND source NOT LIKE '%game logs%')::INT AS no_starter_box
         FROM read_parquet('${lakeDir}/bronze/box_scores/season=2026/*.parquet')`,
      )
    ).getRowObjectsJson();
    expect(bronze).toEqual({ n: 25450, dnp: 3494, no_starter: 4628, no_starter_box: 0 });
    const [silver] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INT AS n, count(DISTINCT game_id)::INT AS games,
                count(*) FILTER (WHERE game_id IN ('0022500644', '0022500947', '0022500949'))::INT AS quarantined
         FROM read_parquet('${lakeDir}/silver/player_games/season=2026/*/*.parquet')`,
      )
    ).getRowObjectsJson();
    expect(silver).toEqual({ n: 25450 - 81, games: 1009, quarantined: 0 });
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
      { season: 2025, games: 1230 },
      { season: 2026, games: 1011 - 3 }, // three quarantined
    ]);
    // 2018-2025 are exact box scores: within 1 minute everywhere. 2026's game-log part has whole minutes, which
    // leave a team-game up to 3 off: 1,978 of its 2,024 team-games are within 1, less CLE of the quarantined
    // 0022500947 (241 minutes), and every kept one within 3.
    const [off] = (
      await conn.runAndReadAll(
        `SELECT count(*) FILTER (WHERE season < 2026)::INT AS team_games, count(*) FILTER (WHERE season < 2026 AND abs(m - 240 - 25 * ot) > 1)::INT AS off,
                count(*) FILTER (WHERE season = 2026)::INT AS tg_2026, count(*) FILTER (WHERE season = 2026 AND abs(m - 240 - 25 * ot) <= 1)::INT AS within1_2026,
                count(*) FILTER (WHERE season = 2026 AND abs(m - 240 - 25 * ot) > 3)::INT AS off3_2026
         FROM (SELECT season, game_id, team_id, sum(coalesce(minutes, 0)) AS m, any_value(overtime_periods) AS ot
               FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY 1, 2, 3)`,
      )
    ).getRowObjectsJson();
    expect(off).toEqual({
      team_games: 2 * (1230 + 1230 + 1059 + 1080 + 1230 + 1320 + 1319 + 1321),
      off: 0,
      tg_2026: 2024 - 6,
      within1_2026: 1978 - 1,
      off3_2026: 0,
    });
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
    expect(lines.length).toBe(8468 + 1321); // every game of 2018-2025 has a closing line (2026 has no lines file)
    let agree = 0;
    for (const l of lines) {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string, @typescript-eslint/restrict-template-expressions -- scalar cells: ids are numbers or strings
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
      console.log(
        `minutes ${m.season}: MAE p50 ${m.mae_p50.toFixed(3)} (last-5 ${m.mae_last5.toFixed(3)}), p10-p90 ${(100 * m.coverage_p10_p90).toFixed(1)}%, trained on ${m.trained_on.join(',') || 'heuristic'}`,
      );
      expect(m.trained_on.every((s) => s < m.season)).toBe(true);
    }
    const m2024 = metrics.find((m) => m.season === 2024);
    expect(m2024?.trained_on).toEqual([2018, 2019, 2020, 2021, 2022, 2023]);
    expect(m2024?.mae_p50).toBeLessThanOrEqual(4.5);
    expect(m2024?.coverage_p10_p90).toBeGreaterThanOrEqual(0.78);
    expect(m2024?.coverage_p10_p90).toBeLessThanOrEqual(0.82);
    expect(Math.abs((m2024?.team_p50_sum_mean ?? 0) - 240)).toBeLessThan(5);
  });

  it("measures where a sitting starter's minutes go, and the engine's rank weights are those measurements", async () => {
    const rows = await readMinutesRows(new Lake(new NodeFileStore(lakeDir)), '2017-10-01', '2024-06-30');
    const r = minutesVacancy(rows);
    console.log(formatMinutesVacancy(r));
    expect(r.seasons).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024]);
    expect(r.eventTeamGames).toBe(2150);
    // minutes.fill_rank_weights is the gain table of 2018-2024 to two decimals
    expect(r.byRank.map((k) => Math.round(100 * k.gain) / 100)).toEqual([...FILL_RANK_WEIGHTS]);
    // the stars gain least, the replacement starter most; a top player at 44+ is rare with nobody out
    expect(r.byRank[0]!.gain).toBeLessThan(r.byRank[6]!.gain);
    expect(r.byGroup.find((g) => g.group === 'role: replacement starter')!.gain).toBeGreaterThan(7);
    expect(r.byVacancy[0]!.players44).toBeLessThan(0.001);
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
    const model = trainShareModel(
      await loadTeamGames(lake, '2017-10-01', '2023-06-30', silentProgress),
      '2017-10-01',
      '2023-06-30',
      ['fga', 'fta', 'tov'],
      silentProgress,
    );
    const report = evaluateShareModel(
      model,
      await loadTeamGames(lake, '2023-10-01', '2024-06-30', silentProgress),
      '2023-10-01',
      '2024-06-30',
      { resamples: 1000 },
    );
    console.log(formatEval(report));
    type Sec = {
      backends: Record<'model' | 'rate_weighted', { mae: number; kl: number; nll: number }>;
      by_vacancy_quartile: Record<string, Record<'model' | 'rate_weighted', { mae: number }>>;
      bootstrap: Record<string, { frac_improved: number }>;
    };
    const need = { fga: 0.04, fta: 0.02, tov: 0.015 };
    for (const t of ['fga', 'fta', 'tov'] as const) {
      const r = report.targets[t] as Sec & { pregame: Sec };
      const pre = r.pregame;
      expect(pre.backends.model.mae).toBeLessThanOrEqual(pre.backends.rate_weighted.mae * (1 - need[t]));
      expect(pre.by_vacancy_quartile.q4?.model.mae).toBeLessThan(pre.by_vacancy_quartile.q4!.rate_weighted.mae);
      expect(r.backends.model.nll).toBeLessThan(r.backends.rate_weighted.nll);
      expect(r.bootstrap.nll?.frac_improved).toBeGreaterThanOrEqual(0.95);
      expect(r.backends.model.mae).toBeLessThanOrEqual(r.backends.rate_weighted.mae);
    }
    const fga = (report.targets.fga as { pregame: Sec }).pregame;
    expect(fga.backends.model.kl).toBeLessThanOrEqual(fga.backends.rate_weighted.kl * 0.9);
    expect(fga.bootstrap.mae?.frac_improved).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it('is incremental: a second build rewrites nothing', async () => {
    const again = await buildLake({ source: SOURCES, lake: lakeDir, progress: silentProgress });
    expect(again.built).toEqual([]);
    expect(again.filesWritten).toBe(0);
  });

  it('joins at least 98% of the real 2023-01-18 DraftKings slate by player_id', async () => {
    const csvFile = join(SHARED_DATA, 'dk_salaries_samples.csv.gz');
    const r = await importSalaries({
      lake: new Lake(new NodeFileStore(lakeDir)),
      csvText: await readCsvBytes(csvFile),
      csvFile,
      date: '2023-01-18',
    });
    console.log(
      `DK 2023-01-18: matched ${r.matched}/${r.total}; unmatched: ${
        r.matches
          .filter((m) => m.candidate === null)
          .map((m) => m.row.name)
          .join(', ') || 'none'
      }`,
    );
    expect(r.total).toBe(293);
    expect(r.matched / r.total).toBeGreaterThanOrEqual(0.98);
  });
});

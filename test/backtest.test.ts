// Backtest scoring on hand-computed cases, and a short backtest of the embedded slice end to end.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed slates and hand-made rows
   of known size; an index out of range would fail the test anyway. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { writeBacktest } from '../src/backtest/report.ts';
import { runBacktest } from '../src/backtest/run.ts';
import {
  intervalCoverage,
  crpsDiscrete,
  crpsNormal,
  discreteFromSamples,
  meanOf,
  normalQuantile,
  pearson,
  pitDiscrete,
  pitHistogram,
  quantileOf,
  type Discrete,
} from '../src/backtest/scoring.ts';
import { parseShareModel } from '../src/shares/model.ts';
import { loadProfile } from '../engine/profile.ts';
import { EMBEDDED, EMBEDDED_LAKE, tempDir } from './helpers.ts';

const d = (values: number[], probs: number[]): Discrete => ({ values: Float64Array.from(values), probs: Float64Array.from(probs) });

describe('scoring functions', () => {
  it('takes quantiles as the smallest value with CDF >= q', () => {
    const x = d([0, 1, 2, 3], [0.1, 0.4, 0.3, 0.2]);
    expect([quantileOf(x, 0.1), quantileOf(x, 0.5), quantileOf(x, 0.9)]).toEqual([0, 1, 3]);
    expect(meanOf(x)).toBeCloseTo(1.6, 12);
    expect(discreteFromSamples([2, 0, 2, 1])).toEqual(d([0, 1, 2], [0.25, 0.25, 0.5]));
  });

  it('computes CRPS exactly for discrete distributions', () => {
    expect(crpsDiscrete(d([2], [1]), 5)).toBe(3);
    // X in {0, 1} evenly, y = 0: the integral of (F - 1)^2 over [0, 1) is 0.25.
    expect(crpsDiscrete(d([0, 1], [0.5, 0.5]), 0)).toBeCloseTo(0.25, 12);
  });

  it('computes the normal CRPS in closed form, and it agrees with a fine discretisation', () => {
    expect(crpsNormal(0, 1, 0)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI) - 1 / Math.sqrt(Math.PI), 6);
    const values: number[] = [];
    const probs: number[] = [];
    for (let k = -8000; k <= 8000; k++) {
      const v = k / 1000;
      values.push(3 + 2 * v);
      probs.push(Math.exp(-0.5 * v * v) / 1000 / Math.sqrt(2 * Math.PI));
    }
    const sum = probs.reduce((a, b) => a + b, 0);
    expect(
      crpsDiscrete(
        d(
          values,
          probs.map((p) => p / sum),
        ),
        4.2,
      ),
    ).toBeCloseTo(crpsNormal(3, 2, 4.2), 3);
    expect(normalQuantile(10, 3, 0.9)).toBeCloseTo(10 + 3 * 1.2815515655, 5);
  });

  it('scores interval coverage by the randomised PIT, so atoms count by the part inside', () => {
    const x = d([0, 1, 2], [0.6, 0.3, 0.1]);
    // y = 0: PIT uniform on [0, 0.6]; [0.25, 0.75] holds 0.35 of it, [0.1, 0.9] 0.5, [0.05, 0.95] 0.55.
    expect(intervalCoverage(x, 0, 0.25, 0.75)).toBeCloseTo(0.35 / 0.6, 12);
    expect(intervalCoverage(x, 0, 0.1, 0.9)).toBeCloseTo(0.5 / 0.6, 12);
    // y = 1: PIT on [0.6, 0.9]: [0.25, 0.75] holds 0.15 of 0.3; [0.1, 0.9] all of it.
    expect(intervalCoverage(x, 1, 0.25, 0.75)).toBeCloseTo(0.5, 12);
    expect(intervalCoverage(x, 1, 0.1, 0.9)).toBeCloseTo(1, 12);
    // y = 2: PIT on [0.9, 1]: [0.05, 0.95] holds half; y off the support: its CDF value decides.
    expect(intervalCoverage(x, 2, 0.05, 0.95)).toBeCloseTo(0.5, 12);
    expect(intervalCoverage(x, 0.5, 0.25, 0.75)).toBe(1);
    expect(intervalCoverage(x, 3, 0.05, 0.95)).toBe(0);
    // Endpoint-inclusive counting would call y = 0 inside [p25, p75] = [0, 1] every time.
    expect([quantileOf(x, 0.25), quantileOf(x, 0.75)]).toEqual([0, 1]);
    // Calibrated: outcomes drawn from x itself give mean coverage exactly hi - lo.
    const mean =
      0.6 * intervalCoverage(x, 0, 0.25, 0.75) + 0.3 * intervalCoverage(x, 1, 0.25, 0.75) + 0.1 * intervalCoverage(x, 2, 0.25, 0.75);
    expect(mean).toBeCloseTo(0.5, 12);
  });

  it('gives the mid-PIT and its ten-bin histogram', () => {
    const x = d([0, 1, 2], [0.2, 0.5, 0.3]);
    expect(pitDiscrete(x, 1)).toBeCloseTo(0.45, 12);
    expect(pitDiscrete(x, 0.5)).toBeCloseTo(0.2, 12);
    expect(pitDiscrete(x, 3)).toBeCloseTo(1, 12);
    expect(pitHistogram([0.05, 0.15, 0.95, 0.999, 1])).toEqual([0.2, 0.2, 0, 0, 0, 0, 0, 0, 0, 0.6]);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });
});

describe('a backtest of the embedded slice', () => {
  it('writes the contract JSON and four plots, with sane figures', async () => {
    await initParquetNode();
    const modelFile = join(EMBEDDED, 'models/shares_v1.json');
    const model = parseShareModel(await readFile(modelFile, 'utf8'), modelFile);
    const profile = await loadProfile('usage_shares_v1');
    const fast = { ...profile, vegas_anchoring: { ...profile.vegas_anchoring, pilot_worlds: 1024 } };
    const report = await runBacktest({
      lake: new Lake(new NodeFileStore(EMBEDDED_LAKE)),
      startDate: '2024-01-29',
      endDate: '2024-01-31',
      profile: fast,
      profileName: 'usage_shares_v1',
      baselineProfile: { ...(await loadProfile('baseline')), vegas_anchoring: fast.vegas_anchoring },
      worlds: 300,
      seed: 9,
      workers: 1,
      chunk: 300,
      shareModelFor: (date) => (model.training.end_date < date ? model : undefined),
      progress: silentProgress,
    });
    expect(report.n_slates).toBe(3);
    expect(report.n_player_games).toBeGreaterThan(400);
    for (const v of Object.values(report.coverage)) expect(v).toBeGreaterThan(0.3);
    expect(report.coverage.p05_p95).toBeGreaterThan(report.coverage.p25_p75!);
    expect(report.pit_histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(report.mae_mean).toBeLessThan(9);
    expect(report.crps).toBeLessThan(report.baselines.naive_normal!.crps);
    expect(Math.abs(report.team.points_mean_over_implied - 1)).toBeLessThan(0.02);
    expect(report.correlation.teammate_fga.sim).toBeLessThan(0);
    const out = await tempDir('bt');
    const files = await writeBacktest(join(out, 'bt.json'), report);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'bt_pit.svg',
      'bt_coverage_by_minutes.svg',
      'bt_mean_vs_actual.svg',
      'bt_correlation.svg',
      'bt.json',
    ]);
    const json = JSON.parse(await readFile(join(out, 'bt.json'), 'utf8')) as Record<string, unknown>;
    for (const k of [
      'n_player_games',
      'n_slates',
      'profile',
      'worlds',
      'coverage',
      'mae_mean',
      'crps',
      'pit_histogram',
      'baselines',
      'team',
      'correlation',
    ])
      expect(json).toHaveProperty(k);
    expect(Object.keys(json.baselines as object).sort()).toEqual(['baseline', 'naive_normal']);
    expect(await readFile(join(out, 'bt_pit.svg'), 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});

// The usage-share model: metrics on hand-computed cases, shares that sum to 1, the training base, a model
// file's round trip and its loud failures, training on the embedded slice, and the reallocation sanity checks
// of the shipped model (vacancy goes to the top players; ruling a starter out lifts his teammates, most at his
// position).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { RATES_TRAINING_BASE, USAGE_SHARES_TRAINING_BASE } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildUsageSharesBase } from '../src/shares/base.ts';
import { ruleOut } from '../src/shares/counterfactual.ts';
import { SHARE_FEATURES } from '../src/shares/features.ts';
import { binomialAbsDeviation, spearman, teamGameMetrics } from '../src/shares/metrics.ts';
import {
  baseLogits,
  buildTeamGame,
  modelShares,
  parseShareModel,
  rateWeightedShares,
  teamGamesOf,
  type ShareModel,
  type TeamGame,
} from '../src/shares/model.ts';
import { evaluateShareModel, trainShareModel } from '../src/shares/train.ts';
import { loadProfile } from '../engine/profile.ts';
import { runSim } from '../src/cli/run-sim.ts';
import { EMBEDDED, EMBEDDED_LAKE, tempDir } from './helpers.ts';

let lake: Lake;
let rows: Record<string, Value>[];
let tgs: TeamGame[];
let shipped: ShareModel;
const MODEL_FILE = join(EMBEDDED, 'models/shares_v1.json');

beforeAll(async () => {
  await initParquetNode();
  lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  rows = frameRows(await lake.read(RATES_TRAINING_BASE));
  tgs = teamGamesOf(rows);
  shipped = parseShareModel(await readFile(MODEL_FILE, 'utf8'), MODEL_FILE);
});

describe('share metrics on hand-computed cases', () => {
  it('computes MAE, KL, nll, top-1/2 and Spearman of one team-game', () => {
    const m = teamGameMetrics([3, 1, 0], [0.5, 0.3, 0.2]);
    expect(m.mae).toBeCloseTo((0.25 + 0.05 + 0.2) / 3, 12);
    expect(m.kl).toBeCloseTo(0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.3), 12);
    expect(m.nll).toBeCloseTo(-(3 * Math.log(0.5) + Math.log(0.3)) / 4, 12);
    expect(m.top1).toBe(1);
    expect(m.top2).toBe(1);
    expect(m.spearman).toBeCloseTo(1, 12);
    expect(teamGameMetrics([0, 1, 3], [0.5, 0.3, 0.2])).toMatchObject({ top1: 0, top2: 0 });
  });

  it('gives the binomial noise floor exactly: E|X/4 - 1/2| = 3/16 for X ~ Bin(4, 1/2)', () => {
    expect(binomialAbsDeviation(4, 0.5)).toBeCloseTo(3 / 16, 14);
    expect(binomialAbsDeviation(10, 0)).toBe(0);
  });

  it('averages tied ranks in Spearman', () => {
    expect(spearman([2, 2, 1], [3, 1, 2])).toBeCloseTo(0, 12);
  });
});

describe('shares', () => {
  it('sum to 1 within every team-game, for the model and the baseline, given actual or pregame minutes', () => {
    for (const tg of tgs.slice(0, 200)) {
      for (const kind of ['actual', 'pregame'] as const) {
        for (const s of [modelShares(shipped, tg, 'fga', kind), rateWeightedShares(tg, 'fta', kind)]) {
          expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          if (kind === 'actual') tg.minutesActual.forEach((m, i) => m === 0 && expect(s[i]).toBe(0));
        }
      }
    }
  });
});

describe('gold/usage_shares_training_base', () => {
  it("holds the box score's counts, team totals and shares, with zero totals marked invalid", async () => {
    const dir = await tempDir('shbase');
    await cp(EMBEDDED_LAKE, dir, { recursive: true });
    const copy = new Lake(new NodeFileStore(dir));
    const r = await buildUsageSharesBase(copy, '2024-01-01', '2024-01-10', silentProgress);
    expect(r.dates).toBe(10);
    const base = frameRows(await copy.read(USAGE_SHARES_TRAINING_BASE));
    expect(base.length).toBe(r.rows);
    const byTeam = new Map<string, Record<string, Value>[]>();
    for (const b of base)
      byTeam.set(`${String(b.game_id)}|${String(b.team_id)}`, [...(byTeam.get(`${String(b.game_id)}|${String(b.team_id)}`) ?? []), b]);
    for (const team of byTeam.values()) {
      for (const t of ['fga', 'fta', 'tov']) {
        const total = team.reduce((a, b) => a + (b[t] as number), 0);
        expect(team.every((b) => b[`${t}_team`] === total)).toBe(true);
        if (total > 0) expect(team.reduce((a, b) => a + (b[`${t}_share`] as number), 0)).toBeCloseTo(1, 12);
        else expect(team.every((b) => b[`${t}_share_valid`] === false && b[`${t}_share`] === null)).toBe(true);
      }
    }
    const src = new Map(rows.map((x) => [`${String(x.game_id)}|${String(x.player_id)}`, x]));
    for (const b of base)
      expect([b.fga, b.fta, b.tov]).toEqual(['fga', 'fta', 'tov'].map((t) => src.get(`${String(b.game_id)}|${String(b.player_id)}`)?.[t]));
  });
});

describe('model files', () => {
  it('round-trip: a saved model predicts the same shares', () => {
    const again = parseShareModel(JSON.stringify(shipped), 'copy.json');
    for (const tg of tgs.slice(0, 50)) expect(modelShares(again, tg, 'tov', 'pregame')).toEqual(modelShares(shipped, tg, 'tov', 'pregame'));
  });

  it('fail loudly on a missing feature, a wrong version or a missing input column', () => {
    const dropped = { ...shipped, features: shipped.features.filter((f) => f !== 'vac_usage_x_starter') };
    expect(() => parseShareModel(JSON.stringify(dropped), 'm.json')).toThrow(
      new UserError('m.json: feature "vac_usage_x_starter" is missing from the model\'s feature list'),
    );
    expect(() => parseShareModel(JSON.stringify({ ...shipped, version: 'v0' }), 'm.json')).toThrow(
      /version "v0", expected usage_shares_v1/,
    );
    const team = tgs[0]!.rows.map((r) => {
      const c = { ...r };
      delete c.team_usage_vacated;
      return c;
    });
    expect(() => baseLogits(shipped, 'fga', team)).toThrow(/column team_usage_vacated is undefined/);
    expect(shipped.features).toEqual([...SHARE_FEATURES]);
  });
});

describe('training', () => {
  it('fits on the slice and beats rate_weighted on its own held-out month in nll', () => {
    const train = tgs.filter((tg) => tg.gameDate < '2024-01-01');
    const test = tgs.filter((tg) => tg.gameDate >= '2024-01-01');
    const model = trainShareModel(train, '2023-10-24', '2023-12-31', ['fga', 'fta', 'tov'], silentProgress);
    expect(model.training).toMatchObject({ seasons: [2024], team_games: train.length });
    const report = evaluateShareModel(model, test, '2024-01-01', '2024-01-31', { resamples: 100 });
    const fga = report.targets.fga as {
      pregame: { backends: { model: { nll: number; kl: number }; rate_weighted: { nll: number; kl: number } } };
    };
    expect(fga.pregame.backends.model.nll).toBeLessThan(fga.pregame.backends.rate_weighted.nll);
    expect(fga.pregame.backends.model.kl).toBeLessThan(fga.pregame.backends.rate_weighted.kl);
  });
});

describe('the simulator with the share model', () => {
  it('uses the model as the share base and still conserves every total', async () => {
    const profile = await loadProfile('usage_shares_v1');
    const r = await runSim({
      lake,
      date: '2024-01-31',
      profile: { ...profile, vegas_anchoring: { ...profile.vegas_anchoring, pilot_worlds: 1024 } },
      profileName: 'usage_shares_v1',
      worlds: 600,
      seed: 5,
      chunk: 300,
      workers: 1,
      out: await tempDir('shsim'),
      run: 't',
      saveWorlds: false,
      shareModel: shipped,
      progress: silentProgress,
    });
    expect(r.metrics.share_base).toBe('usage_shares_v1 trained 2017-10-17..2023-06-12');
    expect(r.metrics.conservation).toMatchObject({ target_violations: 0, minutes_violations: 0 });
  });
});

describe('reallocation sanity of the shipped model (trained 2018-2023) on the 2023-24 slice', () => {
  it('gives the largest share to one of the top-2 minutes players in the top-10% vacancy team-games as often as real teams do', () => {
    const ranked = [...tgs].sort((a, b) => b.vacMinSzn - a.vacMinSzn);
    const top = ranked.slice(0, Math.ceil(ranked.length / 10));
    let hits = 0;
    let real = 0;
    for (const tg of top) {
      const s = modelShares(shipped, tg, 'fga', 'pregame');
      const best = s.indexOf(Math.max(...s));
      const byMinutes = Array.from(tg.minutesActual.keys()).sort((a, b) => tg.minutesActual[b]! - tg.minutesActual[a]!);
      if (byMinutes.slice(0, 2).includes(best)) hits++;
      const fga = Array.from(tg.counts.fga);
      if (byMinutes.slice(0, 2).includes(fga.indexOf(Math.max(...fga)))) real++;
    }
    console.log(`top-10% vacancy: largest predicted FGA share is a top-2 minutes player in ${hits}/${top.length}; real ${real}`);
    // as often as the real FGA leader is one of them (73% on this slice), within two binomial standard errors
    const p = real / top.length;
    expect(Math.abs(hits - real) / top.length).toBeLessThanOrEqual(2 * Math.sqrt((p * (1 - p)) / top.length));
    expect(hits / top.length).toBeGreaterThan(0.6);
  });

  it("ruling a starter out raises every teammate's predicted share, most for his position group", () => {
    let sameRise = 0;
    let otherRise = 0;
    let nSame = 0;
    let nOther = 0;
    let cases = 0;
    for (const tg of tgs.filter((x) => x.gameDate >= '2024-01-15').slice(0, 60)) {
      const starter = tg.rows.find((r) => r.is_starter === true && r.pos_group === 'guard');
      if (starter === undefined) continue;
      const before = modelShares(shipped, tg, 'fga', 'pregame');
      const afterTg = buildTeamGame(ruleOut(tg.rows, new Set([starter.player_id as number])));
      const after = modelShares(shipped, afterTg, 'fga', 'pregame');
      afterTg.rows.forEach((r, k) => {
        const i = tg.rows.findIndex((x) => x.player_id === r.player_id);
        const rise = after[k]! / before[i]! - 1;
        expect(rise).toBeGreaterThan(0);
        if (r.pos_group === starter.pos_group) {
          sameRise += rise;
          nSame++;
        } else {
          otherRise += rise;
          nOther++;
        }
      });
      cases++;
    }
    expect(cases).toBeGreaterThan(20);
    console.log(
      `ruling a guard starter out: teammates' FGA share +${((100 * sameRise) / nSame).toFixed(1)}% (guards) vs +${((100 * otherRise) / nOther).toFixed(1)}% (others)`,
    );
    expect(sameRise / nSame).toBeGreaterThan(otherRise / nOther);
  });
});

// The world engine's CPU path: the RNG against published vectors, samplers against exact moments, DK scoring
// against real box scores, and whole simulations of the embedded slate for conservation, caps, determinism
// across chunking and workers, usage correlation, Vegas anchoring and bad input.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES, RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { CounterRng, mulhi32, philox, u01 } from '../engine/rng.ts';
import { wasmPhilox } from '../src/models/philox-wasm.ts';
import { FixedPBinomial, binomial, binomialP0, negativeBinomial, poisson } from '../engine/samplers.ts';
import { DK_CLASSIC, dkPoints } from '../engine/scoring.ts';
import { loadProfile, parseProfile, type Profile } from '../engine/profile.ts';
import { SLATE_COLUMNS, loadSlate, slateFromRows, type Slate } from '../engine/slate.ts';
import { NSTAT, STAT_INDEX, newBatch, runKernels, softmaxShares } from '../engine/kernels/kernels.ts';
import { runSim, PROJECTIONS_SCHEMA } from '../src/cli/run-sim.ts';
import { playerCap, teamMinutes } from '../engine/kernels/contract.ts';
import { EMBEDDED_LAKE, filesBelow, tempDir } from './helpers.ts';

const DATE = '2024-01-31';
let lake: Lake;
let slate: Slate;
let shares: Profile;
let baseline: Profile;

beforeAll(async () => {
  await initParquetNode();
  lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  slate = await loadSlate(lake, DATE);
  shares = await loadProfile('usage_shares_v1');
  baseline = await loadProfile('baseline');
});

describe('counter-based RNG', () => {
  it("matches Random123's Philox4x32-10 known-answer vectors", () => {
    const out = new Uint32Array(4);
    const hex = (): string => [...out].map((x) => x.toString(16).padStart(8, '0')).join(' ');
    philox(0, 0, 0, 0, 0, 0, out);
    expect(hex()).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    philox(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect(hex()).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(hex()).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('computes the high word of 32x32 products exactly', () => {
    const rng = new CounterRng(99);
    for (let i = 0; i < 2000; i++) {
      const [a, b] = rng.block(i, 0, 0, 0);
      expect(mulhi32(a!, b!)).toBe(Number((BigInt(a!) * BigInt(b!)) >> 32n));
    }
    expect(mulhi32(0xffffffff, 0xffffffff)).toBe(0xfffffffe);
  });

  it('the WebAssembly Philox (the CPU path) gives the reference words, known-answer vectors and 100,000 random blocks', () => {
    const wasm = wasmPhilox();
    // Node has WebAssembly: the CPU path must not fall back to the slower reference unnoticed
    expect(wasm).toBeDefined();
    const out = new Uint32Array(4);
    const check = (c: number[]): void => {
      philox(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, out);
      wasm!.block(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!);
      expect([...wasm!.words]).toEqual([...out]);
    };
    check([0, 0, 0, 0, 0, 0]);
    check([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    check([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0]);
    wasm!.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0);
    expect([...wasm!.words].map((x) => x.toString(16).padStart(8, '0')).join(' ')).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
    const src = new CounterRng(12345);
    let mismatches = 0;
    for (let i = 0; i < 100_000; i++) {
      const a = src.block(i, 1, 2, 3);
      const b = src.block(i, 4, 5, 6);
      const c = [a[0]!, a[1]!, a[2]!, a[3]!, b[0]!, b[1]!];
      philox(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, out);
      wasm!.block(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!);
      for (let k = 0; k < 4; k++) if (wasm!.words[k] !== out[k]) mismatches++;
    }
    expect(mismatches).toBe(0);
    // a generator keeps its own words: another generator's block does not overwrite them
    const r1 = new CounterRng(1);
    const r2 = new CounterRng(2);
    const w1 = [...r1.block(5, 6, 7, 8)];
    const kept = r1.block(5, 6, 7, 8);
    r2.block(5, 6, 7, 8);
    expect([...kept]).toEqual(w1);
    philox(5, 6, 7, 8, 1, 0, out);
    expect(w1).toEqual([...out]);
  });

  it('maps bits to [0, 1) through the mantissa, never 1', () => {
    expect(u01(0xffffffff)).toBeLessThan(1);
    expect(u01(0)).toBe(0);
  });
});

describe('samplers against exact moments', () => {
  const N = 200_000;
  function moments(draw: (u: number) => number): { mean: number; variance: number } {
    const rng = new CounterRng(2024);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const x = draw(u01(rng.block(i, 7, 1, 0)[0]!));
      s += x;
      s2 += x * x;
    }
    const mean = s / N;
    return { mean, variance: s2 / N - mean * mean };
  }
  // Mean within 4 standard errors; variance within 3%.
  const check = (m: { mean: number; variance: number }, mean: number, variance: number): void => {
    expect(Math.abs(m.mean - mean)).toBeLessThan(4 * Math.sqrt(variance / N));
    expect(m.variance / variance).toBeGreaterThan(0.97);
    expect(m.variance / variance).toBeLessThan(1.03);
  };
  it('binomial (small p)', () =>
    check(
      moments((u) => binomial(20, 0.3, u)),
      6,
      20 * 0.3 * 0.7,
    ));
  it('binomial (large p, drawn as failures)', () =>
    check(
      moments((u) => binomial(90, 0.85, u)),
      76.5,
      90 * 0.85 * 0.15,
    ));
  it('P(0) of the binomial, (1 - q)^n by repeated squaring, is Math.pow to 1e-13 for every n to 200', () => {
    let worst = 0;
    for (let n = 1; n <= 200; n++)
      for (const q of [1e-9, 0.001, 0.07, 0.2, 0.31, 0.5]) worst = Math.max(worst, Math.abs(binomialP0(n, q) / Math.pow(1 - q, n) - 1));
    expect(worst).toBeLessThan(1e-13);
    expect(binomialP0(1, 0.25)).toBe(0.75);
    expect(binomialP0(2, 0.5)).toBe(0.25);
  });
  it('binomial degenerate cases', () => {
    expect(binomial(0, 0.5, 0.9)).toBe(0);
    expect(binomial(10, 0, 0.9)).toBe(0);
    expect(binomial(10, 1, 0.1)).toBe(10);
  });
  it("the fixed-p binomial (the stat line's per-player sampler) gives binomial()'s draw every time", () => {
    const rng = new CounterRng(7);
    const fixed = new FixedPBinomial();
    let diff = 0;
    let draws = 0;
    for (const p of [0, 1e-9, 0.07, 0.3, 0.5, 0.5000001, 0.77, 0.99, 1]) {
      fixed.set(p);
      for (let t = 0; t < 4000; t++) {
        const w = rng.block(t, 1, 2, 3);
        const n = w[0]! % 90; // past the kept powers (n < 64) too
        const u = u01(w[1]!);
        if (fixed.draw(n, u) !== binomial(n, p, u)) diff++;
        draws++;
      }
    }
    expect(draws).toBe(36000);
    expect(diff).toBe(0);
  });
  it('poisson', () =>
    check(
      moments((u) => poisson(3.5, u)),
      3.5,
      3.5,
    ));
  it('poisson with a large mean', () =>
    check(
      moments((u) => poisson(25, u)),
      25,
      25,
    ));
  it('negative binomial', () =>
    check(
      moments((u) => negativeBinomial(6, 0.2, u)),
      6,
      6 + 0.2 * 36,
    ));
});

describe('DraftKings scoring on real box scores', () => {
  let rows: Record<string, Value>[];
  beforeAll(async () => {
    rows = frameRows(await lake.read(PLAYER_GAMES, { startDate: '2023-10-24', endDate: '2023-10-24' }));
  });
  const line = (name: string) => {
    const r = rows.find((x) => x.player_name === name)!;
    return {
      pts: r.pts as number,
      fg3m: r.fg3m as number,
      reb: r.reb as number,
      ast: r.ast as number,
      stl: r.stl as number,
      blk: r.blk as number,
      tov: r.tov as number,
    };
  };
  it('scores a plain line: Caldwell-Pope 20 pts, 2 3PM, 2 reb, 1 ast, 3 stl, 1 blk, 3 tov = 31.5', () => {
    expect(dkPoints(line('Kentavious Caldwell-Pope'))).toBe(31.5);
  });
  it('adds the double-double bonus: Porter Jr. 12 pts, 12 reb = 36.5', () => {
    expect(dkPoints(line('Michael Porter Jr.'))).toBe(36.5);
  });
  it('adds both bonuses for a triple-double: Jokic 29/13/11 = 70.75 (69.25 without the double-double rule)', () => {
    expect(dkPoints(line('Nikola Jokić'))).toBe(70.75);
    expect(dkPoints(line('Nikola Jokić'), { ...DK_CLASSIC, tripleAlsoEarnsDouble: false })).toBe(69.25);
  });
});

describe('usage shares', () => {
  it('sum to 1 over eligible players and give ineligible players nothing', () => {
    const logits = Float64Array.from([1.2, -Infinity, 0.3, 2.5, -0.7]);
    const probs = new Float64Array(5);
    softmaxShares(logits, 0, 5, 2.5, probs);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(probs[1]).toBe(0);
    expect(probs[3]).toBeGreaterThan(probs[0]!);
  });
});

describe('worlds of the embedded slate', () => {
  const W = 1500;
  function batches(profile: Profile) {
    const rng = new CounterRng(11);
    return Array.from({ length: slate.nGames }, (_, g) => {
      const b = newBatch(slate, g, W);
      runKernels(slate, profile, rng, b, 0, new Float64Array(slate.nTeams).fill(1));
      return b;
    });
  }

  it('the kernels write every entry of a batch before reading it: a reused batch full of garbage gives the same worlds', () => {
    // the CPU path reuses one batch across a run's chunks (reuseBatch)
    for (const profile of [shares, baseline]) {
      const fresh = batches(profile);
      const rng = new CounterRng(11);
      for (let g = 0; g < slate.nGames; g++) {
        const b = newBatch(slate, g, W);
        for (const a of [b.minutes, b.margin, b.pace, b.offense, b.efficiency, b.dk]) a.fill(37.25);
        for (const a of [b.totals, b.counts, b.stats]) a.fill(12345);
        for (const a of [b.active, b.ot]) a.fill(1);
        b.fallbacks = 99;
        runKernels(slate, profile, rng, b, 0, new Float64Array(slate.nTeams).fill(1));
        const f = fresh[g]!;
        for (const k of ['minutes', 'active', 'ot', 'margin', 'pace', 'offense', 'efficiency', 'totals', 'counts', 'stats', 'dk'] as const)
          expect(Buffer.from(b[k].buffer).equals(Buffer.from(f[k].buffer)), `${k}, game ${g}`).toBe(true);
        expect(b.fallbacks).toBe(f.fallbacks);
      }
    }
  });

  it('conserves team totals exactly and keeps minutes at 240 (+25/OT) within caps, every world and team', () => {
    // Counted, then asserted once: an expect() per value would cost more than the worlds.
    let checked = 0;
    let badMinutes = 0;
    let badCaps = 0;
    let badTotals = 0;
    for (const profile of [shares, baseline]) {
      for (const b of batches(profile)) {
        for (let w = 0; w < W; w++) {
          const cap = playerCap(b.ot[w]!);
          for (let team = 0; team < 2; team++) {
            const lo = team === 0 ? 0 : b.nHome;
            const hi = team === 0 ? b.nHome : b.nP;
            let minutes = 0;
            const sums = [0, 0, 0];
            for (let j = lo; j < hi; j++) {
              const m = b.minutes[w * b.nP + j]!;
              if (m < 0 || m > cap + 1e-9) badCaps++;
              minutes += m;
              for (let k = 0; k < 3; k++) sums[k] = sums[k]! + b.counts[(w * b.nP + j) * 3 + k]!;
            }
            // f64 on the CPU: far tighter than the engine's MINUTES_TOLERANCE, which also covers f32 on the device.
            if (Math.abs(minutes - teamMinutes(b.ot[w]!)) > 1e-6) badMinutes++;
            for (let k = 0; k < 3; k++) if (sums[k] !== b.totals[(w * 2 + team) * 3 + k]) badTotals++;
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(2 * W * slate.nTeams);
    expect({ badMinutes, badCaps, badTotals }).toEqual({ badMinutes: 0, badCaps: 0, badTotals: 0 });
  });

  it('keeps every stat an integer and consistent (makes <= attempts, points from makes)', () => {
    const b = batches(shares)[0];
    if (b === undefined) throw new Error('no game');
    let bad = 0;
    for (let x = 0; x < b.worlds * b.nP; x++) {
      const st = (k: keyof typeof STAT_INDEX): number => b.stats[x * NSTAT + STAT_INDEX[k]]!;
      if (st('fg3a') > st('fga') || st('fgm') > st('fga') || st('fg3m') > st('fg3a') || st('ftm') > st('fta')) bad++;
      if (st('pts') !== 2 * (st('fgm') - st('fg3m')) + 3 * st('fg3m') + st('ftm')) bad++;
      for (let k = 0; k < NSTAT; k++) if (!Number.isInteger(b.stats[x * NSTAT + k]) || b.stats[x * NSTAT + k]! < 0) bad++;
    }
    expect(bad).toBe(0);
  });

  function teammateFgaCorrelation(profile: Profile): number {
    let sum = 0;
    let n = 0;
    for (const b of batches(profile)) {
      for (const [lo, hi] of [
        [0, b.nHome],
        [b.nHome, b.nP],
      ] as const) {
        const top = Math.min(hi, lo + 7); // rotation players (projection order)
        for (let a = lo; a < top; a++) {
          for (let c = a + 1; c < top; c++) {
            let sa = 0;
            let sc = 0;
            let saa = 0;
            let scc = 0;
            let sac = 0;
            for (let w = 0; w < W; w++) {
              const xa = b.counts[(w * b.nP + a) * 3]!;
              const xc = b.counts[(w * b.nP + c) * 3]!;
              sa += xa;
              sc += xc;
              saa += xa * xa;
              scc += xc * xc;
              sac += xa * xc;
            }
            const cov = sac / W - (sa / W) * (sc / W);
            const den = Math.sqrt((saa / W - (sa / W) ** 2) * (scc / W - (sc / W) ** 2));
            if (den > 0) {
              sum += cov / den;
              n++;
            }
          }
        }
      }
    }
    return sum / n;
  }

  it("makes teammates' FGA negatively correlated with shares on, more so than with shares off", () => {
    const on = teammateFgaCorrelation(shares);
    const off = teammateFgaCorrelation(baseline);
    console.log(`mean teammate FGA correlation: shares on ${on.toFixed(3)}, off ${off.toFixed(3)}`);
    expect(on).toBeLessThan(-0.02);
    expect(on).toBeLessThan(off - 0.02);
  });
});

describe('slatesim sim', () => {
  async function simTo(
    out: string,
    over: { chunk?: number; workers?: number; worlds?: number; profile?: Profile; saveWorlds?: boolean; playerOut?: Set<number> } = {},
  ) {
    return runSim({
      lake,
      date: DATE,
      profile: over.profile ?? shares,
      profileName: 'usage_shares_v1',
      worlds: over.worlds ?? 1200,
      seed: 42,
      chunk: over.chunk ?? 512,
      workers: over.workers ?? 1,
      out,
      run: 'test',
      saveWorlds: over.saveWorlds ?? false,
      ...(over.playerOut !== undefined ? { playerOut: over.playerOut } : {}),
      progress: silentProgress,
    });
  }

  it('gives the same bytes for the same seed whatever the chunk size and worker count', async () => {
    const a = await simTo(await tempDir('simA'), { chunk: 512, workers: 1 });
    const b = await simTo(await tempDir('simB'), { chunk: 100, workers: 2 });
    for (const f of ['projections.parquet', 'projections.csv']) {
      expect((await readFile(join(a.dir, f))).equals(await readFile(join(b.dir, f))), f).toBe(true);
    }
  });

  it('keeps its worker threads across runs, each run with its own slate, and the bytes of one thread', async () => {
    // The pool's threads stay up between runs and split games into world ranges (merged exactly); a later run
    // with another slate (a player ruled out) and another chunk must not see the earlier run's inputs.
    const out = new Set([[...slate.playerId].find((_, i) => slate.isStarter[i] === 1 && slate.p50[i]! > 34)!]);
    for (const [k, over] of [
      { workers: 3, chunk: 256 },
      { workers: 2, chunk: 300, playerOut: out },
      { workers: 3, chunk: 128, saveWorlds: true },
    ].entries()) {
      const pooled = await simTo(await tempDir(`pool${k}`), { ...over, worlds: 1000 });
      const inline = await simTo(await tempDir(`inline${k}`), { ...over, workers: 1, worlds: 1000 });
      for (const f of ['projections.parquet', 'projections.csv', ...(over.saveWorlds === true ? ['worlds.parquet'] : [])])
        expect((await readFile(join(pooled.dir, f))).equals(await readFile(join(inline.dir, f))), `${k} ${f}`).toBe(true);
    }
  });

  it('writes the documented files and columns, with team points anchored to the implied totals', async () => {
    const r = await simTo(await tempDir('simC'), { worlds: 4000, saveWorlds: true });
    expect((await readdir(r.dir)).sort()).toEqual([
      'metrics.json',
      'projections.csv',
      'projections.parquet',
      'team_worlds.parquet',
      'worlds.parquet',
    ]);
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const cols = (
      await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${r.dir}/projections.parquet', hive_partitioning = false)`)
    )
      .getRowObjectsJson()
      .map((x) => x.column_name);
    expect(cols).toEqual(PROJECTIONS_SCHEMA.columns.map((c) => c.name));
    const m = r.metrics as {
      conservation: { target_violations: number; minutes_violations: number };
      vegas_anchoring: { max_abs_relative_error: number };
      teams: { points_sd: number }[];
    };
    expect(m.conservation).toMatchObject({ target_violations: 0, minutes_violations: 0 });
    expect(m.vegas_anchoring.max_abs_relative_error).toBeLessThan(0.01);
    const sd = m.teams.reduce((a, t) => a + t.points_sd, 0) / m.teams.length;
    expect(sd).toBeGreaterThan(10);
    expect(sd).toBeLessThan(15);
    // Conservation checked on the saved worlds too, with DuckDB.
    const [bad] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INT AS n FROM (SELECT world, team_id, sum(fga) f, sum(fta) t, sum(tov) o FROM read_parquet('${r.dir}/worlds.parquet', hive_partitioning = false) GROUP BY 1, 2) p
         JOIN read_parquet('${r.dir}/team_worlds.parquet', hive_partitioning = false) t USING (world, team_id) WHERE p.f <> t.fga_total OR p.t <> t.fta_total OR p.o <> t.tov_total`,
      )
    ).getRowObjectsJson();
    expect(bad).toEqual({ n: 0 });
    for (const row of r.rows) {
      expect(row.dk_fpts_p10 as number).toBeLessThanOrEqual(row.dk_fpts_p50 as number);
      expect(row.dk_fpts_p50 as number).toBeLessThanOrEqual(row.dk_fpts_p90 as number);
      expect(row.minutes_mean as number).toBeLessThanOrEqual(48);
    }
  });

  it('moves minutes and usage to teammates when a player is ruled out', async () => {
    const star = [...slate.playerId].find((_, i) => slate.isStarter[i] === 1 && slate.p50[i]! > 34)!;
    const team = slate.playerTeam[[...slate.playerId].indexOf(star)]!;
    const before = await simTo(await tempDir('simD'), { worlds: 800 });
    const after = await simTo(await tempDir('simE'), { worlds: 800, playerOut: new Set([star]) });
    expect(after.rows.some((r) => r.player_id === star)).toBe(false);
    const teammates = (rows: Record<string, Value>[]) => rows.filter((r) => r.team_id === slate.teamId[team] && r.player_id !== star);
    const sum = (rows: Record<string, Value>[], c: string) => rows.reduce((a, r) => a + (r[c] as number), 0);
    expect(sum(teammates(after.rows), 'minutes_mean')).toBeGreaterThan(sum(teammates(before.rows), 'minutes_mean') + 20);
    expect(sum(teammates(after.rows), 'fga_mean')).toBeGreaterThan(sum(teammates(before.rows), 'fga_mean') + 5);
  });

  it('refuses bad profiles and inputs, naming the field and value, and writes nothing', async () => {
    const out = await tempDir('simBad');
    expect(() => parseProfile({ usage_shares: { share_temperature: -1 } }, 'p')).toThrow(
      new UserError('p: `usage_shares.share_temperature` must be > 0, got -1'),
    );
    expect(() => parseProfile({ usage_shares: { shares: true } }, 'p')).toThrow(new UserError('p: unknown knob `usage_shares.shares`'));
    const rows = frameRows(await lake.read(RATES_TRAINING_BASE, { startDate: DATE, endDate: DATE }, { columns: [...SLATE_COLUMNS] }));
    const broken = (f: (r: Record<string, Value>) => void): Record<string, Value>[] =>
      rows.map((r, i) => {
        const c = { ...r };
        if (i === 0) f(c);
        return c;
      });
    const name = String(rows[0]?.player_name);
    expect(() =>
      slateFromRows(
        DATE,
        broken((r) => (r.minutes_pred_p50 = -3)),
      ),
    ).toThrow(`${name} (player_id ${String(rows[0]?.player_id)}): minutes_pred_p50 must be minutes in 0..73, got -3`);
    expect(() =>
      slateFromRows(
        DATE,
        broken((r) => (r.minutes_pred_p10 = 40)),
      ),
    ).toThrow(/minutes_pred_p10 must be <= minutes_pred_p50/);
    expect(() =>
      slateFromRows(
        DATE,
        broken((r) => (r.season_fga_per_min = Number.NaN)),
      ),
    ).toThrow(/season_fga_per_min must be a finite number, got null/);
    const team = rows[0]?.team_id;
    const out1 = new Set(rows.filter((r) => r.team_id === team).map((r) => r.player_id as number));
    expect(() => slateFromRows(DATE, rows, out1)).toThrow(/team \d+ has no players left to simulate/);
    await expect(simTo(out, { playerOut: new Set([1]) })).rejects.toThrow('--player-out 1: no available player with that id on 2024-01-31');
    expect(await filesBelow(out)).toEqual([]);
  });
});

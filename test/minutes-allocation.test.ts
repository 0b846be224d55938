// Where minutes go when players sit: the engine's room allocation (minutes_totals.ts fillTeamMinutes, the
// realistic ceiling) on constructed team-worlds with known answers and on the embedded slate with a star ruled
// out, against the one-factor scale it replaces; the diagnostics' event finder on a constructed season.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the batches and slates below are built by the test with
   known sizes; a miss fails the test either way. */

import { beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { CounterRng } from '../engine/rng.ts';
import { FILL_RANK_WEIGHTS, loadProfile, type Profile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { newBatch, runKernels } from '../engine/kernels/kernels.ts';
import { fillTeamMinutes, softCeiling } from '../engine/kernels/minutes_totals/minutes_totals.ts';
import { playerCap } from '../engine/kernels/contract.ts';
import { loadShippedModel } from '../src/features/pregame.ts';
import { minutesVacancy, type MinutesRow } from '../src/diagnostics/minutes-vacancy.ts';
import { gainByRank, type MinutesEntry } from '../src/backtest/outcomes.ts';
import { EMBEDDED_LAKE } from './helpers.ts';

const DATE = '2024-01-31';
const DEROZAN = 201942;
const CHI = 1610612741;

describe('the realistic ceiling', () => {
  it('leaves minutes up to the knee alone, then rises toward the ceiling without reaching it', () => {
    expect(softCeiling(38, 40, 46)).toBe(38);
    expect(softCeiling(40, 40, 46)).toBe(40);
    let last = 40;
    for (const m of [41, 44, 48, 53, 60]) {
      const c = softCeiling(m, 40, 46);
      expect(c).toBeGreaterThan(last);
      expect(c).toBeLessThan(46);
      expect(c).toBeLessThan(m);
      last = c;
    }
    expect(softCeiling(44, 40, 46)).toBeCloseTo(40 + 6 * Math.tanh(4 / 6), 12);
    expect(softCeiling(45, 40, 40)).toBe(40);
  });
});

describe('fillTeamMinutes on a constructed team-world', () => {
  // One team; slate.p50 is read only to bring players in on a roster too thin for 240.
  const slate = { p50: Float64Array.from([36, 36, 30, 30, 30, 30, 20, 8]) } as unknown as Slate;
  function batch(minutes: number[], active: number[]) {
    const n = minutes.length;
    return {
      g: 0,
      p0: 0,
      nP: n,
      nHome: n,
      worlds: 1,
      minutes: Float64Array.from(minutes),
      active: Uint8Array.from(active),
    } as unknown as Parameters<typeof fillTeamMinutes>[1];
  }
  const sum = (b: { minutes: Float64Array }): number => [...b.minutes].reduce((a, x) => a + x, 0);
  const W = [...FILL_RANK_WEIGHTS];

  it('scales a shortfall by one factor within each upper quantile: 240 exactly, drawn ratios kept below the bounds', () => {
    const b = batch([36, 36, 30, 30, 30, 30, 20, 8], [1, 1, 1, 1, 1, 1, 1, 1]); // 220: 20 short
    const upper = Float64Array.from([38, 38, 40, 40, 40, 40, 28, 14]);
    fillTeamMinutes(slate, b, 0, 0, 8, 240, 48, 46, upper, new Float64Array(8), 11, W);
    // x 240/220 takes the two stars past 38: they stop there and the other 148 minutes scale by 164/148
    const k = 164 / 148;
    [38, 38, 30 * k, 30 * k, 30 * k, 30 * k, 20 * k, 8 * k].forEach((x, j) => expect(b.minutes[j]).toBeCloseTo(x, 9));
    expect(sum(b)).toBeCloseTo(240, 9);
  });

  it('shares what the upper quantiles cannot take by minutes rank (the stars least), re-sharing past the ceiling', () => {
    const drawnMinutes = [45.5, 36, 30, 30, 20, 20, 10, 8]; // 199.5: 40.5 short, everyone already at his upper quantile
    const b = batch(drawnMinutes, [1, 1, 1, 1, 1, 1, 1, 1]);
    fillTeamMinutes(slate, b, 0, 0, 8, 240, 48, 46, Float64Array.from(drawnMinutes), new Float64Array(8), 11, W);
    const total = W.slice(0, 8).reduce((a, x) => a + x, 0);
    // the star would get 40.5 x 0.39 / 13.79 = 1.15 but stops at the ceiling (0.5); his other 0.65 is shared again
    const left = (40.5 * W[0]!) / total - 0.5;
    expect(b.minutes[0]).toBeCloseTo(46, 9);
    drawnMinutes.slice(1).forEach((x, k) => {
      const j = k + 1;
      expect(b.minutes[j]).toBeCloseTo(x + (40.5 * W[j]!) / total + (left * W[j]!) / (total - W[0]!), 9);
    });
    expect(sum(b)).toBeCloseTo(240, 9);
    expect(b.minutes[7]! - 8).toBeGreaterThan(4 * (b.minutes[1]! - 36));
  });

  it('extends the rotation before pushing anyone past his upper quantile: a left-out player comes in at his drawn minutes', () => {
    const b = batch([36, 36, 20, 16, 12, 0], [1, 1, 1, 1, 1, 0]); // 120 drawn, player 6 left out (drawn 9 if he plays)
    const upper = Float64Array.from([40, 40, 28, 25, 22, 15]); // all reached: 155, 85 short
    const drawn = Float64Array.from([36, 36, 20, 16, 12, 9]);
    fillTeamMinutes(slate, b, 0, 0, 6, 240, 48, 46, upper, drawn, 11, W);
    expect(b.active[5]).toBe(1);
    // he came in at 9 (76 short); the rest is shared by rank below the ceiling 46
    expect(sum(b)).toBeCloseTo(240, 9);
    for (const x of b.minutes) expect(x).toBeLessThanOrEqual(46 + 1e-9);
    expect(b.minutes[5]).toBeGreaterThan(9);
    expect(b.minutes[4]! - 22).toBeGreaterThan(b.minutes[0]! - 40);
    // with a full rotation he stays out, and the five reach 240 within the ceiling and then the cap
    const full = batch([36, 36, 20, 16, 12, 0], [1, 1, 1, 1, 1, 0]);
    fillTeamMinutes(slate, full, 0, 0, 6, 240, 48, 46, upper, drawn, 5, W);
    expect(full.active[5]).toBe(0);
    expect(sum(full)).toBeCloseTo(240, 9);
    for (const x of full.minutes) expect(x).toBeLessThanOrEqual(48 + 1e-9);
  });

  it('scales a surplus down by one factor', () => {
    const b = batch([48, 48, 48, 48, 48, 30], [1, 1, 1, 1, 1, 1]); // 270
    fillTeamMinutes(slate, b, 0, 0, 6, 240, 48, 46, new Float64Array(6).fill(48), new Float64Array(6), 11, W);
    [48, 48, 48, 48, 48, 30].forEach((x, j) => expect(b.minutes[j]).toBeCloseTo((x * 240) / 270, 9));
  });

  it('brings in the next players by projection when the active ones cannot reach 240 under the cap', () => {
    const b = batch([36, 36, 20, 16, 0, 0], [1, 1, 1, 1, 0, 0]); // four active: capacity 192 < 240
    fillTeamMinutes(slate, b, 0, 0, 6, 240, 48, 46, Float64Array.from([40, 40, 28, 25, 22, 15]), new Float64Array(6), 11, W);
    expect([...b.active]).toEqual([1, 1, 1, 1, 1, 0]);
    expect(b.minutes[4]).toBeGreaterThanOrEqual(30); // in at his p50 (30), then scaled up
    expect(sum(b)).toBeCloseTo(240, 9);
    for (const x of b.minutes) expect(x).toBeLessThanOrEqual(48 + 1e-9);
  });
});

describe('a star ruled out on the embedded slate', () => {
  let room: Profile;
  let scale: Profile;
  let before: Slate;
  let after: Slate;
  let afterModel: Slate;
  beforeAll(async () => {
    await initParquetNode();
    const lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
    room = await loadProfile('usage_shares_v1');
    scale = { ...room, minutes: { ...room.minutes, allocation: 'scale' } };
    expect([room.minutes.allocation, scale.minutes.allocation]).toEqual(['room', 'scale']);
    before = await loadSlate(lake, DATE);
    after = await loadSlate(lake, DATE, new Set([DEROZAN]));
    afterModel = await loadSlate(lake, DATE, new Set([DEROZAN]), undefined, await loadShippedModel());
  });

  /** Per player of the Bulls' game: mean minutes, and the share of regulation worlds at 44+. */
  function bullsMinutes(s: Slate, profile: Profile, W = 4000) {
    const team = [...s.teamId].indexOf(CHI);
    const g = Math.floor(team / 2);
    const b = newBatch(s, g, W);
    runKernels(s, profile, new CounterRng(3), b, 0, new Float64Array(s.nTeams).fill(1));
    const out = new Map<number, { mean: number; reg44: number; top: number }>();
    let regWorlds = 0;
    for (let w = 0; w < W; w++) if (b.ot[w] === 0) regWorlds++;
    for (let j = 0; j < b.nP; j++) {
      const i = b.p0 + j;
      if (s.playerTeam[i] !== team) continue;
      let sum = 0;
      let reg44 = 0;
      let top = 0;
      for (let w = 0; w < W; w++) {
        const m = b.minutes[w * b.nP + j]!;
        sum += m;
        if (b.ot[w] === 0 && m >= 44) reg44++;
        if (b.ot[w] === 0) top = Math.max(top, m);
        expect(m).toBeLessThanOrEqual(playerCap(b.ot[w]!) + 1e-9);
      }
      out.set(s.playerId[i]!, { mean: sum / W, reg44: reg44 / regWorlds, top });
    }
    return out;
  }

  it('keeps the starters under the ceiling and moves the minutes down the bench, unlike one scale factor', () => {
    const scaled = bullsMinutes(after, scale);
    const filled = bullsMinutes(afterModel, room);
    const base = bullsMinutes(before, room);
    const white = 1629632;
    // the one-factor scale runs the Bulls' starters into the 48-minute cap; the room allocation keeps them under
    // the ceiling (46), at most at their own (re-predicted) upper quantiles in most worlds
    const vucevic = 202696;
    expect(scaled.get(vucevic)!.top).toBeGreaterThan(47.9);
    expect(scaled.get(vucevic)!.reg44).toBeGreaterThan(0.5);
    expect(filled.get(vucevic)!.reg44).toBeLessThan(0.1);
    expect(filled.get(white)!.mean).toBeLessThan(scaled.get(white)!.mean - 2);
    for (const v of filled.values()) expect(v.top).toBeLessThan(46);
    // 240 minus DeRozan's: his teammates gain his minutes in total
    const gain = (m: Map<number, { mean: number }>) => [...m.entries()].reduce((a, [id, v]) => a + v.mean - (base.get(id)?.mean ?? 0), 0);
    expect(gain(filled)).toBeGreaterThan(25);
    // the bench (outside the top five by projection) takes a larger part of them than under one scale factor
    const bench = [...after.playerId].filter((id, i) => after.playerTeam[i] === [...after.teamId].indexOf(CHI) && after.isStarter[i] === 0);
    const benchGain = (m: Map<number, { mean: number }>) => bench.reduce((a, id) => a + m.get(id)!.mean - base.get(id)!.mean, 0);
    expect(benchGain(filled)).toBeGreaterThan(benchGain(scaled) + 3);
  });

  it("re-predicts the teammates' minutes projections with the minutes model when a player is ruled out", () => {
    const p50 = (s: Slate, id: number) => s.p50[[...s.playerId].indexOf(id)]!;
    const team = [...after.playerId].filter((_, i) => after.playerTeam[i] === [...after.teamId].indexOf(CHI));
    const moved = team.reduce((a, id) => a + p50(afterModel, id) - p50(after, id), 0);
    expect(moved).toBeGreaterThan(3);
    // the other games are untouched
    const other = [...after.playerId].filter(
      (_, i) => after.playerTeam[i] !== [...after.teamId].indexOf(CHI) && after.playerTeam[i] !== ([...after.teamId].indexOf(CHI) ^ 1),
    );
    for (const id of other) expect(p50(afterModel, id)).toBe(p50(after, id));
  });
});

describe('the vacancy measurements', () => {
  const row = (date: string, pid: number, minutes: number, extra: Partial<MinutesRow> = {}): MinutesRow => ({
    season: 2024,
    date,
    teamGame: `g${date}|1`,
    playerId: pid,
    minutes,
    isStarter: pid <= 5,
    startRate: pid <= 5 ? 1 : 0,
    rank: pid,
    minutesSzn: pid <= 5 ? 34 : 12,
    gamesAvailable: 10,
    posGroup: pid % 2 === 0 ? 'guard' : 'big',
    vacancy: 0,
    ...extra,
  });
  // Ten players; player 1 (a regular starter) misses the second night and is back on the third. Team minutes
  // are 240 on each night: 5 x 34 + 5 x 14 = 240 with him; 4 x 36 + 5 x 19.2 = 240 without.
  const night = (date: string, without: boolean): MinutesRow[] =>
    Array.from({ length: 10 }, (_, k) => k + 1)
      .filter((p) => !(without && p === 1))
      .map((p) =>
        row(date, p, without ? (p <= 5 ? 36 : 19.2) : p <= 5 ? 34 : 14, { vacancy: without ? 34 : 0, rank: without ? p - 1 : p }),
      );
  const rows = [...night('2024-01-01', false), ...night('2024-01-02', true), ...night('2024-01-03', false)];

  it("finds the first night of a regular starter's absence and the gains against nobody-out nights", () => {
    const r = minutesVacancy(rows);
    expect(r.eventTeamGames).toBe(1);
    expect(r.controlTeamGames).toBe(2);
    // rank 1 on the event night is player 2: 36 - 34 = 2 against 0 on control nights
    expect(r.byRank[0]!.gain).toBeCloseTo(2, 9);
    // bench players gain 19.2 - 12 = 7.2 against 14 - 12 = 2 on control nights
    expect(r.byRank[5]!.gain).toBeCloseTo(5.2, 5);
    // over the bench: player 6 sits at rank 5 that night, a starter's rank on control nights (drift 0): 7.2
    expect(r.byGroup.find((g) => g.group === 'role: bench')!.gain).toBeCloseTo((7.2 + 4 * 5.2) / 5, 5);
  });

  it('gain_by_rank compares the simulated and the real response on the same team-games', () => {
    const e = (vacancy: number, rank: number, sim: number, real: number): MinutesEntry => ({
      teamGame: `${vacancy}`,
      vacancy,
      simMean: sim,
      simRegPlayed: 1,
      simReg44: 0,
      actual: { dk: 0, fga: 0, pts: 0, minutes: real, regulation: true },
      role: { rank, minutesSzn: 30 },
    });
    const g = gainByRank([e(30, 1, 33, 32), e(30, 1, 35, 34), e(0, 1, 30, 31), e(10, 1, 99, 99)]);
    expect(g[0]!.n).toBe(2);
    expect(g[0]!.sim_gain).toBeCloseTo(4 - 0, 9);
    expect(g[0]!.real_gain).toBeCloseTo(3 - 1, 9);
    expect(Number.isNaN(g[1]!.sim_gain)).toBe(true);
  });
});

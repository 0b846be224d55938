// The GPP contest over worlds: payout and ownership files refused line by line, a field drawn from ownership
// (valid lineups, exposures on target, reproducible by seed) on the embedded 2026-03-15 DraftKings slate, tie
// splits checked by hand, results that ignore how worlds are chunked and agree with a brute-force ranking, and
// duplicates counted by set of rows.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixture is a fixed real file and every index below
   is one the test has just built; a miss fails the test either way. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterRng } from '../engine/rng.ts';
import { UserError } from '../src/data/errors.ts';
import {
  ContestAccumulator,
  duplicatesOf,
  exposures,
  parseOwnership,
  parsePayouts,
  payoutsOf,
  sampleField,
  targetOwnership,
  type ContestResult,
  type Payouts,
} from '../src/lineups/contest.ts';
import { poolOfDkRows } from '../src/lineups/pool.ts';
import { CLASSIC, SHOWDOWN, lineupViolation, type PoolPlayer } from '../src/lineups/rules.ts';
import { parseDkSalaries } from '../src/pregame/dk.ts';
import { EMBEDDED } from './helpers.ts';

const DK_FILE = join(EMBEDDED, 'pregame/game_date=2026-03-15/DKSalaries.csv');
const dkRows = parseDkSalaries(readFileSync(DK_FILE, 'utf8'), DK_FILE);
const classic = poolOfDkRows(dkRows).players;

/** A showdown slate of one real game: each person's UTIL row and a CPT row at 1.5x salary (ids made distinct). */
const showdown: PoolPlayer[] = (() => {
  const game = classic[0]!.game;
  const util = classic.filter((p) => p.game === game).map((p) => ({ ...p, rosterPositions: ['UTIL'] }));
  const cpt = util.map((p) => ({ ...p, dkId: p.dkId + 1_000_000, salary: p.salary * 1.5, rosterPositions: ['CPT'] }));
  return [...cpt, ...util];
})();

/** An ownership a real field could have: the exposures of a plain proportional field drawn from season averages. */
function reachableOwnership(pool: PoolPlayer[], rules: typeof CLASSIC): Float64Array {
  const avg = new Map(dkRows.map((r) => [r.dkId, r.avgPointsPerGame ?? 0]));
  const seedWeights = Float64Array.from(pool, (p) => Math.max(0, avg.get(p.dkId) ?? avg.get(p.dkId - 1_000_000) ?? 0) ** 1.7);
  return exposures(sampleField(pool, rules, seedWeights, 50_000, 99, { calibrationRounds: 0 }), pool.length);
}

const salaryOf = (pool: PoolPlayer[], l: number[]): number => l.reduce((s, p) => s + pool[p]!.salary, 0);

/** The message of the UserError `f` throws (fails the test when it throws anything else or nothing). */
function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const message = (e as UserError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UserError');
}

describe('payouts file', () => {
  const terms = { entryFee: 20, entries: 100 };
  const read = (text: string): Payouts => parsePayouts(text, 'pay.csv', terms);

  it('reads blocks of ranks in any order, dollar signs, thousands commas and a blank rank_max', () => {
    const p = read('Rank_Min,Rank Max,Prize\n3,5,"$1,000.50"\n1,1,"$5,000"\n2,,2000\n6,10,0\n');
    expect(p.blocks.map((b) => [b.rankMin, b.rankMax, b.prize, b.line])).toEqual([
      [1, 1, 5000, 3],
      [2, 2, 2000, 4],
      [3, 5, 1000.5, 2],
      [6, 10, 0, 5],
    ]);
    expect(p.prizeCents.length).toBe(100);
    expect([...p.prizeCents.slice(0, 7)]).toEqual([500000, 200000, 100050, 100050, 100050, 0, 0]);
    expect(p.entryFee).toBe(20);
  });

  it('refuses each bad table in one line naming the file, the line and the value', () => {
    expect(userError(() => read(''))).toBe('pay.csv: empty file, expected a CSV with a header rank_min,rank_max,prize');
    expect(userError(() => read('rank_min,rank_max,prize\n'))).toBe('pay.csv line 1: a header and no prizes');
    expect(userError(() => read('rank_min,prize\n1,100\n'))).toMatch(/^pay\.csv line 1: missing column "rank_max"/);
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,100\n2,x,50\n'))).toBe(
      'pay.csv line 3, column "rank_max": "x" is not a rank (a whole number from 1)',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n0,1,100\n'))).toBe(
      'pay.csv line 2, column "rank_min": "0" is not a rank (a whole number from 1)',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,100\n3,2,50\n'))).toBe(
      'pay.csv line 3: ranks 3-2 are not a range of ranks from 1 up',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,-5\n'))).toBe(
      'pay.csv line 2, column "prize": "-5" is not a dollar amount of 0 or more (at most cents)',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,lots\n'))).toBe(
      'pay.csv line 2, column "prize": "lots" is not a dollar amount of 0 or more (at most cents)',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,1.005\n'))).toMatch(/"1\.005" is not a dollar amount/);
    expect(userError(() => read('rank_min,rank_max,prize\n1,3,100\n3,4,50\n'))).toBe(
      'pay.csv line 3: ranks 3-4 overlap ranks 1-3 (pay.csv line 2)',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,100\n3,4,50\n'))).toBe(
      'pay.csv line 3: ranks 2-2 are missing before ranks 3-4 (a rank that pays nothing needs prize 0)',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,100\n2,2,150\n'))).toBe(
      'pay.csv line 3: prize 150 at ranks 2-2 is more than 100 at ranks 1-1 (pay.csv line 2); prizes fall with rank',
    );
    expect(userError(() => read('rank_min,rank_max,prize\n1,1,100\n2,101,5\n'))).toBe(
      "pay.csv line 3: rank 101 is beyond the contest's 100 entries",
    );
    expect(userError(() => parsePayouts('rank_min,rank_max,prize\n1,1,1\n', 'pay.csv', { entryFee: 5, entries: 0 }))).toBe(
      'contest entries must be a whole number of at least 1, got 0',
    );
    expect(userError(() => parsePayouts('rank_min,rank_max,prize\n1,1,1\n', 'pay.csv', { entryFee: -1, entries: 5 }))).toBe(
      'contest entry fee must be a dollar amount of 0 or more, got -1',
    );
  });
});

describe('ownership file', () => {
  const maxey = classic.find((p) => p.name === 'Tyrese Maxey')!;
  const curry = classic.find((p) => p.name === 'Stephen Curry')!;
  const brunson = classic.find((p) => p.name === 'Jalen Brunson')!;
  const row = (p: PoolPlayer): number => classic.indexOf(p);

  it('reads ids, "Name (ID)" and exact names; percent when a value is above 1 or has a %; unlisted rows are 0', () => {
    const own = parseOwnership(
      `Player,Ownership\n${maxey.dkId},35.5\n"Stephen Curry (${curry.dkId})",20%\n  jalen   BRUNSON ,0.5\n`,
      'own.csv',
      classic,
    );
    expect(own.length).toBe(classic.length);
    expect(own[row(maxey)]).toBeCloseTo(0.355, 12);
    expect(own[row(curry)]).toBeCloseTo(0.2, 12);
    expect(own[row(brunson)]).toBeCloseTo(0.005, 12);
    expect(own.reduce((s, x) => s + x, 0)).toBeCloseTo(0.56, 12);
    const fractions = parseOwnership(`player,ownership\n${maxey.dkId},0.355\n`, 'own.csv', classic);
    expect(fractions[row(maxey)]).toBeCloseTo(0.355, 12);
  });

  it('refuses unknown, ambiguous and repeated players and bad values, naming the line and the value', () => {
    const read = (text: string, pool: PoolPlayer[] = classic): Float64Array => parseOwnership(text, 'own.csv', pool);
    expect(userError(() => read(''))).toBe('own.csv: empty file, expected a CSV with a header player,ownership');
    expect(userError(() => read('name,ownership\nx,1\n'))).toMatch(/^own\.csv line 1: missing column "player"/);
    expect(userError(() => read(`player,ownership\nMaxey,10\n`))).toBe(
      'own.csv line 2, column "player": "Maxey" is not a player on the slate (give a name, DraftKings id or "Name (ID)")',
    );
    expect(userError(() => read('player,ownership\n12345678,10\n'))).toBe(
      'own.csv line 2, column "player": DraftKings id 12345678 is not on the slate',
    );
    expect(userError(() => read(`player,ownership\nTyrese Maxey,10\n${maxey.dkId},12\n`))).toBe(
      `own.csv line 3, column "player": Tyrese Maxey (${maxey.dkId}) is also on line 2`,
    );
    expect(userError(() => read(`player,ownership\nTyrese Maxey,abc\n`))).toBe(
      'own.csv line 2, column "ownership": "abc" is not a fraction from 0 to 1',
    );
    expect(userError(() => read(`player,ownership\nTyrese Maxey,120\n`))).toBe(
      'own.csv line 2, column "ownership": "120" is not a percent from 0 to 100',
    );
    expect(userError(() => read(`player,ownership\nTyrese Maxey,-0.1\n`))).toBe(
      'own.csv line 2, column "ownership": "-0.1" is not a fraction from 0 to 1',
    );
    // showdown: a name is both the CPT and the UTIL row; ids or roster_position say which
    const sdMaxey = showdown.filter((p) => p.name === 'Tyrese Maxey');
    expect(userError(() => read('player,ownership\nTyrese Maxey,10\n', showdown))).toBe(
      `own.csv line 2, column "player": "Tyrese Maxey" matches 2 slate rows (CPT ${sdMaxey[0]!.dkId}, UTIL ${sdMaxey[1]!.dkId}); give the DraftKings id or a roster_position column`,
    );
    const sd = read('player,roster_position,ownership\nTyrese Maxey,CPT,10\nTyrese Maxey,util,40\n', showdown);
    expect(sd[showdown.indexOf(sdMaxey[0]!)]).toBeCloseTo(0.1, 12);
    expect(sd[showdown.indexOf(sdMaxey[1]!)]).toBeCloseTo(0.4, 12);
    const byId = read(`player,ownership\n${sdMaxey[0]!.dkId},10\n`, showdown);
    expect(byId[showdown.indexOf(sdMaxey[0]!)]).toBeCloseTo(0.1, 12);
  });
});

describe('the field', () => {
  const classicTarget = reachableOwnership(classic, CLASSIC);

  it('draws valid lineups over the minimum salary, the same for the same seed, entry by entry whatever the size', () => {
    const field = sampleField(classic, CLASSIC, classicTarget, 400, 11);
    expect(field).toHaveLength(400);
    for (const l of field) {
      expect(
        lineupViolation(
          CLASSIC,
          l.map((p) => classic[p]!),
        ),
      ).toBeNull();
      expect(salaryOf(classic, l)).toBeGreaterThanOrEqual(49_000);
    }
    expect(sampleField(classic, CLASSIC, classicTarget, 400, 11)).toEqual(field);
    expect(sampleField(classic, CLASSIC, classicTarget, 150, 11)).toEqual(field.slice(0, 150));
    expect(sampleField(classic, CLASSIC, classicTarget, 400, 12)).not.toEqual(field);
    const cheap = sampleField(classic, CLASSIC, classicTarget, 200, 11, { minSalary: 45_000 });
    expect(cheap.some((l) => salaryOf(classic, l) < 49_000)).toBe(true);
  });

  /** Per row, the exposure's distance from the target in binomial sds of a field of n. */
  function zScores(field: number[][], target: Float64Array): number[] {
    const e = exposures(field, target.length);
    const z: number[] = [];
    target.forEach((t, i) => {
      if (t > 0) z.push((e[i]! - t) / Math.sqrt((Math.max(t, 1e-3) * (1 - t)) / field.length));
    });
    return z;
  }
  const rms = (z: number[]): number => Math.sqrt(z.reduce((s, x) => s + x * x, 0) / z.length);

  it('meets the ownership within sampling error once calibrated (plain proportional draws miss it)', () => {
    const target = targetOwnership(classic, CLASSIC, classicTarget);
    const z = zScores(sampleField(classic, CLASSIC, classicTarget, 4000, 5), target);
    expect(z.length).toBeGreaterThan(60);
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(4.5);
    expect(rms(z)).toBeLessThan(1.6);
    const plain = zScores(sampleField(classic, CLASSIC, classicTarget, 4000, 5, { calibrationRounds: 0 }), target);
    expect(rms(plain)).toBeGreaterThan(3);
  });

  it('draws showdown lineups: one captain, both teams, captain exposure on target', () => {
    const target = reachableOwnership(showdown, SHOWDOWN);
    const field = sampleField(showdown, SHOWDOWN, target, 3000, 3);
    for (const l of field) {
      expect(
        lineupViolation(
          SHOWDOWN,
          l.map((p) => showdown[p]!),
        ),
      ).toBeNull();
      expect(salaryOf(showdown, l)).toBeGreaterThanOrEqual(47_000);
    }
    const z = zScores(field, targetOwnership(showdown, SHOWDOWN, target));
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(4.5);
    expect(rms(z)).toBeLessThan(1.6);
  });

  it('names what the ownership cannot do', () => {
    const none = new Float64Array(classic.length);
    classic.forEach((p, i) => (none[i] = p.rosterPositions.includes('C') ? 0 : 0.1));
    expect(userError(() => sampleField(classic, CLASSIC, none, 10, 1))).toBe(
      'the ownership gives no C-eligible player more than 0: the field cannot fill the C slot',
    );
    // only the dearest players at each position: no eight of them fit under the cap
    const dear = new Float64Array(classic.length);
    for (const slot of CLASSIC.slots) {
      const top = classic.filter((p) => p.rosterPositions.includes(slot)).sort((a, b) => b.salary - a.salary);
      for (const p of top.slice(0, 2)) dear[classic.indexOf(p)] = 0.5;
    }
    expect(userError(() => sampleField(classic, CLASSIC, dear, 10, 1, { calibrationRounds: 0 }))).toMatch(
      /^the ownership cannot make valid classic lineups: 2000 draws in a row broke the salary cap of 50000, the minimum salary of 49000/,
    );
  });
});

describe('duplicates', () => {
  it('counts field lineups with the same rows, slot order aside; in showdown the captain makes the lineup', () => {
    const field = sampleField(classic, CLASSIC, reachableOwnership(classic, CLASSIC), 300, 21);
    const mine = [field[0]!, [...field[1]!].reverse(), [...field[0]!.slice(0, 7), field[0]![7]! === field[1]![7] ? 0 : field[1]![7]!]];
    const expected = (l: number[]): number => field.filter((f) => [...f].sort().join() === [...l].sort().join()).length;
    const got = duplicatesOf(mine, field);
    expect([...got]).toEqual(mine.map(expected));
    expect(got[0]).toBeGreaterThanOrEqual(1);
    expect(got[1]).toBeGreaterThanOrEqual(1);
    // showdown: the same six people with another captain is another lineup
    const util = (name: string): number => showdown.findIndex((p) => p.name === name && p.rosterPositions[0] === 'UTIL');
    const cpt = (name: string): number => showdown.findIndex((p) => p.name === name && p.rosterPositions[0] === 'CPT');
    const people = [...new Set(showdown.map((p) => p.name))].slice(0, 6);
    const a = [cpt(people[0]!), ...people.slice(1).map(util)];
    const b = [cpt(people[1]!), util(people[0]!), ...people.slice(2).map(util)];
    const aShuffled = [a[0]!, ...a.slice(1).reverse()];
    expect([...duplicatesOf([a, b], [aShuffled, aShuffled, b])]).toEqual([2, 1]);
  });
});

describe('the contest over worlds', () => {
  /** Ranks 1..3 pay 100, 50, 20; five entries at $10. */
  const small = payoutsOf(
    [
      { rankMin: 1, rankMax: 1, prize: 100, line: 0 },
      { rankMin: 2, rankMax: 2, prize: 50, line: 0 },
      { rankMin: 3, rankMax: 3, prize: 20, line: 0 },
    ],
    { entryFee: 10, entries: 5 },
  );

  it('splits tied prizes exactly (DraftKings: tied entries share the prizes of the ranks they hold)', () => {
    const acc = new ContestAccumulator(2, 3, small, 4);
    // world 0: both user lineups and one field entry tie for first: each gets (100 + 50 + 20) / 3
    // world 1: a field entry wins; user lineup 0 ties a field entry for 2nd-3rd, (50 + 20) / 2; lineup 1 is 5th
    const user = Int32Array.from([40, 32, 40, 8]); // [lineup][world]
    const field = Int32Array.from([40, 36, 20, 32, 12, 4]); // [entry][world]
    acc.add(user, field, 2);
    const r = acc.result();
    expect(r.worlds).toBe(2);
    expect(r.expected_payout[0]).toBeCloseTo((170 / 3 + 35) / 2, 12);
    expect(r.expected_payout[1]).toBeCloseTo(170 / 3 / 2, 12);
    expect(r.win_pct[0]).toBeCloseTo(100 / 3 / 2, 12);
    expect(r.win_pct[1]).toBeCloseTo(100 / 3 / 2, 12);
    expect([...r.cash_pct]).toEqual([100, 50]);
    // five entries: the top 1% is rank 1 (at least one entry always counts)
    expect([...r.top1_pct]).toEqual([50, 50]);
    expect(r.roi[0]).toBeCloseTo(((170 / 3 + 35) / 2 - 10) / 10, 12);

    const one = new ContestAccumulator(1, 2, small, 4);
    one.add(Int32Array.from([7]), Int32Array.from([7, 7]), 1);
    expect(one.result().expected_payout[0]).toBeCloseTo(56.666666666666664, 12);
    const freeroll = new ContestAccumulator(1, 0, payoutsOf(small.blocks, { entryFee: 0, entries: 5 }), 4);
    freeroll.add(Int32Array.from([1]), new Int32Array(0), 1);
    expect(freeroll.result().roi[0]).toBeNaN();
    expect(userError(() => new ContestAccumulator(3, 3, small, 4))).toBe(
      "3 lineups and a field of 3 make 6 entries, more than the contest's 5",
    );
  });

  // A contest with many ties: scores in few units, cents in the prizes, 20% of 605 entries paid.
  const nUser = 5;
  const nField = 600;
  const nWorlds = 157;
  const rng = new CounterRng(2026);
  /** Scores in 40 levels `step` units apart: step 1 is ranked by counting, a huge step by sorting. */
  const scoresOf = (rows: number, first: number, step: number): Int32Array =>
    Int32Array.from({ length: rows * nWorlds }, (_, k) => {
      const [row, w] = [first + Math.floor(k / nWorlds), k % nWorlds];
      return 100 + step * (rng.block(w, row, 1, 0)[0]! % 40);
    });
  const userScores = scoresOf(nUser, 0, 1);
  const fieldScores = scoresOf(nField, nUser, 1);
  userScores[nWorlds + 3] = 1000; // a clear win
  const payouts = parsePayouts('rank_min,rank_max,prize\n1,1,1000\n2,2,333.33\n3,5,101.01\n6,20,25.5\n21,121,12.07\n', 'pay.csv', {
    entryFee: 11.11,
    entries: 605,
  });

  /** The chunk of worlds [w0, w1) of a [row][world] array of n worlds. */
  const chunk = (scores: Int32Array, rows: number, w0: number, w1: number): Int32Array => {
    const out = new Int32Array(rows * (w1 - w0));
    for (let r = 0; r < rows; r++) out.set(scores.subarray(r * nWorlds + w0, r * nWorlds + w1), r * (w1 - w0));
    return out;
  };
  const run = (bounds: number[], user = userScores, field = fieldScores): ContestResult => {
    const acc = new ContestAccumulator(nUser, nField, payouts, 4);
    for (let k = 0; k + 1 < bounds.length; k++) {
      const [w0, w1] = [bounds[k]!, bounds[k + 1]!];
      acc.add(chunk(user, nUser, w0, w1), chunk(field, nField, w0, w1), w1 - w0);
    }
    return acc.result();
  };

  it('gives the same bits however the worlds are chunked or ordered', () => {
    const whole = run([0, nWorlds]);
    const cuts = (step: number): number[] => [...Array.from({ length: Math.ceil(nWorlds / step) }, (_, k) => k * step), nWorlds];
    for (const step of [1, 7, 16, 33]) expect(run(cuts(step))).toEqual(whole);
    // chunks in reverse order
    const acc = new ContestAccumulator(nUser, nField, payouts, 4);
    const bounds = cuts(10);
    for (let k = bounds.length - 2; k >= 0; k--) {
      const [w0, w1] = [bounds[k]!, bounds[k + 1]!];
      acc.add(chunk(userScores, nUser, w0, w1), chunk(fieldScores, nField, w0, w1), w1 - w0);
    }
    expect(acc.result()).toEqual(whole);
  });

  it.each([
    ['counted', 1],
    ['sorted', 100_000],
  ])('agrees with ranking every entry of every world by brute force (scores %s)', (_how, step) => {
    const userScores = scoresOf(nUser, 0, step);
    const fieldScores = scoresOf(nField, nUser, step);
    userScores[nWorlds + 3] = 1_000_000_000;
    const got = run([0, nWorlds], userScores, fieldScores);
    const pay = new Float64Array(nUser);
    const win = new Float64Array(nUser);
    const top1 = new Float64Array(nUser);
    const cash = new Float64Array(nUser);
    const n = nUser + nField;
    for (let w = 0; w < nWorlds; w++) {
      const all = Array.from({ length: n }, (_, e) => (e < nUser ? userScores[e * nWorlds + w]! : fieldScores[(e - nUser) * nWorlds + w]!));
      for (let i = 0; i < nUser; i++) {
        const s = all[i]!;
        const above = all.filter((x) => x > s).length;
        const tied = all.filter((x) => x === s).length;
        let prize = 0;
        for (let rank = above + 1; rank <= above + tied; rank++) prize += (payouts.prizeCents[rank - 1] ?? 0) / 100;
        pay[i]! += prize / tied;
        if (above === 0) win[i]! += 1 / tied;
        if (above + 1 <= Math.floor(n / 100)) top1[i]! += 1;
        if (prize > 0) cash[i]! += 1;
      }
    }
    for (let i = 0; i < nUser; i++) {
      expect(got.expected_payout[i]).toBeCloseTo(pay[i]! / nWorlds, 9);
      expect(got.win_pct[i]).toBeCloseTo((100 * win[i]!) / nWorlds, 9);
      expect(got.top1_pct[i]).toBe((100 * top1[i]!) / nWorlds);
      expect(got.cash_pct[i]).toBe((100 * cash[i]!) / nWorlds);
      expect(got.roi[i]).toBeCloseTo((pay[i]! / nWorlds - 11.11) / 11.11, 9);
    }
    expect(got.win_pct[1]).toBeGreaterThan(0);
  });
});

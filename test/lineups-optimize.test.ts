// The HiGHS lineup optimizer against brute force and the rules: on small real slates (rows of the embedded 2026-03-15
// DraftKings file) the MIP optimum, and whole sequential builds with uniqueness and exposure limits, equal an
// enumeration of every valid lineup; on the full 107-row slate every constraint holds in every lineup built; the
// infeasible cases name the constraint; candidatePool and greedySelect give hand-computed answers.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixture is a fixed real file and every index below
   is one the test has just built; a miss fails the test either way. */

import { seededRandom as rng } from './helpers.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildLineups,
  candidatePool,
  greedySelect,
  InfeasibleError,
  solveLineup,
  type BuiltLineup,
  type Constraints,
} from '../src/lineups/optimize.ts';
import {
  CAPTAIN_MULTIPLIER,
  CLASSIC,
  SHOWDOWN,
  eligible,
  lineupViolation,
  type PoolPlayer,
  type RosterRules,
} from '../src/lineups/rules.ts';

const DK_FILE = join(import.meta.dirname, '../public/data/pregame/game_date=2026-03-15/DKSalaries.csv');

/** The DraftKings file by a plain comma split (no field of it holds a comma), with each row's season average. */
const slate: { player: PoolPlayer; average: number }[] = readFileSync(DK_FILE, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const f = line.split(',');
    expect(f).toHaveLength(9);
    return {
      player: {
        dkId: Number(f[3]),
        name: f[2]!,
        rosterPositions: f[4]!.split('/'),
        salary: Number(f[5]),
        team: f[7]!,
        game: f[6]!.split(' ')[0]!,
        personKey: f[3]!,
      },
      average: Number(f[8]),
    };
  });
const fullPool = slate.map((r) => r.player);

/**
 * Season averages scaled by a seeded factor in [0.6, 1.4), plus a seeded fraction of a point so that players who
 * average 0 (out injured) differ too: distinct floats, so no two lineups tie and the optimum is one lineup.
 */
function averagesTimesNoise(rows: readonly { average: number }[], seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from(rows, (row) => row.average * (0.6 + 0.8 * r()) + r());
}

/** The slate rows of a pool, in the pool's order. */
const rowsOf = (pool: readonly PoolPlayer[]): { average: number }[] => pool.map((p) => slate.find((row) => row.player === p)!);

/** Three rows of each primary position (the file's Position column), drawn by seed over the whole slate. */
function smallClassic(seed: number): { pool: PoolPlayer[]; values: Float64Array } {
  const r = rng(seed);
  const rows: { player: PoolPlayer; average: number }[] = [];
  for (const pos of ['PG', 'SG', 'SF', 'PF', 'C']) {
    const candidates = slate.filter((row) => row.player.rosterPositions[0] === pos);
    for (let k = 0; k < 3; k++) rows.push(candidates.splice(Math.floor(r() * candidates.length), 1)[0]!);
  }
  return { pool: rows.map((row) => row.player), values: averagesTimesNoise(rows, seed + 1000) };
}

/** One game's five highest-salaried players per team, each as a UTIL row and a CPT row (1.5x salary, another id). */
function smallShowdown(seed: number, game = 'GSW@NYK'): { pool: PoolPlayer[]; values: Float64Array } {
  const r = rng(seed);
  const persons = slate
    .filter((row) => row.player.game === game)
    .sort((a, b) => b.player.salary - a.player.salary)
    .filter((row, _, all) => all.filter((o) => o.player.team === row.player.team).indexOf(row) < 5);
  const pool: PoolPlayer[] = [];
  const values: number[] = [];
  for (const { player, average } of persons) {
    const points = average * (0.6 + 0.8 * r()) + r();
    pool.push({ ...player, rosterPositions: ['UTIL'] });
    values.push(points);
    pool.push({ ...player, dkId: player.dkId + 100_000_000, salary: player.salary * 1.5, rosterPositions: ['CPT'] });
    values.push(points * CAPTAIN_MULTIPLIER);
  }
  return { pool, values: Float64Array.from(values) };
}

/** The rows in some slot order that fits, or null: plain backtracking, independent of the optimizer's own. */
function slotted(rules: RosterRules, players: readonly PoolPlayer[]): PoolPlayer[] | null {
  const out: PoolPlayer[] = [];
  const used = new Set<number>();
  const place = (s: number): boolean => {
    if (s === rules.slots.length) return true;
    for (let i = 0; i < players.length; i++) {
      if (used.has(i) || !eligible(players[i]!, rules.slots[s]!)) continue;
      used.add(i);
      out.push(players[i]!);
      if (place(s + 1)) return true;
      used.delete(i);
      out.pop();
    }
    return false;
  };
  return players.length === rules.slots.length && place(0) ? out : null;
}

interface Enumerated {
  rows: number[];
  value: number;
}

/** Every valid lineup of the pool (as sorted row sets), best first. */
function everyLineup(
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  values: Float64Array,
  keep?: (rows: number[]) => boolean,
): Enumerated[] {
  const out: Enumerated[] = [];
  const size = rules.slots.length;
  const rows: number[] = [];
  const visit = (from: number): void => {
    if (rows.length === size) {
      const order = slotted(
        rules,
        rows.map((i) => pool[i]!),
      );
      if (order !== null && lineupViolation(rules, order) === null && (keep?.(rows) ?? true))
        out.push({ rows: [...rows], value: rows.reduce((s, i) => s + values[i]!, 0) });
      return;
    }
    for (let i = from; i <= pool.length - (size - rows.length); i++) {
      rows.push(i);
      visit(i + 1);
      rows.pop();
    }
  };
  visit(0);
  return out.sort((a, b) => b.value - a.value);
}

/**
 * The sequential build by enumeration, straight from the spec: each lineup is the best valid one that is new, shares
 * at most size - minUnique rows with every earlier one, has nobody at his maxExposure cap, and has everybody whose
 * min exposure needs every lineup left.
 */
function sequentialByEnumeration(
  all: readonly Enumerated[],
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  c: Constraints,
): Enumerated[] {
  const size = rules.slots.length;
  const cap = c.maxExposure === undefined ? c.n : Math.max(1, Math.floor(c.maxExposure * c.n + 1e-9));
  const chosen: Enumerated[] = [];
  const used = new Map<string, number>();
  for (let k = 0; k < c.n; k++) {
    const forced = [...(c.exposures ?? [])]
      .filter(([key, e]) => Math.ceil((e.min ?? 0) * c.n - 1e-9) - (used.get(key) ?? 0) >= c.n - k)
      .map(([key]) => key);
    const next = all.find((l) => {
      const keys = l.rows.map((i) => pool[i]!.personKey);
      if (keys.some((key) => (used.get(key) ?? 0) >= cap)) return false;
      if (!forced.every((key) => keys.includes(key))) return false;
      return chosen.every((p) => p.rows.filter((i) => l.rows.includes(i)).length <= size - (c.minUnique ?? 1));
    });
    if (next === undefined) break;
    chosen.push(next);
    for (const i of next.rows) used.set(pool[i]!.personKey, (used.get(pool[i]!.personKey) ?? 0) + 1);
  }
  return chosen;
}

const sortedRows = (l: BuiltLineup): number[] => [...l.players].sort((a, b) => a - b);

function expectValid(pool: readonly PoolPlayer[], rules: RosterRules, lineups: readonly BuiltLineup[]): void {
  for (const l of lineups) {
    expect(
      lineupViolation(
        rules,
        l.players.map((i) => pool[i]!),
      ),
    ).toBeNull();
    expect(l.salary).toBe(l.players.reduce((s, i) => s + pool[i]!.salary, 0));
  }
}

const countOf = (pool: readonly PoolPlayer[], lineups: readonly BuiltLineup[], pred: (p: PoolPlayer) => boolean): number[] =>
  lineups.map((l) => l.players.filter((i) => pred(pool[i]!)).length);

describe('the MIP optimum equals brute-force enumeration', () => {
  it.each([1, 2, 3, 4, 5])('classic, 15 players over 3 games, seed %i', async (seed) => {
    const { pool, values } = smallClassic(seed);
    expect(new Set(pool.map((p) => p.game)).size).toBe(3);
    const all = everyLineup(pool, CLASSIC, values);
    const best = await solveLineup(pool, CLASSIC, values, { n: 1 }, []);
    expect(best).not.toBeNull();
    expectValid(pool, CLASSIC, [best!]);
    expect(best!.objective).toBeCloseTo(all[0]!.value, 9);
    expect(sortedRows(best!)).toEqual(all[0]!.rows);
  });

  it.each([1, 2, 3])('showdown, 10 players of one game (20 rows), seed %i', async (seed) => {
    const { pool, values } = smallShowdown(seed);
    const all = everyLineup(pool, SHOWDOWN, values);
    const best = await solveLineup(pool, SHOWDOWN, values, { n: 1 }, []);
    expectValid(pool, SHOWDOWN, [best!]);
    expect(pool[best!.players[0]!]!.rosterPositions).toEqual(['CPT']);
    expect(best!.objective).toBeCloseTo(all[0]!.value, 9);
  });

  it('the salary cap binds: values that follow salary', async () => {
    const { pool } = smallClassic(13);
    const r = rng(7);
    const values = Float64Array.from(pool, (p) => p.salary / 1000 + r());
    // without the cap the best eight would cost more than 50000
    const unconstrained = everyLineup(pool, { ...CLASSIC, salaryCap: Infinity }, values);
    expect(unconstrained[0]!.rows.reduce((s, i) => s + pool[i]!.salary, 0)).toBeGreaterThan(50000);
    const all = everyLineup(pool, CLASSIC, values);
    const best = await solveLineup(pool, CLASSIC, values, { n: 1 }, []);
    expect(best!.objective).toBeCloseTo(all[0]!.value, 9);
    expect(best!.salary).toBeLessThanOrEqual(50000);
    expect(best!.salary).toBeGreaterThan(49000);
  });

  it('with minSalary and maxPerTeam, against enumeration filtered the same way', async () => {
    const { pool, values } = smallClassic(13);
    const teamsOk = (rows: number[]): boolean => {
      const per = new Map<string, number>();
      for (const i of rows) per.set(pool[i]!.team, (per.get(pool[i]!.team) ?? 0) + 1);
      return Math.max(...per.values()) <= 2;
    };
    const salary = (rows: number[]): number => rows.reduce((s, i) => s + pool[i]!.salary, 0);
    const all = everyLineup(pool, CLASSIC, values, (rows) => teamsOk(rows) && salary(rows) >= 45000);
    const best = await solveLineup(pool, CLASSIC, values, { n: 1, minSalary: 45000, maxPerTeam: 2 }, []);
    expect(best!.objective).toBeCloseTo(all[0]!.value, 9);
  });
});

/** The build's lineups, or those it had built when it ran out (InfeasibleError.built). */
async function builtOrPartial(
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  values: Float64Array,
  c: Constraints,
): Promise<readonly BuiltLineup[]> {
  try {
    return await buildLineups(pool, rules, values, c);
  } catch (e) {
    if (!(e instanceof InfeasibleError)) throw e;
    return e.built;
  }
}

describe('sequential builds equal the same build by enumeration', () => {
  it.each([
    ['the 40 best classic lineups in order', 21, { n: 40 }],
    ['minUnique 3', 22, { n: 12, minUnique: 3 }],
    ['maxExposure 0.7', 13, { n: 10, maxExposure: 0.7 }],
    // 15 players cannot fill 10 lineups at 4 each: the build stops where the enumeration does
    ['maxExposure 0.4, running out after a few', 23, { n: 10, maxExposure: 0.4 }],
  ] as const)('classic: %s', async (_, seed, c) => {
    const { pool, values } = smallClassic(seed);
    const all = everyLineup(pool, CLASSIC, values);
    const built = await builtOrPartial(pool, CLASSIC, values, c);
    const expected = sequentialByEnumeration(all, pool, CLASSIC, c);
    expect(built).toHaveLength(expected.length);
    expectValid(pool, CLASSIC, built);
    built.forEach((l, k) => {
      expect(l.objective).toBeCloseTo(expected[k]!.value, 9);
      expect(sortedRows(l)).toEqual(expected[k]!.rows);
    });
  });

  it('classic with a min exposure forced in once the lineups left need him every time', async () => {
    const { pool, values } = smallClassic(24);
    const all = everyLineup(pool, CLASSIC, values);
    // the player in the fewest of the 200 best lineups, asked for in 60% of 10
    const inTop = (i: number): number => all.slice(0, 200).filter((l) => l.rows.includes(i)).length;
    const rare = [...pool.keys()].sort((a, b) => inTop(a) - inTop(b))[0]!;
    const c: Constraints = { n: 10, exposures: new Map([[pool[rare]!.personKey, { min: 0.6 }]]) };
    const built = await buildLineups(pool, CLASSIC, values, c);
    const expected = sequentialByEnumeration(all, pool, CLASSIC, c);
    expect(built).toHaveLength(expected.length);
    built.forEach((l, k) => expect(l.objective).toBeCloseTo(expected[k]!.value, 9));
    expect(built.filter((l) => l.players.includes(rare)).length).toBeGreaterThanOrEqual(6);
  });

  it('showdown: the 30 best lineups, and minUnique 2 with maxExposure 0.75', async () => {
    const { pool, values } = smallShowdown(5);
    const all = everyLineup(pool, SHOWDOWN, values);
    for (const c of [{ n: 30 }, { n: 8, minUnique: 2, maxExposure: 0.75 }] as const) {
      const built = await buildLineups(pool, SHOWDOWN, values, c);
      const expected = sequentialByEnumeration(all, pool, SHOWDOWN, c);
      expectValid(pool, SHOWDOWN, built);
      expect(built.map(sortedRows)).toEqual(expected.map((l) => l.rows));
    }
  });
});

describe('constraints on the full 2026-03-15 slate (107 rows)', () => {
  const values = averagesTimesNoise(slate, 42);
  const byValue = [...fullPool.keys()].sort((a, b) => values[b]! - values[a]!);
  const keyOf = (i: number): string => fullPool[i]!.personKey;
  const uses = (lineups: readonly BuiltLineup[], key: string): number =>
    lineups.filter((l) => l.players.some((i) => keyOf(i) === key)).length;

  it('150 lineups: valid, all different, objectives non-increasing', async () => {
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 150 });
    expect(built).toHaveLength(150);
    expectValid(fullPool, CLASSIC, built);
    expect(new Set(built.map((l) => sortedRows(l).join())).size).toBe(150);
    for (let k = 1; k < built.length; k++) expect(built[k]!.objective).toBeLessThanOrEqual(built[k - 1]!.objective);
  });

  it('the same inputs give the same lineups', async () => {
    const c: Constraints = { n: 30, maxExposure: 0.5, gameStacks: [{ min: 3 }] };
    expect(await buildLineups(fullPool, CLASSIC, values, c)).toEqual(await buildLineups(fullPool, CLASSIC, values, c));
  });

  it('maxExposure 0.3 over 20 with minUnique 2: the same lineups as one MIP per lineup with uniqueness rows', async () => {
    const c: Constraints = { n: 20, maxExposure: 0.3, minUnique: 2 };
    const built = await buildLineups(fullPool, CLASSIC, values, c);
    expectValid(fullPool, CLASSIC, built);
    for (const key of new Set(fullPool.map((p) => p.personKey))) expect(uses(built, key)).toBeLessThanOrEqual(6);
    // the reference: lineup k is solveLineup given lineups 0..k-1, the plain sequential model
    const reference: BuiltLineup[] = [];
    for (let k = 0; k < c.n; k++)
      reference.push(
        (await solveLineup(
          fullPool,
          CLASSIC,
          values,
          c,
          reference.map((l) => l.players),
        ))!,
      );
    built.forEach((l, k) => expect(l.objective).toBeCloseTo(reference[k]!.objective, 9));
  });

  it('minSalary 49900', async () => {
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 5, minSalary: 49900 });
    expectValid(fullPool, CLASSIC, built);
    for (const l of built) expect(l.salary).toBeGreaterThanOrEqual(49900);
  });

  it('per-player exposures: a min of 0.5 and a max of 0.2 over 10', async () => {
    const plain = await buildLineups(fullPool, CLASSIC, values, { n: 10 });
    const unused = byValue.map(keyOf).find((key) => uses(plain, key) === 0)!;
    const mostUsed = byValue.map(keyOf).sort((a, b) => uses(plain, b) - uses(plain, a))[0]!;
    expect(uses(plain, mostUsed)).toBeGreaterThan(2);
    const exposures = new Map([
      [unused, { min: 0.5 }],
      [mostUsed, { max: 0.2 }],
    ]);
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 10, exposures });
    expectValid(fullPool, CLASSIC, built);
    expect(uses(built, unused)).toBeGreaterThanOrEqual(5);
    expect(uses(built, mostUsed)).toBeLessThanOrEqual(2);
  });

  it('locks and excludes', async () => {
    const best = keyOf(byValue[0]!);
    const locks = [keyOf(byValue[60]!), keyOf(byValue[80]!)];
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 5, locks, excludes: [best] });
    expectValid(fullPool, CLASSIC, built);
    for (const l of built) {
      const keys = l.players.map(keyOf);
      expect(keys).toEqual(expect.arrayContaining(locks));
      expect(keys).not.toContain(best);
    }
  });

  it('a team stack of 3 from GSW and a game stack of 4 with a bring-back of 1', async () => {
    const built = await buildLineups(fullPool, CLASSIC, values, {
      n: 5,
      teamStacks: [{ team: 'GSW', min: 3 }],
      gameStacks: [{ min: 4, bringBack: 1 }],
    });
    expectValid(fullPool, CLASSIC, built);
    expect(Math.min(...countOf(fullPool, built, (p) => p.team === 'GSW'))).toBeGreaterThanOrEqual(3);
    for (const l of built) {
      const stacked = [...new Set(l.players.map((i) => fullPool[i]!.game))].some((game) => {
        const inGame = l.players.map((i) => fullPool[i]!).filter((p) => p.game === game);
        const [away, home] = game.split('@');
        return inGame.length >= 4 && inGame.some((p) => p.team === away) && inGame.some((p) => p.team === home);
      });
      expect(stacked).toBe(true);
    }
  });

  it('two unnamed team stacks (3 and 2) land on different teams', async () => {
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 3, teamStacks: [{ min: 3 }, { min: 2 }] });
    for (const l of built) {
      const perTeam = new Map<string, number>();
      for (const i of l.players) perTeam.set(fullPool[i]!.team, (perTeam.get(fullPool[i]!.team) ?? 0) + 1);
      const sizes = [...perTeam.values()].sort((a, b) => b - a);
      expect(sizes[0]).toBeGreaterThanOrEqual(3);
      expect(sizes[1]).toBeGreaterThanOrEqual(2);
    }
  });

  it('maxPerTeam 2', async () => {
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 5, maxPerTeam: 2 });
    for (const team of new Set(fullPool.map((p) => p.team)))
      expect(Math.max(...countOf(fullPool, built, (p) => p.team === team))).toBeLessThanOrEqual(2);
  });

  it('minUnique 3: every two lineups differ in at least 3 players', async () => {
    const built = await buildLineups(fullPool, CLASSIC, values, { n: 10, minUnique: 3 });
    expectValid(fullPool, CLASSIC, built);
    for (let a = 0; a < built.length; a++)
      for (let b = a + 1; b < built.length; b++)
        expect(built[a]!.players.filter((i) => built[b]!.players.includes(i)).length).toBeLessThanOrEqual(5);
  });
});

describe('infeasible and malformed constraints', () => {
  const values = averagesTimesNoise(slate, 42);
  const centersOnly = fullPool.filter((p) => p.rosterPositions.join('/') === 'C/UTIL').map((p) => p.personKey);

  async function infeasible(pool: readonly PoolPlayer[], rules: RosterRules, v: Float64Array, c: Constraints): Promise<InfeasibleError> {
    const e: unknown = await buildLineups(pool, rules, v, c).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(InfeasibleError);
    return e as InfeasibleError;
  }

  it('minSalary 50001 is above the cap', async () => {
    const e = await infeasible(fullPool, CLASSIC, values, { n: 1, minSalary: 50001 });
    expect(e.constraint).toBe('minSalary');
    expect(e.message).toMatch(/minSalary 50001/);
  });

  it('three locked centers who can play only C or UTIL: the locks', async () => {
    // minSalary alone is satisfiable, so the deletion filter drops it from the explanation
    const e = await infeasible(fullPool, CLASSIC, values, { n: 1, locks: centersOnly.slice(0, 3), minSalary: 40000 });
    expect(e.constraint).toBe('locks');
    expect(e.message).toMatch(/^no classic lineup satisfies locks: /);
  });

  it('a team stack of 3 with at most 2 per team: both are named', async () => {
    const e = await infeasible(fullPool, CLASSIC, values, { n: 1, maxPerTeam: 2, teamStacks: [{ team: 'GSW', min: 3 }], minSalary: 40000 });
    expect(e.constraint).toBe('maxPerTeam + teamStacks[0]');
  });

  it('maxExposure runs out mid-build: the error names it and keeps the lineups already built', async () => {
    const { pool, values: v } = smallShowdown(3);
    const e = await infeasible(pool, SHOWDOWN, v, { n: 20, maxExposure: 0.1 });
    expect(e.constraint).toMatch(/maxExposure/);
    expect(e.message).toMatch(/^lineup \d+ of 20: /);
    expect(e.built.length).toBeGreaterThan(0);
    expectValid(pool, SHOWDOWN, e.built);
  });

  it('a classic pool of one game cannot make any lineup: the roster', async () => {
    const pool = fullPool.filter((p) => p.game === 'GSW@NYK');
    const e = await infeasible(pool, CLASSIC, values.slice(0, pool.length), { n: 1 });
    expect(e.constraint).toBe('roster');
  });

  it('malformed constraints name the field and value', async () => {
    const key = fullPool[0]!.personKey;
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 0 })).rejects.toThrow(/constraints\.n 0/);
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 2.5 })).rejects.toThrow(/constraints\.n 2\.5/);
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 1, maxExposure: 1.5 })).rejects.toThrow(/maxExposure 1\.5/);
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 1, locks: ['nobody'] })).rejects.toThrow(/locks: unknown personKey "nobody"/);
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 1, exposures: new Map([[key, { min: -0.1 }]]) })).rejects.toThrow(
      /exposures "\d+"\.min -0\.1/,
    );
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 1, minUnique: 9 })).rejects.toThrow(/minUnique 9/);
    await expect(buildLineups(fullPool, CLASSIC, values, { n: 1, teamStacks: [{ team: 'BOS', min: 2 }] })).rejects.toThrow(/"BOS"/);
    await expect(buildLineups(fullPool, CLASSIC, new Float64Array(3), { n: 1 })).rejects.toThrow(/values has 3 entries/);
    const both = await infeasible(fullPool, CLASSIC, values, { n: 1, locks: [key], excludes: [key] });
    expect(both.constraint).toBe('locks + excludes');
  });
});

describe('candidatePool', () => {
  it('the optimum of each world, deduplicated with counts, by count and then lexicographically', async () => {
    const { pool } = smallClassic(31);
    const worlds = [0, 1, 2].map((w) => averagesTimesNoise(rowsOf(pool), 500 + w));
    const optimum = worlds.map((v) => everyLineup(pool, CLASSIC, v)[0]!.rows);
    expect(new Set(optimum.map((rows) => rows.join())).size).toBe(3);
    const order = [0, 1, 0, 2, 0, 1];
    const found = await candidatePool(pool, CLASSIC, (w) => worlds[order[w]!]!, order.length, { n: 1 });
    expect(found.map((f) => f.count)).toEqual([3, 2, 1]);
    expect(found.map((f) => [...f.lineup].sort((a, b) => a - b))).toEqual(optimum);
    for (const f of found)
      expect(
        lineupViolation(
          CLASSIC,
          f.lineup.map((i) => pool[i]!),
        ),
      ).toBeNull();

    const ties = await candidatePool(pool, CLASSIC, (w) => worlds[w + 1]!, 2, { n: 1 });
    expect(ties.map((f) => f.count)).toEqual([1, 1]);
    const [a, b] = ties.map((f) => f.lineup);
    const firstDiff = a!.findIndex((x, s) => x !== b![s]);
    expect(a![firstDiff]!).toBeLessThan(b![firstDiff]!);
  });

  it('keeps locks in every world', async () => {
    const { pool, values } = smallClassic(32);
    const all = everyLineup(pool, CLASSIC, values);
    const rare = [...pool.keys()].find((i) => !all[0]!.rows.includes(i) && all.some((l) => l.rows.includes(i)))!;
    const found = await candidatePool(pool, CLASSIC, () => values, 2, { n: 1, locks: [pool[rare]!.personKey] });
    expect(found).toHaveLength(1);
    expect(found[0]!.count).toBe(2);
    expect(found[0]!.lineup).toContain(rare);
  });
});

describe('greedySelect', () => {
  // 4 candidates x 4 worlds. Means: 5, 5, 6, 6. First pick: 2 (6, ties 3, lower index). Best per world is then
  // [8,8,8,0]; adding 0 gives 28, 1 gives 36, 3 gives 30: second pick 1.
  const scores = Int32Array.from([10, 10, 0, 0, 0, 0, 10, 10, 8, 8, 8, 0, 6, 6, 6, 6]);
  const pool = fullPool;
  const apart = (start: number): number[] => Array.from({ length: 8 }, (_, s) => start + s);
  const lineups = [apart(0), apart(8), apart(16), apart(24)];

  it('maximises the expected best-of-set score, ties to the lower index', () => {
    expect(greedySelect(scores, 4, 4, 2, lineups, pool, { n: 2 })).toEqual([2, 1]);
  });

  it('skips a candidate too close to a chosen one (minUnique) or over an exposure cap', () => {
    // candidate 1 shares 6 rows with candidate 2: with minUnique 3 (at most 5 shared) the second pick is 3 (30 > 28)
    const close = [apart(0), [...apart(16).slice(0, 6), 8, 9], apart(16), apart(24)];
    expect(greedySelect(scores, 4, 4, 2, close, pool, { n: 2, minUnique: 3 })).toEqual([2, 3]);
    // candidate 1 shares one person with candidate 2: with at most 1 of 2 lineups each, 1 is out
    const shared = [apart(0), [16, ...apart(9).slice(0, 7)], apart(16), apart(24)];
    expect(greedySelect(scores, 4, 4, 2, shared, pool, { n: 2, maxExposure: 0.5 })).toEqual([2, 3]);
    const own = new Map([[pool[16]!.personKey, { max: 0.5 }]]);
    expect(greedySelect(scores, 4, 4, 2, shared, pool, { n: 2, exposures: own })).toEqual([2, 3]);
  });

  it('returns fewer when the candidates run out', () => {
    // after 2 and 1 the best per world is [8,8,10,10]: 0 still adds 4, 3 adds nothing
    expect(greedySelect(scores, 4, 4, 6, lineups, pool, { n: 6 })).toEqual([2, 1, 0, 3]);
  });

  it('with a payout: only a score of 10 pays, so the first two picks cover the 10s', () => {
    const topOnly = (_world: number, score: number): number => (score >= 10 ? 1 : 0);
    expect(greedySelect(scores, 4, 4, 2, lineups, pool, { n: 2 }, topOnly)).toEqual([0, 1]);
  });
});

// DraftKings lineup optimizer: each lineup is an exact mixed-integer program solved by HiGHS (compiled to
// WebAssembly, the `highs` package), sequential builds for n lineups under uniqueness and exposure limits, and
// two sim-aware helpers (the optimal lineup of each sampled world; a greedy best-of-set pick over worlds).
//
// Model, per solve (CPLEX LP text, one fresh HiGHS model per solve):
//   x_i binary: pool row i is in the lineup; the objective is sum values_i x_i.
//   Slots without slot variables: the chosen rows can be assigned to the slots exactly when, for every set S of slot
//   types, at least |S| chosen rows (counting slot multiplicity: showdown has UTIL five times) are eligible for a
//   type in S (Hall's theorem). That is one linear row per set of slot types (at most 2^8 for classic, fewer after
//   merging sets with the same eligible rows), with the same LP relaxation as slot-assignment variables y_{i,s}
//   but a third of the columns, and no symmetric y solutions for the branch-and-bound to wade through. The slot
//   order returned is computed afterwards from the chosen rows (`slotOrder`).
//   sum x = roster size; a person's rows (his CPT and UTIL) at most once; salary <= cap;
//   classic: binary z_g <= sum of x in game g, sum z_g >= minGames; showdown: binary per team likewise for
//   minTeams, and one game (binary per game) when the pool has more than one.
// Every constraint the caller asks for is a "family" of rows (locks, minSalary, teamStacks[0], ...) so that an
// infeasible model can be explained by re-solving with families dropped (a deletion filter, `explain`).
//
// Determinism: every LP text is a pure function of the inputs, this HiGHS build is single-threaded with a fixed
// random seed, and the search in buildLineups visits subproblems in a fixed order, so the same inputs give the same
// lineups. No tie-break term is added to the objective: one small enough never to change a true optimum would sit
// below HiGHS's own optimality tolerances and not be honoured, so among exactly tied lineups the one returned is a
// stable but unspecified choice (HiGHS's, or the older subproblem's), not one defined by pool index.

import type { Highs, OptionValue } from 'highs';
import { eligible, lineupViolation, type PoolPlayer, type RosterRules } from './rules.ts';

export interface ExposureRange {
  /** fraction of n: the player is in at least ceil(min*n) lineups */
  readonly min?: number;
  /** fraction of n: the player is in at most floor(max*n) lineups (0 keeps him out); overrides maxExposure */
  readonly max?: number;
}

export interface TeamStack {
  /** DraftKings team abbreviation; undefined: some one team, chosen by the optimizer */
  readonly team?: string;
  readonly min: number;
}

export interface GameStack {
  /** `AWAY@HOME`; undefined: some one game, chosen by the optimizer */
  readonly game?: string;
  /** players from the game, both teams together */
  readonly min: number;
  /** players from each of the game's two teams (default 0) */
  readonly bringBack?: number;
}

export interface Constraints {
  /** lineups to build */
  readonly n: number;
  /** lineup salary >= this */
  readonly minSalary?: number;
  /** 0..1: every person in at most max(1, floor(maxExposure*n)) lineups */
  readonly maxExposure?: number;
  /** per person (personKey), fractions of n; a max here replaces maxExposure for that person */
  readonly exposures?: ReadonlyMap<string, ExposureRange>;
  /** personKeys in every lineup (showdown: as captain or utility) */
  readonly locks?: readonly string[];
  /** personKeys never used */
  readonly excludes?: readonly string[];
  /** at most this many players from one team */
  readonly maxPerTeam?: number;
  /** each entry: at least min from one team; unnamed entries are met by different teams (so [{min:3},{min:2}] is a 3-2) */
  readonly teamStacks?: readonly TeamStack[];
  /** each entry: at least min from one game with at least bringBack from each of its teams; unnamed entries use different games */
  readonly gameStacks?: readonly GameStack[];
  /** every two built lineups differ in at least this many pool rows (default 1: no duplicate lineups) */
  readonly minUnique?: number;
}

export interface BuiltLineup {
  /** pool indices in slot order (rules.slots) */
  readonly players: number[];
  readonly salary: number;
  /** sum of values over the lineup's rows */
  readonly objective: number;
}

/** What earlier lineups of the same build have used, for exposure limits. */
export interface Usage {
  /** lineups each person (personKey) is already in */
  readonly counts: ReadonlyMap<string, number>;
  /** lineups already built, of c.n */
  readonly built: number;
}

/**
 * No lineup satisfies the constraints. `constraint` names the families that together make it infeasible (keys
 * joined with ' + ', e.g. 'minSalary', 'locks', 'maxPerTeam + teamStacks[0]'; 'roster' when the pool cannot fill
 * a lineup at all); `built` holds the lineups a build had finished before it got stuck.
 */
export class InfeasibleError extends Error {
  override readonly name = 'InfeasibleError';
  constructor(
    readonly constraint: string,
    message: string,
    readonly built: readonly BuiltLineup[] = [],
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HiGHS

let highsLoading: Promise<Highs> | undefined;

/** One HiGHS runtime per process, loaded on first use (Node finds highs.wasm beside the loader, no locateFile). */
function highs(): Promise<Highs> {
  highsLoading ??= import('highs')
    .then((m) => m.default())
    .catch((e: unknown) => {
      // A failed load is not cached: the next call tries again.
      highsLoading = undefined;
      throw e;
    });
  return highsLoading;
}

const SOLVE_OPTIONS: Readonly<Record<string, OptionValue>> = {
  output_flag: false,
  // The default relative gap (1e-4) would accept lineups a few hundredths of a point below the optimum; a lineup
  // optimizer must return the optimum itself.
  mip_rel_gap: 0,
  mip_abs_gap: 1e-9,
  // Measured on the 107-row 2026-03-15 slate (first lineup and lineups 5..55 of a sequential build): HiGHS's
  // primal heuristics, symmetry detection, restarts and cut separation below the root cost more than they save on
  // these small models (first solve 255 ms -> 20 ms; later ones ~220 -> ~70 ms CPU), and the optima are the same.
  mip_heuristic_effort: 0,
  mip_heuristic_run_feasibility_jump: false,
  mip_heuristic_run_root_reduced_cost: false,
  mip_heuristic_run_rins: false,
  mip_heuristic_run_rens: false,
  mip_detect_symmetry: false,
  mip_allow_restart: false,
  mip_allow_cut_separation_at_nodes: false,
};

// ---------------------------------------------------------------------------------------------------------------
// The model as families of rows

/**
 * [coefficient, variable name, pool row (-1: an auxiliary variable)]: a term with a pool row is that row's binary x,
 * and drops out when a family bans the row.
 */
type Term = readonly [number, string, number];

interface LinearRow {
  readonly terms: readonly Term[];
  readonly sense: '<=' | '>=' | '=';
  readonly rhs: number;
}

interface Family {
  /** 'roster', 'locks', 'teamStacks[0]', ... */
  readonly key: string;
  /** the family in words, for InfeasibleError */
  readonly text: string;
  readonly rows: readonly LinearRow[];
  /** auxiliary binaries this family introduces */
  readonly binaries: readonly string[];
  /** pool rows this family keeps out of the lineup */
  readonly banned: readonly number[];
}

const xVar = (i: number): Term => [1, `x${i}`, i];

/** The pool's structure, computed once per (pool, rules). */
interface Slate {
  readonly pool: readonly PoolPlayer[];
  readonly rules: RosterRules;
  /** distinct slot names with how many slots of each */
  readonly slotTypes: readonly { readonly name: string; readonly count: number }[];
  /** per pool row, the slot types (indices into slotTypes) it can fill */
  readonly rowTypes: readonly (readonly number[])[];
  readonly persons: ReadonlyMap<string, readonly number[]>;
  readonly teams: ReadonlyMap<string, readonly number[]>;
  readonly games: ReadonlyMap<string, readonly number[]>;
  /** DraftKings' own rules, always on */
  readonly roster: Family;
}

function groupRows(pool: readonly PoolPlayer[], keyOf: (p: PoolPlayer) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  pool.forEach((p, i) => {
    const k = keyOf(p);
    const rows = groups.get(k);
    if (rows === undefined) groups.set(k, [i]);
    else rows.push(i);
  });
  return groups;
}

function slateOf(pool: readonly PoolPlayer[], rules: RosterRules): Slate {
  const slotTypes: { name: string; count: number }[] = [];
  for (const name of rules.slots) {
    const t = slotTypes.find((s) => s.name === name);
    if (t === undefined) slotTypes.push({ name, count: 1 });
    else t.count++;
  }
  const rowTypes = pool.map((p) => slotTypes.flatMap((t, k) => (eligible(p, t.name) ? [k] : [])));
  const persons = groupRows(pool, (p) => p.personKey);
  const teams = groupRows(pool, (p) => p.team);
  const games = groupRows(pool, (p) => p.game);
  const size = rules.slots.length;

  const rows: LinearRow[] = [];
  const binaries: string[] = [];
  // A row that fits no slot type can never be in a lineup.
  const banned = rowTypes.flatMap((types, i) => (types.length === 0 ? [i] : []));
  // Hall's condition: for every set S of slot types, the lineup has at least as many rows eligible for some type
  // in S as S has slots. Sets whose eligible rows are the whole pool are implied by the roster size; sets with the
  // same eligible rows keep only the largest demand.
  const hall = new Map<string, { rows: number[]; demand: number }>();
  for (let mask = 1; mask < 1 << slotTypes.length; mask++) {
    const demand = slotTypes.reduce((d, t, k) => (mask & (1 << k) ? d + t.count : d), 0);
    const eligibleRows = rowTypes.flatMap((types, i) => (types.some((k) => mask & (1 << k)) ? [i] : []));
    if (eligibleRows.length === pool.length) continue;
    const key = eligibleRows.join(',');
    const before = hall.get(key);
    if (before === undefined || before.demand < demand) hall.set(key, { rows: eligibleRows, demand });
  }
  for (const { rows: eligibleRows, demand } of hall.values()) rows.push({ terms: eligibleRows.map(xVar), sense: '>=', rhs: demand });
  rows.push({ terms: pool.map((_, i) => xVar(i)), sense: '=', rhs: size });
  for (const personRows of persons.values()) if (personRows.length > 1) rows.push({ terms: personRows.map(xVar), sense: '<=', rhs: 1 });
  rows.push({ terms: pool.map((p, i): Term => [p.salary, `x${i}`, i]), sense: '<=', rhs: rules.salaryCap });

  // "players from at least k groups": a binary per group that may be 1 only when the group has a player.
  const atLeastGroups = (prefix: string, groups: ReadonlyMap<string, readonly number[]>, k: number): void => {
    const flags: Term[] = [];
    let g = 0;
    for (const groupRows of groups.values()) {
      const flag = `${prefix}${g++}`;
      binaries.push(flag);
      flags.push([1, flag, -1]);
      rows.push({ terms: [[1, flag, -1], ...groupRows.map((i): Term => [-1, `x${i}`, i])], sense: '<=', rhs: 0 });
    }
    rows.push({ terms: flags, sense: '>=', rhs: k });
  };
  if (rules.minGames > 1) atLeastGroups('game', games, rules.minGames);
  if (rules.minTeams > 1) atLeastGroups('team', teams, rules.minTeams);
  if (rules.type === 'showdown' && games.size > 1) {
    // one game: a binary per game, exactly one on, and only that game's rows may be used
    const flags: Term[] = [];
    let g = 0;
    for (const gameRows of games.values()) {
      const flag = `onegame${g++}`;
      binaries.push(flag);
      flags.push([1, flag, -1]);
      rows.push({ terms: [...gameRows.map(xVar), [-size, flag, -1]], sense: '<=', rhs: 0 });
    }
    rows.push({ terms: flags, sense: '=', rhs: 1 });
  }
  const roster: Family = { key: 'roster', text: rosterText(rules), rows, binaries, banned };
  return { pool, rules, slotTypes, rowTypes, persons, teams, games, roster };
}

function rosterText(rules: RosterRules): string {
  const spread = rules.type === 'classic' ? `players from at least ${rules.minGames} games` : `both teams of one game`;
  return `the ${rules.type} roster (${rules.slots.join(',')}, salary cap ${rules.salaryCap}, ${spread})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Constraint checks and counts

/** Exposure limits in lineups (not fractions) for a build of n. */
interface ExposureCounts {
  /** the maxExposure limit in lineups (n when there is none) */
  readonly globalMax: number;
  /** most lineups a person may be in (n when unlimited) */
  readonly maxOf: (personKey: string) => number;
  /** fewest lineups a person must be in */
  readonly minOf: (personKey: string) => number;
}

// Fractions times n land a hair off integers (0.29*100 = 28.999999999999996); counts are integers.
const EPS = 1e-9;

function exposureCounts(c: Constraints, n: number): ExposureCounts {
  const globalMax = c.maxExposure === undefined ? n : Math.max(1, Math.floor(c.maxExposure * n + EPS));
  return {
    globalMax,
    maxOf: (key) => {
      const max = c.exposures?.get(key)?.max;
      return max === undefined ? globalMax : Math.floor(max * n + EPS);
    },
    minOf: (key) => {
      const min = c.exposures?.get(key)?.min;
      return min === undefined ? 0 : Math.ceil(min * n - EPS);
    },
  };
}

const isFraction = (v: number): boolean => Number.isFinite(v) && v >= 0 && v <= 1;

function nameOf(slate: Slate, personKey: string): string {
  const row = slate.persons.get(personKey)?.[0];
  return row === undefined ? personKey : (slate.pool[row]?.name ?? personKey);
}

/**
 * Checks the constraints before any solve: malformed values are RangeErrors naming the field and value;
 * contradictions that need no solver (a lock that is also an exclude, minSalary above the cap, a min exposure above
 * the max) are InfeasibleErrors.
 */
function checkConstraints(slate: Slate, c: Constraints, values: Float64Array | null): void {
  const { pool, rules } = slate;
  const size = rules.slots.length;
  const known = (field: string, key: string): void => {
    if (!slate.persons.has(key)) throw new RangeError(`constraints.${field}: unknown personKey "${key}" (not in the pool)`);
  };
  const integerIn = (field: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`constraints.${field} ${v} must be an integer in ${lo}..${hi}`);
  };
  if (values !== null) {
    if (values.length !== pool.length) throw new RangeError(`values has ${values.length} entries, the pool has ${pool.length} rows`);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`values[${bad}] is ${values[bad]}, values must be finite`);
  }
  if (!Number.isInteger(c.n) || c.n < 1) throw new RangeError(`constraints.n ${c.n} must be an integer >= 1`);
  if (c.minSalary !== undefined) {
    if (!Number.isFinite(c.minSalary)) throw new RangeError(`constraints.minSalary ${c.minSalary} must be a finite number`);
    if (c.minSalary > rules.salaryCap)
      throw new InfeasibleError('minSalary', `minSalary ${c.minSalary} is above the salary cap of ${rules.salaryCap}`);
  }
  if (c.maxExposure !== undefined && !isFraction(c.maxExposure))
    throw new RangeError(`constraints.maxExposure ${c.maxExposure} must be a fraction in 0..1`);
  for (const key of c.locks ?? []) known('locks', key);
  for (const key of c.excludes ?? []) known('excludes', key);
  const excluded = new Set(c.excludes ?? []);
  for (const key of c.locks ?? [])
    if (excluded.has(key)) throw new InfeasibleError('locks + excludes', `locks and excludes both name ${nameOf(slate, key)} ("${key}")`);
  const counts = exposureCounts(c, c.n);
  let minTotal = 0;
  for (const [key, range] of c.exposures ?? []) {
    known('exposures', key);
    for (const side of ['min', 'max'] as const) {
      const v = range[side];
      if (v !== undefined && !isFraction(v)) throw new RangeError(`constraints.exposures "${key}".${side} ${v} must be a fraction in 0..1`);
    }
    const lo = counts.minOf(key);
    const hi = counts.maxOf(key);
    if (lo > hi) {
      const limit = range.max !== undefined ? `exposures max ${range.max}` : `maxExposure ${c.maxExposure ?? 1}`;
      throw new InfeasibleError(
        range.max !== undefined ? 'exposures' : 'exposures + maxExposure',
        `exposures: ${nameOf(slate, key)} ("${key}") needs ${lo} of ${c.n} lineups (min ${range.min ?? 0}) but ${limit} allows ${hi}`,
      );
    }
    minTotal += lo;
  }
  if (minTotal > size * c.n)
    throw new InfeasibleError('exposures', `exposures: the min exposures need ${minTotal} places, ${c.n} lineups have ${size * c.n}`);
  for (const key of c.locks ?? []) {
    const hi = counts.maxOf(key);
    if (hi < c.n) {
      const limit = c.exposures?.get(key)?.max !== undefined ? 'exposures' : 'maxExposure';
      throw new InfeasibleError(
        `locks + ${limit}`,
        `locks: ${nameOf(slate, key)} ("${key}") is locked into all ${c.n} lineups but ${limit} allows ${hi}`,
      );
    }
  }
  if (c.maxPerTeam !== undefined) integerIn('maxPerTeam', c.maxPerTeam, 1, size);
  (c.teamStacks ?? []).forEach((s, e) => {
    integerIn(`teamStacks[${e}].min`, s.min, 1, size);
    if (s.team !== undefined && !slate.teams.has(s.team))
      throw new RangeError(`constraints.teamStacks[${e}].team "${s.team}" has no player in the pool`);
  });
  (c.gameStacks ?? []).forEach((s, e) => {
    integerIn(`gameStacks[${e}].min`, s.min, 1, size);
    if (s.bringBack !== undefined) integerIn(`gameStacks[${e}].bringBack`, s.bringBack, 0, size);
    if (s.game !== undefined && !slate.games.has(s.game))
      throw new RangeError(`constraints.gameStacks[${e}].game "${s.game}" has no player in the pool`);
  });
  if (c.minUnique !== undefined) integerIn('minUnique', c.minUnique, 1, size);
}

// ---------------------------------------------------------------------------------------------------------------
// Families from the constraints

function personRows(slate: Slate, keys: Iterable<string>): number[] {
  return [...keys].flatMap((k) => slate.persons.get(k) ?? []);
}

/** The two teams of a game: from `AWAY@HOME`, and whichever teams its rows carry. */
function teamsOfGame(slate: Slate, game: string): string[] {
  const teams = new Set(game.split('@').length === 2 ? game.split('@') : []);
  for (const i of slate.games.get(game) ?? []) teams.add(slate.pool[i]?.team ?? '');
  teams.delete('');
  return [...teams].sort();
}

const rowsOfTeam = (slate: Slate, team: string, game: string | null): number[] =>
  (slate.teams.get(team) ?? []).filter((i) => game === null || slate.pool[i]?.game === game);

/** Families for locks, excludes, minSalary, maxPerTeam and the stacks: the constraints that hold for every lineup. */
function lineupFamilies(slate: Slate, c: Constraints): Family[] {
  const families: Family[] = [];
  const names = (keys: readonly string[]): string => keys.map((k) => nameOf(slate, k)).join(', ');
  if (c.locks !== undefined && c.locks.length > 0) {
    const rows = c.locks.map((k): LinearRow => ({ terms: personRows(slate, [k]).map(xVar), sense: '>=', rhs: 1 }));
    families.push({ key: 'locks', text: `locks: ${names(c.locks)}`, rows, binaries: [], banned: [] });
  }
  if (c.excludes !== undefined && c.excludes.length > 0)
    families.push({
      key: 'excludes',
      text: `excludes: ${names(c.excludes)}`,
      rows: [],
      binaries: [],
      banned: personRows(slate, c.excludes),
    });
  if (c.minSalary !== undefined) {
    const terms = slate.pool.map((p, i): Term => [p.salary, `x${i}`, i]);
    families.push({
      key: 'minSalary',
      text: `minSalary ${c.minSalary}`,
      rows: [{ terms, sense: '>=', rhs: c.minSalary }],
      binaries: [],
      banned: [],
    });
  }
  if (c.maxPerTeam !== undefined) {
    const max = c.maxPerTeam;
    const rows = [...slate.teams.values()].map((teamRows): LinearRow => ({ terms: teamRows.map(xVar), sense: '<=', rhs: max }));
    families.push({ key: 'maxPerTeam', text: `maxPerTeam ${max}`, rows, binaries: [], banned: [] });
  }
  const teamNames = [...slate.teams.keys()].sort();
  const unnamedTeamStacks: number[] = [];
  (c.teamStacks ?? []).forEach((s, e) => {
    const key = `teamStacks[${e}]`;
    const text = `${key} (at least ${s.min} from ${s.team ?? 'one team'})`;
    if (s.team !== undefined) {
      families.push({
        key,
        text,
        rows: [{ terms: rowsOfTeam(slate, s.team, null).map(xVar), sense: '>=', rhs: s.min }],
        binaries: [],
        banned: [],
      });
      return;
    }
    // A binary per team: exactly one chosen, and the chosen team has at least min players.
    const flag = (entry: number, t: number): string => `ts${entry}_${t}`;
    const binaries = teamNames.map((_, t) => flag(e, t));
    const rows: LinearRow[] = [{ terms: binaries.map((b): Term => [1, b, -1]), sense: '=', rhs: 1 }];
    teamNames.forEach((team, t) => {
      rows.push({ terms: [...rowsOfTeam(slate, team, null).map(xVar), [-s.min, flag(e, t), -1]], sense: '>=', rhs: 0 });
      // Unnamed entries choose different teams; a dropped earlier entry's flag is then an unused free variable.
      for (const earlier of unnamedTeamStacks)
        rows.push({
          terms: [
            [1, flag(e, t), -1],
            [1, flag(earlier, t), -1],
          ],
          sense: '<=',
          rhs: 1,
        });
    });
    unnamedTeamStacks.push(e);
    families.push({ key, text, rows, binaries, banned: [] });
  });
  const gameNames = [...slate.games.keys()].sort();
  const unnamedGameStacks: number[] = [];
  (c.gameStacks ?? []).forEach((s, e) => {
    const key = `gameStacks[${e}]`;
    const bringBack = s.bringBack ?? 0;
    const text =
      `${key} (at least ${s.min} from ${s.game ?? 'one game'}` + (bringBack > 0 ? `, ${bringBack} from each of its teams)` : ')');
    // the game has at least min players and each of its teams bringBack, scaled by `on` (1 for a named game)
    const stackRows = (game: string, on: Term | null): LinearRow[] => {
      const scaled = (k: number): Term[] => (on === null ? [] : [[-k, on[1], -1]]);
      const rhs = (k: number): number => (on === null ? k : 0);
      const rows: LinearRow[] = [{ terms: [...(slate.games.get(game) ?? []).map(xVar), ...scaled(s.min)], sense: '>=', rhs: rhs(s.min) }];
      if (bringBack > 0)
        for (const team of teamsOfGame(slate, game))
          rows.push({ terms: [...rowsOfTeam(slate, team, game).map(xVar), ...scaled(bringBack)], sense: '>=', rhs: rhs(bringBack) });
      return rows;
    };
    if (s.game !== undefined) {
      families.push({ key, text, rows: stackRows(s.game, null), binaries: [], banned: [] });
      return;
    }
    const flag = (entry: number, g: number): string => `gs${entry}_${g}`;
    const binaries = gameNames.map((_, g) => flag(e, g));
    const rows: LinearRow[] = [{ terms: binaries.map((b): Term => [1, b, -1]), sense: '=', rhs: 1 }];
    gameNames.forEach((game, g) => {
      rows.push(...stackRows(game, [1, flag(e, g), -1]));
      for (const earlier of unnamedGameStacks)
        rows.push({
          terms: [
            [1, flag(e, g), -1],
            [1, flag(earlier, g), -1],
          ],
          sense: '<=',
          rhs: 1,
        });
    });
    unnamedGameStacks.push(e);
    families.push({ key, text, rows, binaries, banned: [] });
  });
  return families;
}

/**
 * Families for uniqueness against `previous` (unless `uniquenessRows` is false: a caller that keeps earlier lineups
 * out by other means) and the exposure limits given `usage`.
 */
function buildFamilies(
  slate: Slate,
  c: Constraints,
  previous: readonly (readonly number[])[],
  usage: Usage,
  uniquenessRows = true,
): Family[] {
  const families: Family[] = [];
  const size = slate.rules.slots.length;
  const minUnique = c.minUnique ?? 1;
  if (uniquenessRows && previous.length > 0) {
    const rows = previous.map((lineup): LinearRow => ({ terms: lineup.map(xVar), sense: '<=', rhs: size - minUnique }));
    families.push({
      key: 'minUnique',
      text: `minUnique ${minUnique} against the ${previous.length} lineups already built`,
      rows,
      binaries: [],
      banned: [],
    });
  }
  const counts = exposureCounts(c, c.n);
  const remaining = c.n - usage.built;
  const atGlobalCap: string[] = [];
  const atOwnMax: string[] = [];
  const forced: string[] = [];
  for (const key of slate.persons.keys()) {
    const used = usage.counts.get(key) ?? 0;
    if (used >= counts.maxOf(key)) (c.exposures?.get(key)?.max !== undefined ? atOwnMax : atGlobalCap).push(key);
    // Forced in only once the lineups left are just enough to reach his min.
    else if (counts.minOf(key) - used >= remaining) forced.push(key);
  }
  const names = (keys: readonly string[]): string => keys.map((k) => nameOf(slate, k)).join(', ');
  if (atGlobalCap.length > 0) {
    families.push({
      key: 'maxExposure',
      text: `maxExposure ${c.maxExposure ?? 1} (at most ${counts.globalMax} of ${c.n} lineups; at the limit: ${names(atGlobalCap)})`,
      rows: [],
      binaries: [],
      banned: personRows(slate, atGlobalCap),
    });
  }
  if (atOwnMax.length > 0 || forced.length > 0) {
    const parts = [
      ...(atOwnMax.length > 0 ? [`at their max: ${names(atOwnMax)}`] : []),
      ...(forced.length > 0 ? [`forced in to reach their min: ${names(forced)}`] : []),
    ];
    const rows = forced.map((k): LinearRow => ({ terms: personRows(slate, [k]).map(xVar), sense: '>=', rhs: 1 }));
    families.push({ key: 'exposures', text: `exposures (${parts.join('; ')})`, rows, binaries: [], banned: personRows(slate, atOwnMax) });
  }
  return families;
}

// ---------------------------------------------------------------------------------------------------------------
// LP text and solving

/** Shortest round-trip decimal of a double: HiGHS reads it back bit for bit. */
const num = (v: number): string => String(v);

function termsText(terms: readonly Term[]): string {
  let out = '';
  terms.forEach(([coef, name], k) => {
    // short lines: the LP format is line oriented and some readers cap line length
    if (k > 0 && k % 8 === 0) out += '\n  ';
    out += coef < 0 ? ` - ${num(-coef)} ${name}` : ` + ${num(coef)} ${name}`;
  });
  return out;
}

/**
 * The LP text of the roster plus `families` with the pool rows it has columns for (those no family bans), or null
 * when a row over pool rows alone cannot hold whatever they are. Rows over pool rows alone that always hold (a
 * uniqueness row whose lineup lost a player to a ban) are left out. `relax`: the LP relaxation, every binary in 0..1.
 */
function lpText(
  slate: Slate,
  values: Float64Array,
  families: readonly Family[],
  relax = false,
): { text: string; columns: number[] } | null {
  const all = [slate.roster, ...families];
  const usable = new Uint8Array(slate.pool.length).fill(1);
  for (const f of all) for (const i of f.banned) usable[i] = 0;
  const live = (t: Term): boolean => t[2] < 0 || usable[t[2]] === 1;

  const objective: Term[] = [];
  values.forEach((v, i) => {
    if (usable[i] === 1 && v !== 0) objective.push([v, `x${i}`, i]);
  });
  const firstUsable = usable.indexOf(1);
  if (firstUsable < 0) return null;
  const lines = ['Maximize', objective.length > 0 ? ` obj:${termsText(objective)}` : ` obj: 0 x${firstUsable}`, 'Subject To'];
  let r = 0;
  for (const f of all)
    for (const row of f.rows) {
      const terms = row.terms.filter(live);
      if (terms.every((t) => t[2] >= 0)) {
        // every variable is a pool row's binary, so the row's activity lies in [low, high]
        const low = terms.reduce((a, t) => a + Math.min(0, t[0]), 0);
        const high = terms.reduce((a, t) => a + Math.max(0, t[0]), 0);
        const never = row.sense === '<=' ? low > row.rhs : row.sense === '>=' ? high < row.rhs : row.rhs < low || row.rhs > high;
        if (never) return null;
        if ((row.sense === '<=' && high <= row.rhs) || (row.sense === '>=' && low >= row.rhs)) continue;
      }
      lines.push(` r${r++}:${termsText(terms)} ${row.sense} ${num(row.rhs)}`);
    }
  const columns = [...slate.pool.keys()].filter((i) => usable[i] === 1);
  const binaries = columns.map((i) => `x${i}`);
  for (const f of all) binaries.push(...f.binaries);
  if (relax) {
    lines.push('Bounds');
    for (const b of binaries) lines.push(` ${b} <= 1`);
  } else {
    lines.push('Binary');
    for (let k = 0; k < binaries.length; k += 16) lines.push(` ${binaries.slice(k, k + 16).join(' ')}`);
  }
  lines.push('End');
  return { text: lines.join('\n'), columns };
}

/** The rows in DraftKings slot order: each slot in turn takes the lowest pool index that still lets the rest fit. */
function slotOrder(slate: Slate, rows: readonly number[]): number[] | null {
  const sorted = [...rows].sort((a, b) => a - b);
  const slots = slate.rules.slots;
  const out: number[] = [];
  const used = new Set<number>();
  const place = (s: number): boolean => {
    if (s === slots.length) return true;
    const slot = slots[s] ?? '';
    for (const i of sorted) {
      const p = slate.pool[i];
      if (used.has(i) || p === undefined || !eligible(p, slot)) continue;
      used.add(i);
      out.push(i);
      if (place(s + 1)) return true;
      used.delete(i);
      out.pop();
    }
    return false;
  };
  return sorted.length === slots.length && place(0) ? out : null;
}

/** The optimal lineup under the roster and `families`, or null when there is none. */
async function solveFamilies(slate: Slate, values: Float64Array, families: readonly Family[]): Promise<BuiltLineup | null> {
  const lp = lpText(slate, values, families);
  if (lp === null) return null;
  const solver = await highs();
  const chosen = solver.withModel({ format: 'lp', data: lp.text }, (model) => {
    model.options.set(SOLVE_OPTIONS);
    model.run();
    const status = model.getModelStatus();
    const codes = solver.constants.modelStatus;
    if (status === codes.infeasible || status === codes.unboundedOrInfeasible) return null;
    if (status !== codes.optimal) throw new Error(`HiGHS stopped with model status ${status} on a ${slate.rules.type} lineup model`);
    const x = model.getSolution().colValue;
    return lp.columns.filter((i) => (x[model.getColByName(`x${i}`)] ?? 0) > 0.5);
  });
  if (chosen === null) return null;
  const players = slotOrder(slate, chosen);
  const rows = (players ?? []).map((i) => slate.pool[i]).filter((p) => p !== undefined);
  const violation = players === null ? `rows ${chosen.join(',')} do not fill the slots` : lineupViolation(slate.rules, rows);
  // The model encodes DraftKings' rules, so a violation here is a modelling bug, never a user error.
  if (players === null || violation !== null) throw new Error(`HiGHS returned an invalid lineup: ${violation ?? ''}`);
  return {
    players,
    salary: rows.reduce((s, p) => s + p.salary, 0),
    objective: players.reduce((s, i) => s + (values[i] ?? 0), 0),
  };
}

/**
 * Why no lineup satisfies the roster plus `families`: a deletion filter drops each family in turn and keeps it
 * dropped when the rest are still infeasible, leaving a set of families that is infeasible together but feasible
 * without any one of them. Empty means the roster rules alone cannot be met by this pool.
 */
async function explain(
  slate: Slate,
  values: Float64Array,
  families: readonly Family[],
  context: string,
  built: readonly BuiltLineup[],
): Promise<InfeasibleError> {
  let needed = [...families];
  for (const f of families) {
    const without = needed.filter((g) => g !== f);
    if ((await solveFamilies(slate, values, without)) === null) needed = without;
  }
  const where = context === '' ? '' : `${context}: `;
  if (needed.length === 0)
    return new InfeasibleError('roster', `${where}the pool cannot make any lineup under ${slate.roster.text}`, built);
  const what = needed.map((f) => f.text).join(' together with ');
  return new InfeasibleError(needed.map((f) => f.key).join(' + '), `${where}no ${slate.rules.type} lineup satisfies ${what}`, built);
}

function usageOf(slate: Slate, lineups: readonly (readonly number[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const lineup of lineups)
    for (const i of lineup) {
      const key = slate.pool[i]?.personKey;
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

// ---------------------------------------------------------------------------------------------------------------
// Sequential builds as a partitioned search
//
// Building lineup k as one MIP with a "differs from each earlier lineup" row per earlier lineup is exact but slows
// down as k grows: the LP relaxation walks around those rows, so branch-and-bound needs ever more nodes to prove
// lineup k optimal (on the 107-row slate, ~185 ms a lineup averaged over 150, and rising). Instead the lineups not
// yet built are kept as a partition into subproblems, each "these rows in, those rows out" (Lawler's k-best
// scheme): when lineup L is taken from subproblem P, P minus L is split into children (for L's rows r1..rp not
// fixed in P: child j fixes r1..r(j-1) in and rj out). Every subproblem carries an upper bound on its best lineup
// and, when known, that best lineup; the next lineup is a known best whose value is at least every other
// subproblem's bound, so it is exactly what the one big MIP would return (up to ties between equal lineups). Each
// subproblem solve is a small MIP without uniqueness rows.
//
// The exposure limits and (minUnique > 1) the uniqueness rows only ever add constraints as a build goes on (a ban
// stays, a forced min stays forced to the end, rows accumulate), so a best lineup found earlier stays the best of
// its subproblem as long as it still satisfies them, and a bound stays a bound.
//
// Bounds come from the LP relaxation of the roster and the lineup constraints, solved once: with its optimum z and
// reduced costs, any lineup's value is at most z minus |reduced cost| of each row it has that the LP left at 0 and
// of each row it lacks that the LP put at 1. That bounds children before any solve, and when a subproblem is
// solved while another's bound T is the one to beat, rows whose cost alone would drop a lineup below T are fixed
// before HiGHS sees the model (reduced-cost fixing): a result >= T is then the subproblem's exact best, a result
// below T only says its best is below T.

/** The LP relaxation's optimum z and, per pool row, what including it (LP value 0) or leaving it out (LP value 1) costs. */
interface RelaxationBound {
  readonly z: number;
  readonly costIn: Float64Array;
  readonly costOut: Float64Array;
  /** slack for the LP's floating-point error, added to every bound */
  readonly slack: number;
}

async function relaxationBound(slate: Slate, values: Float64Array, families: readonly Family[]): Promise<RelaxationBound | null> {
  const lp = lpText(slate, values, families, true);
  if (lp === null) return null;
  const solver = await highs();
  return solver.withModel({ format: 'lp', data: lp.text }, (model): RelaxationBound | null => {
    model.options.set({ output_flag: false });
    model.run();
    if (model.getModelStatus() !== solver.constants.modelStatus.optimal) return null;
    const { colValue, colDual } = model.getSolution();
    const costIn = new Float64Array(slate.pool.length);
    const costOut = new Float64Array(slate.pool.length);
    for (const i of lp.columns) {
      const col = model.getColByName(`x${i}`);
      const cost = Math.abs(colDual[col] ?? 0);
      if ((colValue[col] ?? 0) < 0.5) costIn[i] = cost;
      else costOut[i] = cost;
    }
    const z = model.getObjectiveValue();
    // Reduced costs are exact to the LP's tolerances (1e-7); a bound this much looser never cuts a real lineup.
    return { z, costIn, costOut, slack: 1e-6 * (1 + Math.abs(z)) };
  });
}

interface Subproblem {
  /** creation order: ties between equal bounds go to the older subproblem */
  readonly id: number;
  readonly fixedIn: readonly number[];
  readonly fixedOut: readonly number[];
  /** upper bound on the value of its best lineup under the current constraints */
  bound: number;
  /** its best lineup is known to be strictly below `bound` */
  below: boolean;
  /** its best lineup under the current constraints, when known */
  best: BuiltLineup | null;
  /** solves that found its best below their threshold: each doubles the next threshold's distance */
  misses: number;
  /** a lineup of the subproblem found by a solve that could not certify it as the best: the best is at least this good */
  floor: BuiltLineup | null;
}

/** The bound the relaxation gives lineups with these fixings. */
function fixingBound(relaxation: RelaxationBound | null, fixedIn: readonly number[], fixedOut: readonly number[]): number {
  if (relaxation === null) return Infinity;
  let b = relaxation.z + relaxation.slack;
  for (const i of fixedIn) b -= relaxation.costIn[i] ?? 0;
  for (const i of fixedOut) b -= relaxation.costOut[i] ?? 0;
  return b;
}

/** Whether the lineup (its pool rows) satisfies a family whose rows are over pool rows alone (any other family: assume not). */
function lineupSatisfies(f: Family, inLineup: ReadonlySet<number>): boolean {
  if (f.banned.some((i) => inLineup.has(i))) return false;
  if (f.binaries.length > 0) return false;
  return f.rows.every((row) => {
    if (row.terms.some((t) => t[2] < 0)) return false;
    const activity = row.terms.reduce((a, t) => (inLineup.has(t[2]) ? a + t[0] : a), 0);
    return row.sense === '<=' ? activity <= row.rhs : row.sense === '>=' ? activity >= row.rhs : activity === row.rhs;
  });
}

/** The open subproblem to look at next: highest bound, then one not known to be below it, then a known best, then the oldest. */
function nextSubproblem(open: readonly Subproblem[]): Subproblem | undefined {
  let top: Subproblem | undefined;
  for (const s of open) {
    if (top === undefined) {
      top = s;
      continue;
    }
    const better =
      s.bound !== top.bound
        ? s.bound > top.bound
        : s.below !== top.below
          ? !s.below
          : (s.best !== null) !== (top.best !== null)
            ? s.best !== null
            : s.id < top.id;
    if (better) top = s;
  }
  return top;
}

/**
 * The value a subproblem's solve fixes rows against: a lineup it is known to have (then the solve cannot miss), or a
 * guess below its bound whose distance, the gap between the relaxation and the first lineup (the scale on which good
 * lineups lie apart), doubles with each miss. A high threshold fixes most rows out and solves in milliseconds; a miss
 * costs one more, cheaper-than-full solve; so a subproblem is solved a few times at most until it has its exact best.
 */
function threshold(top: Subproblem, relaxation: RelaxationBound | null, scale: number): number {
  if (top.floor !== null) return top.floor.objective;
  if (relaxation === null || !Number.isFinite(top.bound) || !Number.isFinite(scale)) return -Infinity;
  return top.bound - Math.max(scale, relaxation.slack) * 2 ** top.misses;
}

/**
 * Solves one subproblem, with reduced-cost fixing against the threshold:
 * afterwards the subproblem has its exact best, or a bound with `below`, or is gone (returns false: no lineup).
 */
async function solveSubproblem(
  slate: Slate,
  values: Float64Array,
  families: readonly Family[],
  s: Subproblem,
  relaxation: RelaxationBound | null,
  toBeat: number,
): Promise<boolean> {
  const fixedIn = new Set(s.fixedIn);
  const fixedOut = new Set(s.fixedOut);
  const reducedIn: number[] = [];
  const reducedOut: number[] = [];
  if (relaxation !== null && toBeat > -Infinity) {
    const own = fixingBound(relaxation, s.fixedIn, s.fixedOut);
    for (let i = 0; i < slate.pool.length; i++) {
      if (fixedIn.has(i) || fixedOut.has(i)) continue;
      if (own - (relaxation.costIn[i] ?? 0) < toBeat) reducedOut.push(i);
      else if (own - (relaxation.costOut[i] ?? 0) < toBeat) reducedIn.push(i);
    }
  }
  const fixing: Family = {
    key: 'search',
    text: 'search fixings',
    rows: [...s.fixedIn, ...reducedIn].map((i): LinearRow => ({ terms: [xVar(i)], sense: '>=', rhs: 1 })),
    binaries: [],
    banned: [...s.fixedOut, ...reducedOut],
  };
  const best = await solveFamilies(slate, values, [...families, fixing]);
  const reduced = reducedIn.length + reducedOut.length > 0;
  if (best !== null && (!reduced || best.objective >= toBeat)) {
    s.best = best;
    s.floor = null;
    s.bound = best.objective;
    s.below = false;
    return true;
  }
  if (!reduced) return false;
  // Every lineup of value >= toBeat survived the fixing and none was found: the best is below toBeat.
  s.best = null;
  s.bound = Math.min(s.bound, toBeat);
  s.below = true;
  if (best !== null && best.objective > (s.floor?.objective ?? -Infinity)) s.floor = best;
  s.misses++;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * The best lineup (max sum of `values` over its rows; values already carry the captain's 1.5x on CPT rows) under
 * the roster rules, the lineup constraints of `c`, at least `c.minUnique` rows different from each of `previous`,
 * and the exposure limits given `usage` (default: counted from `previous`, as lineup previous.length + 1 of c.n).
 * Null when no lineup satisfies them (use buildLineups for an InfeasibleError that says why). Malformed
 * constraints throw RangeError; contradictions visible without solving throw InfeasibleError.
 */
export async function solveLineup(
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  values: Float64Array,
  c: Constraints,
  previous: readonly (readonly number[])[],
  usage?: Usage,
): Promise<BuiltLineup | null> {
  const slate = slateOf(pool, rules);
  checkConstraints(slate, c, values);
  const used = usage ?? { counts: usageOf(slate, previous), built: previous.length };
  return solveFamilies(slate, values, [...lineupFamilies(slate, c), ...buildFamilies(slate, c, previous, used)]);
}

/**
 * c.n lineups, built one at a time: the best, then the best that differs from every earlier one in at least
 * c.minUnique rows and keeps within the exposure limits (a person at his max is left out of the rest; a person
 * short of his min is forced in once the lineups left are just enough to reach it). Objectives are therefore
 * non-increasing. Throws InfeasibleError (with the lineups built so far in `built`) when lineup k has no solution.
 */
export async function buildLineups(
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  values: Float64Array,
  c: Constraints,
): Promise<BuiltLineup[]> {
  const slate = slateOf(pool, rules);
  checkConstraints(slate, c, values);
  const fixed = lineupFamilies(slate, c);
  const size = rules.slots.length;
  const minUnique = c.minUnique ?? 1;
  let relaxation: RelaxationBound | null = null;
  let relaxedUnder: string | null = null;
  // how far the first lineup lies below the relaxation: the step of the thresholds' ladder
  let scale = Infinity;
  const open: Subproblem[] = [{ id: 0, fixedIn: [], fixedOut: [], bound: Infinity, below: false, best: null, misses: 0, floor: null }];
  let nextId = 1;
  const built: BuiltLineup[] = [];
  const counts = new Map<string, number>();
  for (let k = 0; k < c.n; k++) {
    const previous = built.map((b) => b.players);
    // With minUnique 1 the partition alone keeps built lineups out; larger minUnique needs the rows too.
    const dynamic = buildFamilies(slate, c, previous, { counts, built: k }, minUnique > 1);
    const stillValid = (l: BuiltLineup | null): boolean => {
      const inLineup = new Set(l?.players);
      return l !== null && dynamic.every((f) => lineupSatisfies(f, inLineup));
    };
    for (const s of open) {
      if (!stillValid(s.best)) s.best = null;
      if (!stillValid(s.floor)) s.floor = null;
    }
    const families = [...fixed, ...dynamic];
    // Bans and forced players change the relaxation a lot (values fall as the best players reach their caps), and
    // a stale one would bound and fix almost nothing; the uniqueness rows change it little, so it leaves them out.
    const exposure = dynamic.filter((f) => f.key !== 'minUnique');
    const under = exposure.map((f) => `${f.banned.join(',')}|${f.rows.map((r) => r.terms.map((t) => t[2]).join(',')).join(';')}`).join('/');
    if (under !== relaxedUnder) {
      relaxedUnder = under;
      relaxation = await relaxationBound(slate, values, [...fixed, ...exposure]);
      for (const s of open) {
        const b = fixingBound(relaxation, s.fixedIn, s.fixedOut);
        if (b < s.bound) {
          s.bound = b;
          s.below = false;
        }
      }
    }
    let taken: Subproblem | undefined;
    for (;;) {
      const top = nextSubproblem(open);
      if (top === undefined) break;
      if (top.best !== null && !top.below) {
        taken = top;
        break;
      }
      if (!(await solveSubproblem(slate, values, families, top, relaxation, threshold(top, relaxation, scale))))
        open.splice(open.indexOf(top), 1);
    }
    const lineup = taken?.best;
    if (taken === undefined || lineup === undefined || lineup === null) {
      const all = [...fixed, ...buildFamilies(slate, c, previous, { counts, built: k })];
      // The first lineup fails on the constraints themselves; a later one on them with what the build has used.
      throw await explain(slate, values, all, k === 0 ? '' : `lineup ${k + 1} of ${c.n}`, built);
    }
    built.push(lineup);
    // An integral relaxation gives no gap to go by; a thousandth of the lineup's value is a step that still
    // covers any distance in a dozen doublings.
    if (k === 0 && relaxation !== null) scale = Math.max(relaxation.z - lineup.objective, 1e-3 * (1 + Math.abs(lineup.objective)));
    for (const i of lineup.players) {
      const key = slate.pool[i]?.personKey ?? '';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    open.splice(open.indexOf(taken), 1);
    const parentIn = new Set(taken.fixedIn);
    const free = [...lineup.players].filter((i) => !parentIn.has(i)).sort((a, b) => a - b);
    free.forEach((row, j) => {
      const fixedIn = [...taken.fixedIn, ...free.slice(0, j)];
      // Every lineup here shares fixedIn with the one just taken: when that is more than minUnique allows, skip it.
      if (fixedIn.length > size - minUnique) return;
      const fixedOut = [...taken.fixedOut, row];
      const bound = Math.min(lineup.objective, fixingBound(relaxation, fixedIn, fixedOut));
      open.push({ id: nextId++, fixedIn, fixedOut, bound, below: false, best: null, misses: 0, floor: null });
    });
  }
  return built;
}

/**
 * The optimal lineup of each of k sampled worlds (worldValues(w) for w in 0..k-1) under the roster and the lineup
 * constraints of `c` (locks, excludes, minSalary, maxPerTeam, stacks; not exposures or uniqueness), deduplicated:
 * each distinct lineup (slot order) with the number of worlds it was optimal in, by count descending, then by
 * lineup lexicographically (pool indices in slot order). Throws InfeasibleError when no lineup satisfies `c`.
 */
export async function candidatePool(
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  worldValues: (k: number) => Float64Array,
  k: number,
  c: Constraints,
): Promise<{ lineup: number[]; count: number }[]> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`candidatePool: k ${k} must be an integer >= 1`);
  const slate = slateOf(pool, rules);
  checkConstraints(slate, c, null);
  const families = lineupFamilies(slate, c);
  const found = new Map<string, { lineup: number[]; count: number }>();
  for (let w = 0; w < k; w++) {
    const values = worldValues(w);
    checkConstraints(slate, c, values);
    const best = await solveFamilies(slate, values, families);
    // The constraints do not depend on the values, so one infeasible world means every world is.
    if (best === null) throw await explain(slate, values, families, 'candidatePool', []);
    const key = best.players.join(',');
    const entry = found.get(key);
    if (entry === undefined) found.set(key, { lineup: best.players, count: 1 });
    else entry.count++;
  }
  return [...found.values()].sort((a, b) => b.count - a.count || compareLineups(a.lineup, b.lineup));
}

function compareLineups(a: readonly number[], b: readonly number[]): number {
  for (let s = 0; s < Math.min(a.length, b.length); s++) if (a[s] !== b[s]) return (a[s] ?? 0) - (b[s] ?? 0);
  return a.length - b.length;
}

/**
 * Greedy portfolio: n candidate indices (in pick order) maximising the expected best-of-set value, the mean over
 * worlds of payout(world, the highest score among the chosen lineups in that world) (default payout: the score).
 * Each step adds the candidate with the largest gain, ties to the lower index, among those that keep every person
 * within the max side of c.maxExposure / c.exposures (fractions of this n) and differ from every chosen lineup in at
 * least c.minUnique rows. Min exposures, locks and excludes are not applied here (candidatePool applies the last
 * two); c.n is not read, n is. Returns fewer than n indices when no eligible candidate is left. `scores` is [candidate][world] row-major
 * in integer score units; `lineups[j]` is candidate j's pool indices. payout must be non-decreasing in the score
 * (a better score never pays less): the gains are then non-increasing as the set grows, which lets a candidate's
 * last gain stand as a bound until it could win (lazy greedy), with the same picks as re-scoring every candidate.
 */
export function greedySelect(
  scores: Int32Array,
  nCandidates: number,
  nWorlds: number,
  n: number,
  lineups: readonly (readonly number[])[],
  pool: readonly PoolPlayer[],
  c: Constraints,
  payout?: (world: number, bestScore: number) => number,
): number[] {
  if (!Number.isInteger(nCandidates) || nCandidates < 0 || !Number.isInteger(nWorlds) || nWorlds < 1)
    throw new RangeError(`greedySelect: nCandidates ${nCandidates} and nWorlds ${nWorlds} must be integers (nWorlds >= 1)`);
  if (scores.length !== nCandidates * nWorlds)
    throw new RangeError(
      `greedySelect: scores has ${scores.length} entries, ${nCandidates} candidates x ${nWorlds} worlds need ${nCandidates * nWorlds}`,
    );
  if (lineups.length !== nCandidates) throw new RangeError(`greedySelect: ${lineups.length} lineups for ${nCandidates} candidates`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`greedySelect: n ${n} must be an integer >= 1`);
  if (c.maxExposure !== undefined && !isFraction(c.maxExposure))
    throw new RangeError(`constraints.maxExposure ${c.maxExposure} must be a fraction in 0..1`);
  for (const [key, range] of c.exposures ?? [])
    if (range.max !== undefined && !isFraction(range.max))
      throw new RangeError(`constraints.exposures "${key}".max ${range.max} must be a fraction in 0..1`);
  const minUnique = c.minUnique ?? 1;
  if (!Number.isInteger(minUnique) || minUnique < 1) throw new RangeError(`constraints.minUnique ${minUnique} must be an integer >= 1`);
  const keyOf = (i: number): string => {
    const p = pool[i];
    if (p === undefined) throw new RangeError(`greedySelect: pool index ${i} is outside the pool of ${pool.length}`);
    return p.personKey;
  };
  const persons = lineups.map((l) => l.map(keyOf));
  const counts = exposureCounts(c, n);
  const used = new Map<string, number>();
  const pay = payout ?? ((_world: number, score: number) => score);

  const best = new Float64Array(nWorlds).fill(-Infinity);
  const gainOf = (j: number): number => {
    let gain = 0;
    const base = j * nWorlds;
    for (let w = 0; w < nWorlds; w++) {
      const s = scores[base + w] ?? 0;
      const b = best[w] ?? -Infinity;
      if (b === -Infinity) gain += pay(w, s);
      else if (s > b) gain += pay(w, s) - pay(w, b);
    }
    return gain;
  };
  const bound = new Float64Array(nCandidates).fill(Infinity);
  const fresh = new Int32Array(nCandidates).fill(-1);
  const open = new Uint8Array(nCandidates).fill(1);
  const picked: number[] = [];
  const eligibleNow = (j: number): boolean => {
    if ((persons[j] ?? []).some((key) => (used.get(key) ?? 0) + 1 > counts.maxOf(key))) return false;
    const rows = new Set(lineups[j]);
    const size = rows.size;
    return picked.every((q) => (lineups[q] ?? []).filter((i) => rows.has(i)).length <= size - minUnique);
  };
  for (let step = 0; step < n; step++) {
    let choice = -1;
    for (;;) {
      // the open candidate with the highest bound, ties to the lower index
      let top = -1;
      for (let j = 0; j < nCandidates; j++) if (open[j] === 1 && (top < 0 || (bound[j] ?? 0) > (bound[top] ?? 0))) top = j;
      if (top < 0) break;
      if (!eligibleNow(top)) {
        // Exposure use and chosen lineups only grow, so an ineligible candidate stays ineligible.
        open[top] = 0;
        continue;
      }
      if (fresh[top] === step) {
        choice = top;
        break;
      }
      bound[top] = gainOf(top);
      fresh[top] = step;
    }
    if (choice < 0) break;
    picked.push(choice);
    open[choice] = 0;
    const base = choice * nWorlds;
    for (let w = 0; w < nWorlds; w++) best[w] = Math.max(best[w] ?? -Infinity, scores[base + w] ?? 0);
    for (const key of persons[choice] ?? []) used.set(key, (used.get(key) ?? 0) + 1);
  }
  return picked;
}

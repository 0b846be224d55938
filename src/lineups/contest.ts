// A DraftKings GPP over simulated worlds: the contest's payout table and the field's ownership (read from the
// user's CSVs), a field of opponents' lineups drawn from that ownership, and each user lineup's finish, prize
// and ROI across worlds. Pure: parsers take a file's text and its name (for messages), nothing here touches a
// file, and every draw is a Philox counter of (seed, field entry, attempt, slot).
//
// Payouts file (one layout):
//
//   rank_min,rank_max,prize
//   1,1,1000
//   2,2,500
//   3,5,"$100.50"
//   6,20,25
//
// One row per block of ranks, each rank in the block paying `prize` dollars (a "$" and thousands commas are
// allowed, at most cents). A blank rank_max means the single rank rank_min. The blocks start at rank 1, have
// no gaps and no overlaps, and pay no more as the rank gets worse (DraftKings' tables always fall); ranks after
// the last block pay nothing. The entry fee and the contest's size (all entries, the user's included) are not
// in the file: they are the contest's terms, given beside it (on the command line), so one payout table
// serves every fee level of the same structure, the file stays a plain three-column table copied by hand from
// the contest's prize list, and no row repeats a value that must agree with every other row. Ranks beyond the
// contest's size are an error.
//
// Ownership file: `player,ownership` (an optional `roster_position` column only disambiguates names). A
// player is a DraftKings id, "Name (ID)" as DraftKings prints it, or a name matched exactly (case and spacing
// aside) to exactly one row of the slate. Ids are DraftKings row ids, so in showdown a person's CPT and UTIL
// ownership are separate rows: a bare name matches both and is refused unless `roster_position` says which.
// Ownership is a fraction (0.25) or a percent (25 or 25%): the column is read as percent when any cell has a
// "%" or any value is above 1. Rows not listed have ownership 0 and never appear in the field.

import { at } from '../data/checked.ts';
import { UserError } from '../data/errors.ts';
import { CounterRng } from '../../engine/rng.ts';
import { headeredCsv, quoteValue } from '../pregame/files.ts';
import { idOfCell } from './read.ts';
import { eligible, lineupViolation, type PoolPlayer, type RosterRules } from './rules.ts';

// ---------------------------------------------------------------------------------------------------------
// Payouts

/** One block of ranks paying the same prize; `line` is its line in the payouts file (0 when built in code). */
export interface PayoutBlock {
  readonly rankMin: number;
  readonly rankMax: number;
  /** dollars per rank, at most cents */
  readonly prize: number;
  readonly line: number;
}

/** The contest's terms that are not in the payouts file. */
export interface ContestTerms {
  /** dollars per entry; 0 is a freeroll (ROI is then NaN) */
  readonly entryFee: number;
  /** the contest's size: every entry, the user's included */
  readonly entries: number;
}

export interface Payouts extends ContestTerms {
  readonly blocks: readonly PayoutBlock[];
  /** per rank (index rank - 1, length `entries`): the prize in whole cents, so tie splits can be kept exact */
  readonly prizeCents: Float64Array;
}

/** Every prize, summed rank by rank, must stay an exact integer of cents in a float64 sum over worlds. */
const MAX_PRIZE_DOLLARS = 1e8;

/** The payout table of a contest from its blocks; errors name `where(block)` (the file and line when read). */
export function payoutsOf(blocks: readonly PayoutBlock[], terms: ContestTerms, where: (b: PayoutBlock) => string = blockName): Payouts {
  if (!Number.isInteger(terms.entries) || terms.entries < 1)
    throw new UserError(`contest entries must be a whole number of at least 1, got ${terms.entries}`);
  if (!Number.isFinite(terms.entryFee) || terms.entryFee < 0)
    throw new UserError(`contest entry fee must be a dollar amount of 0 or more, got ${terms.entryFee}`);
  if (blocks.length === 0) throw new UserError('the payout table has no prizes');
  const sorted = [...blocks].sort((a, b) => a.rankMin - b.rankMin || a.rankMax - b.rankMax);
  const prizeCents = new Float64Array(terms.entries);
  let next = 1;
  let previous: PayoutBlock | null = null;
  for (const b of sorted) {
    if (!Number.isInteger(b.rankMin) || !Number.isInteger(b.rankMax) || b.rankMin < 1 || b.rankMin > b.rankMax)
      throw new UserError(`${where(b)}: ranks ${b.rankMin}-${b.rankMax} are not a range of ranks from 1 up`);
    if (
      !Number.isFinite(b.prize) ||
      b.prize < 0 ||
      b.prize > MAX_PRIZE_DOLLARS ||
      Math.abs(b.prize * 100 - Math.round(b.prize * 100)) > 1e-6
    )
      throw new UserError(`${where(b)}: prize ${b.prize} is not a dollar amount in cents from 0 to ${MAX_PRIZE_DOLLARS}`);
    if (b.rankMax > terms.entries) throw new UserError(`${where(b)}: rank ${b.rankMax} is beyond the contest's ${terms.entries} entries`);
    if (previous !== null && b.rankMin <= previous.rankMax)
      throw new UserError(
        `${where(b)}: ranks ${b.rankMin}-${b.rankMax} overlap ranks ${previous.rankMin}-${previous.rankMax} (${where(previous)})`,
      );
    if (b.rankMin > next)
      throw new UserError(
        `${where(b)}: ranks ${next}-${b.rankMin - 1} are missing before ranks ${b.rankMin}-${b.rankMax} (a rank that pays nothing needs prize 0)`,
      );
    if (previous !== null && b.prize > previous.prize)
      throw new UserError(
        `${where(b)}: prize ${b.prize} at ranks ${b.rankMin}-${b.rankMax} is more than ${previous.prize} at ranks ${previous.rankMin}-${previous.rankMax} (${where(previous)}); prizes fall with rank`,
      );
    prizeCents.fill(Math.round(b.prize * 100), b.rankMin - 1, b.rankMax);
    next = b.rankMax + 1;
    previous = b;
  }
  return { entryFee: terms.entryFee, entries: terms.entries, blocks: sorted, prizeCents };
}

const blockName = (b: PayoutBlock): string => (b.line > 0 ? `line ${b.line}` : `ranks ${b.rankMin}-${b.rankMax}`);

const WHOLE = /^\d+$/;
/** dollars: digits with optional thousands commas and at most two decimals, an optional leading "$" */
const DOLLARS = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?$/;

/** The payout table in `text` (see the layout at the top of this file); `file` names it in messages. */
export function parsePayouts(text: string, file: string, terms: ContestTerms): Payouts {
  if (text.trim() === '') throw new UserError(`${file}: empty file, expected a CSV with a header rank_min,rank_max,prize`);
  const csv = headeredCsv(text, file, ['rank_min', 'rank_max', 'prize']);
  if (csv.rows.length === 0) throw new UserError(`${file} line ${csv.headerLine}: a header and no prizes`);
  const blocks = csv.rows.map((row): PayoutBlock => {
    const rank = (column: string, blank: string | null): number => {
      const cell = csv.cell(row, column);
      if (cell === '' && blank !== null) return Number(blank);
      if (!WHOLE.test(cell) || Number(cell) < 1)
        throw new UserError(`${file} line ${row.line}, column "${column}": ${quoteValue(cell)} is not a rank (a whole number from 1)`);
      return Number(cell);
    };
    const rankMin = rank('rank_min', null);
    const rankMax = rank('rank_max', String(rankMin));
    const prizeCell = csv.cell(row, 'prize');
    const m = DOLLARS.exec(prizeCell);
    if (m === null)
      throw new UserError(
        `${file} line ${row.line}, column "prize": ${quoteValue(prizeCell)} is not a dollar amount of 0 or more (at most cents)`,
      );
    const prize = Number(`${(m[1] ?? '').replace(/,/g, '')}${m[2] ?? ''}`);
    return { rankMin, rankMax, prize, line: row.line };
  });
  return payoutsOf(blocks, terms, (b) => `${file} line ${b.line}`);
}

// ---------------------------------------------------------------------------------------------------------
// Ownership

const nameKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Field ownership per pool row (a fraction 0..1; rows not in the file are 0) from `player,ownership` text.
 * Unknown players, ambiguous names, a row named twice and values outside 0..1 (or 0..100%) are errors naming
 * the line and the value.
 */
export function parseOwnership(text: string, file: string, pool: readonly PoolPlayer[]): Float64Array {
  if (text.trim() === '') throw new UserError(`${file}: empty file, expected a CSV with a header player,ownership`);
  const csv = headeredCsv(text, file, ['player', 'ownership']);
  if (csv.rows.length === 0) throw new UserError(`${file} line ${csv.headerLine}: a header and no players`);
  const hasPosition = csv.at('roster_position') !== undefined;
  const byId = new Map(pool.map((p, i) => [p.dkId, i]));
  const byName = new Map<string, number[]>();
  pool.forEach((p, i) => {
    const k = nameKey(p.name);
    byName.set(k, [...(byName.get(k) ?? []), i]);
  });

  const rowOf = (cell: string, position: string, line: number): number => {
    const where = `${file} line ${line}, column "player"`;
    const id = idOfCell(cell);
    if (id !== null) {
      const i = byId.get(id);
      if (i === undefined) throw new UserError(`${where}: DraftKings id ${id} is not on the slate`);
      return i;
    }
    let rows = byName.get(nameKey(cell)) ?? [];
    if (rows.length === 0)
      throw new UserError(`${where}: ${quoteValue(cell)} is not a player on the slate (give a name, DraftKings id or "Name (ID)")`);
    if (position !== '') rows = rows.filter((i) => at(pool, i).rosterPositions.includes(position.toUpperCase()));
    if (rows.length === 0)
      throw new UserError(
        `${file} line ${line}, column "roster_position": ${quoteValue(cell)} has no ${quoteValue(position)} row on the slate`,
      );
    if (rows.length > 1) {
      const ids = rows.map((i) => `${at(pool, i).rosterPositions.join('/')} ${at(pool, i).dkId}`).join(', ');
      throw new UserError(
        `${where}: ${quoteValue(cell)} matches ${rows.length} slate rows (${ids}); give the DraftKings id${hasPosition ? '' : ' or a roster_position column'}`,
      );
    }
    return at(rows, 0);
  };

  const cells = csv.rows.map((row) => csv.cell(row, 'ownership'));
  const percent = cells.some((c) => c.endsWith('%') || Number(c) > 1);
  const out = new Float64Array(pool.length);
  const seenAt = new Map<number, number>();
  csv.rows.forEach((row, r) => {
    const i = rowOf(csv.cell(row, 'player'), csv.cell(row, 'roster_position'), row.line);
    const before = seenAt.get(i);
    if (before !== undefined)
      throw new UserError(`${file} line ${row.line}, column "player": ${at(pool, i).name} (${at(pool, i).dkId}) is also on line ${before}`);
    seenAt.set(i, row.line);
    const cell = cells[r] ?? '';
    const body = cell.endsWith('%') ? cell.slice(0, -1).trim() : cell;
    const v = body === '' ? NaN : Number(body);
    const max = percent ? 100 : 1;
    if (!Number.isFinite(v) || v < 0 || v > max)
      throw new UserError(
        `${file} line ${row.line}, column "ownership": ${quoteValue(cell)} is not ${percent ? 'a percent from 0 to 100' : 'a fraction from 0 to 1'}`,
      );
    out[i] = percent ? v / 100 : v;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The field

/**
 * Minimum lineup salary a sampled field lineup must reach, by contest type. Without a floor, ownership-
 * proportional draws make many cheap lineups that GPP entrants, who build to the cap, do not submit. Classic:
 * $49,000, 2% under the cap, since eight slots priced in $100 steps let an entrant spend nearly all of it.
 * Showdown: $47,000, since six slots and 1.5x captain prices make exact spending harder and contrarian captains
 * leave salary unused. chanzer0's NBA-DFS-Tools defaults to one floor, $48,000, for both. These are judgment,
 * not fitted to contest data; the option overrides them.
 */
export const DEFAULT_MIN_SALARY = { classic: 49_000, showdown: 47_000 } as const;

/** Attempts one field lineup may take before the ownership is declared unable to make valid lineups. */
export const MAX_ATTEMPTS = 2_000;

/** Rounds of reweighting so the field's exposures meet the target ownership (0: plain proportional draws). */
export const CALIBRATION_ROUNDS = 6;
/**
 * Lineups drawn in the first calibration round, growing by CALIBRATION_GROWTH a round (2,000 to about 15,000
 * over six rounds, 42,000 in all): fixed, so entry i of a field does not depend on the field's size.
 */
export const CALIBRATION_LINEUPS = 2_000;
export const CALIBRATION_GROWTH = 1.5;

/**
 * Philox streams of the field's draws (the third counter word). The engine's world streams are 1..11
 * (engine/kernels/contract.ts), so the same seed never reuses a world's counters here.
 */
const FIELD_STREAM = 0x4600;
const CALIBRATION_STREAM = 0x4700;

export interface FieldOptions {
  /** the least salary a field lineup spends (default DEFAULT_MIN_SALARY of the contest type) */
  minSalary?: number;
  /** reweighting rounds (default CALIBRATION_ROUNDS; 0 draws in plain proportion to ownership) */
  calibrationRounds?: number;
}

/**
 * Ownership scaled to what a lineup holds: classic rows to 8 in all (every lineup has 8 players); showdown's
 * CPT rows to 1 and other rows to 5. The user's projections rarely sum exactly; the shares between players are
 * what they say.
 */
export function targetOwnership(pool: readonly PoolPlayer[], rules: RosterRules, ownership: Float64Array): Float64Array {
  const groups = rules.type === 'showdown' ? ['CPT', 'UTIL'] : ['ALL'];
  const groupOf = (p: PoolPlayer): string => (rules.type === 'showdown' ? (p.rosterPositions.includes('CPT') ? 'CPT' : 'UTIL') : 'ALL');
  const out = new Float64Array(pool.length);
  for (const g of groups) {
    const slots = g === 'ALL' ? rules.slots.length : rules.slots.filter((s) => (g === 'CPT' ? s === 'CPT' : s !== 'CPT')).length;
    let sum = 0;
    pool.forEach((p, i) => (sum += groupOf(p) === g ? (ownership[i] ?? 0) : 0));
    if (sum > 0) pool.forEach((p, i) => (out[i] = groupOf(p) === g ? ((ownership[i] ?? 0) * slots) / sum : (out[i] ?? 0)));
  }
  return out;
}

/** Per pool row, the share of `lineups` holding it. */
export function exposures(lineups: readonly (readonly number[])[], poolSize: number): Float64Array {
  const out = new Float64Array(poolSize);
  for (const l of lineups) for (const p of l) out[p] = (out[p] ?? 0) + 1;
  if (lineups.length > 0) for (let i = 0; i < poolSize; i++) out[i] = (out[i] ?? 0) / lineups.length;
  return out;
}

/** A uniform in [0, 1) with 53 random bits from a Philox block's first two words. */
const uniform53 = (w: Uint32Array): number => ((w[0] ?? 0) * 2097152 + ((w[1] ?? 0) >>> 11)) / 9007199254740992;

/**
 * The field's draw of one lineup at a time: slot by slot in DraftKings' order, a player eligible for the slot,
 * not yet in the lineup as a person, with probability proportional to his weight, among those whose salary can
 * still end inside [minSalary, cap] (bounds from the cheapest and dearest rows that could fill the rest); then
 * DraftKings' rules, or the attempt is rejected and redrawn.
 */
class FieldDrawer {
  private readonly bySlot: Int32Array[];
  private readonly minRest: Float64Array;
  private readonly maxRest: Float64Array;
  private readonly person: Int32Array;
  private readonly personUsed: Uint8Array;
  private readonly salary: Float64Array;
  private readonly rng: CounterRng;
  private readonly picked: number[] = [];

  constructor(
    private readonly pool: readonly PoolPlayer[],
    private readonly rules: RosterRules,
    private readonly weight: Float64Array,
    private readonly minSalary: number,
    seed: number,
  ) {
    this.rng = new CounterRng(seed);
    const persons = new Map<string, number>();
    this.person = Int32Array.from(pool, (p) => {
      const known = persons.get(p.personKey);
      if (known !== undefined) return known;
      persons.set(p.personKey, persons.size);
      return persons.size - 1;
    });
    this.personUsed = new Uint8Array(persons.size);
    this.salary = Float64Array.from(pool, (p) => p.salary);
    this.bySlot = rules.slots.map((slot) =>
      Int32Array.from(pool.flatMap((p, i) => (eligible(p, slot) && (weight[i] ?? 0) > 0 ? [i] : []))),
    );
    // minRest[k] / maxRest[k]: the least / most the slots after k can cost, from the salaries of the rows
    // eligible for any of them (each row once; a person's second row only loosens the bound, so it stays valid)
    const n = rules.slots.length;
    this.minRest = new Float64Array(n);
    this.maxRest = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const rest = new Set<number>();
      for (let j = k + 1; j < n; j++) for (const i of at(this.bySlot, j)) rest.add(i);
      const salaries = [...rest].map((i) => at(pool, i).salary).sort((a, b) => a - b);
      const m = n - 1 - k;
      this.minRest[k] = salaries.slice(0, m).reduce((s, x) => s + x, 0);
      this.maxRest[k] = salaries.slice(Math.max(0, salaries.length - m)).reduce((s, x) => s + x, 0);
    }
  }

  /** The first slot no weighted player can fill, or null. */
  emptySlot(): string | null {
    const k = this.bySlot.findIndex((c) => c.length === 0);
    return k < 0 ? null : (this.rules.slots[k] ?? '?');
  }

  /** One attempt at lineup `entry` (pool indices in slot order), or null when it is rejected. */
  attempt(stream: number, entry: number, attemptNo: number): number[] | null {
    const { weight, rules, salary: salaryOf, person, personUsed } = this;
    const picked = this.picked;
    picked.length = 0;
    personUsed.fill(0);
    let salary = 0;
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loop: bySlot, minRest and maxRest have one
       entry per slot (k < slots); bySlot holds pool indices, which index weight, salary and person (pool-long);
       person holds indices of personUsed; choice is one of the candidates, as total > 0 means one passed. */
    for (let k = 0; k < rules.slots.length; k++) {
      const candidates = this.bySlot[k]!;
      const hi = rules.salaryCap - salary - this.minRest[k]!;
      const lo = this.minSalary - salary - this.maxRest[k]!;
      let total = 0;
      for (const i of candidates) {
        const s = salaryOf[i]!;
        if (personUsed[person[i]!] === 0 && s <= hi && s >= lo) total += weight[i]!;
      }
      if (!(total > 0)) return null;
      let u = uniform53(this.rng.block(entry, attemptNo, stream, k)) * total;
      let choice = -1;
      for (const i of candidates) {
        const s = salaryOf[i]!;
        if (personUsed[person[i]!] !== 0 || s > hi || s < lo) continue;
        choice = i;
        u -= weight[i]!;
        if (u < 0) break;
      }
      picked.push(choice);
      personUsed[person[choice]!] = 1;
      salary += salaryOf[choice]!;
    }
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    if (salary < this.minSalary) return null;
    // the bounds above keep the salary in range; the game (classic) and team (showdown) rules are checked here
    const players = picked.map((i) => at(this.pool, i));
    return lineupViolation(rules, players) === null ? [...picked] : null;
  }

  /** Lineup `entry` of a stream: the first accepted attempt; a UserError when MAX_ATTEMPTS all fail. */
  lineup(stream: number, entry: number): number[] {
    for (let a = 0; a < MAX_ATTEMPTS; a++) {
      const l = this.attempt(stream, entry, a);
      if (l !== null) return l;
    }
    throw new UserError(
      `the ownership cannot make valid ${this.rules.type} lineups: ${MAX_ATTEMPTS} draws in a row broke the salary cap of ${this.rules.salaryCap}, the minimum salary of ${this.minSalary} or DraftKings' game/team rules; give ownership to more players or lower the minimum salary`,
    );
  }
}

/**
 * `size` opponents' lineups (pool indices in slot order) drawn from the field's ownership, the way open-source
 * GPP simulators do (chanzer0's NBA-DFS-Tools): slot by slot in DraftKings' order, a player eligible for the
 * slot and not yet used, with probability proportional to his weight, among players whose salary keeps the
 * lineup able to land in [minSalary, cap]; a lineup that still breaks DraftKings' rules is redrawn (at most
 * MAX_ATTEMPTS times, then a UserError). Proportional slot-by-slot draws alone do not reproduce the ownership
 * (a PG can also fill G and UTIL, the salary bounds favour some players), so the weights are first fitted:
 * each of CALIBRATION_ROUNDS rounds draws a sample of lineups (CALIBRATION_LINEUPS, growing) and multiplies
 * every weight by target / exposure (clipped to [1/2, 2] a round), the target being `ownership` scaled by
 * targetOwnership. A target no field can meet (too much salary, too many centers) is met as nearly as the
 * rounds allow, without an error. Every draw is Philox at (entry, attempt, stream, slot) under `seed`, so
 * entry i is the same for a given seed whatever the field's size, and the same seed gives the same field.
 */
export function sampleField(
  pool: readonly PoolPlayer[],
  rules: RosterRules,
  ownership: Float64Array,
  size: number,
  seed: number,
  opts: FieldOptions = {},
): number[][] {
  if (ownership.length !== pool.length) throw new Error(`ownership has ${ownership.length} rows, the pool ${pool.length}`);
  if (!Number.isInteger(size) || size < 0) throw new UserError(`field size must be a whole number of 0 or more, got ${size}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UserError(`seed must be a whole number from 0 to 2^53, got ${seed}`);
  const minSalary = opts.minSalary ?? DEFAULT_MIN_SALARY[rules.type];
  if (!Number.isFinite(minSalary) || minSalary > rules.salaryCap)
    throw new UserError(`minimum lineup salary ${minSalary} is above the salary cap of ${rules.salaryCap}`);
  const rounds = opts.calibrationRounds ?? CALIBRATION_ROUNDS;
  const target = targetOwnership(pool, rules, ownership);
  const weight = Float64Array.from(target);
  const drawer = new FieldDrawer(pool, rules, weight, minSalary, seed);
  const empty = drawer.emptySlot();
  if (empty !== null)
    throw new UserError(`the ownership gives no ${empty}-eligible player more than 0: the field cannot fill the ${empty} slot`);
  if (size === 0) return [];

  for (let r = 0; r < rounds; r++) {
    // later rounds fine-tune with more lineups, so the last step's sampling noise is the smallest
    const lineups = Math.round(CALIBRATION_LINEUPS * CALIBRATION_GROWTH ** r);
    const sample: number[][] = [];
    for (let e = 0; e < lineups; e++) sample.push(drawer.lineup(CALIBRATION_STREAM + r, e));
    const seen = exposures(sample, pool.length);
    for (let i = 0; i < pool.length; i++) {
      const t = at(target, i);
      if (t <= 0) continue;
      // half a lineup of prior keeps a player never drawn from an infinite ratio; the clip keeps one noisy
      // round from swinging a weight more than twofold
      const ratio = t / ((at(seen, i) * lineups + 0.5) / (lineups + 1));
      weight[i] = at(weight, i) * Math.min(2, Math.max(0.5, ratio));
    }
  }

  const field: number[][] = [];
  for (let e = 0; e < size; e++) field.push(drawer.lineup(FIELD_STREAM, e));
  return field;
}

// ---------------------------------------------------------------------------------------------------------
// Duplicates

/** A lineup as the set of its rows: showdown's CPT row is its own row, so the captain is part of the set. */
const lineupKey = (l: readonly number[]): string => [...l].sort((a, b) => a - b).join(',');

/** Per user lineup, how many field lineups hold the same rows (slot order aside). */
export function duplicatesOf(user: readonly (readonly number[])[], field: readonly (readonly number[])[]): Int32Array {
  const counts = new Map<string, number>();
  for (const l of field) {
    const k = lineupKey(l);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return Int32Array.from(user, (l) => counts.get(lineupKey(l)) ?? 0);
}

// ---------------------------------------------------------------------------------------------------------
// The contest over worlds

/**
 * Per lineup, an exact sum of fractions n/k (k a whole tie size): whole parts in one float64 (integers, exact
 * below 2^53) and the remainders per denominator, so the total is the same however worlds are chunked or
 * ordered; only result() divides.
 */
class ExactSums {
  readonly whole: Float64Array;
  private readonly parts: Map<number, number>[];
  constructor(n: number) {
    this.whole = new Float64Array(n);
    this.parts = Array.from({ length: n }, () => new Map<number, number>());
  }
  /** adds numerator / denominator (whole numbers, denominator >= 1) to lineup i */
  add(i: number, numerator: number, denominator: number): void {
    const q = Math.floor(numerator / denominator);
    const r = numerator - q * denominator;
    this.whole[i] = at(this.whole, i) + q;
    if (r !== 0) {
      const parts = at(this.parts, i);
      parts.set(denominator, (parts.get(denominator) ?? 0) + r);
    }
  }
  value(i: number): number {
    // denominators in ascending order, so the float sum is one fixed sequence of operations
    const parts = [...at(this.parts, i).entries()].sort((a, b) => a[0] - b[0]);
    let frac = 0;
    for (const [k, r] of parts) frac += r / k;
    return at(this.whole, i) + frac;
  }
}

export interface ContestResult {
  /** percent of worlds the lineup finishes first; a k-way tie for first is 1/k of a win */
  win_pct: Float64Array;
  /** percent of worlds it finishes in the top 1% (its rank, 1 + entries scoring more, at most max(1, floor(entries / 100))) */
  top1_pct: Float64Array;
  /** percent of worlds it wins a prize above 0 (a tie straddling the last paid rank shares in that prize) */
  cash_pct: Float64Array;
  /** mean prize in dollars */
  expected_payout: Float64Array;
  /** (expected_payout - entry fee) / entry fee, a fraction; NaN in a freeroll */
  roi: Float64Array;
  worlds: number;
}

/** Worlds handled together: a block of this many worlds per field entry is read in one pass (one cache line). */
const WORLD_BLOCK = 16;
/**
 * Widest spread of a world's scores (in units, beyond 4 per entry) that is ranked by counting; wider spreads are
 * sorted. A slate's DraftKings scores span a few thousand units (400 points in quarters), far inside.
 */
const HISTOGRAM_SPAN = 65_536;

/**
 * The user's lineups in the contest against the field, world by world. A world ranks every entry (field and
 * user lineups alike: the user's lineups compete with each other too) by score, best first; entries tied on a
 * score occupy consecutive ranks and each takes the mean of those ranks' prizes (DraftKings' rule). Scores are
 * integer units (quarter points, eighths in showdown), so ties are exact, and every sum kept is an integer (win
 * shares and prizes in cents as exact fractions), so results do not depend on how worlds arrive in chunks.
 */
export class ContestAccumulator {
  private readonly nEntries: number;
  /** cumPrize[r]: cents paid to ranks 1..r together (r up to the entries in play) */
  private readonly cumPrize: Float64Array;
  private readonly top1Rank: number;
  private readonly payout: ExactSums;
  private readonly wins: ExactSums;
  private readonly top1: Float64Array;
  private readonly cash: Float64Array;
  private worlds = 0;
  private readonly fieldCols: Int32Array[];
  private readonly userCol: Int32Array;
  private atLeast = new Int32Array(0);

  constructor(
    readonly nUser: number,
    readonly nField: number,
    readonly payouts: Payouts,
    /** score units per DraftKings point (4 classic, 8 showdown): scores stay integers here, points are for readers */
    readonly unitsPerPoint: number,
  ) {
    if (!Number.isInteger(nUser) || nUser < 1 || !Number.isInteger(nField) || nField < 0)
      throw new Error(`a contest needs at least one user lineup and a field of 0 or more, got ${nUser} and ${nField}`);
    this.nEntries = nUser + nField;
    if (this.nEntries > payouts.entries)
      throw new UserError(
        `${nUser} lineups and a field of ${nField} make ${this.nEntries} entries, more than the contest's ${payouts.entries}`,
      );
    this.cumPrize = new Float64Array(this.nEntries + 1);
    for (let r = 1; r <= this.nEntries; r++) this.cumPrize[r] = at(this.cumPrize, r - 1) + at(payouts.prizeCents, r - 1);
    this.top1Rank = Math.max(1, Math.floor(this.nEntries / 100));
    this.payout = new ExactSums(nUser);
    this.wins = new ExactSums(nUser);
    this.top1 = new Float64Array(nUser);
    this.cash = new Float64Array(nUser);
    this.fieldCols = Array.from({ length: WORLD_BLOCK }, () => new Int32Array(nField));
    this.userCol = new Int32Array(nUser);
  }

  /** A chunk of `nWorlds` worlds: user scores [lineup][world] and field scores [entry][world], row-major. */
  add(userScores: Int32Array, fieldScores: Int32Array, nWorlds: number): void {
    const { nUser, nField } = this;
    if (!Number.isInteger(nWorlds) || nWorlds < 0) throw new Error(`nWorlds must be a whole number, got ${nWorlds}`);
    if (userScores.length !== nUser * nWorlds)
      throw new Error(`user scores hold ${userScores.length} values, expected ${nUser} x ${nWorlds}`);
    if (fieldScores.length !== nField * nWorlds)
      throw new Error(`field scores hold ${fieldScores.length} values, expected ${nField} x ${nWorlds}`);
    /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loop: fieldCols holds WORLD_BLOCK arrays of
       nField, userCol and usersSorted nUser; e < nField, i < nUser and w0 + g < nWorlds index the chunk's row-major
       [row][world] arrays (lengths checked above); atLeast is grown to span lo..hi + 1 before it is read. */
    for (let w0 = 0; w0 < nWorlds; w0 += WORLD_BLOCK) {
      const g1 = Math.min(WORLD_BLOCK, nWorlds - w0);
      // transpose a block of worlds: each field entry's scores for these worlds are adjacent in memory
      for (let e = 0; e < nField; e++) {
        const base = e * nWorlds + w0;
        for (let g = 0; g < g1; g++) this.fieldCols[g]![e] = fieldScores[base + g]!;
      }
      for (let g = 0; g < g1; g++) {
        const field = this.fieldCols[g]!;
        const users = this.userCol;
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < nUser; i++) {
          const s = userScores[i * nWorlds + w0 + g]!;
          users[i] = s;
          if (s < lo) lo = s;
          if (s > hi) hi = s;
        }
        for (let e = 0; e < nField; e++) {
          const s = field[e]!;
          if (s < lo) lo = s;
          if (s > hi) hi = s;
        }
        if (hi - lo <= HISTOGRAM_SPAN + 4 * this.nEntries) {
          // scores are integer units in a narrow band (a few thousand): count entries at each score, then
          // atLeast[v - lo] = entries scoring v or more, so each lineup's place is two reads
          const span = hi - lo + 2;
          if (this.atLeast.length < span) this.atLeast = new Int32Array(Math.max(span, 2 * this.atLeast.length));
          const atLeast = this.atLeast;
          atLeast.fill(0, 0, span);
          for (let e = 0; e < nField; e++) atLeast[field[e]! - lo]! += 1;
          for (let i = 0; i < nUser; i++) atLeast[users[i]! - lo]! += 1;
          for (let k = span - 2; k >= 0; k--) atLeast[k]! += atLeast[k + 1]!;
          for (let i = 0; i < nUser; i++) {
            const k = users[i]! - lo;
            const above = atLeast[k + 1]!;
            this.credit(i, above, atLeast[k]! - above);
          }
        } else {
          // scores spread too wide to count (never from DraftKings points): sort and binary-search instead
          field.sort();
          const usersSorted = users.slice().sort();
          for (let i = 0; i < nUser; i++) {
            const s = users[i]!;
            const fLo = lowerBound(field, s);
            const fHi = upperBound(field, s, fLo);
            const uLo = lowerBound(usersSorted, s);
            const uHi = upperBound(usersSorted, s, uLo);
            this.credit(i, nField - fHi + (nUser - uHi), fHi - fLo + (uHi - uLo));
          }
        }
      }
    }
    /* eslint-enable @typescript-eslint/no-non-null-assertion */
    this.worlds += nWorlds;
  }

  /** Lineup i's world: `above` entries scored more, `tied` (itself included) the same. */
  private credit(i: number, above: number, tied: number): void {
    // above + tied <= nEntries, the last index of cumPrize
    const cents = at(this.cumPrize, above + tied) - at(this.cumPrize, above);
    this.payout.add(i, cents, tied);
    if (above === 0) this.wins.add(i, 1, tied);
    if (above + 1 <= this.top1Rank) this.top1[i] = at(this.top1, i) + 1;
    if (cents > 0) this.cash[i] = at(this.cash, i) + 1;
  }

  result(): ContestResult {
    const n = this.nUser;
    const w = this.worlds;
    const pct = (count: number): number => (w > 0 ? (100 * count) / w : 0);
    const expected = Float64Array.from({ length: n }, (_, i) => (w > 0 ? this.payout.value(i) / w / 100 : 0));
    const fee = this.payouts.entryFee;
    return {
      win_pct: Float64Array.from({ length: n }, (_, i) => pct(this.wins.value(i))),
      top1_pct: Float64Array.from(this.top1, pct),
      cash_pct: Float64Array.from(this.cash, pct),
      expected_payout: expected,
      roi: Float64Array.from(expected, (x) => (fee > 0 ? (x - fee) / fee : NaN)),
      worlds: w,
    };
  }
}

/** The first index of sorted `a` holding a value >= s. */
function lowerBound(a: Int32Array, s: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index of sorted `a` at or after `from` holding a value > s. */
function upperBound(a: Int32Array, s: number, from: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What one more entry scoring `score` in world `w` would be paid against the field (its ties sharing their
 * ranks' prizes), in dollars: the payout the sim-aware builder maximises for the set's best lineup in each
 * world. Non-decreasing in the score. Field scores are [entry][world] in score units.
 */
export function fieldPayout(
  payouts: Payouts,
  fieldScores: Int32Array,
  nField: number,
  nWorlds: number,
): (w: number, score: number) => number {
  const sorted = new Int32Array(nField * nWorlds); // [world][entry], ascending
  const column = new Int32Array(nField);
  for (let w = 0; w < nWorlds; w++) {
    for (let e = 0; e < nField; e++) column[e] = at(fieldScores, e * nWorlds + w);
    column.sort();
    sorted.set(column, w * nField);
  }
  const cum = new Float64Array(nField + 2);
  for (let r = 1; r <= nField + 1; r++) cum[r] = at(cum, r - 1) + (r - 1 < payouts.prizeCents.length ? at(payouts.prizeCents, r - 1) : 0);
  return (w, score) => {
    const row = sorted.subarray(w * nField, (w + 1) * nField);
    const lo = lowerBound(row, score);
    const hi = upperBound(row, score, lo);
    const above = nField - hi;
    const tied = hi - lo + 1;
    return (at(cum, above + tied) - at(cum, above)) / tied / 100;
  };
}

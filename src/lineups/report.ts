// What the worlds say about a set of lineups: per lineup its score distribution (mean, sd, p01..p99, the chance
// of reaching each asked threshold), its salary and how often it is the set's best; for the set, the best
// lineup's score per world and each player's exposure. Everything is read off the engine's exact histograms
// (one bin per score unit), so the figures are exact for the worlds simulated.
import { at } from '../data/checked.ts';
import { col, type ColumnSpec, type TableSchema, type Value } from '../data/schema.ts';
import {
  LINEUP_BINS,
  LINEUP_LO_POINTS,
  lineupTable,
  type LineupAccumulator,
  type LineupRequest,
} from '../../engine/kernels/lineups/lineups.ts';
import type { Slate } from '../../engine/slate.ts';
import type { Lineup } from './read.ts';
import type { PoolPlayer, RosterRules } from './rules.ts';

export const LINEUP_QUANTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99] as const;

/** Tonight's players as lineups see them, and where each one's worlds are in the engine's slate. */
export interface LineupPool {
  rules: RosterRules;
  players: PoolPlayer[];
  /** per pool row: the engine slate index of his worlds, or -1 (ruled out: 0 points) */
  slatePlayer: Int32Array;
}

/** Score units per DraftKings point: quarters, or eighths when a captain's 1.5x is in play. */
export const unitsPerPoint = (rules: RosterRules): number => (rules.type === 'showdown' ? 8 : 4);

/** The slot weights in quarter points: 1 (classic); showdown's captain 1.5 x 8 / 4 = 3, a utility 2. */
export function slotWeight(rules: RosterRules, slot: number): number {
  if (rules.type === 'classic') return 1;
  return slot === 0 ? 3 : 2;
}

/** The engine's request for scoring `lineups` over the pool's slate. */
export function lineupRequest(pool: LineupPool, slate: Slate, lineups: readonly Lineup[]): LineupRequest {
  const table = lineupTable(
    slate,
    lineups.map((l) => l.players.map((p, k) => ({ player: pool.slatePlayer[p] ?? -1, weight: slotWeight(pool.rules, k) }))),
    unitsPerPoint(pool.rules),
  );
  return { table };
}

/** Column names of the slots: pg, sg, ..., util (classic); cpt, util1..util5 (showdown). */
export function slotColumns(rules: RosterRules): string[] {
  if (rules.type === 'classic') return rules.slots.map((s) => s.toLowerCase());
  return rules.slots.map((s, k) => (k === 0 ? 'cpt' : `${s.toLowerCase()}${k}`));
}

/** P(score >= X) columns when none are asked: where a classic GPP is won (250-350), a showdown's (150-250). */
export const defaultThresholds = (rules: RosterRules): number[] => (rules.type === 'classic' ? [250, 300, 350] : [150, 200, 250]);

const thresholdColumn = (x: number): string => `p_ge_${String(x).replace('.', '_')}`;

export interface ContestColumns {
  win_pct: Float64Array;
  top1_pct: Float64Array;
  cash_pct: Float64Array;
  expected_payout: Float64Array;
  roi: Float64Array;
  duplicates?: Int32Array;
}

export function lineupsSchema(rules: RosterRules, thresholds: readonly number[], contest: boolean): TableSchema {
  const columns: ColumnSpec[] = [
    col('lineup', 'int32'),
    ...slotColumns(rules).map((c) => col(c, 'int64')),
    col('salary', 'int32'),
    col('mean', 'float64'),
    col('sd', 'float64'),
    ...LINEUP_QUANTILES.map((q) => col(`p${String(q).padStart(2, '0')}`, 'float64')),
    ...thresholds.map((x) => col(thresholdColumn(x), 'float64')),
    col('best_of_set_share', 'float64'),
  ];
  if (contest)
    columns.push(
      col('win_pct', 'float64'),
      col('top1_pct', 'float64'),
      col('cash_pct', 'float64'),
      col('expected_payout', 'float64'),
      col('roi', 'float64'),
      col('duplicates', 'int32'),
    );
  return { name: 'lineups', columns };
}

/** Mean, sd and quantiles of a histogram of score units (bin b holds lo + b units). */
export function histogramStats(
  hist: Uint32Array,
  offset: number,
  lo: number,
  units: number,
): { n: number; mean: number; sd: number; quantile: (q: number) => number; atLeast: (x: number) => number } {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let b = 0; b < LINEUP_BINS; b++) {
    const c = hist[offset + b] ?? 0;
    if (c === 0) continue;
    const v = lo + b;
    n += c;
    sum += c * v;
    sumSq += c * v * v;
  }
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 0 ? Math.max(0, sumSq / n - mean * mean) : 0;
  return {
    n,
    mean: mean / units,
    sd: Math.sqrt(variance) / units,
    // the smallest score s with P(score <= s) >= q: an observed score, exact
    quantile: (q) => {
      let cum = 0;
      for (let b = 0; b < LINEUP_BINS; b++) {
        cum += hist[offset + b] ?? 0;
        if (cum >= q * n && cum > 0) return (lo + b) / units;
      }
      return (lo + LINEUP_BINS - 1) / units;
    },
    atLeast: (x) => {
      let c = 0;
      for (let b = Math.max(0, Math.ceil(x * units - lo)); b < LINEUP_BINS; b++) c += hist[offset + b] ?? 0;
      return n > 0 ? c / n : 0;
    },
  };
}

/** One row per lineup, in the order given. */
export function lineupRows(
  pool: LineupPool,
  lineups: readonly Lineup[],
  acc: LineupAccumulator,
  thresholds: readonly number[],
  contest?: ContestColumns,
): Record<string, Value>[] {
  const units = unitsPerPoint(pool.rules);
  const lo = LINEUP_LO_POINTS * units;
  const names = slotColumns(pool.rules);
  return lineups.map((l, i) => {
    const st = histogramStats(acc.hist, i * LINEUP_BINS, lo, units);
    const row: Record<string, Value> = { lineup: i };
    l.players.forEach((p, k) => (row[names[k] ?? `slot${k}`] = at(pool.players, p).dkId));
    row.salary = l.players.reduce((s, p) => s + at(pool.players, p).salary, 0);
    row.mean = st.mean;
    row.sd = st.sd;
    for (const q of LINEUP_QUANTILES) row[`p${String(q).padStart(2, '0')}`] = st.quantile(q / 100);
    for (const x of thresholds) row[thresholdColumn(x)] = st.atLeast(x);
    row.best_of_set_share = acc.worlds > 0 ? (acc.bestCount[i] ?? 0) / acc.worlds : 0;
    if (contest !== undefined) {
      row.win_pct = contest.win_pct[i] ?? 0;
      row.top1_pct = contest.top1_pct[i] ?? 0;
      row.cash_pct = contest.cash_pct[i] ?? 0;
      row.expected_payout = contest.expected_payout[i] ?? 0;
      row.roi = contest.roi[i] ?? 0;
      row.duplicates = contest.duplicates?.[i] ?? 0;
    }
    return row;
  });
}

/** The set: the best lineup's score per world, and each player's exposure (share of the lineups holding him). */
export function setSummary(pool: LineupPool, lineups: readonly Lineup[], acc: LineupAccumulator): Record<string, unknown> {
  const units = unitsPerPoint(pool.rules);
  const best = histogramStats(acc.bestHist, 0, LINEUP_LO_POINTS * units, units);
  const counts = new Map<number, number>();
  for (const l of lineups) for (const p of l.players) counts.set(p, (counts.get(p) ?? 0) + 1);
  const exposures = [...counts.entries()]
    .map(([p, c]) => {
      const row = at(pool.players, p);
      return { dk_id: row.dkId, name: row.name, team: row.team, salary: row.salary, lineups: c, exposure: c / lineups.length };
    })
    .sort((a, b) => b.lineups - a.lineups || a.dk_id - b.dk_id);
  return {
    lineups: lineups.length,
    worlds: acc.worlds,
    contest_type: pool.rules.type,
    best_of_set: {
      mean: best.mean,
      sd: best.sd,
      ...Object.fromEntries(LINEUP_QUANTILES.map((q) => [`p${String(q).padStart(2, '0')}`, best.quantile(q / 100)])),
    },
    lineup_worlds_outside_histogram: acc.clamped,
    exposures,
  };
}

// Share metrics within one team-game, then averaged over team-games (keys in ../shared/docs/contracts.md).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: counts,
   probabilities and order are per-player arrays of one team-game (n long) and every loop is bounded by n. */

import { pearson } from '../models/linear.ts';

export interface ShareMetrics {
  mae: number;
  mae_floor: number;
  kl: number;
  nll: number;
  top1: number;
  top2: number;
  spearman: number;
}

export const METRIC_KEYS: readonly (keyof ShareMetrics)[] = ['mae', 'mae_floor', 'kl', 'nll', 'top1', 'top2', 'spearman'];
const FLOOR = 1e-6;

/** Average ranks (1 = smallest), ties sharing the mean of their positions. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(x.length);
  for (let k = 0; k < idx.length;) {
    let e = k;
    while (e + 1 < idx.length && x[idx[e + 1]!] === x[idx[k]!]) e++;
    for (let t = k; t <= e; t++) r[idx[t]!] = (k + e) / 2 + 1;
    k = e + 1;
  }
  return r;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(averageRanks(a), averageRanks(b));
}

/** E|X/n - p| for X ~ Binomial(n, p): the MAE a true share p still shows through counting noise. */
export function binomialAbsDeviation(n: number, p: number): number {
  if (n <= 0 || p <= 0) return p <= 0 ? 0 : p;
  if (p >= 1) return 0;
  let pmf = Math.pow(1 - p, n);
  let e = pmf * p;
  for (let k = 0; k < n; k++) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    e += pmf * Math.abs((k + 1) / n - p);
  }
  return e;
}

/**
 * Metrics of predicted shares `pred` against counts `counts` (total > 0). top1: the predicted top player has
 * the largest count (ties agree); top2: both predicted top-two players have counts at least the actual
 * second-largest count.
 */
export function teamGameMetrics(counts: ArrayLike<number>, pred: ArrayLike<number>): ShareMetrics {
  const n = counts.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += counts[i]!;
  if (total <= 0) throw new Error('teamGameMetrics: zero total');
  let mae = 0;
  let floor = 0;
  let kl = 0;
  let nll = 0;
  for (let i = 0; i < n; i++) {
    const s = counts[i]! / total;
    const p = pred[i]!;
    mae += Math.abs(s - p);
    floor += binomialAbsDeviation(total, p);
    if (s > 0) kl += s * Math.log(s / Math.max(p, FLOOR));
    nll -= counts[i]! * Math.log(Math.max(p, FLOOR));
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pred[b]! - pred[a]! || a - b);
  const sortedCounts = Array.from(counts).sort((a, b) => b - a);
  const maxCount = sortedCounts[0]!;
  const second = sortedCounts[1] ?? 0;
  const top1 = counts[order[0]!]! === maxCount ? 1 : 0;
  const top2 = n >= 2 && counts[order[0]!]! >= second && counts[order[1]!]! >= second ? 1 : 0;
  return { mae: mae / n, mae_floor: floor / n, kl, nll: nll / total, top1, top2, spearman: spearman(counts, pred) };
}

/** Mean of each metric over team-games (Spearman over those where it is defined). */
export function meanMetrics(list: readonly ShareMetrics[]): ShareMetrics {
  const out = {} as ShareMetrics;
  for (const k of METRIC_KEYS) {
    const vals = list.map((m) => m[k]).filter((v) => Number.isFinite(v));
    out[k] = vals.length > 0 ? vals.reduce((a, b) => a + b, 0) / vals.length : Number.NaN;
  }
  return out;
}

// Scoring a simulated distribution against what happened: interval coverage, CRPS and the PIT, for the
// discrete distributions the worlds give (DK points on a 0.25 grid) and for the naive normal baseline.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   discrete distributions' values and probabilities are parallel arrays of one length, and the loops run over that
   length. */

/** A discrete distribution: support values ascending with their probabilities. */
export interface Discrete {
  values: Float64Array;
  probs: Float64Array;
}

export function discreteFromSamples(samples: ArrayLike<number>): Discrete {
  const counts = new Map<number, number>();
  for (let i = 0; i < samples.length; i++) counts.set(samples[i]!, (counts.get(samples[i]!) ?? 0) + 1);
  const values = Float64Array.from([...counts.keys()].sort((a, b) => a - b));
  const probs = Float64Array.from(values, (v) => counts.get(v)! / samples.length);
  return { values, probs };
}

/** The smallest support value v with CDF(v) >= q. */
export function quantileOf(d: Discrete, q: number): number {
  let cum = 0;
  for (let k = 0; k < d.values.length; k++) {
    cum += d.probs[k]!;
    if (cum >= q - 1e-12) return d.values[k]!;
  }
  return d.values[d.values.length - 1]!;
}

export function meanOf(d: Discrete): number {
  let m = 0;
  for (let k = 0; k < d.values.length; k++) m += d.values[k]! * d.probs[k]!;
  return m;
}

/** CRPS = E|X - y| - E|X - X'| / 2, exactly, in O(K) by prefix sums over the sorted support. */
export function crpsDiscrete(d: Discrete, y: number): number {
  let eAbs = 0;
  let pair = 0;
  let cumP = 0;
  let cumPV = 0;
  for (let k = 0; k < d.values.length; k++) {
    const v = d.values[k]!;
    const p = d.probs[k]!;
    eAbs += p * Math.abs(v - y);
    pair += p * (v * cumP - cumPV);
    cumP += p;
    cumPV += p * v;
  }
  return eAbs - pair; // E|X-X'| = 2 * pair, halved
}

const SQRT2 = Math.SQRT2;
function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26, |error| < 1.5e-7
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
export const normalCdf = (z: number): number => 0.5 * (1 + erf(z / SQRT2));
const normalPdf = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** Closed-form CRPS of Normal(mu, sd) at y (Gneiting and Raftery 2007). */
export function crpsNormal(mu: number, sd: number, y: number): number {
  if (!(sd > 0)) return Math.abs(y - mu);
  const z = (y - mu) / sd;
  return sd * (z * (2 * normalCdf(z) - 1) + 2 * normalPdf(z) - 1 / Math.sqrt(Math.PI));
}

/** Normal quantile by bisection on the CDF (plenty for interval bounds). */
export function normalQuantile(mu: number, sd: number, q: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return mu + sd * ((lo + hi) / 2);
}

/** Mid-PIT of y under a discrete distribution: P(X < y) + P(X = y) / 2 (uniform when calibrated). */
export function pitDiscrete(d: Discrete, y: number): number {
  const [below, at] = massAround(d, y);
  return below + at / 2;
}

/** [P(X < y), P(X = y)] of a discrete distribution. */
function massAround(d: Discrete, y: number): [number, number] {
  let below = 0;
  let at = 0;
  for (let k = 0; k < d.values.length; k++) {
    const v = d.values[k]!;
    if (v < y - 1e-9) below += d.probs[k]!;
    else if (Math.abs(v - y) <= 1e-9) at += d.probs[k]!;
  }
  return [below, at];
}

/**
 * Coverage of the central interval [lo, hi] (probability levels) for an outcome y under a discrete
 * distribution, by the randomised PIT: y's PIT is uniform on [P(X < y), P(X <= y)], and the coverage is the
 * chance it lands in [lo, hi]. For a calibrated forecast its mean is exactly hi - lo, where counting y inside
 * [quantile(lo), quantile(hi)] with the endpoints included overstates coverage whenever an atom (zero points
 * for a player who sits) straddles a quantile (Czado, Gneiting and Held 2009).
 */
export function intervalCoverage(d: Discrete, y: number, lo: number, hi: number): number {
  const [below, at] = massAround(d, y);
  if (at <= 0) return below >= lo && below <= hi ? 1 : 0;
  return Math.max(0, Math.min(hi, below + at) - Math.max(lo, below)) / at;
}

/** Ten equal bins of PIT values, as fractions. */
export function pitHistogram(pits: readonly number[]): number[] {
  const h = new Array<number>(10).fill(0);
  for (const p of pits) h[Math.min(9, Math.floor(p * 10))] = h[Math.min(9, Math.floor(p * 10))]! + 1;
  return h.map((c) => (pits.length > 0 ? c / pits.length : 0));
}

export { pearson } from '../models/linear.ts';

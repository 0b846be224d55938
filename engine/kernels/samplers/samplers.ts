// Discrete samplers that take their uniforms from the caller (counter-based draws), one uniform per draw,
// by inversion: exact for the small counts a box score has, branch-light, and the same arithmetic in WGSL.
// Degenerate parameters return early.

import { MAX_WALK } from '../contract.ts';

/**
 * (1 - q)^n for an integer n >= 1, by repeated squaring: at most 14 multiplications for the counts a box score
 * has, where exp(n log1p(-q)) is two library calls (three times the time in V8). Either is Math.pow's number to
 * a few ulps; a draw could differ only if its uniform fell within those ulps of a CDF step (about 1e-14 a draw).
 */
export function binomialP0(n: number, q: number): number {
  let base = 1 - q;
  let r = 1;
  let e = n;
  for (;;) {
    if ((e & 1) === 1) r *= base;
    e >>>= 1;
    if (e === 0) return r;
    base *= base;
  }
}

/**
 * Binomial(n, p) by inversion of its CDF with one uniform u in [0, 1). For p > 1/2 it draws the failures
 * instead (n - Binomial(n, 1 - p)) so (1-p)^n stays far from underflow even in float32.
 */
export function binomial(n: number, p: number, u: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  return binomialWalk(n, q / (1 - q), binomialP0(n, q), flip, u);
}

/** The inversion walk of binomial() from P(0) = (1-q)^n, with ratio = q / (1 - q). */
function binomialWalk(n: number, ratio: number, p0: number, flip: boolean, u: number): number {
  let pmf = p0;
  let cdf = pmf;
  let k = 0;
  while (u >= cdf && k < n) {
    pmf *= (ratio * (n - k)) / (k + 1);
    k++;
    cdf += pmf;
  }
  return flip ? n - k : k;
}

/** Poisson(mean) by inversion with one uniform. */
export function poisson(mean: number, u: number): number {
  if (!(mean > 0)) return 0;
  let pmf = Math.exp(-mean);
  let cdf = pmf;
  let k = 0;
  while (u >= cdf && k < MAX_WALK) {
    k++;
    pmf *= mean / k;
    cdf += pmf;
  }
  return k;
}

/**
 * Negative binomial with the given mean and dispersion phi >= 0 (variance = mean + phi * mean^2), by
 * inversion with one uniform; phi = 0 is Poisson.
 */
export function negativeBinomial(mean: number, phi: number, u: number): number {
  if (!(mean > 0)) return 0;
  if (!(phi > 0)) return poisson(mean, u);
  const r = 1 / phi;
  const p = mean / (mean + r); // success probability of the count
  // (1 - p)^r = (1 + mean phi)^-r, as exp(-r log1p(mean phi)): Math.pow's number to a few ulps, in half the time
  let pmf = Math.exp(-r * Math.log1p(mean * phi));
  let cdf = pmf;
  let k = 0;
  while (u >= cdf && k < MAX_WALK) {
    pmf *= (p * (k + r)) / (k + 1);
    k++;
    cdf += pmf;
  }
  return k;
}

/** A split normal through (p10, p50, p90): z < 0 scales by the left spread, z >= 0 by the right. */
export function splitNormal(p10: number, p50: number, p90: number, z: number): number {
  const Z90 = 1.2815515655446004;
  return z < 0 ? p50 + (z * (p50 - p10)) / Z90 : p50 + (z * (p90 - p50)) / Z90;
}

/**
 * Binomial(n, p) for one fixed p and many n (a player's 3PA share, his FT%): binomial() with its constants and
 * (1-q)^n kept per n, the same arithmetic step for step, so every draw is the one binomial() gives.
 */
export class FixedPBinomial {
  private flip = false;
  private q = 0;
  private ratio = 0;
  private degenerate = 0; // 0: walk; 1: p <= 0 (always 0); 2: p >= 1 (always n)
  private readonly pow0 = new Float64Array(64);
  set(p: number): void {
    this.degenerate = p <= 0 ? 1 : p >= 1 ? 2 : 0;
    this.flip = p > 0.5;
    this.q = this.flip ? 1 - p : p;
    this.ratio = this.q / (1 - this.q);
    this.pow0.fill(-1);
  }
  draw(n: number, u: number): number {
    if (n <= 0 || this.degenerate === 1) return 0;
    if (this.degenerate === 2) return n;
    let p0: number;
    const kept = n < 64 ? this.pow0[n] : undefined;
    if (kept !== undefined && kept >= 0) p0 = kept;
    else {
      p0 = binomialP0(n, this.q);
      if (n < 64) this.pow0[n] = p0;
    }
    return binomialWalk(n, this.ratio, p0, this.flip, u);
  }
}

// Small, dependency-free model fitting for tabular features: ridge least squares, median (LAD) regression by
// iteratively reweighted least squares, and logistic regression by Newton's method. Design matrices are
// row-major Float64Array [row][feature]; the first column is usually the intercept (a column of ones).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   x is [row][feature] with n = y.length rows of p features, a p x p matrix is p*p long, vectors are p (or n)
   long, and each loop is bounded by those sizes, so `arr[i]!` is a read, not a guess. */

/** Solves the symmetric positive-definite system A x = b (A is n x n, row-major) by Cholesky. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not positive definite at pivot ${i} (${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Weighted ridge least squares: minimises sum w_i (y_i - x_i.beta)^2 + lambda * |beta[1:]|^2 (the intercept,
 * column 0, is not penalised).
 */
export function ridge(x: Float64Array, y: Float64Array, p: number, lambda: number, w?: Float64Array): Float64Array {
  const n = y.length;
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const wi = w === undefined ? 1 : w[i]!;
    if (wi === 0) continue;
    const o = i * p;
    const yi = y[i]!;
    for (let a = 0; a < p; a++) {
      const xa = x[o + a]! * wi;
      xty[a]! += xa * yi;
      for (let b = 0; b <= a; b++) xtx[a * p + b]! += xa * x[o + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[b * p + a] = xtx[a * p + b]!;
  for (let a = 1; a < p; a++) xtx[a * p + a]! += lambda;
  xtx[0]! += 1e-9;
  return solveSpd(xtx, xty, p);
}

export function predictLinear(x: Float64Array, p: number, beta: Float64Array): Float64Array {
  const n = x.length / p;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += x[i * p + a]! * beta[a]!;
    out[i] = s;
  }
  return out;
}

/** Median regression (least absolute deviations) by IRLS with weights 1/max(|r|, eps). */
export function lad(x: Float64Array, y: Float64Array, p: number, lambda: number, iterations = 30): Float64Array {
  let beta = ridge(x, y, p, lambda);
  const w = new Float64Array(y.length);
  for (let it = 0; it < iterations; it++) {
    const pred = predictLinear(x, p, beta);
    for (let i = 0; i < y.length; i++) w[i] = 1 / Math.max(Math.abs(y[i]! - pred[i]!), 0.5);
    const next = ridge(x, y, p, lambda, w);
    let change = 0;
    for (let a = 0; a < p; a++) change = Math.max(change, Math.abs(next[a]! - beta[a]!));
    beta = next;
    if (change < 1e-6) break;
  }
  return beta;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Logistic regression (y in {0,1}) by Newton's method with an L2 penalty on the non-intercept terms. */
export function logistic(x: Float64Array, y: Float64Array, p: number, lambda: number, iterations = 25): Float64Array {
  const n = y.length;
  let beta = new Float64Array(p);
  for (let it = 0; it < iterations; it++) {
    const h = new Float64Array(p * p);
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const o = i * p;
      let z = 0;
      for (let a = 0; a < p; a++) z += x[o + a]! * beta[a]!;
      const mu = sigmoid(z);
      const r = y[i]! - mu;
      const v = Math.max(mu * (1 - mu), 1e-9);
      for (let a = 0; a < p; a++) {
        const xa = x[o + a]!;
        g[a]! += xa * r;
        for (let b = 0; b <= a; b++) h[a * p + b]! += v * xa * x[o + b]!;
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[b * p + a] = h[a * p + b]!;
    for (let a = 1; a < p; a++) {
      h[a * p + a]! += lambda;
      g[a]! -= lambda * beta[a]!;
    }
    h[0]! += 1e-9;
    const step = solveSpd(h, g, p);
    let change = 0;
    const next = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      next[a] = beta[a]! + step[a]!;
      change = Math.max(change, Math.abs(step[a]!));
    }
    beta = next;
    if (change < 1e-8) break;
  }
  return beta;
}

export function predictLogistic(x: Float64Array, p: number, beta: Float64Array): Float64Array {
  const z = predictLinear(x, p, beta);
  return z.map(sigmoid);
}

/** The q-quantile (0..1) of values, by linear interpolation between order statistics. */
export function quantile(values: readonly number[] | Float64Array, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Pearson correlation; NaN with fewer than three points or no variance. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 3) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    c += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > 0 && vb > 0 ? c / Math.sqrt(va * vb) : Number.NaN;
}

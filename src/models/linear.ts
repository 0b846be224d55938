// Small, dependency-free model fitting for tabular features: ridge least squares, median (LAD) regression by
// iteratively reweighted least squares, and logistic regression by Newton's method. Design matrices are
// row-major Float64Array [row][feature]; the first column is usually the intercept (a column of ones).

/** Solves the symmetric positive-definite system A x = b (A is n x n, row-major) by Cholesky. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not positive definite at pivot ${i} (${s})`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
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
    const wi = w === undefined ? 1 : (w[i] as number);
    if (wi === 0) continue;
    const o = i * p;
    const yi = y[i] as number;
    for (let a = 0; a < p; a++) {
      const xa = (x[o + a] as number) * wi;
      xty[a] = (xty[a] as number) + xa * yi;
      for (let b = 0; b <= a; b++) xtx[a * p + b] = (xtx[a * p + b] as number) + xa * (x[o + b] as number);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[b * p + a] = xtx[a * p + b] as number;
  for (let a = 1; a < p; a++) xtx[a * p + a] = (xtx[a * p + a] as number) + lambda;
  xtx[0] = (xtx[0] as number) + 1e-9;
  return solveSpd(xtx, xty, p);
}

export function predictLinear(x: Float64Array, p: number, beta: Float64Array): Float64Array {
  const n = x.length / p;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += (x[i * p + a] as number) * (beta[a] as number);
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
    for (let i = 0; i < y.length; i++) w[i] = 1 / Math.max(Math.abs((y[i] as number) - (pred[i] as number)), 0.5);
    const next = ridge(x, y, p, lambda, w);
    let change = 0;
    for (let a = 0; a < p; a++) change = Math.max(change, Math.abs((next[a] as number) - (beta[a] as number)));
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
      for (let a = 0; a < p; a++) z += (x[o + a] as number) * (beta[a] as number);
      const mu = sigmoid(z);
      const r = (y[i] as number) - mu;
      const v = Math.max(mu * (1 - mu), 1e-9);
      for (let a = 0; a < p; a++) {
        const xa = x[o + a] as number;
        g[a] = (g[a] as number) + xa * r;
        for (let b = 0; b <= a; b++) h[a * p + b] = (h[a * p + b] as number) + v * xa * (x[o + b] as number);
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[b * p + a] = h[a * p + b] as number;
    for (let a = 1; a < p; a++) {
      h[a * p + a] = (h[a * p + a] as number) + lambda;
      g[a] = (g[a] as number) - lambda * (beta[a] as number);
    }
    h[0] = (h[0] as number) + 1e-9;
    const step = solveSpd(h, g, p);
    let change = 0;
    const next = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      next[a] = (beta[a] as number) + (step[a] as number);
      change = Math.max(change, Math.abs(step[a] as number));
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
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/** Pearson correlation; NaN with fewer than three points or no variance. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 3) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let c = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    c += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > 0 && vb > 0 ? c / Math.sqrt(va * vb) : Number.NaN;
}

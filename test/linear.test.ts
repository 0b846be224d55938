// The model-fitting helpers on synthetic data with known answers.
import { describe, expect, it } from 'vitest';
import { lad, logistic, predictLogistic, quantile, ridge, solveSpd } from '../src/models/linear.ts';

let seed = 7;
const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const normal = (): number => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());

/** n rows of [1, v] with v uniform on [0, 10) and y = yOf(v). */
function linearSample(n: number, yOf: (v: number) => number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = rand() * 10;
    x[2 * i] = 1;
    x[2 * i + 1] = v;
    y[i] = yOf(v);
  }
  return { x, y };
}

describe('linear models', () => {
  it('solves a symmetric positive-definite system', () => {
    const x = solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });

  it('ridge with no penalty is least squares', () => {
    const { x, y } = linearSample(2000, (v) => 3 + 2 * v + 0.1 * normal());
    const b = ridge(x, y, 2, 0);
    expect(b[0]).toBeCloseTo(3, 1);
    expect(b[1]).toBeCloseTo(2, 2);
  });

  it('median regression ignores a heavy one-sided tail that pulls least squares', () => {
    // 30% of rows jump by +20: the conditional median stays at 1 + v, the mean moves to 7 + v
    const { x, y } = linearSample(4000, (v) => 1 + v + (rand() < 0.3 ? 20 : 0) + 0.01 * normal());
    const med = lad(x, y, 2, 0);
    const ls = ridge(x, y, 2, 0);
    expect(med[0]).toBeCloseTo(1, 0);
    expect(med[1]).toBeCloseTo(1, 1);
    expect(ls[0]).toBeGreaterThan(5);
  });

  it('logistic regression recovers its coefficients', () => {
    const n = 20000;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = normal();
      x[2 * i] = 1;
      x[2 * i + 1] = v;
      y[i] = rand() < 1 / (1 + Math.exp(-(-0.5 + 1.5 * v))) ? 1 : 0;
    }
    const b = logistic(x, y, 2, 0);
    expect(b[0]).toBeCloseTo(-0.5, 1);
    expect(b[1]).toBeCloseTo(1.5, 1);
    const p = predictLogistic(Float64Array.from([1, 0]), 2, b);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(0.5)), 1);
  });

  it('interpolates quantiles', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.1)).toBeCloseTo(1, 12);
  });
});

// The usage-share model. Two forms:
//  - softmax_offset (what the simulator uses): logit_i = log(minutes_i) + beta . x_i, fitted by maximising the
//    multinomial likelihood of the team-game's counts (softmax cross-entropy) with an L2 penalty, by Newton's
//    method. Two coefficient sets: `actual` (offset = the minutes played; the simulator's world minutes take
//    its place) and `pregame` (offset = minutes_pred_p50, for shares predicted before tip).
//  - log_count (the seed's form): ridge regression of log(count + 0.5) on log minutes and x, turned into shares
//    by a softmax within the team-game.
// Features are standardised with the training rows' means and scales, stored in the model file.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: a
   team-game's arrays are per player (n rows), design matrices row-major [row][feature] with p features, coefficient
   vectors p long and the Hessian p * p; every loop is bounded by those sizes. */

import { UserError } from '../data/errors.ts';
import type { Value } from '../data/schema.ts';
import { ridge, solveSpd } from '../models/linear.ts';
import { SHARE_FEATURES, SHARE_TARGETS, teamGameFeatures, type ShareTarget } from './features.ts';

export const SHARE_MODEL_VERSION = 'usage_shares_v1';

/** One team-game of the training base. */
export interface TeamGame {
  season: number;
  gameDate: string;
  gameId: string;
  teamId: number;
  rows: Record<string, Value>[];
  minutesActual: Float64Array;
  minutesPregame: Float64Array;
  counts: Record<ShareTarget, Int32Array>;
  totals: Record<ShareTarget, number>;
  vacMinSzn: number;
  /** raw (unstandardised) features per target, [player][feature], computed with pregame minutes */
  x: Record<ShareTarget, Float64Array>;
}

export type OffsetKind = 'actual' | 'pregame';

export interface TargetModel {
  form: 'softmax_offset' | 'log_count';
  mean: number[];
  scale: number[];
  coef_actual: number[];
  coef_pregame: number[];
  /** log_count only: intercept and log-minutes slope are coef[0], coef[1] before the features */
  lambda: number;
  validation_nll: Record<string, number>;
}

export interface ShareModel {
  version: string;
  features: readonly string[];
  targets: Record<ShareTarget, TargetModel>;
  training: { start_date: string; end_date: string; seasons: number[]; team_games: number };
  validation: { season: number | null; lambdas: number[] };
}

export function buildTeamGame(rows: Record<string, Value>[]): TeamGame {
  const r0 = rows[0]!;
  const minutesActual = Float64Array.from(rows, (r) => r.minutes_actual as number);
  const minutesPregame = Float64Array.from(rows, (r) => r.minutes_pred_p50 as number);
  const counts = {} as Record<ShareTarget, Int32Array>;
  const totals = {} as Record<ShareTarget, number>;
  const x = {} as Record<ShareTarget, Float64Array>;
  for (const t of SHARE_TARGETS) {
    counts[t] = Int32Array.from(rows, (r) => r[t] as number);
    totals[t] = counts[t].reduce((a, b) => a + b, 0);
    x[t] = teamGameFeatures(rows, t, minutesPregame);
  }
  return {
    season: r0.season as number,
    gameDate: r0.game_date as string,
    gameId: r0.game_id as string,
    teamId: r0.team_id as number,
    rows,
    minutesActual,
    minutesPregame,
    counts,
    totals,
    vacMinSzn: r0.vac_min_szn as number,
    x,
  };
}

/** Rows grouped by (game_id, team_id), groups and rows in input order. */
export function groupByTeamGame(rows: readonly Record<string, Value>[]): Record<string, Value>[][] {
  const groups = new Map<string, Record<string, Value>[]>();
  for (const r of rows) {
    const k = `${String(r.game_id)}|${String(r.team_id)}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [r]);
    else g.push(r);
  }
  return [...groups.values()];
}

/** Groups rates_training_base rows into team-games (in input order). */
export function teamGamesOf(rows: readonly Record<string, Value>[]): TeamGame[] {
  return groupByTeamGame(rows).map(buildTeamGame);
}

/** Who takes part in a team-game's softmax: with actual minutes, the players who played; pregame, everyone. */
export function eligible(tg: TeamGame, kind: OffsetKind): boolean[] {
  return Array.from(tg.minutesActual, (m) => kind === 'pregame' || m > 0);
}

function offsetOf(tg: TeamGame, kind: OffsetKind, i: number): number {
  return Math.log(Math.max(kind === 'actual' ? tg.minutesActual[i]! : tg.minutesPregame[i]!, 0.5));
}

export function standardiser(tgs: readonly TeamGame[], t: ShareTarget): { mean: number[]; scale: number[] } {
  const p = SHARE_FEATURES.length;
  const s = new Float64Array(p);
  const s2 = new Float64Array(p);
  let n = 0;
  for (const tg of tgs) {
    const x = tg.x[t];
    for (let i = 0; i < tg.rows.length; i++) {
      for (let a = 0; a < p; a++) {
        const v = x[i * p + a]!;
        s[a] = s[a]! + v;
        s2[a] = s2[a]! + v * v;
      }
      n++;
    }
  }
  const mean = Array.from(s, (v) => v / n);
  const scale = Array.from(s2, (v, a) => Math.sqrt(Math.max(v / n - mean[a]! ** 2, 0)) || 1);
  return { mean, scale };
}

function standardised(x: Float64Array, mean: readonly number[], scale: readonly number[]): Float64Array {
  const p = mean.length;
  const out = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) out[k] = (x[k]! - mean[k % p]!) / scale[k % p]!;
  return out;
}

/**
 * Shares of one team-game from a linear predictor over eligible players: intercept + slope x log(minutes) +
 * z . coef (z standardised), softmax within the team-game.
 */
function linearShares(
  tg: TeamGame,
  t: ShareTarget,
  kind: OffsetKind,
  m: Pick<TargetModel, 'mean' | 'scale'>,
  intercept: number,
  slope: number,
  coef: readonly number[],
  coefAt: number,
): Float64Array {
  const p = SHARE_FEATURES.length;
  const z = standardised(tg.x[t], m.mean, m.scale);
  const el = eligible(tg, kind);
  const logits = new Float64Array(tg.rows.length);
  let max = -Infinity;
  for (let i = 0; i < tg.rows.length; i++) {
    if (!el[i]) continue;
    let l = intercept + slope * offsetOf(tg, kind, i);
    for (let a = 0; a < p; a++) l += z[i * p + a]! * coef[a + coefAt]!;
    logits[i] = l;
    if (l > max) max = l;
  }
  return softmaxMasked(logits, el, max);
}

/** Shares of one team-game: softmax over eligible players of log(minutes) + z . beta (the offset has slope 1). */
export function softmaxOffsetShares(
  tg: TeamGame,
  t: ShareTarget,
  kind: OffsetKind,
  m: Pick<TargetModel, 'mean' | 'scale'>,
  coef: readonly number[],
): Float64Array {
  return linearShares(tg, t, kind, m, 0, 1, coef, 0);
}

function softmaxMasked(logits: Float64Array, el: readonly boolean[], max: number): Float64Array {
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    if (!el[i]) continue;
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** The rate-weighted baseline: softmax of log(season rate x minutes + 0.5) over eligible players. */
export function rateWeightedShares(tg: TeamGame, t: ShareTarget, kind: OffsetKind): Float64Array {
  const el = eligible(tg, kind);
  const logits = new Float64Array(tg.rows.length);
  let max = -Infinity;
  tg.rows.forEach((r, i) => {
    if (!el[i]) return;
    const m = kind === 'actual' ? tg.minutesActual[i]! : tg.minutesPregame[i]!;
    logits[i] = Math.log((r[`season_${t}_per_min`] as number) * m + 0.5);
    if (logits[i] > max) max = logits[i];
  });
  return softmaxMasked(logits, el, max);
}

/** Multinomial negative log-likelihood per attempt of counts under the softmax-offset model. */
export function softmaxNll(
  tgs: readonly TeamGame[],
  t: ShareTarget,
  kind: OffsetKind,
  m: Pick<TargetModel, 'mean' | 'scale'>,
  coef: readonly number[],
): number {
  let nll = 0;
  let attempts = 0;
  for (const tg of tgs) {
    if (tg.totals[t] === 0) continue;
    const s = softmaxOffsetShares(tg, t, kind, m, coef);
    for (let i = 0; i < tg.rows.length; i++) {
      const c = tg.counts[t][i]!;
      if (c > 0) nll -= c * Math.log(Math.max(s[i]!, 1e-12));
    }
    attempts += tg.totals[t];
  }
  return nll / attempts;
}

/** Newton's method on the penalised multinomial likelihood; returns the coefficients. */
export function fitSoftmaxOffset(
  tgs: readonly TeamGame[],
  t: ShareTarget,
  kind: OffsetKind,
  std: { mean: number[]; scale: number[] },
  lambda: number,
  onIter?: (it: number, loss: number) => void,
): number[] {
  const p = SHARE_FEATURES.length;
  let beta = new Float64Array(p);
  const zs = tgs.map((tg) => standardised(tg.x[t], std.mean, std.scale));
  const lossAt = (b: Float64Array): number => {
    let loss = 0;
    tgs.forEach((tg) => {
      if (tg.totals[t] === 0) return;
      const s = softmaxOffsetShares(tg, t, kind, std, b as unknown as number[]);
      for (let i = 0; i < tg.rows.length; i++) {
        const c = tg.counts[t][i]!;
        if (c > 0) loss -= c * Math.log(Math.max(s[i]!, 1e-300));
      }
    });
    let pen = 0;
    for (let a = 0; a < p; a++) pen += b[a]! ** 2;
    return loss + 0.5 * lambda * pen;
  };
  let loss = lossAt(beta);
  for (let it = 0; it < 30; it++) {
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    tgs.forEach((tg, k) => {
      const total = tg.totals[t];
      if (total === 0) return;
      const z = zs[k]!;
      const s = softmaxOffsetShares(tg, t, kind, std, beta as unknown as number[]);
      const zbar = new Float64Array(p);
      for (let i = 0; i < tg.rows.length; i++) {
        const si = s[i]!;
        if (si === 0) continue;
        for (let a = 0; a < p; a++) zbar[a] = zbar[a]! + si * z[i * p + a]!;
      }
      for (let i = 0; i < tg.rows.length; i++) {
        const si = s[i]!;
        const c = tg.counts[t][i]!;
        if (si === 0 && c === 0) continue;
        const r = c - total * si;
        for (let a = 0; a < p; a++) {
          const za = z[i * p + a]!;
          g[a] = g[a]! + r * za;
          if (si === 0) continue;
          const da = za - zbar[a]!;
          for (let b2 = 0; b2 <= a; b2++) h[a * p + b2] = h[a * p + b2]! + total * si * da * (z[i * p + b2]! - zbar[b2]!);
        }
      }
    });
    for (let a = 0; a < p; a++) {
      for (let b2 = 0; b2 < a; b2++) h[b2 * p + a] = h[a * p + b2]!;
      h[a * p + a] = h[a * p + a]! + lambda;
      g[a] = g[a]! - lambda * beta[a]!;
    }
    const step = solveSpd(h, g, p);
    let alpha = 1;
    let next = beta;
    let nextLoss = loss;
    for (let tries = 0; tries < 20; tries++) {
      const cand = Float64Array.from(beta, (v, a) => v + alpha * step[a]!);
      const l = lossAt(cand);
      if (l <= loss) {
        next = cand;
        nextLoss = l;
        break;
      }
      alpha /= 2;
    }
    const improvement = loss - nextLoss;
    beta = next;
    loss = nextLoss;
    onIter?.(it, loss);
    if (improvement < 1e-7 * Math.abs(loss)) break;
  }
  return Array.from(beta);
}

/** The seed's form: ridge of log(count + 0.5) on [1, log minutes, z]; shares by softmax of the predictions. */
export function fitLogCount(
  tgs: readonly TeamGame[],
  t: ShareTarget,
  kind: OffsetKind,
  std: { mean: number[]; scale: number[] },
  lambda: number,
): number[] {
  const p = SHARE_FEATURES.length + 2;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const tg of tgs) {
    const z = standardised(tg.x[t], std.mean, std.scale);
    const el = eligible(tg, kind);
    for (let i = 0; i < tg.rows.length; i++) {
      if (!el[i]) continue;
      xs.push(1, offsetOf(tg, kind, i));
      for (let a = 0; a < SHARE_FEATURES.length; a++) xs.push(z[i * SHARE_FEATURES.length + a]!);
      ys.push(Math.log(tg.counts[t][i]! + 0.5));
    }
  }
  return Array.from(ridge(Float64Array.from(xs), Float64Array.from(ys), p, lambda));
}

/** The seed's form: coef = [intercept, log-minutes slope, feature coefficients...]. */
export function logCountShares(
  tg: TeamGame,
  t: ShareTarget,
  kind: OffsetKind,
  m: Pick<TargetModel, 'mean' | 'scale'>,
  coef: readonly number[],
): Float64Array {
  return linearShares(tg, t, kind, m, coef[0]!, coef[1]!, coef, 2);
}

/** Predicted shares of a team-game under the model (its chosen form). */
export function modelShares(model: ShareModel, tg: TeamGame, t: ShareTarget, kind: OffsetKind): Float64Array {
  const m = model.targets[t];
  const coef = kind === 'actual' ? m.coef_actual : m.coef_pregame;
  return m.form === 'log_count' ? logCountShares(tg, t, kind, m, coef) : softmaxOffsetShares(tg, t, kind, m, coef);
}

/**
 * The simulator's base logits for one team's players: z . beta_actual (the world's log minutes is added per
 * world). Only the softmax_offset form has this meaning.
 */
export function baseLogits(model: ShareModel, t: ShareTarget, rows: readonly Record<string, Value>[]): Float64Array {
  const m = model.targets[t];
  if (m.form !== 'softmax_offset') throw new UserError(`share model: target ${t} is a ${m.form} model; the simulator needs softmax_offset`);
  for (const c of ['season_fga_per_min', 'minutes_pred_p50']) {
    for (const r of rows)
      if (r[c] === undefined) throw new UserError(`share model: feature input "${c}" is missing for player ${String(r.player_id)}`);
  }
  const p = SHARE_FEATURES.length;
  const x = teamGameFeatures(
    rows,
    t,
    Float64Array.from(rows, (r) => r.minutes_pred_p50 as number),
  );
  const z = standardised(x, m.mean, m.scale);
  return Float64Array.from(rows, (_, i) => {
    let l = 0;
    for (let a = 0; a < p; a++) l += z[i * p + a]! * m.coef_actual[a]!;
    return l;
  });
}

/** Loads a model file; a wrong version, a missing target or a feature list unlike this code's is an error. */
export function parseShareModel(text: string, file: string): ShareModel {
  let m: ShareModel;
  try {
    m = JSON.parse(text) as ShareModel;
  } catch {
    throw new UserError(`${file}: not valid JSON`);
  }
  if (m.version !== SHARE_MODEL_VERSION)
    throw new UserError(`${file}: version ${JSON.stringify(m.version)}, expected ${SHARE_MODEL_VERSION}`);
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- m is unchecked JSON: its type is what a valid file
     holds, and these checks are how a file that lacks a field gets a message instead of a crash. */
  const missing = SHARE_FEATURES.find((f) => !(m.features ?? []).includes(f));
  if (missing !== undefined) throw new UserError(`${file}: feature "${missing}" is missing from the model's feature list`);
  if ((m.features ?? []).length !== SHARE_FEATURES.length || m.features.some((f, i) => f !== SHARE_FEATURES[i])) {
    throw new UserError(`${file}: the model's features are in another order or include unknown ones (${m.features.join(', ')})`);
  }
  for (const t of SHARE_TARGETS) {
    const tm = m.targets?.[t];
    if (tm === undefined) throw new UserError(`${file}: no model for target "${t}"`);
    const width = SHARE_FEATURES.length + (tm.form === 'log_count' ? 2 : 0);
    for (const k of ['coef_actual', 'coef_pregame'] as const) {
      if (!Array.isArray(tm[k]) || tm[k].length !== width || tm[k].some((v) => !Number.isFinite(v)))
        throw new UserError(`${file}: targets.${t}.${k} must be ${width} finite numbers`);
    }
    if (tm.mean?.length !== SHARE_FEATURES.length || tm.scale?.length !== SHARE_FEATURES.length)
      throw new UserError(`${file}: targets.${t} needs a mean and scale per feature`);
    // a zero scale divides a feature by 0: every logit NaN, every share 0 (once: FGA 0 for every player, exit 0)
    const badMean = tm.mean.findIndex((v) => !Number.isFinite(v));
    if (badMean >= 0)
      throw new UserError(`${file}: targets.${t}.mean[${badMean}] must be a finite number, got ${JSON.stringify(tm.mean[badMean])}`);
    const badScale = tm.scale.findIndex((v) => !Number.isFinite(v) || v <= 0);
    if (badScale >= 0)
      throw new UserError(
        `${file}: targets.${t}.scale[${badScale}] must be a finite number > 0, got ${JSON.stringify(tm.scale[badScale])}`,
      );
  }
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  return m;
}

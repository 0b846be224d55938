// The pregame minutes projection (projections_minutes_v1): p50 by median regression on recent minutes, role
// and vacated minutes (also by the player's minutes rank); team p50s pulled toward 240 (a shortfall added by
// minutes rank with the measured weights, a surplus scaled down); p10/p90 from the residuals of comparable players in
// held-out earlier games (projected minutes x starter x short-handed or not); play_prob by logistic regression on how
// often he was available and got minutes.
// Every fit uses only seasons before the one it predicts.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: every
   per-row array (raw, p50, preds) is rows.length long and indexed by row, and edges has one more entry than the bins
   k walks. */

import { UserError } from '../data/errors.ts';
import { lad, logistic, predictLinear, predictLogistic, quantile } from '../models/linear.ts';
import type { FeatureRow } from './rates-base.ts';
import { FILL_RANK_WEIGHTS, rankWeight } from './rank-weights.ts';

export const MINUTES_MODEL_VERSION = 'projections_minutes_v1';

export const MINUTES_FEATURES = [
  'intercept',
  'recent_minutes',
  'minutes_last5',
  'minutes_szn',
  'minutes_prev_season',
  'no_history',
  'few_games',
  'is_starter',
  'starter_x_recent',
  'start_rate_recent',
  'played_rate_recent',
  'vac_gain',
  'starter_x_vac_gain',
  'starter_x_abs_spread',
  'bench_x_abs_spread',
  'back_to_back',
  'recent_played',
  'last_minutes',
  'recent_sq',
  'starter_x_start_rate',
  'playoffs',
  'starter_x_playoffs',
  'returning',
  'returning_x_recent',
  'share_x_shortfall',
  'group_vac_gain',
  'rank_top5',
  'rank_6_8',
  'rotation_depth',
  'vac_rank1',
  'vac_rank2',
  'vac_rank3_4',
  'vac_rank5_6',
  'vac_rank7_8',
  'vac_rank9_10',
  'vac_rank11_plus',
] as const;

/** The vac_rank* features: the vacated recent minutes, in the column of the player's minutes-rank bin. */
const VAC_RANK_BINS = [
  ['vac_rank1', 1],
  ['vac_rank2', 2],
  ['vac_rank3_4', 4],
  ['vac_rank5_6', 6],
  ['vac_rank7_8', 8],
  ['vac_rank9_10', 10],
  ['vac_rank11_plus', Infinity],
] as const;

export const PLAY_FEATURES = [
  'intercept',
  'recent_minutes',
  'played_rate_recent',
  'is_starter',
  'no_history',
  'minutes_szn',
  'vac_gain',
  'few_games',
] as const;

/**
 * Buckets of comparable players for the residual quantiles: projected minutes x starter x high vacancy. The top edge
 * 38 separates the stars whose minutes press against what coaches allow: above 38 projected the 90th percentile
 * residual is about 3 minutes, not the 5 of the 35-38 bucket (held-out seasons 2022-2023), and one bucket for both
 * put 44+ minutes in 6-7% of their regulation worlds against about 2% real (chosen on 2023 and 2024).
 */
const P50_EDGES = [8, 14, 20, 26, 31, 35, 38];
/**
 * Vacated recent minutes from which a team-game's residuals get their own buckets (about a regular starter and more
 * out). A short-handed team leans on its stars: its starters projected 35+ keep a 90th percentile residual of about
 * 5 minutes where a full roster's above 38 have about 3 (the few short-handed ones above 38 borrow the 35-38
 * bucket), which is where real 44+ minute games concentrate. Chosen on 2023 and 2024 among 0, 20 and 30.
 */
export const HIGH_VACANCY_MINUTES = 30;
/** Upper edge of the last bucket: finite so the model survives JSON (no game lasts 1000 minutes). */
const TOP_EDGE = 1000;

export interface ResidualBucket {
  starter: boolean;
  /** team-games with HIGH_VACANCY_MINUTES or more vacated (absent in models saved before the split: false) */
  high_vacancy?: boolean;
  lo: number;
  hi: number;
  q10: number;
  q90: number;
  n: number;
}

export interface MinutesModel {
  version: string;
  trained_seasons: number[];
  features: readonly string[];
  beta_p50: number[];
  play_features: readonly string[];
  beta_play: number[];
  team_scale_alpha: number;
  residuals: ResidualBucket[];
}

export interface MinutesPrediction {
  p10: number;
  p50: number;
  p90: number;
  playProb: number;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Groups row indices by team-game, in row order. */
export function teamGameGroups(rows: readonly FeatureRow[]): number[][] {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const k = `${r.game_id}|${r.team_id}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [i]);
    else g.push(i);
  });
  return [...groups.values()];
}

/** Design matrices for the p50 and play models; vac_gain needs the team-game's other players. */
export function designMatrices(rows: readonly FeatureRow[]): { x: Float64Array; xPlay: Float64Array } {
  const p = MINUTES_FEATURES.length;
  const q = PLAY_FEATURES.length;
  const x = new Float64Array(rows.length * p);
  const xPlay = new Float64Array(rows.length * q);
  for (const group of teamGameGroups(rows)) {
    let teamRecent = 0;
    let depth = 0;
    const groupRecent: Record<string, number> = {};
    for (const i of group) {
      const r = rows[i]!;
      const m = num(r.recent_minutes, 0);
      teamRecent += m;
      if (m >= 12) depth++;
      const g = String(r.pos_group);
      groupRecent[g] = (groupRecent[g] ?? 0) + m;
    }
    for (const i of group) {
      const r = rows[i]!;
      const recent = num(r.recent_minutes, 0);
      const noHistory = r.recent_minutes === null ? 1 : 0;
      const last5 = num(r.minutes_last5, recent);
      const szn = num(r.minutes_szn, recent);
      const prev = num(r.minutes_prev_season, szn);
      const starter = r.is_starter === true ? 1 : 0;
      const vacGain = teamRecent > 0 ? (num(r.vac_min_recent, 0) * recent) / teamRecent : 0;
      const absSpread = Math.abs(num(r.spread_close, 0));
      const few = num(r.games_available_szn, 0) < 5 ? 1 : 0;
      const playoffs = r.season_type === 'Playoffs' || r.season_type === 'Play-In' ? 1 : 0;
      const returning = num(r.days_since_played, 0) >= 10 ? 1 : 0;
      const rank = num(r.minutes_rank_in_team, 99);
      const groupVac = num(r[`vac_min_${String(r.pos_group)}`], 0);
      const vacRecent = num(r.vac_min_recent, 0);
      const rankBin = VAC_RANK_BINS.findIndex(([, upTo]) => rank <= upTo);
      const vacRank = (k: number): number => (k === rankBin ? vacRecent : 0);
      const f: Record<(typeof MINUTES_FEATURES)[number], number> = {
        intercept: 1,
        recent_minutes: recent,
        minutes_last5: last5,
        minutes_szn: szn,
        minutes_prev_season: prev,
        no_history: noHistory,
        few_games: few,
        is_starter: starter,
        starter_x_recent: starter * recent,
        start_rate_recent: num(r.start_rate_recent, starter),
        played_rate_recent: num(r.played_rate_recent, 0.5),
        vac_gain: vacGain,
        starter_x_vac_gain: starter * vacGain,
        starter_x_abs_spread: starter * absSpread,
        bench_x_abs_spread: (1 - starter) * absSpread,
        back_to_back: r.back_to_back === true ? 1 : 0,
        recent_played: num(r.recent_minutes_played, recent),
        last_minutes: num(r.last_minutes, recent),
        recent_sq: (recent * recent) / 48,
        starter_x_start_rate: starter * num(r.start_rate_recent, starter),
        playoffs: playoffs,
        starter_x_playoffs: starter * playoffs,
        returning,
        returning_x_recent: returning * recent,
        group_vac_gain: (groupRecent[String(r.pos_group)] ?? 0) > 0 ? (groupVac * recent) / groupRecent[String(r.pos_group)]! : 0,
        rank_top5: rank <= 5 ? 1 : 0,
        rank_6_8: rank >= 6 && rank <= 8 ? 1 : 0,
        rotation_depth: depth,
        share_x_shortfall: teamRecent > 0 ? (Math.max(0, 240 - teamRecent) * recent) / teamRecent : 0,
        vac_rank1: vacRank(0),
        vac_rank2: vacRank(1),
        vac_rank3_4: vacRank(2),
        vac_rank5_6: vacRank(3),
        vac_rank7_8: vacRank(4),
        vac_rank9_10: vacRank(5),
        vac_rank11_plus: vacRank(6),
      };
      MINUTES_FEATURES.forEach((name, a) => (x[i * p + a] = f[name]));
      PLAY_FEATURES.forEach((name, a) => (xPlay[i * q + a] = f[name]));
    }
  }
  return { x, xPlay };
}

/** Whether a row's team-game has a high vacancy (its residual buckets are the short-handed ones). */
const highVacancy = (r: FeatureRow): boolean => num(r.vac_min_recent, 0) >= HIGH_VACANCY_MINUTES;

/** The row's residual bucket; a model without high-vacancy buckets (saved before the split) uses its only ones. */
function bucketOf(buckets: readonly ResidualBucket[], starter: boolean, p50: number, high: boolean): ResidualBucket {
  const find = (hv: boolean): ResidualBucket | undefined =>
    buckets.find((k) => k.starter === starter && (k.high_vacancy ?? false) === hv && p50 >= k.lo && p50 < k.hi);
  const b = find(high) ?? find(false);
  if (b === undefined) throw new Error(`no residual bucket for starter=${starter} p50=${p50}`);
  return b;
}

/** Point predictions (p50 before and after the team scale, play_prob) for rows, without quantiles. */
function predictCore(
  model: Pick<MinutesModel, 'beta_p50' | 'beta_play' | 'team_scale_alpha'>,
  rows: readonly FeatureRow[],
): { p50: Float64Array; play: Float64Array } {
  const { x, xPlay } = designMatrices(rows);
  const raw = predictLinear(x, MINUTES_FEATURES.length, Float64Array.from(model.beta_p50));
  const play = predictLogistic(xPlay, PLAY_FEATURES.length, Float64Array.from(model.beta_play));
  const p50 = new Float64Array(rows.length);
  for (const group of teamGameGroups(rows)) {
    let expected = 0;
    let weights = 0;
    const w = group.map((i) =>
      rankWeight(FILL_RANK_WEIGHTS, Math.max(0, num(rows[i]!.minutes_rank_in_team, FILL_RANK_WEIGHTS.length) - 1)),
    );
    group.forEach((i, k) => {
      expected += Math.max(0, raw[i]!) * play[i]!;
      weights += w[k]! * play[i]!;
    });
    // A team projected short of 240 gets `alpha` of the shortfall added by minutes rank with the measured weights
    // (the deep bench gains most, as when a starter sits); one projected over is scaled down.
    const shortfall = 240 - expected;
    const scale = expected > 0 ? (240 / expected) ** model.team_scale_alpha : 1;
    group.forEach((i, k) => {
      const m =
        shortfall > 0 && weights > 0 ? Math.max(0, raw[i]!) + (model.team_scale_alpha * shortfall * w[k]!) / weights : raw[i]! * scale;
      p50[i] = Math.min(48, Math.max(0, m));
    });
  }
  return { p50, play };
}

export function predictMinutes(model: MinutesModel, rows: readonly FeatureRow[]): MinutesPrediction[] {
  const { p50, play } = predictCore(model, rows);
  return rows.map((r, i) => {
    const m = p50[i]!;
    const b = bucketOf(model.residuals, r.is_starter === true, m, highVacancy(r));
    return {
      p10: Math.max(0, Math.min(m, m + b.q10)),
      p50: m,
      p90: Math.min(53, Math.max(m, m + b.q90)),
      playProb: play[i]!,
    };
  });
}

function fitCore(rows: readonly FeatureRow[], alpha: number): Pick<MinutesModel, 'beta_p50' | 'beta_play' | 'team_scale_alpha'> {
  const { x, xPlay } = designMatrices(rows);
  const p = MINUTES_FEATURES.length;
  const q = PLAY_FEATURES.length;
  const playedIdx: number[] = [];
  rows.forEach((r, i) => {
    if (r.played === true) playedIdx.push(i);
  });
  const xp = new Float64Array(playedIdx.length * p);
  const yp = new Float64Array(playedIdx.length);
  playedIdx.forEach((i, k) => {
    for (let a = 0; a < p; a++) xp[k * p + a] = x[i * p + a]!;
    yp[k] = rows[i]?.minutes_actual as number;
  });
  const betaP50 = lad(xp, yp, p, 1);
  const yPlay = Float64Array.from(rows, (r) => (r.played === true ? 1 : 0));
  const betaPlay = logistic(xPlay, yPlay, q, 1);
  return { beta_p50: [...betaP50], beta_play: [...betaPlay], team_scale_alpha: alpha };
}

function residualBuckets(rows: readonly FeatureRow[], p50: Float64Array): ResidualBucket[] {
  const edges = [0, ...P50_EDGES, TOP_EDGE];
  const buckets: ResidualBucket[] = [];
  const high = rows.map(highVacancy);
  for (const hv of [false, true]) {
    for (const starter of [false, true]) {
      for (let k = 0; k + 1 < edges.length; k++) {
        const lo = edges[k]!;
        const hi = edges[k + 1]!;
        const res: number[] = [];
        rows.forEach((r, i) => {
          const m = p50[i]!;
          if (r.played === true && high[i] === hv && (r.is_starter === true) === starter && m >= lo && m < hi)
            res.push((r.minutes_actual as number) - m);
        });
        buckets.push({
          starter,
          high_vacancy: hv,
          lo,
          hi,
          q10: res.length >= 50 ? quantile(res, 0.1) : -0.5 * Math.max(4, lo),
          q90: res.length >= 50 ? quantile(res, 0.9) : 8,
          n: res.length,
        });
      }
    }
  }
  // Buckets too small to estimate borrow from their neighbour of the same role and vacancy.
  for (let k = 0; k < buckets.length; k++) {
    const b = buckets[k]!;
    if (b.n >= 50) continue;
    const near = buckets
      .filter((o) => o.starter === b.starter && o.high_vacancy === b.high_vacancy && o.n >= 50)
      .sort((u, v) => Math.abs(u.lo - b.lo) - Math.abs(v.lo - b.lo))[0];
    if (near !== undefined) buckets[k] = { ...b, q10: near.q10, q90: near.q90 };
  }
  return buckets;
}

export function mae(rows: readonly FeatureRow[], p50: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  rows.forEach((r, i) => {
    if (r.played !== true) return;
    s += Math.abs((r.minutes_actual as number) - p50[i]!);
    n++;
  });
  return n > 0 ? s / n : Number.NaN;
}

/**
 * Fits the model for predicting a season from `train` (rows of earlier seasons only). The team-scale strength
 * and the residual quantiles come from the last training season held out from a fit on the seasons before
 * it, so intervals are calibrated on predictions the model did not see.
 */
export function fitMinutesModel(train: readonly FeatureRow[], onProgress?: (msg: string) => void): MinutesModel {
  const seasons = [...new Set(train.map((r) => r.season as number))].sort();
  if (seasons.length === 0) throw new Error('fitMinutesModel: no training rows');
  const last = seasons[seasons.length - 1]!;
  const early = train.filter((r) => (r.season as number) < last);
  const held = train.filter((r) => r.season === last);
  let alpha = 0.5;
  let calibRows: readonly FeatureRow[] = train;
  let calibFit: Pick<MinutesModel, 'beta_p50' | 'beta_play' | 'team_scale_alpha'>;
  if (early.length > 0) {
    const core = fitCore(early, 0);
    let best = Infinity;
    for (const a of [0, 0.25, 0.5, 0.75, 1]) {
      const m = mae(held, predictCore({ ...core, team_scale_alpha: a }, held).p50);
      onProgress?.(`minutes model: hold-out ${last}, team scale alpha ${a}: MAE ${m.toFixed(3)}`);
      if (m < best) {
        best = m;
        alpha = a;
      }
    }
    calibRows = held;
    calibFit = { ...core, team_scale_alpha: alpha };
  } else {
    calibFit = fitCore(train, alpha);
  }
  const residuals = residualBuckets(calibRows, predictCore(calibFit, calibRows).p50);
  const core = fitCore(train, alpha);
  return {
    version: MINUTES_MODEL_VERSION,
    trained_seasons: seasons,
    features: MINUTES_FEATURES,
    beta_p50: core.beta_p50,
    play_features: PLAY_FEATURES,
    beta_play: core.beta_play,
    team_scale_alpha: alpha,
    residuals,
  };
}

/** Reads a saved model; a wrong version or a feature list that differs from this code's is an error. */
export function parseMinutesModel(text: string, file: string): MinutesModel {
  let m: MinutesModel;
  try {
    m = JSON.parse(text) as MinutesModel;
  } catch {
    throw new UserError(`${file}: not valid JSON`);
  }
  if (m.version !== MINUTES_MODEL_VERSION)
    throw new UserError(`${file}: version ${JSON.stringify(m.version)}, expected ${MINUTES_MODEL_VERSION}`);
  const same = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
    a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- m is unchecked JSON: a file without the betas gets
     the message below instead of a crash. */
  if (!same(m.features, MINUTES_FEATURES) || m.beta_p50?.length !== MINUTES_FEATURES.length) {
    throw new UserError(`${file}: its features differ from this version's minutes model (retrain with npm run embed)`);
  }
  if (!same(m.play_features, PLAY_FEATURES) || m.beta_play?.length !== PLAY_FEATURES.length) {
    throw new UserError(`${file}: its play features differ from this version's minutes model`);
  }
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  return m;
}

/**
 * The fallback for a season with no earlier season in the lake: the recent-minutes average as p50 and
 * wide fixed intervals. Used only until a season of history exists.
 */
export function heuristicMinutesModel(): MinutesModel {
  const beta = new Array<number>(MINUTES_FEATURES.length).fill(0);
  beta[MINUTES_FEATURES.indexOf('recent_minutes')] = 1;
  beta[MINUTES_FEATURES.indexOf('no_history')] = 10;
  const play = new Array<number>(PLAY_FEATURES.length).fill(0);
  play[PLAY_FEATURES.indexOf('intercept')] = -1;
  play[PLAY_FEATURES.indexOf('played_rate_recent')] = 4;
  play[PLAY_FEATURES.indexOf('is_starter')] = 4;
  const residuals: ResidualBucket[] = [];
  const edges = [0, ...P50_EDGES, TOP_EDGE];
  for (const starter of [false, true]) {
    for (let k = 0; k + 1 < edges.length; k++) residuals.push({ starter, lo: edges[k]!, hi: edges[k + 1]!, q10: -8, q90: 8, n: 0 });
  }
  return {
    version: MINUTES_MODEL_VERSION,
    trained_seasons: [],
    features: MINUTES_FEATURES,
    beta_p50: beta,
    play_features: PLAY_FEATURES,
    beta_play: play,
    team_scale_alpha: 0,
    residuals,
  };
}

// `slatesim shares train` and `shares eval`: team-games from rates_training_base, hyperparameters and form
// picked on the last training season (held out from a fit on the seasons before it), the final fit on all
// training seasons, and the evaluation report with a bootstrap over team-games.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: counts,
   shares and the design rows are per player of a team-game, means has a key for every group it is read by, and the
   quartile index is clamped to 0..3. */

import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { frameRows } from '../data/schema.ts';
import { RATES_TRAINING_BASE } from '../data/tables.ts';
import type { Progress } from '../data/progress.ts';
import { CounterRng, u01 } from '../models/rng.ts';
import { SHARE_FEATURES, SHARE_INPUT_COLUMNS, SHARE_TARGETS, type ShareTarget } from './features.ts';
import { meanMetrics, teamGameMetrics, type ShareMetrics } from './metrics.ts';
import {
  SHARE_MODEL_VERSION,
  fitLogCount,
  fitSoftmaxOffset,
  logCountShares,
  modelShares,
  rateWeightedShares,
  softmaxNll,
  standardiser,
  teamGamesOf,
  type OffsetKind,
  type ShareModel,
  type TargetModel,
  type TeamGame,
} from './model.ts';

export const LAMBDAS = [1, 30, 1000];

const READ_COLUMNS = [
  'season',
  'game_date',
  'game_id',
  'team_id',
  'player_id',
  'minutes_actual',
  'fga',
  'fta',
  'tov',
  'vac_min_szn',
  ...SHARE_INPUT_COLUMNS,
];

export async function loadTeamGames(lake: Lake, startDate: string, endDate: string, progress: Progress): Promise<TeamGame[]> {
  const parts = await lake.partitions(RATES_TRAINING_BASE, { startDate, endDate });
  if (parts.length === 0)
    throw new UserError(`no gold/rates_training_base between ${startDate} and ${endDate} in ${lake.store.root} (run slatesim lake build)`);
  progress.start('shares: read', parts.length, 'dates');
  const rows = [];
  for (const [k, part] of parts.entries()) {
    rows.push(...frameRows(await lake.readFile(RATES_TRAINING_BASE, part.path, READ_COLUMNS)));
    progress.update(k + 1);
  }
  progress.stop();
  return teamGamesOf(rows);
}

function nllOf(
  tgs: readonly TeamGame[],
  t: ShareTarget,
  kind: OffsetKind,
  form: TargetModel['form'],
  std: { mean: number[]; scale: number[] },
  coef: number[],
): number {
  if (form === 'softmax_offset') return softmaxNll(tgs, t, kind, std, coef);
  let nll = 0;
  let att = 0;
  for (const tg of tgs) {
    if (tg.totals[t] === 0) continue;
    const s = logCountShares(tg, t, kind, std, coef);
    for (let i = 0; i < tg.rows.length; i++) if (tg.counts[t][i]! > 0) nll -= tg.counts[t][i]! * Math.log(Math.max(s[i]!, 1e-12));
    att += tg.totals[t];
  }
  return nll / att;
}

export function trainShareModel(
  tgs: readonly TeamGame[],
  startDate: string,
  endDate: string,
  targets: readonly ShareTarget[],
  progress: Progress,
): ShareModel {
  const seasons = [...new Set(tgs.map((tg) => tg.season))].sort();
  const valSeason = seasons.length > 1 ? seasons[seasons.length - 1]! : null;
  const fitSet = valSeason === null ? tgs : tgs.filter((tg) => tg.season < valSeason);
  const valSet = valSeason === null ? tgs : tgs.filter((tg) => tg.season === valSeason);
  const out = {} as Record<ShareTarget, TargetModel>;
  const steps = targets.length * (LAMBDAS.length * 3 + 2);
  let done = 0;
  progress.start('shares: fit', steps, 'fits');
  const tick = (): void => progress.update(++done);
  for (const t of SHARE_TARGETS) {
    if (!targets.includes(t)) continue;
    const std = standardiser(fitSet, t);
    const validation: Record<string, number> = {};
    const best: Record<string, { lambda: number; nll: number; form: TargetModel['form'] }> = {};
    for (const kind of ['actual', 'pregame'] as const) {
      for (const lambda of LAMBDAS) {
        const coef = fitSoftmaxOffset(fitSet, t, kind, std, lambda);
        const nll = softmaxNll(valSet, t, kind, std, coef);
        validation[`softmax_offset/${kind}/lambda=${lambda}`] = nll;
        if (best[kind] === undefined || nll < best[kind].nll) best[kind] = { lambda, nll, form: 'softmax_offset' };
        tick();
      }
    }
    for (const lambda of LAMBDAS) {
      const coef = fitLogCount(fitSet, t, 'actual', std, lambda);
      const nll = nllOf(valSet, t, 'actual', 'log_count', std, coef);
      validation[`log_count/actual/lambda=${lambda}`] = nll;
      if (nll < best.actual!.nll) best.actual = { lambda, nll, form: 'log_count' };
      tick();
    }
    // The final fit, on every training season, with the chosen form and penalties.
    const finalStd = standardiser(tgs, t);
    const form = best.actual?.form ?? 'softmax_offset';
    const la = best.actual?.lambda ?? 30;
    const lp = best.pregame?.lambda ?? 30;
    const coefActual =
      form === 'log_count' ? fitLogCount(tgs, t, 'actual', finalStd, la) : fitSoftmaxOffset(tgs, t, 'actual', finalStd, la);
    tick();
    const coefPregame =
      form === 'log_count' ? fitLogCount(tgs, t, 'pregame', finalStd, lp) : fitSoftmaxOffset(tgs, t, 'pregame', finalStd, lp);
    tick();
    out[t] = {
      form,
      mean: finalStd.mean,
      scale: finalStd.scale,
      coef_actual: coefActual,
      coef_pregame: coefPregame,
      lambda: la,
      validation_nll: validation,
    };
    progress.log(`shares: ${t}: form ${form}, lambda actual ${la}, pregame ${lp} (validation ${valSeason ?? 'in-sample'})`);
  }
  progress.stop();
  return {
    version: SHARE_MODEL_VERSION,
    features: [...SHARE_FEATURES],
    targets: out,
    training: { start_date: startDate, end_date: endDate, seasons, team_games: tgs.length },
    validation: { season: valSeason, lambdas: LAMBDAS },
  };
}

// ---- evaluation ----

type Backends = { rate_weighted: ShareMetrics; model: ShareMetrics };

interface BootstrapDiff {
  mean_diff: number;
  ci95: [number, number];
  frac_improved: number;
}

/**
 * Vacancy quartiles by rank: many team-games have no vacancy at all, so value cut points would put them all in
 * one bin; ranking (ties in input order) gives four bins of a quarter each, q4 the most vacancy.
 */
function quartilesByRank(values: readonly number[]): ('q1' | 'q2' | 'q3' | 'q4')[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Array<'q1' | 'q2' | 'q3' | 'q4'>(values.length);
  order.forEach(([, i], rank) => {
    out[i] = (['q1', 'q2', 'q3', 'q4'] as const)[Math.min(3, Math.floor((4 * rank) / values.length))]!;
  });
  return out;
}

function bootstrap(
  diffs: readonly { mae: number; kl: number; nll: number }[],
  resamples: number,
  seed: number,
): Record<'mae' | 'kl' | 'nll', BootstrapDiff> {
  const rng = new CounterRng(seed);
  const n = diffs.length;
  const out = {} as Record<'mae' | 'kl' | 'nll', BootstrapDiff>;
  const means: Record<string, number[]> = { mae: [], kl: [], nll: [] };
  for (let b = 0; b < resamples; b++) {
    const acc = { mae: 0, kl: 0, nll: 0 };
    for (let k = 0; k < n; k++) {
      const words = rng.block(b, 0, 77, k >> 2);
      const d = diffs[Math.floor(u01(words[k & 3]!) * n)] as { mae: number; kl: number; nll: number };
      acc.mae += d.mae;
      acc.kl += d.kl;
      acc.nll += d.nll;
    }
    for (const key of ['mae', 'kl', 'nll'] as const) means[key]!.push(acc[key] / n);
  }
  for (const key of ['mae', 'kl', 'nll'] as const) {
    const v = means[key]!.sort((x, y) => x - y);
    out[key] = {
      mean_diff: diffs.reduce((a, d) => a + d[key], 0) / n,
      ci95: [v[Math.floor(0.025 * resamples)]!, v[Math.floor(0.975 * resamples)]!],
      frac_improved: v.filter((x) => x < 0).length / resamples,
    };
  }
  return out;
}

export interface EvalReport {
  start_date: string;
  end_date: string;
  model: { version: string; training: ShareModel['training'] };
  targets: Record<string, unknown>;
}

export function evaluateShareModel(
  model: ShareModel,
  tgs: readonly TeamGame[],
  startDate: string,
  endDate: string,
  opts: { resamples?: number; seed?: number } = {},
): EvalReport {
  const resamples = opts.resamples ?? 1000;
  const targets: Record<string, unknown> = {};
  for (const t of SHARE_TARGETS) {
    const valid = tgs.filter((tg) => tg.totals[t] > 0);
    const quartile = quartilesByRank(valid.map((tg) => tg.vacMinSzn));
    const section = (kind: OffsetKind) => {
      const rw: ShareMetrics[] = [];
      const md: ShareMetrics[] = [];
      const byQ: Record<string, { rate_weighted: ShareMetrics[]; model: ShareMetrics[] }> = {
        q1: { rate_weighted: [], model: [] },
        q2: { rate_weighted: [], model: [] },
        q3: { rate_weighted: [], model: [] },
        q4: { rate_weighted: [], model: [] },
      };
      const diffs: { mae: number; kl: number; nll: number }[] = [];
      for (const [k, tg] of valid.entries()) {
        const el = tg.minutesActual.map((m) => (kind === 'pregame' || m > 0 ? 1 : 0));
        const idx = Array.from(el.keys()).filter((i) => el[i] === 1);
        // Players outside the softmax (no minutes, given actual minutes) have share 0 and count 0: left out.
        const counts = idx.map((i) => tg.counts[t][i]!);
        const a = rateWeightedShares(tg, t, kind);
        const b = modelShares(model, tg, t, kind);
        const ma = teamGameMetrics(
          counts,
          idx.map((i) => a[i]!),
        );
        const mb = teamGameMetrics(
          counts,
          idx.map((i) => b[i]!),
        );
        rw.push(ma);
        md.push(mb);
        const qq = byQ[quartile[k] as string] as { rate_weighted: ShareMetrics[]; model: ShareMetrics[] };
        qq.rate_weighted.push(ma);
        qq.model.push(mb);
        diffs.push({ mae: mb.mae - ma.mae, kl: mb.kl - ma.kl, nll: mb.nll - ma.nll });
      }
      const backends: Backends = { rate_weighted: meanMetrics(rw), model: meanMetrics(md) };
      const by_vacancy_quartile = Object.fromEntries(
        Object.entries(byQ).map(([k, v]) => [
          k,
          { rate_weighted: meanMetrics(v.rate_weighted), model: meanMetrics(v.model), n_team_games: v.model.length },
        ]),
      );
      return { backends, by_vacancy_quartile, bootstrap: bootstrap(diffs, resamples, opts.seed ?? 1) };
    };
    const actual = section('actual');
    const pregame = section('pregame');
    targets[t] = { n_team_games: valid.length, ...actual, pregame };
  }
  return { start_date: startDate, end_date: endDate, model: { version: model.version, training: model.training }, targets };
}

/** The report as a table: MAE (floor), KL, nll, top1, top2, Spearman; model vs rate_weighted. */
export function formatEval(report: EvalReport): string {
  const lines: string[] = [
    `share model ${report.model.version} (trained ${report.model.training.start_date}..${report.model.training.end_date}) on ${report.start_date}..${report.end_date}`,
  ];
  lines.push(
    'target minutes  backend        MAE     floor   KL      nll     top1   top2   rho    | MAE chg  KL chg   nll chg  P(MAE better)',
  );
  for (const t of SHARE_TARGETS) {
    const r = report.targets[t] as {
      backends: Backends;
      bootstrap: Record<string, BootstrapDiff>;
      pregame: { backends: Backends; bootstrap: Record<string, BootstrapDiff> };
    };
    for (const [label, sec] of [
      ['actual', r],
      ['pregame', r.pregame],
    ] as const) {
      for (const name of ['rate_weighted', 'model'] as const) {
        const m = sec.backends[name];
        const f = (v: number, d = 4): string => v.toFixed(d).padStart(7);
        let tail = '';
        if (name === 'model') {
          const rw = sec.backends.rate_weighted;
          const pct = (a: number, b: number): string => `${((100 * (a - b)) / b).toFixed(1)}%`.padStart(8);
          tail = ` | ${pct(m.mae, rw.mae)} ${pct(m.kl, rw.kl)} ${pct(m.nll, rw.nll)}  ${(100 * (sec.bootstrap.mae?.frac_improved ?? 0)).toFixed(1)}%`;
        }
        lines.push(
          `${t.padEnd(6)} ${label.padEnd(8)} ${name.padEnd(13)} ${f(m.mae)} ${f(m.mae_floor)} ${f(m.kl)} ${f(m.nll)} ${f(m.top1, 3)} ${f(m.top2, 3)} ${f(m.spearman, 3)}${tail}`,
        );
      }
    }
  }
  return lines.join('\n');
}

// The backtest report: JSON (keys of ../shared/docs/contracts.md), four SVG plots beside it, and a table
// against the targets.
import { basename, dirname, resolve } from 'node:path';
import { NodeFileStore } from '../data/store-node.ts';
import { plotCorrelation, plotCoverageByMinutes, plotMeanVsActual, plotPit } from './plots.ts';
import type { PregameBacktestReport } from './pregame.ts';
import type { BacktestReport } from './run.ts';

export async function writeBacktest(jsonPath: string, report: BacktestReport): Promise<string[]> {
  const dir = dirname(resolve(jsonPath));
  const stem = basename(jsonPath).replace(/\.json$/, '');
  const store = new NodeFileStore(dir);
  const { scatter: _scatter, ...json } = report; // the scatter is for the plot, not the JSON
  const files: [string, string][] = [
    [`${stem}_pit.svg`, plotPit(report)],
    [`${stem}_coverage_by_minutes.svg`, plotCoverageByMinutes(report)],
    [`${stem}_mean_vs_actual.svg`, plotMeanVsActual(report)],
    [`${stem}_correlation.svg`, plotCorrelation(report)],
    [basename(jsonPath), `${JSON.stringify(json, null, 2)}\n`],
  ];
  for (const [name, text] of files) await store.writeFileAtomic(name, new TextEncoder().encode(text));
  return files.map(([name]) => `${dir}/${name}`);
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export function formatBacktest(r: BacktestReport): string {
  const lines = [
    `backtest ${r.dates[0]}..${r.dates[r.dates.length - 1]}: ${r.n_slates} slates, ${r.n_player_games} player-games, profile ${r.profile}, ${r.worlds} worlds`,
  ];
  lines.push('                  p05-p95  p10-p90  p25-p75  MAE mean  CRPS');
  const row = (name: string, s: { coverage: Record<string, number>; mae_mean: number; crps: number }): string =>
    `${name.padEnd(18)}${pct(s.coverage.p05_p95 ?? NaN).padStart(7)}  ${pct(s.coverage.p10_p90 ?? NaN).padStart(7)}  ${pct(s.coverage.p25_p75 ?? NaN).padStart(7)}  ${s.mae_mean.toFixed(3).padStart(8)}  ${s.crps.toFixed(3)}`;
  lines.push(row(r.profile, r));
  for (const [k, s] of Object.entries(r.baselines)) lines.push(row(k, s));
  lines.push('by projected minutes:');
  for (const [k, s] of Object.entries(r.by_minutes_bucket)) lines.push(row(`  ${k} (n ${s.n})`, s));
  const inc = r.coverage_endpoints_included;
  lines.push(
    `(endpoints-included coverage, biased up by atoms: ${pct(inc.p05_p95 ?? NaN)} ${pct(inc.p10_p90 ?? NaN)} ${pct(inc.p25_p75 ?? NaN)})`,
  );
  lines.push(`PIT deciles: ${r.pit_histogram.map((v) => v.toFixed(3)).join(' ')}`);
  const t = r.team;
  lines.push(
    `team points: mean - implied ${t.points_mean_minus_implied.toFixed(2)} (ratio ${t.points_mean_over_implied.toFixed(4)}), sd sim ${t.points_sd_sim.toFixed(2)} vs real ${t.points_sd_real.toFixed(2)}`,
  );
  for (const [k, c] of Object.entries(r.correlation)) lines.push(`correlation ${k}: sim ${c.sim.toFixed(3)} vs real ${c.real.toFixed(3)}`);
  const m = r.minutes;
  lines.push(
    `minutes: MAE ${m.mae.toFixed(2)} (top vacancy quartile ${m.mae_top_vacancy_quartile.toFixed(2)}; players who played ${m.mae_played.toFixed(2)}, top quartile ${m.mae_top_vacancy_quartile_played.toFixed(2)}), 44+ share sim ${pct(m.share_44plus_sim)} vs real ${pct(m.share_44plus_real)} (top vacancy decile ${pct(m.share_44plus_sim_top_vacancy_decile)} vs ${pct(m.share_44plus_real_top_vacancy_decile)})`,
  );
  lines.push(`P(plays): Brier ${r.plays.brier.toFixed(4)} vs constant base rate ${r.plays.brier_base_rate.toFixed(4)}`);
  return lines.join('\n');
}

/** The pregame backtest: its summary, the per-date table, what was left out, then the box-score mode's summary. */
export function formatPregameBacktest(r: PregameBacktestReport): string {
  const lines = [
    `pregame mode (--inputs ${r.inputs}): ${r.dk_rows} DraftKings rows, every listed player scored (0 when he did not play)`,
    formatBacktest(r),
  ];
  lines.push('per date:', '  date          rows      n  MAE mean  p10-p90  p25-p75   Brier  (base rate)');
  for (const d of r.per_date) {
    lines.push(
      `  ${d.date}  ${String(d.dk_rows).padStart(5)}  ${String(d.n).padStart(5)}  ${d.mae_mean.toFixed(3).padStart(8)}  ${pct(d.coverage_p10_p90).padStart(7)}  ${pct(d.coverage_p25_p75).padStart(7)}  ${d.brier.toFixed(4)}  (${d.brier_base_rate.toFixed(4)})`,
    );
  }
  for (const q of r.quarantined)
    lines.push(
      `left out: ${q.date} ${q.game} (game_id ${q.game_ids.join(', ')}), ${q.rows_left_out} rows: quarantined in the lake (${q.why.join('; ')})`,
    );
  lines.push('box-score mode, same dates (available players from the box score):', formatBacktest({ ...r.box_score_mode, scatter: [] }));
  return lines.join('\n');
}

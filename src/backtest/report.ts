// The backtest report: JSON (keys of ../shared/docs/contracts.md), four SVG plots beside it, and a table
// against the targets.
import { basename, dirname, resolve } from 'node:path';
import { NodeFileStore } from '../data/store-node.ts';
import { plotCorrelation, plotCoverageByMinutes, plotMeanVsActual, plotPit } from './plots.ts';
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
  const lines = [`backtest ${r.dates[0]}..${r.dates[r.dates.length - 1]}: ${r.n_slates} slates, ${r.n_player_games} player-games, profile ${r.profile}, ${r.worlds} worlds`];
  lines.push('                  p05-p95  p10-p90  p25-p75  MAE mean  CRPS');
  const row = (name: string, s: { coverage: Record<string, number>; mae_mean: number; crps: number }): string =>
    `${name.padEnd(18)}${pct(s.coverage.p05_p95 ?? NaN).padStart(7)}  ${pct(s.coverage.p10_p90 ?? NaN).padStart(7)}  ${pct(s.coverage.p25_p75 ?? NaN).padStart(7)}  ${s.mae_mean.toFixed(3).padStart(8)}  ${s.crps.toFixed(3)}`;
  lines.push(row(r.profile, r));
  for (const [k, s] of Object.entries(r.baselines)) lines.push(row(k, s));
  lines.push('by projected minutes:');
  for (const [k, s] of Object.entries(r.by_minutes_bucket)) lines.push(row(`  ${k} (n ${s.n})`, s));
  const inc = r.coverage_endpoints_included;
  lines.push(`(endpoints-included coverage, biased up by atoms: ${pct(inc.p05_p95 ?? NaN)} ${pct(inc.p10_p90 ?? NaN)} ${pct(inc.p25_p75 ?? NaN)})`);
  lines.push(`PIT deciles: ${r.pit_histogram.map((v) => v.toFixed(3)).join(' ')}`);
  const t = r.team;
  lines.push(`team points: mean - implied ${t.points_mean_minus_implied.toFixed(2)} (ratio ${t.points_mean_over_implied.toFixed(4)}), sd sim ${t.points_sd_sim.toFixed(2)} vs real ${t.points_sd_real.toFixed(2)}`);
  for (const [k, c] of Object.entries(r.correlation)) lines.push(`correlation ${k}: sim ${c.sim.toFixed(3)} vs real ${c.real.toFixed(3)}`);
  return lines.join('\n');
}

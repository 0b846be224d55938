// The backtest's plots as small standalone SVG files: PIT histogram, coverage by minutes bucket, simulated
// mean against actual DK points, and simulated against real correlations.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   series are built from the report's fixed-length arrays (ten PIT deciles, the minutes buckets) and indexed within
   them. */
import type { BacktestReport } from './run.ts';

const W = 520;
const H = 320;
const M = { l: 56, r: 16, t: 34, b: 46 };
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function frame(title: string, body: string, xLabel: string, yLabel: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>
<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="#333"/>
<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="#333"/>
<text x="${W / 2}" y="${H - 8}" text-anchor="middle">${esc(xLabel)}</text>
<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>
${body}
</svg>
`;
}

const sx = (x: number, lo: number, hi: number): number => M.l + ((x - lo) / (hi - lo)) * (W - M.l - M.r);
const sy = (y: number, lo: number, hi: number): number => H - M.b - ((y - lo) / (hi - lo)) * (H - M.t - M.b);

function bars(values: readonly number[], labels: readonly string[], yMax: number, ref?: number, colors?: readonly string[]): string {
  const n = values.length;
  const bw = (W - M.l - M.r) / n;
  let out = '';
  values.forEach((v, i) => {
    const x = M.l + i * bw + 4;
    const y = sy(Math.max(0, v), 0, yMax);
    out += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bw - 8).toFixed(1)}" height="${(H - M.b - y).toFixed(1)}" fill="${colors?.[i] ?? '#4a7ab5'}"/>`;
    out += `<text x="${(x + (bw - 8) / 2).toFixed(1)}" y="${H - M.b + 14}" text-anchor="middle">${esc(labels[i]!)}</text>`;
    out += `<text x="${(x + (bw - 8) / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="9">${v.toFixed(2)}</text>`;
  });
  for (const t of [0, yMax / 2, yMax]) out += `<text x="${M.l - 6}" y="${sy(t, 0, yMax) + 4}" text-anchor="end">${t.toFixed(2)}</text>`;
  if (ref !== undefined)
    out += `<line x1="${M.l}" x2="${W - M.r}" y1="${sy(ref, 0, yMax)}" y2="${sy(ref, 0, yMax)}" stroke="#c33" stroke-dasharray="4 3"/>`;
  return out;
}

export function plotPit(r: BacktestReport): string {
  const yMax = Math.max(0.2, ...r.pit_histogram) * 1.15;
  return frame(
    `PIT histogram (${r.n_player_games} player-games; flat at 0.10 = calibrated)`,
    bars(
      r.pit_histogram,
      r.pit_histogram.map((_, i) => `${i / 10}`),
      yMax,
      0.1,
    ),
    'PIT decile',
    'fraction',
  );
}

export function plotCoverageByMinutes(r: BacktestReport): string {
  const names = Object.keys(r.by_minutes_bucket);
  const vals = names.map((k) => r.by_minutes_bucket[k]?.coverage.p10_p90 ?? 0);
  return frame('p10-p90 coverage by projected minutes (target 0.80)', bars(vals, names, 1, 0.8), 'projected minutes (p50)', 'coverage');
}

export function plotMeanVsActual(r: BacktestReport): string {
  const max = Math.max(10, ...r.scatter.map((p) => Math.max(p.mean, p.actual)));
  let body = `<line x1="${sx(0, 0, max)}" y1="${sy(0, 0, max)}" x2="${sx(max, 0, max)}" y2="${sy(max, 0, max)}" stroke="#c33" stroke-dasharray="4 3"/>`;
  const step = Math.max(1, Math.floor(r.scatter.length / 3000));
  for (let i = 0; i < r.scatter.length; i += step) {
    const p = r.scatter[i] as { mean: number; actual: number };
    body += `<circle cx="${sx(p.mean, 0, max).toFixed(1)}" cy="${sy(Math.max(0, p.actual), 0, max).toFixed(1)}" r="1.6" fill="#4a7ab5" fill-opacity="0.35"/>`;
  }
  for (const t of [0, max / 2, max]) {
    body += `<text x="${M.l - 6}" y="${sy(t, 0, max) + 4}" text-anchor="end">${t.toFixed(0)}</text><text x="${sx(t, 0, max)}" y="${H - M.b + 14}" text-anchor="middle">${t.toFixed(0)}</text>`;
  }
  return frame(`Simulated mean vs actual DK points (MAE ${r.mae_mean.toFixed(2)})`, body, 'simulated mean', 'actual');
}

export function plotCorrelation(r: BacktestReport): string {
  const names = Object.keys(r.correlation) as (keyof BacktestReport['correlation'])[];
  const vals: number[] = [];
  const labels: string[] = [];
  const colors: string[] = [];
  for (const k of names) {
    vals.push(r.correlation[k].sim + 0.5, r.correlation[k].real + 0.5);
    labels.push(`${k} sim`, 'real');
    colors.push('#4a7ab5', '#999');
  }
  let body = bars(vals, labels, 1, 0.5, colors);
  body += `<text x="${W - M.r}" y="${M.t - 4}" text-anchor="end" font-size="9">bars show correlation + 0.5 (dashed line = 0)</text>`;
  return frame('Simulated vs real correlations', body, '', 'correlation + 0.5');
}

// Throughput against worlds as a small standalone SVG: one line per backend and scope, log-scaled worlds.
import type { BenchResult } from './types.ts';
import { at } from '../src/data/checked.ts';

const W = 600;
const H = 360;
const M = { l: 64, r: 180, t: 34, b: 46 };
const COLORS = ['#4a7ab5', '#c0504d', '#9bbb59', '#8064a2', '#f79646', '#4bacc6'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function plotThroughput(results: readonly BenchResult[]): string {
  const key = (r: BenchResult): string => `${r.backend === 'gpu' ? 'gpu' : `cpu x${String(r.workers)}`}, ${r.scope}`;
  const series = new Map<string, BenchResult[]>();
  for (const r of results) series.set(key(r), [...(series.get(key(r)) ?? []), r]);
  const worlds = results.map((r) => r.worlds);
  const lo = Math.log10(Math.min(...worlds, 1000));
  const hi = Math.max(Math.log10(Math.max(...worlds, 10)), lo + 1);
  const yMax = Math.max(1e-9, ...results.map((r) => r.player_worlds_per_s / 1e6)) * 1.1;
  const sx = (w: number): number => M.l + ((Math.log10(w) - lo) / (hi - lo)) * (W - M.l - M.r);
  const sy = (v: number): number => H - M.b - (v / yMax) * (H - M.t - M.b);
  let body = '';
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    body += `<line x1="${sx(10 ** e)}" x2="${sx(10 ** e)}" y1="${M.t}" y2="${H - M.b}" stroke="#eee"/><text x="${sx(10 ** e)}" y="${H - M.b + 14}" text-anchor="middle">${(10 ** e).toLocaleString('en-US')}</text>`;
  }
  for (const t of [0, yMax / 2, yMax]) body += `<text x="${M.l - 6}" y="${sy(t) + 4}" text-anchor="end">${t.toFixed(1)}</text>`;
  [...series.entries()].forEach(([name, rs], i) => {
    const c = at(COLORS, i % COLORS.length);
    const pts = [...rs]
      .sort((a, b) => a.worlds - b.worlds)
      .map((r) => `${sx(r.worlds).toFixed(1)},${sy(r.player_worlds_per_s / 1e6).toFixed(1)}`);
    body += `<polyline points="${pts.join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`;
    for (const p of pts) body += `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${c}"/>`;
    body += `<rect x="${W - M.r + 12}" y="${M.t + 18 * i}" width="12" height="3" fill="${c}"/><text x="${W - M.r + 30}" y="${M.t + 18 * i + 5}">${esc(name)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${(W - M.r + M.l) / 2}" y="18" text-anchor="middle" font-size="13">Throughput against worlds (full pipeline)</text>
<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="#333"/>
<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="#333"/>
<text x="${(W - M.r + M.l) / 2}" y="${H - 8}" text-anchor="middle">worlds per game (log scale)</text>
<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">million player-worlds per second</text>
${body}
</svg>
`;
}

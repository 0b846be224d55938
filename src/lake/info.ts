// `slatesim lake info`: what a lake holds, from its manifest and its partition paths (no data file is read).
import type { Lake } from '../data/lake.ts';
import { ALL_LAKE_TABLES } from '../data/tables.ts';
import { MANIFEST, type LakeManifest } from './build.ts';
import type { BoxScoreReport } from './boxscores.ts';
import type { MinutesSeasonMetrics } from './gold.ts';

/** One line per quarantined team-game (file, game_id, date, why), then the feed's gaps when it has any. */
export function feedReportLines(b: BoxScoreReport): string[] {
  // Manifests of older builders lack these fields; they read as none.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above: an older manifest lacks it
  const out = (b.quarantined ?? []).map(
    (q) => `quarantined: ${q.file} line ${q.line}, game_id ${q.game_id} ${q.team}, ${q.game_dates.join(' and ')}: ${q.why}`,
  );
  const gaps = [
    [b.quarantinedRows, 'rows kept out of silver'],
    [b.roundedMinutesRows, 'played rows with rounded minutes'],
    [b.rowsWithoutStarter, 'rows without starter'],
    [b.rowsWithoutPosition, 'rows without position'],
    [b.teamGamesWithoutDnpRows, 'team-games without DNP rows'],
  ] as const;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an older manifest lacks these counts
  const said = gaps.filter(([n]) => (n ?? 0) > 0).map(([n, what]) => `${n} ${what}`);
  if (said.length > 0) out.push(`feed: ${said.join(', ')}`);
  return out;
}

/** The per-season minutes projection table: p50 MAE (players who played) and p10-p90 coverage. */
export function formatMinutesMetrics(metrics: readonly MinutesSeasonMetrics[]): string {
  const lines = [
    'minutes projection (players who played; each season fit only on earlier seasons):',
    '  season  trained on      n      MAE p50  MAE last-5  p10-p90  below  above  team sum',
  ];
  for (const m of metrics) {
    const trained =
      m.trained_on.length === 0
        ? 'heuristic'
        : m.trained_on.length === 1
          ? `${m.trained_on[0]}`
          : `${m.trained_on[0]}-${m.trained_on[m.trained_on.length - 1]}`;
    lines.push(
      `  ${m.season}    ${trained.padEnd(10)} ${String(m.n_played).padStart(6)}  ${m.mae_p50.toFixed(3).padStart(7)}  ${m.mae_last5.toFixed(3).padStart(10)}  ${(100 * m.coverage_p10_p90).toFixed(1).padStart(6)}%  ${(100 * m.below_p10).toFixed(1).padStart(4)}%  ${(100 * m.above_p90).toFixed(1).padStart(4)}%  ${m.team_p50_sum_mean.toFixed(1).padStart(8)}`,
    );
  }
  return lines.join('\n');
}

export async function lakeSummary(lake: Lake): Promise<string> {
  const out: string[] = [`lake ${lake.store.root}`];
  if (await lake.store.exists(MANIFEST)) {
    const m = JSON.parse(new TextDecoder().decode(await lake.store.readFile(MANIFEST))) as LakeManifest;
    for (const [season, s] of Object.entries(m.seasons).sort()) {
      const b = s.box_scores;
      out.push(
        `  season ${season}: ${s.dates[0]} .. ${s.dates[s.dates.length - 1]} (${s.dates.length} dates), ${b.games} games, ` +
          `${s.rows.player_games} player-game rows (${b.available} available), ${s.rows.odds_snapshot} lines`,
      );
      for (const line of feedReportLines(b)) out.push(`    ${line}`);
    }
  }
  const gold = (await lake.store.exists(MANIFEST))
    ? (JSON.parse(new TextDecoder().decode(await lake.store.readFile(MANIFEST))) as LakeManifest).gold
    : undefined;
  if (gold !== undefined) out.push(formatMinutesMetrics(gold.minutes_metrics));
  for (const t of ALL_LAKE_TABLES) {
    const parts = await lake.partitions(t);
    if (parts.length === 0) continue;
    const dates = parts
      .map((p) => p.partition.game_date)
      .filter((d): d is string => d !== undefined)
      .sort();
    const span = dates.length > 0 ? `, ${dates[0]} .. ${dates[dates.length - 1]}` : '';
    out.push(`  ${t.dir}: ${parts.length} file(s)${span}`);
  }
  return out.join('\n');
}

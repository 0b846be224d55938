// `slatesim lake info`: what a lake holds, from its manifest and its partition paths (no data file is read,
// except a season's silver rows when the build kept only some of its dates).
import type { Lake } from '../data/lake.ts';
import { UserError } from '../data/errors.ts';
import { ALL_LAKE_TABLES, PLAYER_GAMES } from '../data/tables.ts';
import { MANIFEST, type LakeManifest, type SeasonManifest } from './build.ts';
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

/** The manifest, parsed; a file that is not JSON is one line naming it. */
async function readManifest(lake: Lake): Promise<LakeManifest | undefined> {
  if (!(await lake.store.exists(MANIFEST))) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(await lake.store.readFile(MANIFEST))) as LakeManifest;
  } catch (e) {
    throw new UserError(`lake ${lake.store.root}: ${MANIFEST} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Games, rows and available rows of one season as the lake holds them. The box-score report in the manifest
 * describes the whole source file; when the build kept only some dates of it (`--start-date`/`--end-date`),
 * those counts are of rows not in the lake, so the season's silver rows are counted instead.
 */
export async function seasonCounts(
  lake: Lake,
  season: string,
  s: SeasonManifest,
): Promise<{ games: number; rows: number; available: number; cut: boolean }> {
  const b = s.box_scores;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an older manifest lacks quarantinedRows
  const whole = s.rows.player_games === b.rows - (b.quarantinedRows ?? 0);
  if (whole) return { games: b.games, rows: s.rows.player_games, available: b.available, cut: false };
  const f = await lake.read(PLAYER_GAMES, { seasons: [Number(season)] }, { columns: ['game_id', 'available'] });
  const games = new Set(f.columns.game_id as string[]).size;
  const available = (f.columns.available as boolean[]).filter((a) => a).length;
  return { games, rows: f.numRows, available, cut: true };
}

export async function lakeSummary(lake: Lake): Promise<string> {
  const out: string[] = [`lake ${lake.store.root}`];
  const m = await readManifest(lake);
  for (const [season, s] of Object.entries(m?.seasons ?? {}).sort()) {
    const b = s.box_scores;
    const first = s.dates[0];
    const last = s.dates[s.dates.length - 1];
    const c = await seasonCounts(lake, season, s);
    out.push(
      `  season ${season}: ${first} .. ${last} (${s.dates.length} dates), ${c.games} games, ` +
        `${c.rows} player-game rows (${c.available} available), ${s.rows.odds_snapshot} lines`,
    );
    const report = c.cut
      ? {
          ...b,
          // Only the quarantined games of the dates the lake holds; the feed's gap counts are of the whole file.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an older manifest lacks it
          quarantined: (b.quarantined ?? []).filter((q) =>
            q.game_dates.some((d) => first !== undefined && last !== undefined && d >= first && d <= last),
          ),
        }
      : b;
    for (const line of feedReportLines(report)) out.push(`    ${c.cut ? line.replace(/^feed: /, `feed (all of ${b.file}): `) : line}`);
  }
  const gold = m?.gold;
  if (gold !== undefined) out.push(formatMinutesMetrics(gold.minutes_metrics));
  let tables = 0;
  for (const t of ALL_LAKE_TABLES) {
    const parts = await lake.partitions(t);
    if (parts.length === 0) continue;
    tables++;
    const dates = parts
      .map((p) => p.partition.game_date)
      .filter((d): d is string => d !== undefined)
      .sort();
    const span = dates.length > 0 ? `, ${dates[0]} .. ${dates[dates.length - 1]}` : '';
    out.push(`  ${t.dir}: ${parts.length} file(s)${span}`);
  }
  if (m === undefined && tables === 0) throw new UserError(`--lake ${lake.store.root}: not a lake (no ${MANIFEST} and no table files)`);
  return out.join('\n');
}

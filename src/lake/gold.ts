// The gold layer of `lake build`: gold/rates_training_base and gold/projections_minutes_v1, computed from
// the silver tables of every season in the lake. Features need all earlier dates, so they are recomputed in
// one ordered pass; only files whose bytes change are rewritten, so an unchanged lake rewrites nothing.
import { Lake } from '../data/lake.ts';
import { frameToParquet } from '../data/parquet.ts';
import { frameFromRows, type Value } from '../data/schema.ts';
import { MINUTES_V1, ODDS_SNAPSHOT, PLAYER_GAMES, RATES_TRAINING_BASE } from '../data/tables.ts';
import type { Progress } from '../data/progress.ts';
import { fitMinutesModel, heuristicMinutesModel, mae, predictMinutes, type MinutesModel } from '../features/minutes-model.ts';
import { computeRatesBase, type FeatureRow, type OddsRow } from '../features/rates-base.ts';
import { at } from '../data/checked.ts';

export interface MinutesSeasonMetrics {
  season: number;
  trained_on: number[];
  n_played: number;
  mae_p50: number;
  mae_last5: number;
  coverage_p10_p90: number;
  below_p10: number;
  above_p90: number;
  team_p50_sum_mean: number;
  play_prob_brier: number;
}

export interface GoldResult {
  rows: FeatureRow[];
  models: Map<number, MinutesModel>;
  metrics: MinutesSeasonMetrics[];
}

/** Reads silver and computes the feature rows of every season (no projections yet). */
export async function readFeatures(lake: Lake, progress: Progress): Promise<FeatureRow[]> {
  progress.start('gold: read silver', 1, 'tables');
  const games = await lake.read(PLAYER_GAMES);
  const oddsFrame = await lake.read(ODDS_SNAPSHOT);
  progress.update(1);
  progress.stop();
  const odds: OddsRow[] = [];
  for (let i = 0; i < oddsFrame.numRows; i++) {
    const c = oddsFrame.columns as Record<string, Value[]>;
    odds.push({
      game_id: c.game_id?.[i] as string,
      home_team_id: c.home_team_id?.[i] as number,
      spread_home: c.spread_home?.[i] as number | null,
      total: c.total?.[i] as number | null,
      home_implied_total: c.home_implied_total?.[i] as number | null,
      away_implied_total: c.away_implied_total?.[i] as number | null,
      as_of_ts: c.as_of_ts?.[i] as string,
    });
  }
  const t0 = Date.now();
  const rows = computeRatesBase(games, odds);
  progress.log(`gold: features for ${rows.length} available player-games in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return rows;
}

/** Features, the per-season minutes models (each fit on earlier seasons only) and their projections. */
export async function computeGold(lake: Lake, progress: Progress, opts: { fallbackModel?: MinutesModel } = {}): Promise<GoldResult> {
  const rows = await readFeatures(lake, progress);

  const seasons = [...new Set(rows.map((r) => r.season as number))].sort();
  const models = new Map<number, MinutesModel>();
  const metrics: MinutesSeasonMetrics[] = [];
  progress.start('gold: minutes models', seasons.length, 'seasons');
  for (const [k, season] of seasons.entries()) {
    const train = rows.filter((r) => (r.season as number) < season);
    const model =
      train.length > 0
        ? fitMinutesModel(train)
        : opts.fallbackModel !== undefined && opts.fallbackModel.trained_seasons.every((s) => s < season)
          ? opts.fallbackModel
          : heuristicMinutesModel();
    models.set(season, model);
    const target = rows.filter((r) => r.season === season);
    const preds = predictMinutes(model, target);
    target.forEach((r, i) => {
      const p = at(preds, i);
      r.minutes_pred_p10 = p.p10;
      r.minutes_pred_p50 = p.p50;
      r.minutes_pred_p90 = p.p90;
      r.minutes_pred_play_prob = p.playProb;
    });
    metrics.push(seasonMetrics(season, model, target));
    progress.update(k + 1);
  }
  progress.stop();
  return { rows, models, metrics };
}

export function seasonMetrics(season: number, model: MinutesModel, target: readonly FeatureRow[]): MinutesSeasonMetrics {
  const played = target.filter((r) => r.played === true);
  let inside = 0;
  let below = 0;
  let above = 0;
  let last5Err = 0;
  let last5N = 0;
  for (const r of played) {
    const a = r.minutes_actual as number;
    if (a < (r.minutes_pred_p10 as number)) below++;
    else if (a > (r.minutes_pred_p90 as number)) above++;
    else inside++;
    if (r.minutes_last5 !== null) {
      last5Err += Math.abs(a - (r.minutes_last5 as number));
      last5N++;
    }
  }
  const teamSums = new Map<string, number>();
  let brier = 0;
  for (const r of target) {
    const k = `${r.game_id}|${r.team_id}`;
    teamSums.set(k, (teamSums.get(k) ?? 0) + (r.minutes_pred_p50 as number) * (r.minutes_pred_play_prob as number));
    brier += ((r.minutes_pred_play_prob as number) - (r.played === true ? 1 : 0)) ** 2;
  }
  const sums = [...teamSums.values()];
  return {
    season,
    trained_on: model.trained_seasons,
    n_played: played.length,
    mae_p50: mae(
      played,
      played.map((r) => r.minutes_pred_p50 as number),
    ),
    mae_last5: last5N > 0 ? last5Err / last5N : Number.NaN,
    coverage_p10_p90: inside / played.length,
    below_p10: below / played.length,
    above_p90: above / played.length,
    team_p50_sum_mean: sums.reduce((a, b) => a + b, 0) / sums.length,
    play_prob_brier: brier / target.length,
  };
}

/** Writes each date's partition of both gold tables, skipping files whose bytes are unchanged. */
export async function writeGold(
  lake: Lake,
  rows: readonly FeatureRow[],
  progress: Progress,
): Promise<{ written: number; unchanged: number }> {
  const byDate = new Map<string, FeatureRow[]>();
  for (const r of rows) {
    const d = r.game_date as string;
    const l = byDate.get(d);
    if (l === undefined) byDate.set(d, [r]);
    else l.push(r);
  }
  let written = 0;
  let unchanged = 0;
  const keep = new Set<string>();
  progress.start('gold: write', byDate.size, 'dates');
  let done = 0;
  for (const [date, dayRows] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    const season = String(dayRows[0]?.season);
    const minutesRows = dayRows.map((r): Record<string, Value> => ({
      game_date: r.game_date ?? null,
      game_id: r.game_id ?? null,
      team_id: r.team_id ?? null,
      player_id: r.player_id ?? null,
      player_name: r.player_name ?? null,
      is_starter: r.is_starter ?? null,
      play_prob: r.minutes_pred_play_prob ?? null,
      minutes_p10: r.minutes_pred_p10 ?? null,
      minutes_p50: r.minutes_pred_p50 ?? null,
      minutes_p90: r.minutes_pred_p90 ?? null,
    }));
    for (const [table, partition, frameRows] of [
      [RATES_TRAINING_BASE, { season, game_date: date }, dayRows as Record<string, Value>[]],
      [MINUTES_V1, { game_date: date }, minutesRows],
    ] as const) {
      const path = lake.pathFor(table, partition);
      keep.add(path);
      const bytes = frameToParquet(frameFromRows(table.schema, frameRows));
      if ((await lake.store.exists(path)) && equalBytes(await lake.store.readFile(path), bytes)) {
        unchanged++;
        continue;
      }
      await lake.store.writeFileAtomic(path, bytes);
      written++;
    }
    progress.update(++done);
  }
  progress.stop();
  // Dates that no longer exist in silver lose their gold partitions.
  for (const table of [RATES_TRAINING_BASE, MINUTES_V1]) {
    for (const p of await lake.partitions(table)) if (!keep.has(p.path)) await lake.store.remove(p.path.slice(0, p.path.lastIndexOf('/')));
  }
  return { written, unchanged };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

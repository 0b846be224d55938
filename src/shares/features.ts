// Pregame-safe features of the usage-share model, per player and target, built within a team-game (so
// vacancy can interact with role and minutes rank). Team-level values alone cancel in a softmax; only their
// interactions with player traits can move shares, so that is what is engineered here.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: minutes
   and seasonRate are per-player arrays of the team-game (i < nPlayers). */

import type { Value } from '../data/schema.ts';

export const SHARE_TARGETS = ['fga', 'fta', 'tov'] as const;
export type ShareTarget = (typeof SHARE_TARGETS)[number];

/** Feature names, in the order of the vectors (the model file stores this list and checks it on load). */
export const SHARE_FEATURES = [
  'log_rate_season',
  'log_rate_recent',
  'log_usage_share_team',
  'is_starter',
  'rank_top2',
  'rank_top5',
  'log_minutes',
  'vac_usage_x_log_rate',
  'vac_usage_x_starter',
  'vac_usage_x_top2',
  'vac_fga_x_rank',
  'group_vac_x_log_rate',
  'group_vac_share',
  'few_games_x_log_rate',
  'fg3_share',
  'ts_pct',
] as const;

/** Columns of rates_training_base that the features read (all pregame). */
export const SHARE_INPUT_COLUMNS = [
  'season_fga_per_min',
  'season_fga3_per_min',
  'season_fta_per_min',
  'season_tov_per_min',
  'recent_fga_per_min',
  'recent_fta_per_min',
  'recent_tov_per_min',
  'season_fg2_pct',
  'season_fg3_pct',
  'season_ft_pct',
  'is_starter',
  'minutes_rank_in_team',
  'pos_group',
  'games_played_szn',
  'team_usage_vacated',
  'vac_fga_szn',
  'vac_min_guard',
  'vac_min_wing',
  'vac_min_big',
  'minutes_pred_p50',
] as const;

const RATE_FLOOR = 1e-3;

function num(r: Record<string, Value>, k: string): number {
  const v = r[k];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`share features: column ${k} is ${JSON.stringify(v)} for player ${String(r.player_id)}`);
  return v;
}

/**
 * Feature vectors of one team-game's players for a target, given each player's minutes (actual, projected or
 * a world's). Returns row-major [player][feature].
 */
export function teamGameFeatures(rows: readonly Record<string, Value>[], target: ShareTarget, minutes: ArrayLike<number>): Float64Array {
  const p = SHARE_FEATURES.length;
  const out = new Float64Array(rows.length * p);
  const seasonRate = rows.map((r) => num(r, `season_${target}_per_min`));
  let teamUsage = 0;
  const groupUsage: Record<string, number> = {};
  rows.forEach((r, i) => {
    const m = Math.max(minutes[i]!, 0.5);
    teamUsage += seasonRate[i]! * m;
    const g = String(r.pos_group);
    groupUsage[g] = (groupUsage[g] ?? 0) + seasonRate[i]! * m;
  });
  rows.forEach((r, i) => {
    const rate = seasonRate[i]!;
    const logRate = Math.log(rate + RATE_FLOOR);
    const m = Math.max(minutes[i]!, 0.5);
    const rank = num(r, 'minutes_rank_in_team');
    const starter = r.is_starter === true ? 1 : 0;
    const top2 = rank <= 2 ? 1 : 0;
    const vacUsage = num(r, 'team_usage_vacated');
    const group = String(r.pos_group);
    const groupVac = num(r, `vac_min_${group}`) / 48;
    const fga = num(r, 'season_fga_per_min');
    const fga3 = num(r, 'season_fga3_per_min');
    const fg3Share = fga > 0 ? fga3 / fga : 0;
    const pts = 2 * (1 - fg3Share) * num(r, 'season_fg2_pct') + 3 * fg3Share * num(r, 'season_fg3_pct');
    const f: Record<(typeof SHARE_FEATURES)[number], number> = {
      log_rate_season: logRate,
      log_rate_recent: Math.log(num(r, `recent_${target}_per_min`) + RATE_FLOOR),
      log_usage_share_team: Math.log((rate * m + 1e-6) / (teamUsage + 1e-6)),
      is_starter: starter,
      rank_top2: top2,
      rank_top5: rank <= 5 ? 1 : 0,
      log_minutes: Math.log(m),
      vac_usage_x_log_rate: vacUsage * logRate,
      vac_usage_x_starter: vacUsage * starter,
      vac_usage_x_top2: vacUsage * top2,
      vac_fga_x_rank: (num(r, 'vac_fga_szn') / 20) * Math.min(rank, 10),
      group_vac_x_log_rate: groupVac * logRate,
      group_vac_share: groupVac * ((rate * m) / Math.max(groupUsage[group] ?? 0, 1e-6)),
      few_games_x_log_rate: (num(r, 'games_played_szn') < 5 ? 1 : 0) * logRate,
      fg3_share: fg3Share,
      ts_pct: pts,
    };
    SHARE_FEATURES.forEach((name, a) => (out[i * p + a] = f[name]));
  });
  return out;
}

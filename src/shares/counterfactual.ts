// Ruling players out before tip: they leave the slate, and their teammates' vacancy features gain what they
// did this season before the date (minutes, FGA, TOV per game; their share of team usage; by position group),
// the same way rates_training_base values teammates who were really out. Minutes ranks close the gap.
import type { Value } from '../data/schema.ts';
import { predictMinutes, type MinutesModel } from '../features/minutes-model.ts';

const num = (v: Value | undefined, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export function ruleOut(rows: readonly Record<string, Value>[], out: ReadonlySet<number>): Record<string, Value>[] {
  if (out.size === 0) return rows.map((r) => ({ ...r }));
  const kept = rows.filter((r) => !out.has(r.player_id as number)).map((r) => ({ ...r }));
  for (const gone of rows.filter((r) => out.has(r.player_id as number))) {
    const team = kept.filter((r) => r.game_id === gone.game_id && r.team_id === gone.team_id);
    const minutes = num(gone.minutes_szn, num(gone.minutes_pred_p50));
    const usage = (r: Record<string, Value>, m: number): number =>
      (num(r.season_fga_per_min) + 0.44 * num(r.season_fta_per_min) + num(r.season_tov_per_min)) * m;
    const teamUsage = team.reduce((a, r) => a + usage(r, num(r.minutes_pred_p50)), 0) + usage(gone, minutes);
    const group = String(gone.pos_group);
    for (const r of team) {
      r.vac_min_szn = num(r.vac_min_szn) + minutes;
      r.vac_fga_szn = num(r.vac_fga_szn) + num(gone.season_fga_per_min) * minutes;
      r.vac_tov_szn = num(r.vac_tov_szn) + num(gone.season_tov_per_min) * minutes;
      r.vac_min_recent = num(r.vac_min_recent) + num(gone.recent_minutes, minutes);
      r.team_minutes_vacated = num(r.vac_min_szn) / 240;
      r.team_usage_vacated = num(r.team_usage_vacated) + (teamUsage > 0 ? usage(gone, minutes) / teamUsage : 0);
      r[`vac_min_${group}`] = num(r[`vac_min_${group}`]) + minutes;
      r.n_out = num(r.n_out) + 1;
      if (num(r.minutes_rank_in_team) > num(gone.minutes_rank_in_team)) r.minutes_rank_in_team = num(r.minutes_rank_in_team) - 1;
    }
  }
  return kept;
}

/**
 * The minutes columns of the players ruleOut kept, moved by what the minutes model says the absence changes:
 * the model predicts each affected team-game twice, with the ruled-out players available and without them
 * (their teammates' vacancy features, ranks and team scaling updated by ruleOut), and each kept player's
 * p10/p50/p90 and play probability move by the difference. The lake's own projection stays the base, so a
 * night nobody is ruled out is untouched; the model decides who inherits the minutes (his recent share of the
 * team's minutes, his position group's vacancy, his rank), and the engine's allocation the rest in each world.
 */
export function ruleOutMinutes(
  rows: readonly Record<string, Value>[],
  kept: Record<string, Value>[],
  out: ReadonlySet<number>,
  model: MinutesModel,
): void {
  if (out.size === 0) return;
  const teamKey = (r: Record<string, Value>): string => `${String(r.game_id)}|${String(r.team_id)}`;
  const affected = new Set(rows.filter((r) => out.has(r.player_id as number)).map(teamKey));
  const before = rows.filter((r) => affected.has(teamKey(r)));
  const after = kept.filter((r) => affected.has(teamKey(r)));
  const p0 = predictMinutes(model, before);
  const p1 = predictMinutes(model, after);
  const was = new Map<number, (typeof p0)[number]>();
  before.forEach((r, i) => {
    const p = p0[i];
    if (p !== undefined) was.set(r.player_id as number, p);
  });
  after.forEach((r, i) => {
    const a = was.get(r.player_id as number);
    const b = p1[i];
    if (a === undefined || b === undefined) return;
    const p50 = Math.min(48, Math.max(0, num(r.minutes_pred_p50) + b.p50 - a.p50));
    r.minutes_pred_p50 = p50;
    r.minutes_pred_p10 = Math.max(0, Math.min(p50, num(r.minutes_pred_p10) + b.p10 - a.p10));
    r.minutes_pred_p90 = Math.min(53, Math.max(p50, num(r.minutes_pred_p90) + b.p90 - a.p90));
    r.minutes_pred_play_prob = Math.min(1, Math.max(0, num(r.minutes_pred_play_prob) + b.playProb - a.playProb));
  });
}

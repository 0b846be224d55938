// The minutes model's vacancy-by-rank pieces on constructed team-games: the vac_rank* features put the vacated
// minutes in the column of the player's minutes-rank bin, and a team projected short of 240 is filled by minutes
// rank with the measured weights (the deep bench gains most), while one projected over is scaled down.
import { describe, expect, it } from 'vitest';
import {
  designMatrices,
  fitMinutesModel,
  HIGH_VACANCY_MINUTES,
  heuristicMinutesModel,
  MINUTES_FEATURES,
  predictMinutes,
  type MinutesModel,
} from '../src/features/minutes-model.ts';
import type { FeatureRow } from '../src/features/rates-state.ts';
import { FILL_RANK_WEIGHTS, rankWeight } from '../src/features/rank-weights.ts';
import { at } from '../src/data/checked.ts';

/** One team-game of n available players, ranked 1..n, with `recent` minutes each and `vac` vacated minutes. */
function team(recent: number[], vac: number): FeatureRow[] {
  return recent.map((m, k) => ({
    game_id: 'g1',
    team_id: 1,
    recent_minutes: m,
    minutes_rank_in_team: k + 1,
    vac_min_recent: vac,
    is_starter: k < 5,
    pos_group: 'guard',
  }));
}

const col = (name: (typeof MINUTES_FEATURES)[number]): number => MINUTES_FEATURES.indexOf(name);

/** A model whose p50 is the recent minutes (heuristic), always playing, with the team fill at strength alpha. */
function model(alpha: number): MinutesModel {
  const m = heuristicMinutesModel();
  m.beta_play = m.beta_play.map(() => 0);
  m.beta_play[0] = 50; // play probability 1
  m.team_scale_alpha = alpha;
  return m;
}

describe('minutes model: vacancy by minutes rank', () => {
  it('puts the vacated minutes in the rank bin of each player and nowhere else', () => {
    const rows = team([36, 34, 32, 30, 28, 22, 18, 14, 10, 8, 6, 4], 30);
    const { x } = designMatrices(rows);
    const p = MINUTES_FEATURES.length;
    const bins = ['vac_rank1', 'vac_rank2', 'vac_rank3_4', 'vac_rank5_6', 'vac_rank7_8', 'vac_rank9_10', 'vac_rank11_plus'] as const;
    const expected = [0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6];
    rows.forEach((_, i) => {
      bins.forEach((b, k) => expect(x[i * p + col(b)]).toBe(k === expected[i] ? 30 : 0));
    });
  });

  it('fills a shortfall by rank with the measured weights, and scales a surplus down', () => {
    // 200 projected minutes: alpha 0.5 adds 20 by the rank weights
    const short = team([36, 34, 32, 30, 28, 20, 12, 8], 40);
    const got = predictMinutes(model(0.5), short).map((q) => q.p50);
    const w = short.map((r) => rankWeight(FILL_RANK_WEIGHTS, (r.minutes_rank_in_team as number) - 1));
    const sw = w.reduce((a, b) => a + b, 0);
    got.forEach((m, i) => expect(m).toBeCloseTo((at(short, i).recent_minutes as number) + (20 * at(w, i)) / sw, 9));
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(220, 9);
    // the eighth man gains more than the first
    expect(at(got, 7) - 8).toBeGreaterThan(at(got, 0) - 36);
    expect(FILL_RANK_WEIGHTS[7]).toBeGreaterThan(FILL_RANK_WEIGHTS[0]);
    // 270 projected: scaled by (240 / 270) ^ alpha
    const over = team([40, 38, 36, 34, 32, 30, 30, 30], 0);
    const down = predictMinutes(model(0.5), over).map((q) => q.p50);
    down.forEach((m, i) => expect(m).toBeCloseTo((at(over, i).recent_minutes as number) * (240 / 270) ** 0.5, 9));
  });
});

describe('minutes model: residual buckets by projection, role and vacancy', () => {
  /** Team-games of one season: `n` copies of a team whose rank-k player plays recent[k] + noise(k, game). */
  function season(seasonYear: number, vac: number, spread: number, n: number): FeatureRow[] {
    const rows: FeatureRow[] = [];
    const recent = [40, 36, 32, 30, 28, 24, 20, 16, 10, 4];
    for (let g = 0; g < n; g++) {
      recent.forEach((m, k) => {
        // a deterministic spread of outcomes around the recent minutes: uniform over -spread..+spread
        const u = (((g * 7 + k * 3) % 21) - 10) / 10;
        rows.push({
          season: seasonYear,
          game_id: `${seasonYear}-${vac}-${g}`,
          team_id: 1,
          recent_minutes: m,
          minutes_last5: m,
          minutes_szn: m,
          minutes_rank_in_team: k + 1,
          vac_min_recent: vac,
          is_starter: k < 5,
          pos_group: 'guard',
          games_available_szn: 20,
          played: true,
          minutes_actual: Math.max(0, m + spread * u),
        });
      });
    }
    return rows;
  }

  it('takes short-handed team-games apart and keeps a star above 38 in his own bucket', () => {
    // two seasons: the held-out one calibrates the quantiles; short-handed games spread twice as wide
    const train = [2021, 2022].flatMap((y) => [...season(y, 0, 3, 300), ...season(y, HIGH_VACANCY_MINUTES + 5, 6, 300)]);
    const m = fitMinutesModel(train);
    const star = (vac: number) => predictMinutes(m, [{ ...at(season(2023, vac, 0, 1), 0) }]);
    const calm = at(star(0), 0);
    const short = at(star(HIGH_VACANCY_MINUTES + 5), 0);
    expect(calm.p50).toBeGreaterThanOrEqual(38);
    expect(short.p90 - short.p50).toBeGreaterThan(calm.p90 - calm.p50 + 1);
    expect(m.residuals.some((b) => b.high_vacancy === true && b.starter && b.lo === 38)).toBe(true);
    expect(m.residuals.some((b) => b.high_vacancy === false && b.starter && b.lo === 35 && b.hi === 38)).toBe(true);
  });

  it('reads a model saved before the vacancy split (no high_vacancy field) as one set of buckets', () => {
    const m = heuristicMinutesModel();
    for (const b of m.residuals) delete b.high_vacancy;
    const rows = team([36, 34, 32, 30, 28, 22, 18, 14], HIGH_VACANCY_MINUTES + 10);
    const got = predictMinutes(m, rows);
    got.forEach((q) => expect(q.p90 - q.p50).toBeCloseTo(8, 9));
  });
});

// `slatesim backtest --inputs DIR` on two real nights of ../shared/pregame against a lake of 2025-2026 built from
// ../shared/recent: the JSON has the contract's keys (plays, minutes, box_score_mode) and one row per date, every
// DraftKings row is accounted for, and 2026-03-11's two quarantined games (partial box scores) are left out and
// named, not scored as zeros. Runs in the `full` group (.ci/run adds it where ../shared exists).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src/cli/progress.ts';
import { initParquetNode } from '../../src/data/parquet-node.ts';
import { buildLake } from '../../src/lake/build.ts';
import { ROOT, SHARED_DATA, tempDir } from '../helpers.ts';

const SHARED_RECENT = process.env.SLATESIM_SHARED_RECENT ?? join(SHARED_DATA, '../recent');
const SHARED_PREGAME = process.env.SLATESIM_SHARED_PREGAME ?? join(SHARED_DATA, '../pregame');
const DATES = ['2026-03-10', '2026-03-11'];
const run = promisify(execFile);
let dir: string;
let stdout: string;
let report: Record<string, unknown>;

beforeAll(async () => {
  for (const f of [
    join(SHARED_RECENT, 'box_scores_2026.csv.gz'),
    ...DATES.map((d) => join(SHARED_PREGAME, `game_date=${d}`, 'DKSalaries.csv')),
  ]) {
    if (!existsSync(f)) throw new Error(`the full test group needs ${f} (set SLATESIM_SHARED_RECENT / SLATESIM_SHARED_PREGAME)`);
  }
  await initParquetNode();
  dir = await tempDir('bt-pregame');
  await buildLake({ source: SHARED_RECENT, lake: join(dir, 'lake'), seasons: [2025, 2026], progress: silentProgress });
  for (const d of DATES) {
    await mkdir(join(dir, 'inputs'), { recursive: true });
    await cp(join(SHARED_PREGAME, `game_date=${d}`), join(dir, 'inputs', `game_date=${d}`), { recursive: true });
  }
  // Few worlds: this checks the plumbing and the keys; the README's figures come from 2,000+ worlds.
  const r = await run(
    'node',
    [
      join(ROOT, 'bin/slatesim.js'),
      'backtest',
      '--inputs',
      join(dir, 'inputs'),
      '--lake',
      join(dir, 'lake'),
      '--worlds',
      '200',
      '--json',
      join(dir, 'out', 'bt.json'),
    ],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
  stdout = r.stdout;
  report = JSON.parse(await readFile(join(dir, 'out', 'bt.json'), 'utf8')) as Record<string, unknown>;
}, 900_000);

describe('backtest --inputs on two shared nights', () => {
  it("writes the contract's keys in both modes", () => {
    for (const k of [
      'n_player_games',
      'n_slates',
      'profile',
      'worlds',
      'coverage',
      'mae_mean',
      'crps',
      'pit_histogram',
      'baselines',
      'team',
      'correlation',
      'minutes',
      'plays',
      'box_score_mode',
      'per_date',
      'quarantined',
    ])
      expect(report, k).toHaveProperty(k);
    const box = report.box_score_mode as Record<string, unknown>;
    for (const k of ['coverage', 'mae_mean', 'crps', 'minutes', 'plays']) expect(box, k).toHaveProperty(k);
    for (const block of [report, box]) {
      const m = block.minutes as Record<string, number>;
      for (const k of [
        'mae',
        'mae_top_vacancy_quartile',
        'mae_played',
        'mae_top_vacancy_quartile_played',
        'share_44plus_sim',
        'share_44plus_real',
        'share_44plus_sim_top_vacancy_decile',
        'share_44plus_real_top_vacancy_decile',
      ])
        expect(Number.isFinite(m[k]), k).toBe(true);
      expect(m.mae).toBeGreaterThan(0);
      const p = block.plays as Record<string, number>;
      expect(p.brier).toBeGreaterThanOrEqual(0);
      expect(p.brier).toBeLessThan(0.5);
    }
    expect(report.n_slates).toBe(2);
    expect((report.coverage as Record<string, number>).p10_p90).toBeGreaterThan(0.3);
  });

  it('has one row per date, and every DraftKings row is scored or left out with its quarantined game', () => {
    const rows = report.per_date as { date: string; dk_rows: number; n: number; mae_mean: number; brier: number }[];
    expect(rows.map((r) => r.date)).toEqual(DATES);
    const q = report.quarantined as { date: string; game_ids: string[]; rows_left_out: number }[];
    expect(q.map((g) => g.game_ids.join()).sort()).toEqual(['0022500947', '0022500949']);
    expect(q.every((g) => g.date === '2026-03-11' && g.rows_left_out > 0)).toBe(true);
    const [d10, d11] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(d10.n).toBe(d10.dk_rows);
    expect(d11.n + q.reduce((a, g) => a + g.rows_left_out, 0)).toBe(d11.dk_rows);
    expect(report.n_player_games).toBe(d10.n + d11.n);
    for (const r of rows) expect(Number.isFinite(r.mae_mean) && Number.isFinite(r.brier)).toBe(true);
    expect(stdout).toMatch(/per date:\n.*\n {2}2026-03-10 /);
    expect(stdout).toContain('left out: 2026-03-11');
  });

  it('lineups value builds both sets on the two nights from real inputs, leaving the quarantined games out of both', async () => {
    const json = join(dir, 'out', 'value.json');
    await run(
      'node',
      [join(ROOT, 'bin/slatesim.js'), 'lineups', 'value', '--inputs', join(dir, 'inputs'), '--lake', join(dir, 'lake')].concat([
        '--worlds',
        '300',
        '--candidates',
        '15',
        '--n',
        '4',
        '--json',
        json,
      ]),
      { cwd: ROOT, maxBuffer: 1 << 24 },
    );
    const v = JSON.parse(await readFile(json, 'utf8')) as {
      slates: number;
      per_slate: {
        date: string;
        left_out_quarantined: number;
        mean: { best_real: number; lineups: number };
        sim: { best_real: number; lineups: number };
      }[];
      best_real_diff: { mean: number; se: number };
    };
    expect(v.slates).toBe(2);
    expect(v.per_slate.map((r) => r.date)).toEqual(DATES);
    const [d10, d11] = v.per_slate as [(typeof v.per_slate)[0], (typeof v.per_slate)[0]];
    expect(d10.left_out_quarantined).toBe(0);
    expect(d11.left_out_quarantined).toBeGreaterThan(0);
    for (const r of v.per_slate)
      for (const set of [r.mean, r.sim]) {
        expect(set.lineups).toBe(4);
        // eight real players: a lineup of healthy starters scores well above 100 on a real night
        expect(set.best_real).toBeGreaterThan(100);
      }
    expect(Number.isFinite(v.best_real_diff.mean)).toBe(true);
  }, 600_000);
});

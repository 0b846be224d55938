// The pregame backtest's scoring on small hand-made rows: a DraftKings row that did not play scores 0, the
// Brier score of P(plays) and its base rate, the minutes block on known numbers, the lake's quarantined games
// found by date and left out; and `backtest --inputs` refusing a bad DIR in one line, exit 2, nothing written.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  actualOfRow,
  brierScores,
  DNP,
  inQuarantinedGame,
  minutesBlock,
  simMinutesOf,
  topVacancyTeamGames,
  type Actual,
  type MinutesEntry,
} from '../src/backtest/outcomes.ts';
import { quarantinedTeams } from '../src/backtest/pregame.ts';
import { newState, scorePlayers, summary, type ScoredPlayer } from '../src/backtest/run.ts';
import type { LakeManifest } from '../src/lake/build.ts';
import { ROOT, filesBelow, tempDir } from './helpers.ts';

const line = (dk: number, minutes: number, regulation = true): Actual => ({ dk, fga: 0, pts: 0, minutes, regulation });

describe('real lines of DraftKings rows', () => {
  const actuals = new Map<number, Actual>([[7, line(31.5, 33)]]);

  it('scores a played row from the box score and a DNP, an absent player or an unmatched row as 0', () => {
    expect(actualOfRow(7, actuals)).toEqual(line(31.5, 33));
    expect(actualOfRow(8, actuals)).toEqual(DNP);
    expect(actualOfRow(null, actuals)).toEqual(DNP);
    expect(DNP.dk).toBe(0);
    expect(DNP.minutes).toBe(0);
  });

  it('counts a DNP scored 0 against the distribution: its error is the mean', () => {
    const st = newState();
    const worlds = Float64Array.from([0, 0, 10, 30]); // mean 10
    const p: ScoredPlayer = { actual: DNP, p50: 12, dk: worlds, dkBase: worlds, fga: new Float64Array(4) };
    scorePlayers(st, [p, { ...p, actual: line(10, 20) }]);
    const s = summary(st.main);
    expect(s.n).toBe(2);
    expect(s.mae_mean).toBeCloseTo(5, 12); // |10 - 0| and |10 - 10|
    // y = 0 sits on an atom of mass 1/2 at the bottom: half of it falls inside the 10-90 band (PIT in [0, 0.5]).
    expect(s.coverage.p10_p90).toBeCloseTo((0.4 / 0.5 + 1) / 2, 12);
  });
});

describe('Brier score of P(plays)', () => {
  it('matches a hand computation and the constant base rate', () => {
    const b = brierScores([0.9, 0.2, 0.5, 1], [true, false, false, true]);
    expect(b.brier).toBeCloseTo((0.01 + 0.04 + 0.25 + 0) / 4, 12);
    expect(b.base_rate).toBe(0.5);
    expect(b.brier_base_rate).toBeCloseTo(0.25, 12);
    expect(brierScores([], []).n).toBe(0);
  });
});

describe('the minutes block', () => {
  const e = (teamGame: string, vacancy: number, simMean: number, simRegPlayed: number, simReg44: number, actual: Actual): MinutesEntry => ({
    teamGame,
    vacancy,
    simMean,
    simRegPlayed,
    simReg44,
    actual,
  });
  const entries = [
    e('A', 10, 30, 100, 0, line(0, 34)),
    e('B', 50, 40, 100, 20, line(0, 46)),
    e('B', 50, 10, 50, 0, DNP),
    e('C', 30, 20, 100, 0, line(0, 45, false)), // an overtime game: out of the real 44+ share
    e('D', 0, 0, 0, 0, DNP),
  ];

  it('ranks team-games by vacancy, not players', () => {
    expect([...topVacancyTeamGames(entries, 0.25)]).toEqual(['B']);
    expect([...topVacancyTeamGames(entries, 0.5)].sort()).toEqual(['B', 'C']);
  });

  it('gives MAE, the top vacancy quartile MAE and the 44+ shares on known numbers', () => {
    const m = minutesBlock(entries);
    expect(m.mae).toBeCloseTo((4 + 6 + 10 + 25 + 0) / 5, 12);
    expect(m.mae_top_vacancy_quartile).toBeCloseTo((6 + 10) / 2, 12);
    // the players who played: A, the first B and C (the DNPs' 10 and 0 left out); the quartile is still team-game B
    expect(m.mae_played).toBeCloseTo((4 + 6 + 25) / 3, 12);
    expect(m.mae_top_vacancy_quartile_played).toBeCloseTo(6, 12);
    expect(m.share_44plus_sim).toBeCloseTo(20 / 350, 12);
    expect(m.share_44plus_real).toBe(0.5); // 34 and 46 played in regulation; the 45 went to overtime
    expect(m.share_44plus_sim_top_vacancy_decile).toBeCloseTo(20 / 150, 12);
    expect(m.share_44plus_real_top_vacancy_decile).toBe(1);
    expect([m.n_players, m.n_played, m.n_team_games]).toEqual([5, 3, 4]);
  });

  it('reads minutes, play probability and regulation 44+ worlds from saved worlds', () => {
    // world 2 went to overtime (265 team minutes): it counts for the mean and P(plays), not the 44+ share
    expect(simMinutesOf([0, 44, 30, 46], [240, 240, 265, 240])).toEqual({ simMean: 30, simRegPlayed: 2, simReg44: 2, playProb: 0.75 });
  });
});

describe('quarantined games', () => {
  const manifest = {
    seasons: {
      '2026': {
        box_scores: {
          quarantined: [
            { file: 'b.csv.gz', line: 10, game_id: '0022500949', team: 'NYK', game_dates: ['2026-03-11'], why: 'partial box score' },
            { file: 'b.csv.gz', line: 20, game_id: '0022500644', team: 'GSW', game_dates: ['2026-01-24', '2026-01-25'], why: 'repeats' },
          ],
        },
      },
    },
  } as unknown as Pick<LakeManifest, 'seasons'>;

  it('finds the teams of the date and leaves their games out, both sides', () => {
    const q = quarantinedTeams(manifest, '2026-03-11');
    const nyk = 1610612752;
    const uta = 1610612762;
    expect([...q.keys()]).toEqual([nyk]);
    expect(q.get(nyk)).toEqual([{ gameId: '0022500949', why: 'NYK: partial box score' }]);
    const set = new Set(q.keys());
    expect(inQuarantinedGame(nyk, uta, set)).toBe(true);
    expect(inQuarantinedGame(uta, nyk, set)).toBe(true); // the opponent's rows go with it
    expect(inQuarantinedGame(uta, 1610612747, set)).toBe(false);
    expect(quarantinedTeams(manifest, '2026-03-12').size).toBe(0);
  });
});

const run = promisify(execFile);
async function slatesim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(ROOT, 'bin/slatesim.js'), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('backtest --inputs refuses a bad DIR', () => {
  it('a DIR without game_date=D folders, and a folder without DKSalaries.csv: one line, exit 2, nothing written', async () => {
    const dir = await tempDir('bt-inputs');
    const empty = join(dir, 'empty');
    await mkdir(join(empty, 'notes'), { recursive: true });
    const noDk = join(dir, 'nodk');
    await mkdir(join(noDk, 'game_date=2026-03-01'), { recursive: true });
    await writeFile(join(noDk, 'game_date=2026-03-01', 'injuries.csv'), 'player_name,team,status\n');
    const out = join(dir, 'out');
    const cases: [string, string][] = [
      [empty, `slatesim: --inputs ${empty}: no game_date=YYYY-MM-DD folders\n`],
      [noDk, `slatesim: --inputs ${join(noDk, 'game_date=2026-03-01')}: no DKSalaries.csv\n`],
      [join(dir, 'missing'), `slatesim: --inputs ${join(dir, 'missing')}: not a folder\n`],
    ];
    for (const [inputs, message] of cases) {
      const r = await slatesim('backtest', '--inputs', inputs, '--lake', join(ROOT, 'public/data/lake'), '--json', join(out, 'bt.json'));
      expect(r.code, inputs).toBe(2);
      expect(r.stderr).toBe(message);
    }
    expect(await filesBelow(dir)).toEqual(['nodk/game_date=2026-03-01/injuries.csv']);
  }, 60_000);
});

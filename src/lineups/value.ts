// Do sim-aware lineups beat lineups built by mean, on real nights? Over every slate of an inputs folder (what a
// user had at lock), the slate is simulated once exactly as `lineups build` does (history strictly before the
// date), two sets of N are built from the same worlds with the same limits, one by mean and one sim-aware, and
// each lineup is scored by what its players really scored (the lake's box scores of the date; Out or no box
// score: 0; a captain 1.5x). Reported: each set's best real score per slate, averaged, the share of slates
// where each set's best is higher, and the paired difference with its standard error, so a difference inside
// the noise says so.
import type { Backend } from '../../engine/core/backend.ts';
import { LINEUP_LO_POINTS } from '../../engine/kernels/lineups/lineups.ts';
import { simulate } from '../../engine/core/simulate.ts';
import type { Profile } from '../../engine/profile.ts';
import { at } from '../data/checked.ts';
import type { Lake } from '../data/lake.ts';
import type { Progress } from '../data/progress.ts';
import type { ShareModel } from '../shares/model.ts';
import { actualOfRow } from '../backtest/outcomes.ts';
import { pregameFolders, quarantinedOn } from '../backtest/pregame.ts';
import { actualsOf } from '../backtest/run.ts';
import { readPregameInputs } from '../pregame/inputs.ts';
import { buildPregameSlate } from '../pregame/simulate.ts';
import { buildSet, playerWorldsRequest, scoreMatrix, accumulate, type Objective } from './build.ts';
import type { Constraints } from './optimize.ts';
import { placeOnSlate, poolOfDkRows } from './pool.ts';
import { histogramStats, unitsPerPoint } from './report.ts';
import { CAPTAIN_MULTIPLIER, lineupViolation } from './rules.ts';

export interface ValueOptions {
  lake: Lake;
  inputsDir: string;
  profile: Profile;
  backend: Backend;
  worlds: number;
  seed: number;
  n: number;
  maxExposure: number;
  candidates: number;
  shareModelFor: (date: string) => ShareModel | undefined;
  progress: Progress;
}

interface SetOnSlate {
  best_real: number;
  mean_real: number;
  /** the set's expected best-of-set score in the worlds it was built from */
  best_of_set_sim: number;
  lineups: number;
}

export interface ValueReport {
  inputs: string;
  slates: number;
  n: number;
  max_exposure: number;
  worlds: number;
  candidates: number;
  mean_set: { best_real_avg: number; mean_real_avg: number; best_of_set_sim_avg: number; slates_higher: number };
  sim_set: { best_real_avg: number; mean_real_avg: number; best_of_set_sim_avg: number; slates_higher: number };
  ties: number;
  /** sim minus mean, best real score per slate: mean and its standard error over slates */
  best_real_diff: { mean: number; se: number; within_noise: boolean };
  /** left_out_quarantined: DraftKings rows of games whose box score the lake quarantined, kept out of both sets */
  per_slate: { date: string; games: number; dk_rows: number; left_out_quarantined: number; mean: SetOnSlate; sim: SetOnSlate }[];
}

export async function runLineupValue(o: ValueOptions): Promise<ValueReport> {
  const folders = pregameFolders(o.inputsDir);
  const nights = [];
  for (const f of folders) nights.push(await readPregameInputs(f.files, f.date));
  const constraints: Constraints = { n: o.n, maxExposure: o.maxExposure };
  const perSlate: ValueReport['per_slate'] = [];
  o.progress.start('lineups value', nights.length, 'slates');
  for (const [k, inputs] of nights.entries()) {
    const shareModel = o.shareModelFor(inputs.date);
    const { pregame, slate } = await buildPregameSlate({
      lake: o.lake,
      inputs,
      date: inputs.date,
      ...(shareModel !== undefined ? { shareModel } : {}),
    });
    // pool.players[i] is rows[i]
    const rows = [...inputs.dkRows, ...inputs.captainRows];
    const pool = poolOfDkRows(rows);
    placeOnSlate(pool, pregame, slate);
    const { request, result: pw } = playerWorldsRequest(slate, o.worlds);
    await simulate(slate, o.profile, o.backend, { worlds: o.worlds, seed: o.seed, lineups: request });
    const actual = await actualsOf(o.lake, inputs.date);
    // A game the lake quarantined (a partial box score) cannot be scored: its players would read as zeros. Both
    // sets leave its players out, so the comparison stays fair and real.
    const quarantined = await quarantinedOn(o.lake, inputs.date);
    const unscorable = pool.players.filter((_, i) => {
      const row = at(rows, i);
      return quarantined.has(row.teamId) || quarantined.has(row.opponentTeamId);
    });
    const slateConstraints: Constraints = {
      ...constraints,
      ...(unscorable.length > 0 ? { excludes: [...new Set(unscorable.map((p) => p.personKey))] } : {}),
    };
    const playerOf = new Map(pregame.players.map((p) => [p.dkRow.dkId, p.playerId]));
    const realOf = pool.players.map(
      (p) => actualOfRow(playerOf.get(p.dkId) ?? null, actual).dk * (p.rosterPositions.includes('CPT') ? CAPTAIN_MULTIPLIER : 1),
    );
    const judge = async (objective: Objective): Promise<SetOnSlate> => {
      const built = await buildSet(pool, pw, objective, slateConstraints);
      for (const l of built.lineups) {
        const bad = lineupViolation(
          pool.rules,
          l.players.map((p) => at(pool.players, p)),
        );
        if (bad !== null) throw new Error(`a built lineup breaks DraftKings' rules: ${bad}`);
      }
      const real = built.lineups.map((l) => l.players.reduce((s, p) => s + at(realOf, p), 0));
      const scores = scoreMatrix(
        pool,
        built.lineups.map((l) => l.players),
        pw,
      );
      const acc = accumulate(scores, built.lineups.length, pw.worlds, unitsPerPoint(pool.rules));
      return {
        best_real: Math.max(...real),
        mean_real: real.reduce((s, x) => s + x, 0) / real.length,
        best_of_set_sim: histogramStats(acc.bestHist, 0, LINEUP_LO_POINTS * unitsPerPoint(pool.rules), unitsPerPoint(pool.rules)).mean,
        lineups: built.lineups.length,
      };
    };
    perSlate.push({
      date: inputs.date,
      games: slate.nGames,
      dk_rows: pool.players.length,
      left_out_quarantined: unscorable.length,
      mean: await judge({ kind: 'mean' }),
      sim: await judge({ kind: 'sim', candidates: o.candidates }),
    });
    o.progress.update(k + 1);
  }
  o.progress.stop();
  const avg = (f: (r: (typeof perSlate)[number]) => number): number =>
    perSlate.reduce((s, r) => s + f(r), 0) / Math.max(1, perSlate.length);
  const diffs = perSlate.map((r) => r.sim.best_real - r.mean.best_real);
  const dMean = diffs.reduce((s, x) => s + x, 0) / Math.max(1, diffs.length);
  const dVar = diffs.reduce((s, x) => s + (x - dMean) ** 2, 0) / Math.max(1, diffs.length - 1);
  const se = Math.sqrt(dVar / Math.max(1, diffs.length));
  const side = (key: 'mean' | 'sim', other: 'mean' | 'sim'): ValueReport['mean_set'] => ({
    best_real_avg: avg((r) => r[key].best_real),
    mean_real_avg: avg((r) => r[key].mean_real),
    best_of_set_sim_avg: avg((r) => r[key].best_of_set_sim),
    slates_higher: perSlate.filter((r) => r[key].best_real > r[other].best_real).length / Math.max(1, perSlate.length),
  });
  return {
    inputs: o.inputsDir,
    slates: perSlate.length,
    n: o.n,
    max_exposure: o.maxExposure,
    worlds: o.worlds,
    candidates: o.candidates,
    mean_set: side('mean', 'sim'),
    sim_set: side('sim', 'mean'),
    ties: perSlate.filter((r) => r.sim.best_real === r.mean.best_real).length / Math.max(1, perSlate.length),
    best_real_diff: { mean: dMean, se, within_noise: Math.abs(dMean) < 2 * se },
    per_slate: perSlate,
  };
}

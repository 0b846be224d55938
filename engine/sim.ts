// One date's slate end to end, in memory: the slate from the lake, DraftKings salaries when an export is
// given, the worlds on the chosen backend, and the projections read off them. Nothing is written here; the
// sim command (src/cli/run-sim.ts) writes the files, the library API hands the result back.
import type { MinutesModel } from '../src/features/minutes-model.ts';
import { UserError } from '../src/data/errors.ts';
import { candidatesOf, dkJoinOf, matchSalaries, parseDkCsv, refuseDuplicateDkRows, type DkJoin } from '../src/data/dk-salaries.ts';
import type { Lake } from '../src/data/lake.ts';
import { PLAYER_GAMES } from '../src/data/tables.ts';
import type { ShareModel } from '../src/shares/model.ts';
import type { Backend, WorldSpill } from './core/backend.ts';
import type { Progress } from './core/progress.ts';
import { projections, type Projections, type SalaryMap } from './core/projections.ts';
import { simulate, type SimulationRun } from './core/simulate.ts';
import type { Profile } from './profile.ts';
import { loadSlate } from './slate.ts';

export { CPU_CHUNK } from './core/backend.ts';
export { PROJECTIONS_SCHEMA } from './core/projections.ts';

export interface SimulateDateOptions {
  lake: Lake;
  date: string;
  profile: Profile;
  backend: Backend;
  worlds: number;
  seed: number;
  saveWorlds?: boolean;
  /** stream every world out chunk by chunk instead of keeping it (see WorldSpill) */
  spill?: WorldSpill;
  /** a DraftKings salary export: adds salary and dk_position (`file` names it in messages) */
  dkCsv?: { text: string; file: string };
  /** players ruled out: their minutes and usage move to teammates */
  playerOut?: ReadonlySet<number>;
  /** share model for the usage-share base logits (rate_weighted without one) */
  shareModel?: ShareModel;
  /** minutes model: with it, ruling players out re-predicts their teammates' minutes (ruleOutMinutes) */
  minutesModel?: MinutesModel;
  progress?: Progress;
}

export interface DateSimulation extends Projections {
  run: SimulationRun;
  salaries: SalaryMap;
  /** with a DraftKings file: its rows on the date, how many matched, and which did not */
  dkJoin?: DkJoin;
}

export async function simulateDate(opts: SimulateDateOptions): Promise<DateSimulation> {
  const slate = await loadSlate(opts.lake, opts.date, opts.playerOut, opts.shareModel, opts.minutesModel);
  const { salaries, join } = await salariesFor(opts.lake, opts.dkCsv, opts.date);
  const run = await simulate(slate, opts.profile, opts.backend, {
    worlds: opts.worlds,
    seed: opts.seed,
    saveWorlds: opts.saveWorlds === true,
    ...(opts.spill !== undefined ? { spill: opts.spill } : {}),
    ...(opts.progress !== undefined ? { progress: opts.progress } : {}),
  });
  return { run, salaries, ...(join !== undefined ? { dkJoin: join } : {}), ...projections(run, salaries) };
}

/**
 * Salaries by player_id from a DraftKings file, with how the join went. A player listed twice, or a file
 * that matches under half of its rows on the date, is an error before any world is drawn.
 */
async function salariesFor(
  lake: Lake,
  dk: { text: string; file: string } | undefined,
  date: string,
): Promise<{ salaries: Map<number, { salary: number; position: string }>; join?: DkJoin }> {
  const out = new Map<number, { salary: number; position: string }>();
  if (dk === undefined) return { salaries: out };
  const rows = parseDkCsv(dk.text, dk.file).filter((r) => r.gameDate === date);
  if (rows.length === 0) throw new UserError(`--dk-csv ${dk.file}: no players on ${date}`);
  // Candidates: the date's box-score players (the slate plus who is out), so names meet their own team.
  const candidates = candidatesOf(
    await lake.read(PLAYER_GAMES, { startDate: date, endDate: date }, { columns: ['team_id', 'player_id', 'player_name'] }),
  );
  const matches = matchSalaries(rows, candidates);
  refuseDuplicateDkRows(matches, dk.file);
  const join = dkJoinOf(matches, dk.file, date);
  for (const m of matches) if (m.candidate !== null) out.set(m.candidate.playerId, { salary: m.row.salary, position: m.row.position });
  return { salaries: out, join };
}

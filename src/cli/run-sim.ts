// `slatesim sim`'s output: one date's simulation (engine/sim.ts) written atomically as
// <out>/game_date=D/run=R/{projections.parquet, projections.csv, metrics.json} (+ worlds with --save-worlds).
// The engine computes; this file decides what lands on disk and what metrics.json records.

import { openRunDir, type OpenRun } from './run-dir.ts';
import { worldSpill, writeSavedWorlds } from './save-worlds.ts';
import { UserError } from '../data/errors.ts';
import { dkJoinLine } from '../data/dk-salaries.ts';
import type { MinutesModel } from '../features/minutes-model.ts';
import type { Lake } from '../data/lake.ts';
import { frameToParquet } from '../data/parquet.ts';
import { frameFromRows, toCsv, type Value } from '../data/schema.ts';
import type { Progress } from '../data/progress.ts';
import type { ShareModel } from '../shares/model.ts';
import { gpuBackend, type Backend } from '../../engine/core/backend.ts';
import { cpuBackend } from '../../engine/core/cpu-workers.ts';
import { PROJECTIONS_SCHEMA } from '../../engine/core/projections.ts';
import type { Profile } from '../../engine/profile.ts';
import { simulateDate } from '../../engine/sim.ts';

export { PROJECTIONS_SCHEMA };
export { toCsv } from '../data/schema.ts';

export interface SimOptions {
  lake: Lake;
  date: string;
  profile: Profile;
  profileName: string;
  worlds: number;
  seed: number;
  /** worlds per chunk (default: 2048 on the CPU, sized from the adapter's limits on the GPU) */
  chunk?: number;
  workers: number;
  out: string;
  run: string;
  /** the user named the run: an existing run is an error unless `overwrite` (default true); else a free -2, -3... */
  runExplicit?: boolean;
  /** replace an existing run folder of that name */
  overwrite?: boolean;
  saveWorlds: boolean;
  dkCsv?: { text: string; file: string };
  playerOut?: ReadonlySet<number>;
  /** A backend made by the caller (the --redis queue); it wins over gpu and workers. */
  backend?: Backend;
  /** The WebGPU device when the GPU path runs (absent: the CPU path). */
  gpu?: { device: GPUDevice; adapter: string };
  /** Share model for the usage-share base logits (rate_weighted without one). */
  shareModel?: ShareModel;
  /** Minutes model: ruled-out players' teammates get re-predicted minutes. */
  minutesModel?: MinutesModel;
  progress: Progress;
}

export interface SimResult {
  dir: string;
  rows: Record<string, Value>[];
  metrics: Record<string, unknown>;
}

export async function runSim(opts: SimOptions): Promise<SimResult> {
  // the run's place is taken before any world: an existing run or a live writer of it is refused now
  const target = await openRunDir({
    out: opts.out,
    date: opts.date,
    run: opts.run,
    explicit: opts.runExplicit ?? true,
    overwrite: opts.overwrite ?? false,
  });
  try {
    return await simulateInto(opts, target);
  } catch (e) {
    await target.abort();
    throw e;
  }
}

async function simulateInto(opts: SimOptions, target: OpenRun): Promise<SimResult> {
  const { profile } = opts;
  // saved worlds stream to spill files in the run's temporary folder as they are made (bounded memory)
  const spill = opts.saveWorlds ? await worldSpill(target.tmp) : undefined;
  const backend =
    opts.backend ??
    (opts.gpu !== undefined
      ? gpuBackend(opts.gpu.device, { adapter: opts.gpu.adapter, ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) })
      : cpuBackend({ workers: opts.workers, ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) }));
  const sim = await simulateDate({
    lake: opts.lake,
    date: opts.date,
    profile,
    backend,
    worlds: opts.worlds,
    seed: opts.seed,
    saveWorlds: false,
    ...(spill !== undefined ? { spill } : {}),
    ...(opts.dkCsv !== undefined ? { dkCsv: opts.dkCsv } : {}),
    ...(opts.playerOut !== undefined ? { playerOut: opts.playerOut } : {}),
    ...(opts.shareModel !== undefined ? { shareModel: opts.shareModel } : {}),
    ...(opts.minutesModel !== undefined ? { minutesModel: opts.minutesModel } : {}),
    progress: opts.progress,
  });
  const { run } = sim;
  if (run.warning !== undefined) process.stderr.write(`slatesim: ${run.warning}\n`);
  if (sim.dkJoin !== undefined) process.stderr.write(`slatesim: ${dkJoinLine(sim.dkJoin)}\n`);
  const slate = run.slate;
  const metrics = {
    date: opts.date,
    profile: opts.profileName,
    seed: opts.seed,
    worlds: opts.worlds,
    backend: backend.kind,
    ...run.backendMetrics,
    chunk_worlds: run.chunkWorlds,
    runtime_s: run.seconds,
    player_worlds_per_s: (slate.nPlayers * opts.worlds) / Math.max(run.seconds, 1e-9),
    slate: { players: slate.nPlayers, teams: slate.nTeams, games: slate.nGames },
    players_ruled_out: [...(opts.playerOut ?? [])],
    ...(sim.dkJoin !== undefined ? { dk_join: sim.dkJoin } : {}),
    conservation: {
      team_worlds_checked: slate.nTeams * opts.worlds,
      target_violations: sim.conservationViolations,
      minutes_violations: sim.minutesViolations,
    },
    fallbacks: { team_worlds_with_no_eligible_player: sim.fallbacks, fallback: profile.usage_shares.fallback },
    share_base: slate.shareSource,
    overtime_rate: sim.overtimeWorlds / (slate.nGames * opts.worlds),
    vegas_anchoring: { enabled: profile.vegas_anchoring.enabled, max_abs_relative_error: sim.maxAnchorError },
    teams: sim.teams,
    profile_settings: profile,
  };
  refuseBrokenInvariants(opts.date, sim);
  if (spill !== undefined) await writeSavedWorlds(slate, spill, target.tmp);
  const dir = await writeOutputs(target, sim.rows, metrics);
  return { dir, rows: sim.rows, metrics };
}

/** A run's own conservation and minutes checks are errors, not a footnote in metrics.json: nothing is written. */
export function refuseBrokenInvariants(date: string, sim: { conservationViolations: number; minutesViolations: number }): void {
  if (sim.conservationViolations > 0 || sim.minutesViolations > 0) {
    throw new UserError(
      `sim ${date}: the run broke its own invariants (${sim.conservationViolations} team-worlds off their totals, ${sim.minutesViolations} off their minutes); nothing written`,
    );
  }
}

export { writeRunDir } from './run-dir.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

async function writeOutputs(target: OpenRun, rows: Record<string, Value>[], metrics: Record<string, unknown>): Promise<string> {
  return target.commit([
    ['projections.parquet', () => frameToParquet(frameFromRows(PROJECTIONS_SCHEMA, rows))],
    ['projections.csv', () => utf8(toCsv(PROJECTIONS_SCHEMA, rows))],
    ['metrics.json', () => utf8(`${JSON.stringify(metrics, null, 2)}\n`)],
  ]);
}

// `slatesim sim`'s output: one date's simulation (engine/sim.ts) written atomically as
// <out>/game_date=D/run=R/{projections.parquet, projections.csv, metrics.json} (+ worlds with --save-worlds).
// The engine computes; this file decides what lands on disk and what metrics.json records.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   slate's per-player arrays are nPlayers long and indexed by p0 + j within a game, per-game arrays by g < nGames, and
   totals is [world][team][3]. */

import { openRunDir, type OpenRun } from './run-dir.ts';
import { UserError } from '../data/errors.ts';
import { dkJoinLine } from '../data/dk-salaries.ts';
import type { MinutesModel } from '../features/minutes-model.ts';
import type { Lake } from '../data/lake.ts';
import { frameToParquet } from '../data/parquet.ts';
import { col, frameFromRows, toCsv, type TableSchema, type Value } from '../data/schema.ts';
import type { Progress } from '../data/progress.ts';
import type { ShareModel } from '../shares/model.ts';
import { gpuBackend, type WorldRows } from '../../engine/core/backend.ts';
import { cpuBackend } from '../../engine/core/cpu-workers.ts';
import { PROJECTIONS_SCHEMA } from '../../engine/core/projections.ts';
import { STATS, NSTAT } from '../../engine/kernels/kernels.ts';
import type { Profile } from '../../engine/profile.ts';
import { simulateDate } from '../../engine/sim.ts';
import type { Slate } from '../../engine/slate.ts';

export { PROJECTIONS_SCHEMA };
export { toCsv } from '../data/schema.ts';

const WORLDS_SCHEMA: TableSchema = {
  name: 'worlds',
  columns: [
    col('world', 'int32'),
    col('game_id', 'utf8'),
    col('team_id', 'int64'),
    col('player_id', 'int64'),
    col('minutes', 'float32'),
    ...STATS.map((c) => col(c, 'int32')),
    col('dk_fpts', 'float32'),
  ],
};

const TEAM_WORLDS_SCHEMA: TableSchema = {
  name: 'team_worlds',
  columns: [
    col('world', 'int32'),
    col('game_id', 'utf8'),
    col('team_id', 'int64'),
    col('fga_total', 'int32'),
    col('fta_total', 'int32'),
    col('tov_total', 'int32'),
    col('pts', 'int32'),
    col('pace_factor', 'float32'),
  ],
};

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
  const backend =
    opts.gpu !== undefined
      ? gpuBackend(opts.gpu.device, { adapter: opts.gpu.adapter, ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) })
      : cpuBackend({ workers: opts.workers, ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) });
  const sim = await simulateDate({
    lake: opts.lake,
    date: opts.date,
    profile,
    backend,
    worlds: opts.worlds,
    seed: opts.seed,
    saveWorlds: opts.saveWorlds,
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
  const dir = await writeOutputs(
    target,
    opts,
    slate,
    sim.rows,
    metrics,
    run.games.map((r) => r.worldRows),
  );
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

async function writeOutputs(
  target: OpenRun,
  opts: SimOptions,
  slate: Slate,
  rows: Record<string, Value>[],
  metrics: Record<string, unknown>,
  worldRows: (WorldRows | undefined)[],
): Promise<string> {
  const files: [string, () => Uint8Array][] = [
    ['projections.parquet', () => frameToParquet(frameFromRows(PROJECTIONS_SCHEMA, rows))],
    ['projections.csv', () => utf8(toCsv(PROJECTIONS_SCHEMA, rows))],
  ];
  if (opts.saveWorlds) {
    const [w, t] = worldFrames(slate, opts.worlds, worldRows);
    files.push(['worlds.parquet', () => frameToParquet(w)], ['team_worlds.parquet', () => frameToParquet(t)]);
  }
  files.push(['metrics.json', () => utf8(`${JSON.stringify(metrics, null, 2)}\n`)]);
  return target.commit(files);
}

export function worldFrames(
  s: Slate,
  worlds: number,
  parts: (WorldRows | undefined)[],
): [ReturnType<typeof frameFromRows>, ReturnType<typeof frameFromRows>] {
  const wr: Record<string, Value>[] = [];
  const tr: Record<string, Value>[] = [];
  parts.forEach((rows, g) => {
    if (rows === undefined) return;
    const p0 = s.playerStart[2 * g]!;
    const nP = s.playerEnd[2 * g + 1]! - p0;
    for (let w = 0; w < worlds; w++) {
      for (let j = 0; j < nP; j++) {
        const i = p0 + j;
        const at = (w * nP + j) * NSTAT;
        const r: Record<string, Value> = {
          world: w,
          game_id: s.gameId[g]!,
          team_id: s.teamId[s.playerTeam[i]!]!,
          player_id: s.playerId[i]!,
          minutes: rows.minutes[w * nP + j]!,
          dk_fpts: rows.dk[w * nP + j]!,
        };
        for (const [k, name] of STATS.entries()) r[name] = rows.stats[at + k]!;
        wr.push(r);
      }
      for (let team = 0; team < 2; team++) {
        tr.push({
          world: w,
          game_id: s.gameId[g]!,
          team_id: s.teamId[2 * g + team]!,
          fga_total: rows.totals[(w * 2 + team) * 3]!,
          fta_total: rows.totals[(w * 2 + team) * 3 + 1]!,
          tov_total: rows.totals[(w * 2 + team) * 3 + 2]!,
          pts: rows.teamPts[w * 2 + team]!,
          pace_factor: rows.pace[w]!,
        });
      }
    }
  });
  return [frameFromRows(WORLDS_SCHEMA, wr), frameFromRows(TEAM_WORLDS_SCHEMA, tr)];
}

// slatesim as a TypeScript library (`import { openLake, loadSlate, simulate } from 'slatesim'`): open a lake
// (the embedded 2023-24 slice by default), load a date's slate, run its worlds on the CPU or WebGPU with
// progress, and read the projections off the result. The CLI opens its lakes through here too; the exports
// below are the public surface (docs/contracts.md), everything else is internal.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lake } from './data/lake.ts';
import { initParquetNode } from './data/parquet-node.ts';
import type { Progress } from './data/progress.ts';
import { NodeFileStore } from './data/store-node.ts';
import { RATES_TRAINING_BASE } from './data/tables.ts';
import { UserError } from './data/errors.ts';
import { EMBEDDED_LAKE_DIR } from './lake/embed.ts';
import type { ShareModel } from './shares/model.ts';
import { gpuBackend, type Backend } from '../engine/core/backend.ts';
import { cpuBackend } from '../engine/core/cpu-workers.ts';
import { projections, type Projections } from '../engine/core/projections.ts';
import { simulate as runWorlds, type SimulationRun } from '../engine/core/simulate.ts';
import { GpuUnavailableError, describeAdapter, requestGpuDevice } from '../engine/gpu/device.ts';
import type { Profile } from '../engine/profile.ts';
import { loadSlate as loadSlateOf, type Slate } from '../engine/slate.ts';

export { UserError, isUserError } from './data/errors.ts';
export { Lake } from './data/lake.ts';
export { silentProgress, type Progress } from './data/progress.ts';
export { parseShareModel, type ShareModel } from './shares/model.ts';
export { cpuBackend } from '../engine/core/cpu-workers.ts';
export {
  CPU_CHUNK,
  gpuBackend,
  inlineCpuBackend,
  type Backend,
  type BackendRun,
  type ChunkRequest,
  type GameAccumulator,
  type GameResult,
  type WorldRows,
} from '../engine/core/backend.ts';
export { PROJECTIONS_SCHEMA, projections, type Projections, type SalaryMap, type TeamSummary } from '../engine/core/projections.ts';
export type { SimulateOptions, SimulationRun } from '../engine/core/simulate.ts';
export { simulateDate, type DateSimulation, type SimulateDateOptions } from '../engine/sim.ts';
export { DEFAULT_PROFILES_FILE, loadProfile, parseProfile, type Profile } from '../engine/profile.ts';
export type { Slate } from '../engine/slate.ts';
export { GpuUnavailableError, requestGpuDevice, type GpuContext } from '../engine/gpu/device.ts';

/** The lake shipped inside the package: the 2023-24 season through 2024-01-31. */
export const EMBEDDED_LAKE = resolve(fileURLToPath(import.meta.url), '../..', EMBEDDED_LAKE_DIR);

/** A lake on disk (default: the embedded one), with the Parquet reader ready. */
export async function openLake(dir: string = EMBEDDED_LAKE): Promise<Lake> {
  await initParquetNode();
  return new Lake(new NodeFileStore(dir));
}

/** The last date with a slate (gold/rates_training_base) in the lake. */
export async function lastSlateDate(lake: Lake): Promise<string> {
  const parts = await lake.partitions(RATES_TRAINING_BASE);
  const last = parts[parts.length - 1]?.partition.game_date;
  if (last === undefined) throw new UserError(`${lake.store.root}: no gold/rates_training_base (run slatesim lake build)`);
  return last;
}

export interface LoadSlateOptions {
  /** players ruled out: their minutes and usage move to teammates */
  playerOut?: Iterable<number>;
  /** share model for the usage-share base logits (rate_weighted without one) */
  shareModel?: ShareModel;
}

/** A date's slate (default: the lake's last), every available player with his pregame inputs. */
export async function loadSlate(lake: Lake, date?: string, opts: LoadSlateOptions = {}): Promise<Slate> {
  const d = date ?? (await lastSlateDate(lake));
  if ((await lake.partitions(RATES_TRAINING_BASE, { startDate: d, endDate: d })).length === 0) {
    throw new UserError(`${d}: no available players in gold/rates_training_base for that date`);
  }
  return loadSlateOf(lake, d, new Set(opts.playerOut ?? []), opts.shareModel);
}

export interface SimulateApiOptions {
  /** worlds per game (default 10,000) */
  worlds?: number;
  /** same seed, same bytes (default 1) */
  seed?: number;
  /** 'cpu', 'gpu' (fails without an adapter), 'auto' (the GPU when there is one; default 'cpu'), or a Backend */
  backend?: 'auto' | 'cpu' | 'gpu' | Backend;
  /** CPU worker threads (default: all cores) */
  workers?: number;
  saveWorlds?: boolean;
  progress?: Progress;
}

/** A finished simulation: the run (accumulators per game, backend, timing) and its projections. */
export type Simulation = SimulationRun & Projections;

/**
 * Runs the slate's worlds and reads the projections off them. With 'gpu' or 'auto' the device is opened
 * here and destroyed before this returns; pass a Backend to keep a device across calls.
 */
export async function simulate(slate: Slate, profile: Profile, opts: SimulateApiOptions = {}): Promise<Simulation> {
  const choice = opts.backend ?? 'cpu';
  let device: GPUDevice | undefined;
  let backend: Backend | undefined;
  if (typeof choice !== 'string') backend = choice;
  else {
    if (choice !== 'cpu') {
      try {
        const ctx = await requestGpuDevice();
        device = ctx.device;
        backend = gpuBackend(ctx.device, { adapter: describeAdapter(ctx.adapter) });
      } catch (e) {
        if (choice === 'gpu' || !(e instanceof GpuUnavailableError)) throw e;
      }
    }
    backend ??= cpuBackend(opts.workers !== undefined ? { workers: opts.workers } : {});
  }
  try {
    const run = await runWorlds(slate, profile, backend, {
      worlds: opts.worlds ?? 10_000,
      seed: opts.seed ?? 1,
      saveWorlds: opts.saveWorlds === true,
      ...(opts.progress !== undefined ? { progress: opts.progress } : {}),
    });
    return { ...run, ...projections(run) };
  } finally {
    device?.destroy();
  }
}

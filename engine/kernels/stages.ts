// The ordered list of the engine's stages, one per kernel unit: its CPU twin(s), its WGSL sources and entry
// point, the shape of its dispatch and the buffers bound to it. The CPU path (runKernels), the GPU path
// (engine/gpu), the bench's per-kernel table and the parity tests all iterate this one list.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   reduction stage runs only with its accumulator set, and every StageName names an entry of STAGES. */

import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import type { CounterRng } from './rng/rng.ts';
import type { GameBatch } from './batch.ts';
import type { GameAccumulator } from './reduce/reduce.ts';
import { REDUCE_BLOCK, WORKGROUP_SIZE } from './contract.ts';
import { minutesKernel, teamTotalsKernel } from './minutes_totals/minutes_totals.ts';
import { sharesKernel } from './allocation/allocation.ts';
import { statLineKernel } from './statline/statline.ts';
import { scoringKernel } from './scoring/scoring.ts';
import { reduceBatch } from './reduce/reduce.ts';
import { PRELUDE_NAME } from './prelude.ts';

/** What a CPU kernel runs on: one batch of worlds of a game (and, for the reduction, its accumulator). */
export interface CpuKernelContext {
  s: Slate;
  prof: Profile;
  rng: CounterRng;
  b: GameBatch;
  world0: number;
  anchor: Float64Array;
  acc?: GameAccumulator;
}

/** The device buffers a stage can bind (the `params` uniform is always binding 0). */
export type GpuBufferName =
  | 'mPlayers'
  | 'mRates'
  | 'aPlayers'
  | 'sPlayers'
  | 'sRates'
  | 'minutes'
  | 'active'
  | 'worldInfo'
  | 'totals'
  | 'counts'
  | 'stats'
  | 'dk'
  | 'pilot'
  | 'hist'
  | 'acc'
  | 'fallbacks';

export type StageName = 'minutes' | 'allocation' | 'statline' | 'pilot' | 'reduce';
export type UniformName = 'minutes' | 'allocation' | 'statline' | 'reduce';

export interface StageSpec {
  name: StageName;
  /** the folder under engine/kernels holding its WGSL and TypeScript twin */
  unit: string;
  /** CPU twins in order, each with its column in the bench's per-kernel table */
  cpu: readonly { bench: string; run: (k: CpuKernelContext) => void }[];
  /** its column in the bench's per-kernel device-time table */
  gpuBench: string;
  /** shader sources, concatenated in order (the prelude first); the last one holds the entry point */
  sources: readonly string[];
  entryPoint?: string;
  constants: Record<string, number>;
  /** invocations for a chunk of n worlds of a game of nP players */
  invocations: (n: number, nP: number) => number;
  /** the uniform block at binding 0 */
  uniform: UniformName;
  /** binding -> buffer, from binding 1 */
  bindings: readonly (readonly [number, GpuBufferName])[];
  /** a stage of the Vegas-anchoring pilot only (not of the worlds' pipeline) */
  pilotOnly?: boolean;
}

const wg = { WORKGROUP_SIZE };

export const STAGES: readonly StageSpec[] = [
  {
    name: 'minutes',
    unit: 'minutes_totals',
    cpu: [
      { bench: 'minutes', run: (k) => minutesKernel(k.s, k.prof, k.rng, k.b, k.world0) },
      { bench: 'team_totals', run: (k) => teamTotalsKernel(k.s, k.prof, k.rng, k.b, k.world0, k.anchor) },
    ],
    gpuBench: 'minutes_and_team_totals',
    sources: [PRELUDE_NAME, 'rng', 'minutes_totals'],
    constants: wg,
    invocations: (n) => n,
    uniform: 'minutes',
    bindings: [
      [1, 'mPlayers'],
      [2, 'mRates'],
      [3, 'minutes'],
      [4, 'active'],
      [5, 'worldInfo'],
      [6, 'totals'],
    ],
  },
  {
    name: 'allocation',
    unit: 'allocation',
    cpu: [{ bench: 'shares_allocation', run: (k) => sharesKernel(k.s, k.prof, k.rng, k.b, k.world0, k.anchor) }],
    gpuBench: 'shares_allocation',
    sources: [PRELUDE_NAME, 'rng', 'samplers', 'allocation'],
    constants: wg,
    invocations: (n) => n * 2,
    uniform: 'allocation',
    bindings: [
      [1, 'aPlayers'],
      [2, 'minutes'],
      [3, 'active'],
      [4, 'worldInfo'],
      [5, 'totals'],
      [6, 'counts'],
      [7, 'fallbacks'],
    ],
  },
  {
    name: 'statline',
    unit: 'statline',
    cpu: [
      { bench: 'stat_line', run: (k) => statLineKernel(k.s, k.prof, k.rng, k.b, k.world0) },
      { bench: 'scoring', run: (k) => scoringKernel(k.prof, k.b) },
    ],
    gpuBench: 'stat_line_and_scoring',
    sources: [PRELUDE_NAME, 'rng', 'samplers', 'statline'],
    constants: wg,
    invocations: (n, nP) => n * nP,
    uniform: 'statline',
    bindings: [
      [1, 'sPlayers'],
      [2, 'sRates'],
      [3, 'minutes'],
      [4, 'active'],
      [5, 'counts'],
      [6, 'worldInfo'],
      [7, 'stats'],
      [8, 'dk'],
    ],
  },
  {
    name: 'pilot',
    unit: 'statline',
    cpu: [],
    gpuBench: 'pilot',
    sources: [PRELUDE_NAME, 'rng', 'samplers', 'statline'],
    entryPoint: 'pilot_points',
    constants: wg,
    invocations: (n) => n * 2,
    uniform: 'statline',
    bindings: [
      [1, 'sPlayers'],
      [5, 'counts'],
      [6, 'worldInfo'],
      [9, 'pilot'],
    ],
    pilotOnly: true,
  },
  {
    name: 'reduce',
    unit: 'reduce',
    cpu: [{ bench: 'reduction', run: (k) => reduceBatch(k.acc!, k.b) }],
    gpuBench: 'reduction',
    sources: [PRELUDE_NAME, 'reduce'],
    constants: { WORKGROUP_SIZE, BLOCK: REDUCE_BLOCK },
    invocations: (n, nP) => Math.ceil(n / REDUCE_BLOCK) * (nP + 2),
    uniform: 'reduce',
    bindings: [
      [1, 'minutes'],
      [2, 'active'],
      [3, 'stats'],
      [4, 'dk'],
      [5, 'totals'],
      [6, 'worldInfo'],
      [7, 'hist'],
      [8, 'acc'],
    ],
  },
];

export const stageSpec = (name: StageName): StageSpec => STAGES.find((st) => st.name === name)!;
/** The stages that generate a world's stat lines (everything before the reduction, not the pilot's). */
export const WORLD_STAGES: readonly StageName[] = STAGES.filter((st) => !st.pilotOnly && st.name !== 'reduce').map((st) => st.name);
/** A chunk of worlds on the device: generate, then reduce. */
export const GPU_PIPELINE: readonly StageName[] = STAGES.filter((st) => !st.pilotOnly).map((st) => st.name);
/** The pilot on the device: minutes and allocation, then its expected points. */
export const PILOT_PIPELINE: readonly StageName[] = ['minutes', 'allocation', 'pilot'];

/** Runs the world stages' CPU twins on a batch (kernels 1-5). */
export function runWorldStages(k: CpuKernelContext): void {
  k.b.fallbacks = 0;
  for (const name of WORLD_STAGES) for (const c of stageSpec(name).cpu) c.run(k);
}

/** Runs the pilot's stages' CPU twins on a batch: minutes, team totals and allocation, as the device's pilot
 * pipeline (its points are read off the counts, so the stat line and scoring are not run). */
export function runPilotStages(k: CpuKernelContext): void {
  k.b.fallbacks = 0;
  for (const name of PILOT_PIPELINE) for (const c of stageSpec(name).cpu) c.run(k);
}

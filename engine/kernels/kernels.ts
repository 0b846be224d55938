// The world-generation kernels of the CPU path, gathered: each kernel unit is a folder under engine/kernels
// holding its WGSL and its TypeScript twin side by side; stages.ts orders them. This module keeps the names
// callers import (the batch, the kernels, runKernels).
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import type { CounterRng } from './rng/rng.ts';
import type { GameBatch } from './batch.ts';
import { runPilotStages, runWorldStages } from './stages.ts';

export { NSTAT, STATS, STAT_INDEX } from './contract.ts';
export { PILOT_WORLD_OFFSET, newBatch, reuseBatch, type GameBatch } from './batch.ts';
export { minutesKernel, normaliseTeamMinutes, teamTotalsKernel } from './minutes_totals/minutes_totals.ts';
export { sharesKernel, softmaxShares } from './allocation/allocation.ts';
export { statLineKernel } from './statline/statline.ts';
export { scoringKernel } from './scoring/scoring.ts';

/** Runs kernels 1-5 for a batch, in the order of the stage list. */
export function runKernels(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  runWorldStages({ s, prof, rng, b, world0, anchor });
}

/** Runs the Vegas-anchoring pilot's kernels for a batch (minutes, team totals, allocation). */
export function runPilotKernels(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  runPilotStages({ s, prof, rng, b, world0, anchor });
}

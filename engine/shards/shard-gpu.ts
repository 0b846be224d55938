// Shards on the GPU path (engine/shards/shard.ts has the specs, the CPU path and the merge): a GPU worker's
// anchor pilot, one game's range of worlds, or a lineup run's range of worlds of every game, each on the
// kernels and reduction of a single-process `--backend gpu` run, so the merged partials are its bytes. A GPU
// failure is an error (the job is retried, on this worker or another): a shard never reruns chunks on the CPU,
// whose worlds differ from the GPU's in the last bits.
import type { LineupTable } from '../kernels/lineups/lineups.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { gpuAnchorOf, runGpuBlocks, runGpuRange } from '../gpu/simulate-gpu.ts';
import { slatePartialOf, type Partial, type ShardSpec, type SlatePartial, type SlateShardSpec } from './shard.ts';

/** Game g's anchor scales as a single-process GPU run computes them (the run's worlds size its pilot). */
export function runAnchorGpu(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  o: { seed: number; g: number; worlds: number; chunk?: number },
): Promise<[number, number]> {
  return gpuAnchorOf(device, s, prof, o);
}

/** One game's shard on the device. */
export async function runShardGpu(device: GPUDevice, s: Slate, prof: Profile, spec: ShardSpec): Promise<Partial> {
  const r = await runGpuRange(device, s, prof, {
    seed: spec.seed,
    g: spec.game,
    w0: spec.w0,
    w1: spec.w1,
    anchor: spec.anchor,
    chunk: spec.chunk,
    saveWorlds: spec.saveWorlds,
  });
  return { game: spec.game, w0: spec.w0, w1: spec.w1, acc: r.acc, ...(r.worldRows !== undefined ? { rows: r.worldRows } : {}) };
}

/** One lineup shard on the device: the blocks runGpuBlocks makes, over the shard's worlds. */
export async function runSlateShardGpu(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  table: LineupTable,
  spec: SlateShardSpec,
): Promise<SlatePartial> {
  const out = await runGpuBlocks(device, s, prof, {
    seed: spec.seed,
    worlds: spec.worlds,
    chunk: spec.chunk,
    saveWorlds: spec.saveWorlds,
    lineups: { table },
    range: { w0: spec.w0, w1: spec.w1, anchors: spec.anchors },
  });
  return slatePartialOf(spec, out.results, out.lineups);
}

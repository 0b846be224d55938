// The WebGPU path of the engine: per chunk of worlds, kernels 1-2 (minutes, team totals), 3 (shares and
// allocation) and 4-5 (stat line, DK scoring) run as WGSL on the device; the reduction folds the chunk on the
// CPU. Independent per-player counts (shares off) have no WGSL kernel yet and run on the CPU.
import { CounterRng } from '../rng.ts';
import { sharesKernel } from '../kernels/kernels.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { simulateGameWith, type GameResult } from '../cpu/simulate.ts';
import { TARGETS } from '../profile.ts';
import { allocationGpu } from './allocation.ts';
import { minutesTotalsGpu } from './minutes-totals.ts';
import { statLineGpu } from './statline.ts';

export interface GpuRunInfo {
  results: GameResult[];
  cpuChunks: number;
  cpuKernels: string[];
}

export async function runGpu(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  opts: { seed: number; worlds: number; chunk: number; saveWorlds: boolean; onProgress?: (n: number) => void },
): Promise<GpuRunInfo> {
  const allShared = prof.usage_shares.enabled && TARGETS.every((t) => prof.usage_shares.targets.includes(t));
  const results: GameResult[] = [];
  let cpuChunks = 0;
  for (let g = 0; g < s.nGames; g++) {
    const r = await simulateGameWith(
      s,
      prof,
      opts.seed,
      g,
      opts.worlds,
      opts.chunk,
      opts.saveWorlds,
      async (b, world0, anchor) => {
        await minutesTotalsGpu(device, s, prof, opts.seed, b, world0, anchor);
        if (allShared) {
          const a = await allocationGpu(device, s, prof, opts.seed, b, world0);
          b.counts.set(a.counts);
          b.fallbacks = a.fallbacks;
        } else {
          sharesKernel(s, prof, new CounterRng(opts.seed), b, world0, anchor);
        }
        const st = await statLineGpu(device, s, prof, opts.seed, b, world0);
        b.stats.set(st.stats);
        b.dk.set(st.dk);
      },
      opts.onProgress,
    );
    cpuChunks += r.cpuChunks;
    results.push(r);
  }
  return { results, cpuChunks, cpuKernels: allShared ? ['vegas_anchoring_pilot', 'reduction'] : ['vegas_anchoring_pilot', 'independent_counts', 'reduction'] };
}

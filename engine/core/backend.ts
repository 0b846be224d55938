// The backend-neutral face of the engine: a `Backend` simulates a slate's games in chunks of worlds and hands
// back one accumulator per game (the same `GameAccumulator` whichever backend ran it). CPU worker threads and
// WebGPU are the two today; a remote worker pool would be a third with the same `run`. What a backend wants
// recorded about itself (workers, adapter, retried chunks) comes back as `metrics`, for the caller to write.
import { defaultWorkers, runCpu } from '../cpu/pool.ts';
import type { GameResult } from '../cpu/simulate.ts';
import { runGpu } from '../gpu/simulate-gpu.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';

export type { GameAccumulator, GameResult, WorldRows } from '../cpu/simulate.ts';

/** Worlds per chunk on the CPU path: small enough to stay in cache, large enough to amortise the calls. */
export const CPU_CHUNK = 2048;

export interface ChunkRequest {
  seed: number;
  /** worlds per game */
  worlds: number;
  /** keep every world's stat lines (memory grows with worlds x players) */
  saveWorlds: boolean;
  /** called with the number of game-worlds each finished chunk added */
  onProgress?: (gameWorlds: number) => void;
}

export interface BackendRun {
  /** one per game, in slate order */
  results: GameResult[];
  /** worlds per chunk actually used */
  chunkWorlds: number;
  /** what the run's metrics record about the backend, in the order written */
  metrics: Record<string, unknown>;
  /** a condition the user should hear about though the run completed (e.g. chunks rerun on the CPU) */
  warning?: string;
}

export interface Backend {
  readonly kind: 'cpu' | 'gpu';
  /** one line for humans, e.g. "cpu (8 workers)" */
  readonly label: string;
  run(slate: Slate, profile: Profile, request: ChunkRequest): Promise<BackendRun>;
}

/** The TypeScript path on worker threads (inline with one worker); results do not depend on `workers`. */
export function cpuBackend(opts: { workers?: number; chunk?: number } = {}): Backend {
  const workers = opts.workers ?? defaultWorkers();
  const chunk = opts.chunk ?? CPU_CHUNK;
  return {
    kind: 'cpu',
    label: `cpu (${workers} workers)`,
    async run(slate, profile, r) {
      const results = await runCpu(slate, profile, { seed: r.seed, worlds: r.worlds, chunk, saveWorlds: r.saveWorlds, workers, ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}) });
      return { results, chunkWorlds: chunk, metrics: { workers } };
    },
  };
}

/** WebGPU on `device` (the caller owns it and destroys it). A failed chunk reruns on the CPU path. */
export function gpuBackend(device: GPUDevice, opts: { adapter?: string; chunk?: number } = {}): Backend {
  const adapter = opts.adapter ?? 'WebGPU';
  return {
    kind: 'gpu',
    label: `gpu (${adapter.replace(/^WebGPU adapter: /, '').split(';')[0]})`,
    async run(slate, profile, r) {
      const { results, ...info } = await runGpu(device, slate, profile, {
        seed: r.seed,
        worlds: r.worlds,
        saveWorlds: r.saveWorlds,
        ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}),
        ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}),
      });
      return {
        results,
        chunkWorlds: info.chunkWorlds,
        metrics: {
          adapter,
          gpu_chunks_retried_on_cpu: info.cpuChunks,
          gpu_failure: info.failure ?? null,
          kernels_on_cpu: info.cpuKernels,
          gpu_buffers: info.buffers,
        },
        ...(info.failure !== undefined ? { warning: `the GPU failed (${info.failure}); ${info.cpuChunks} chunks ran on the CPU path instead` } : {}),
      };
    },
  };
}

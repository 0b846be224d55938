// The backend-neutral face of the engine: a `Backend` simulates a slate's games in chunks of worlds and hands
// back one accumulator per game (the same `GameAccumulator` whichever backend ran it). CPU worker threads
// (engine/core/cpu-workers.ts, Node only), the CPU inline (browsers) and WebGPU are the ones today; a remote
// worker pool would be one more with the same `run`. This file stays importable in a browser. What a backend wants
// recorded about itself (workers, adapter, retried chunks) comes back as `metrics`, for the caller to write.
import { simulateGame, simulateSlateBlocks, type ChunkSink, type GameResult, type SaveWorlds } from '../cpu/simulate.ts';
import { runGpu, runGpuBlocks, type GpuDispatch, type GpuRunInfo } from '../gpu/simulate-gpu.ts';
import type { LineupAccumulator, LineupRequest } from '../kernels/lineups/lineups.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { GpuDeviceLostError } from '../gpu/device.ts';

export type { ChunkSink, GameAccumulator, GameResult, WorldRows } from '../cpu/simulate.ts';

/** What a backend does with each chunk's worlds: streams them to the spill's sinks, keeps them, or drops them. */
export function saveOf(r: ChunkRequest): SaveWorlds {
  return r.spill?.sink ?? r.saveWorlds;
}

/** Worlds per chunk on the CPU path: small enough to stay in cache, large enough to amortise the calls. */
export const CPU_CHUNK = 2048;

export interface ChunkRequest {
  seed: number;
  /** worlds per game */
  worlds: number;
  /** keep every world's stat lines (memory grows with worlds x players) */
  saveWorlds: boolean;
  /** stream every world out instead, chunk by chunk (memory bounded by the chunk): see WorldSpill */
  spill?: WorldSpill;
  /** called with the number of game-worlds each finished chunk added */
  onProgress?: (gameWorlds: number) => void;
  /** lineups to score in every world: the run goes block of worlds by block across the slate's games */
  lineups?: LineupRequest;
}

/**
 * Saved worlds streamed out as they are made: `sink(g)` takes game g's chunks in world order in this thread (the
 * GPU and inline paths); CPU worker threads write the same per-game spill files into `dir` themselves
 * (engine/cpu/spill.ts, Node only).
 */
export interface WorldSpill {
  dir: string;
  sink: (g: number) => ChunkSink;
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
  /** with a lineup request: the lineups' histograms and best-of-set counts over every world */
  lineups?: LineupAccumulator;
}

export interface Backend {
  readonly kind: 'cpu' | 'gpu';
  /** one line for humans, e.g. "cpu (8 workers)" */
  readonly label: string;
  run(slate: Slate, profile: Profile, request: ChunkRequest): Promise<BackendRun>;
}

/**
 * The TypeScript path in this thread, game after game: what a browser web worker runs (no worker threads
 * there). The same worlds, bytes for bytes, as `cpuBackend` in engine/core/cpu-workers.ts.
 */
export function inlineCpuBackend(opts: { chunk?: number } = {}): Backend {
  const chunk = opts.chunk ?? CPU_CHUNK;
  return {
    kind: 'cpu',
    label: 'cpu (inline)',
    // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw in a game rejects run()'s promise, as on the GPU
    async run(slate, profile, r) {
      if (r.lineups !== undefined) {
        const out = simulateSlateBlocks(slate, profile, r.seed, r.worlds, chunk, saveOf(r), r.lineups, (n) => r.onProgress?.(n));
        return { results: out.results, lineups: out.lineups, chunkWorlds: chunk, metrics: { workers: 1 } };
      }
      const results: GameResult[] = [];
      for (let g = 0; g < slate.nGames; g++)
        results.push(simulateGame(slate, profile, r.seed, g, r.worlds, chunk, saveOf(r), (n) => r.onProgress?.(n)));
      return { results, chunkWorlds: chunk, metrics: { workers: 1 } };
    },
  };
}

/** WebGPU on `device` (the caller owns it and destroys it). A failed chunk reruns on the CPU path. */
export function gpuBackend(device: GPUDevice, opts: { adapter?: string; chunk?: number; dispatch?: GpuDispatch } = {}): Backend {
  const adapter = opts.adapter ?? 'WebGPU';
  return {
    kind: 'gpu',
    label: `gpu (${adapter.replace(/^WebGPU adapter: /, '').split(';')[0]})`,
    async run(slate, profile, r) {
      if (r.lineups !== undefined) return runLineupsOnGpu(device, adapter, opts, slate, profile, r, r.lineups);
      const { results, ...info } = await runGpu(device, slate, profile, {
        seed: r.seed,
        worlds: r.worlds,
        saveWorlds: saveOf(r),
        ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}),
        ...(opts.dispatch !== undefined ? { dispatch: opts.dispatch } : {}),
        ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}),
      });
      return { results, ...gpuRunMetrics(adapter, info) };
    },
  };
}

/** What a GPU run records about itself, and the warning when chunks fell back to the CPU. */
function gpuRunMetrics(adapter: string, info: Omit<GpuRunInfo, 'results'>): Omit<BackendRun, 'results'> {
  return {
    chunkWorlds: info.chunkWorlds,
    metrics: {
      adapter,
      gpu_chunks_retried_on_cpu: info.cpuChunks,
      gpu_dispatch: info.dispatch,
      gpu_failure: info.failure ?? null,
      kernels_on_cpu: info.cpuKernels,
      gpu_buffers: info.buffers,
    },
    ...(info.failure !== undefined
      ? { warning: `the GPU failed (${info.failure}); ${info.cpuChunks} chunks ran on the CPU path instead` }
      : {}),
  };
}

/** The GPU's block-major run with lineups; a lost device reruns the whole run on the CPU path (same worlds). */
async function runLineupsOnGpu(
  device: GPUDevice,
  adapter: string,
  opts: { chunk?: number; dispatch?: GpuDispatch },
  slate: Slate,
  profile: Profile,
  r: ChunkRequest,
  lineups: LineupRequest,
): Promise<BackendRun> {
  try {
    const {
      results,
      lineups: acc,
      ...info
    } = await runGpuBlocks(device, slate, profile, {
      seed: r.seed,
      worlds: r.worlds,
      saveWorlds: saveOf(r),
      lineups,
      ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}),
      ...(opts.dispatch !== undefined ? { dispatch: opts.dispatch } : {}),
      ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}),
    });
    return { results, lineups: acc, ...gpuRunMetrics(adapter, info) };
  } catch (e) {
    if (!(e instanceof GpuDeviceLostError)) throw e;
    const out = simulateSlateBlocks(slate, profile, r.seed, r.worlds, CPU_CHUNK, saveOf(r), lineups);
    return {
      results: out.results,
      lineups: out.lineups,
      chunkWorlds: CPU_CHUNK,
      metrics: { adapter, gpu_failure: e.message, lineup_run_on_cpu: true },
      warning: `the GPU was lost (${e.message}); the run was redone on the CPU path`,
    };
  }
}

// Running one game's worlds in the browser: on WebGPU through navigator.gpu with the engine's WGSL kernels
// (every kernel unit's WGSL and shaders/*.wgsl registered as strings; the prelude is generated), or, without
// an adapter, on the CPU kernels in a web worker.
// One device for the page; a GPU run that fails (device lost, out of memory) is rerun in the worker and the
// page says so.
import type { GameAccumulator } from '../../engine/cpu/simulate.ts';
import { GpuUnavailableError, describeAdapter, requestGpuDevice, type GpuContext } from '../../engine/gpu/device.ts';
import { registerShaderSource } from '../../engine/gpu/shader-source.ts';
import { runGpu, runGpuBlocks } from '../../engine/gpu/simulate-gpu.ts';
import type { LineupAccumulator, LineupTable } from '../../engine/kernels/lineups/lineups.ts';
import type { Profile } from '../../engine/profile.ts';
import type { Slate } from '../../engine/slate.ts';
import { UserError } from '../data/errors.ts';
import type { SimReply, SimRequest } from './sim-worker.ts';

// Every kernel unit's WGSL (engine/kernels/<unit>/<unit>.wgsl) and the smoke shader, so a unit added there is
// available without touching the demo.
const SHADERS = import.meta.glob<string>(['../../engine/kernels/*/*.wgsl', '../../shaders/*.wgsl'], {
  query: '?raw',
  import: 'default',
  eager: true,
});
for (const [path, wgsl] of Object.entries(SHADERS)) registerShaderSource(path.replace(/^.*\//, '').replace(/\.wgsl$/, ''), wgsl);

export type BackendKind = 'webgpu' | 'cpu-worker';

export interface RunOutput {
  acc: GameAccumulator;
  backend: BackendKind;
  ms: number;
  /** why a GPU run fell back to the worker, if it did */
  fallback?: string;
  /** chunks of a WebGPU run that the engine reran on the CPU after a GPU failure, and the first failure */
  cpuChunks: number;
  gpuFailure?: string;
  /** with a lineup: its histograms over the same worlds */
  lineups?: LineupAccumulator;
}

/** Worlds per kernel batch: the CLI's default on the CPU; larger batches amortise dispatches on the GPU. */
const CPU_CHUNK = 2048;
const GPU_CHUNK = 8192;

export class BrowserEngine {
  private worker: Worker | undefined;
  private nextId = 1;
  private cancelWorker: (() => void) | undefined;
  /** set once a GPU run failed: later runs go to the worker */
  private gpuFailure: string | undefined;

  private constructor(
    readonly gpu: GpuContext | undefined,
    /** the adapter, or why there is none */
    readonly gpuDescription: string,
  ) {}

  static async create(): Promise<BrowserEngine> {
    if (!('gpu' in navigator)) return new BrowserEngine(undefined, 'this browser has no navigator.gpu');
    try {
      const ctx = await requestGpuDevice();
      return new BrowserEngine(ctx, describeAdapter(ctx.adapter));
    } catch (e) {
      // The engine's message speaks of Dawn in Node; in a browser no adapter means WebGPU is off or blocked.
      const why =
        e instanceof GpuUnavailableError
          ? 'the browser offers no WebGPU adapter (see chrome://gpu)'
          : e instanceof Error
            ? e.message
            : String(e);
      return new BrowserEngine(undefined, why);
    }
  }

  /** Runs game 0 of a one-game slate. `backend: 'cpu'` forces the worker. */
  async run(
    slate: Slate,
    profile: Profile,
    opts: { seed: number; worlds: number; backend: 'auto' | 'cpu'; onProgress: (done: number) => void; lineup?: LineupTable },
  ): Promise<RunOutput> {
    if (slate.nGames !== 1) throw new Error(`the demo runs one game at a time, got ${slate.nGames}`);
    const t0 = performance.now();
    if (this.gpu !== undefined && opts.backend === 'auto' && this.gpuFailure === undefined) {
      try {
        const lostFirst = this.gpu.lost.then((err) => Promise.reject(err));
        const gpuOpts = { seed: opts.seed, worlds: opts.worlds, chunk: GPU_CHUNK, saveWorlds: false, onProgress: opts.onProgress };
        const info: { results: { acc: GameAccumulator }[]; cpuChunks?: number; failure?: string; lineups?: LineupAccumulator } =
          await Promise.race([
            opts.lineup !== undefined
              ? runGpuBlocks(this.gpu.device, slate, profile, { ...gpuOpts, lineups: { table: opts.lineup } })
              : runGpu(this.gpu.device, slate, profile, gpuOpts),
            lostFirst,
          ]);
        const acc = info.results[0]?.acc;
        if (acc === undefined) throw new Error('the GPU run returned no game');
        return {
          acc,
          backend: 'webgpu',
          ms: performance.now() - t0,
          cpuChunks: info.cpuChunks ?? 0,
          ...(info.failure === undefined ? {} : { gpuFailure: info.failure }),
          ...(info.lineups === undefined ? {} : { lineups: info.lineups }),
        };
      } catch (e) {
        if (e instanceof UserError) throw e;
        this.gpuFailure = `WebGPU run failed (${e instanceof Error ? e.message : String(e)}); running on the CPU from now on`;
      }
    }
    const fallback = opts.backend === 'auto' ? this.gpuFailure : undefined;
    const { acc, lineups } = await this.runInWorker(slate, profile, opts);
    return {
      acc,
      backend: 'cpu-worker',
      ms: performance.now() - t0,
      cpuChunks: 0,
      ...(fallback === undefined ? {} : { fallback }),
      ...(lineups === undefined ? {} : { lineups }),
    };
  }

  /** Stops a worker run in progress (its promise rejects with a cancellation). */
  cancel(): void {
    this.cancelWorker?.();
  }

  private runInWorker(
    slate: Slate,
    profile: Profile,
    opts: { seed: number; worlds: number; onProgress: (done: number) => void; lineup?: LineupTable },
  ): Promise<{ acc: GameAccumulator; lineups?: LineupAccumulator }> {
    this.worker ??= new Worker(new URL('./sim-worker.ts', import.meta.url), { type: 'module' });
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise<{ acc: GameAccumulator; lineups?: LineupAccumulator }>((resolve, reject) => {
      const done = (): void => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        this.cancelWorker = undefined;
      };
      const onMessage = (ev: MessageEvent<SimReply>): void => {
        const m = ev.data;
        if (m.id !== id) return;
        if (m.kind === 'progress') opts.onProgress(m.done);
        else {
          done();
          if (m.kind === 'done') resolve(m.lineups === undefined ? { acc: m.acc } : { acc: m.acc, lineups: m.lineups });
          else reject(new UserError(m.message));
        }
      };
      const onError = (ev: ErrorEvent): void => {
        done();
        this.worker = undefined;
        reject(new Error(`the simulation worker failed: ${ev.message}`));
      };
      this.cancelWorker = () => {
        done();
        worker.terminate();
        this.worker = undefined;
        reject(new CancelledRun());
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', onError);
      const request: SimRequest = {
        id,
        slate,
        profile,
        seed: opts.seed,
        worlds: opts.worlds,
        chunk: CPU_CHUNK,
        ...(opts.lineup !== undefined ? { lineup: opts.lineup } : {}),
      };
      worker.postMessage(request);
    });
  }
}

/** A run superseded by newer controls. */
export class CancelledRun extends Error {
  override readonly name = 'CancelledRun';
  constructor() {
    super('cancelled');
  }
}

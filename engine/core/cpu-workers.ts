// The CPU backend on Node worker threads (engine/cpu/pool.ts): games dealt to workers, never split, so the
// bytes do not depend on the worker count. Kept apart from backend.ts because worker threads are Node-only.
import { defaultWorkers, runCpu } from '../cpu/pool.ts';
import { CPU_CHUNK, type Backend } from './backend.ts';

export { defaultWorkers };

/** The TypeScript path on worker threads (inline with one worker); results do not depend on `workers`. */
export function cpuBackend(opts: { workers?: number; chunk?: number } = {}): Backend {
  const workers = opts.workers ?? defaultWorkers();
  const chunk = opts.chunk ?? CPU_CHUNK;
  return {
    kind: 'cpu',
    label: `cpu (${workers} workers)`,
    async run(slate, profile, r) {
      const results = await runCpu(slate, profile, {
        seed: r.seed,
        worlds: r.worlds,
        chunk,
        saveWorlds: r.saveWorlds,
        workers,
        ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}),
      });
      return { results, chunkWorlds: chunk, metrics: { workers } };
    },
  };
}

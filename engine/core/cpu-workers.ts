// The CPU backend on Node worker threads (engine/cpu/pool.ts): games dealt to workers, never split, so the
// bytes do not depend on the worker count. Kept apart from backend.ts because worker threads are Node-only.
import { defaultWorkers, runCpu, runCpuLineups } from '../cpu/pool.ts';
import { simulateSlateBlocks } from '../cpu/simulate.ts';
import { CPU_CHUNK, saveOf, type Backend } from './backend.ts';

export { defaultWorkers };

/** The TypeScript path on worker threads (inline with one worker); results do not depend on `workers`. */
export function cpuBackend(opts: { workers?: number; chunk?: number } = {}): Backend {
  const workers = opts.workers ?? defaultWorkers();
  const chunk = opts.chunk ?? CPU_CHUNK;
  return {
    kind: 'cpu',
    label: `cpu (${workers} workers)`,
    async run(slate, profile, r) {
      if (r.lineups !== undefined && workers > 1 && r.lineups.onScores === undefined && !r.saveWorlds && r.spill === undefined) {
        // Lineups need every game's points of the same worlds at once: ranges of worlds of the whole slate.
        const out = await runCpuLineups(slate, profile, {
          seed: r.seed,
          worlds: r.worlds,
          chunk,
          workers,
          table: r.lineups.table,
          ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}),
        });
        return { results: out.results, lineups: out.lineups, chunkWorlds: chunk, metrics: { workers } };
      }
      if (r.lineups !== undefined) {
        // Every world's scores wanted, or worlds saved: the block-major loop, in this thread.
        const out = simulateSlateBlocks(slate, profile, r.seed, r.worlds, chunk, saveOf(r), r.lineups, (n) => r.onProgress?.(n));
        return { results: out.results, lineups: out.lineups, chunkWorlds: chunk, metrics: { workers: 1 } };
      }
      const results = await runCpu(slate, profile, {
        seed: r.seed,
        worlds: r.worlds,
        chunk,
        saveWorlds: r.saveWorlds,
        ...(r.spill !== undefined ? { spillDir: r.spill.dir } : {}),
        workers,
        ...(r.onProgress !== undefined ? { onProgress: r.onProgress } : {}),
      });
      return { results, chunkWorlds: chunk, metrics: { workers } };
    },
  };
}

// Runs a slate's games on worker threads (or inline with one worker). Games are dealt largest first to the
// least-loaded worker; since a game is never split, results do not depend on the worker count.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd have two entries per game, load/assigned have one per worker and k < nWorkers, and byGame
   holds every game handed out. */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { simulateGame, type GameResult } from './simulate.ts';
import { spillSink } from './spill.ts';
import type { WorkerTask } from './worker.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function runCpu(
  slate: Slate,
  profile: Profile,
  opts: {
    seed: number;
    worlds: number;
    chunk: number;
    saveWorlds: boolean;
    /** saved worlds streamed to per-game spill files in this folder (engine/cpu/spill.ts) instead of kept */
    spillDir?: string;
    workers: number;
    onProgress?: (worldsDone: number) => void;
  },
): Promise<GameResult[]> {
  const games = Array.from({ length: slate.nGames }, (_, g) => g);
  const nWorkers = Math.max(1, Math.min(opts.workers, slate.nGames));
  const { spillDir } = opts;
  if (nWorkers === 1) {
    const save = spillDir !== undefined ? (g: number) => spillSink(spillDir, g) : opts.saveWorlds;
    return games.map((g) => simulateGame(slate, profile, opts.seed, g, opts.worlds, opts.chunk, save, (n) => opts.onProgress?.(n)));
  }
  const size = (g: number): number => slate.playerEnd[2 * g + 1]! - slate.playerStart[2 * g]!;
  const load = new Array<number>(nWorkers).fill(0);
  const assigned: number[][] = Array.from({ length: nWorkers }, () => []);
  for (const g of [...games].sort((a, b) => size(b) - size(a) || a - b)) {
    let k = 0;
    for (let i = 1; i < nWorkers; i++) if (load[i]! < load[k]!) k = i;
    assigned[k]!.push(g);
    load[k] = load[k]! + size(g);
  }
  const parts = await Promise.all(
    assigned.map(
      (gs) =>
        new Promise<GameResult[]>((resolve, reject) => {
          const task: WorkerTask = {
            slate,
            profile,
            seed: opts.seed,
            worlds: opts.worlds,
            chunk: opts.chunk,
            saveWorlds: opts.saveWorlds,
            ...(spillDir !== undefined ? { spillDir } : {}),
            games: gs,
          };
          const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: task });
          worker.on('message', (m: { type: 'progress'; n: number } | { type: 'result'; results: GameResult[] }) => {
            if (m.type === 'progress') opts.onProgress?.(m.n);
            else resolve(m.results);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`CPU worker exited with code ${code}`));
          });
        }),
    ),
  );
  const byGame = new Map<number, GameResult>();
  for (const part of parts) for (const r of part) byGame.set(r.acc.g, r);
  return games.map((g) => byGame.get(g)!);
}

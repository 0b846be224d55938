// A CPU worker: simulates whole games (never part of one) and posts their accumulators back.
import { parentPort, workerData } from 'node:worker_threads';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { simulateGame, type GameResult } from './simulate.ts';
import { spillSink } from './spill.ts';

export interface WorkerTask {
  slate: Slate;
  profile: Profile;
  seed: number;
  worlds: number;
  chunk: number;
  saveWorlds: boolean;
  /** saved worlds streamed to per-game spill files in this folder instead of kept (engine/cpu/spill.ts) */
  spillDir?: string;
  games: number[];
}

const task = workerData as WorkerTask;
const results: GameResult[] = [];
const { spillDir } = task;
const save = spillDir !== undefined ? (g: number) => spillSink(spillDir, g) : task.saveWorlds;
for (const g of task.games) {
  results.push(
    simulateGame(task.slate, task.profile, task.seed, g, task.worlds, task.chunk, save, (n) =>
      parentPort?.postMessage({ type: 'progress', n }),
    ),
  );
}
parentPort?.postMessage({ type: 'result', results });

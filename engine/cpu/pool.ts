// Runs a slate's games on worker threads (or inline with one worker). The threads are kept across runs (a run
// pays their start-up once per process) and pull work as they free up:
// - without saved worlds, each game's Vegas pilot first, then its worlds in ranges (engine/shards: a few ranges a
//   game, on chunk boundaries), merged exactly, so the bytes are those of one thread whatever the worker count;
// - with saved worlds, whole games (their rows must reach the spill files in world order), dealt largest first to
//   the least-loaded worker.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd have two entries per game, load/assigned have one per worker and k < nWorkers, anchors has
   one entry per game once its pilot is back, and byGame holds every game handed out. */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import {
  mergePartials,
  mergeSlatePartials,
  planShards,
  planSlateShards,
  type Partial,
  type ShardSpec,
  type SlatePartial,
  type SlateShardSpec,
} from '../shards/shard.ts';
import type { LineupAccumulator, LineupTable } from '../kernels/lineups/lineups.ts';
import { simulateGame, type GameResult } from './simulate.ts';
import { spillSink } from './spill.ts';
import type { WorkerRequest, WorkerRun } from './worker.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

type WorkerReply =
  | { type: 'progress'; n: number }
  | { type: 'anchor'; game: number; anchor: [number, number] }
  | { type: 'partial'; partial: Partial }
  | { type: 'slate'; partial: SlatePartial }
  | { type: 'result'; results: GameResult[] }
  | { type: 'error'; message: string };

/** The process's worker threads, started on first use and kept (unreferenced between runs, so they never hold
 * the process open). A thread that fails or exits takes the pool with it: the next run starts a fresh one. */
let pool: Worker[] = [];

function workersFor(n: number): Worker[] {
  while (pool.length < n) {
    const w = new Worker(new URL('./worker-entry.js', import.meta.url));
    w.unref();
    pool.push(w);
  }
  return pool.slice(0, n);
}

function dropPool(): void {
  for (const w of pool) void w.terminate();
  pool = [];
}

/** Terminates the kept worker threads (tests and long-lived hosts; a CLI run need not). */
export async function closeCpuPool(): Promise<void> {
  const ws = pool;
  pool = [];
  await Promise.all(ws.map((w) => w.terminate()));
}

/**
 * Work items handed to the pool's threads as they free up: `next(k)` gives thread k its next request (undefined:
 * nothing to give now), `reply` takes each answer. Resolves when `done()` says so after a reply.
 */
function drive(
  workers: Worker[],
  run: WorkerRun,
  next: () => WorkerRequest | undefined,
  reply: (m: WorkerReply) => void,
  done: () => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const busy = new Array<boolean>(workers.length).fill(false);
    let failed = false;
    const cleanup = (): void => {
      for (const w of workers) {
        w.off('message', handlers.get(w)!);
        w.off('error', onError);
        w.off('exit', onExit);
        w.unref();
      }
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      cleanup();
      dropPool();
      reject(e);
    };
    const onError = (e: Error): void => fail(e);
    const onExit = (code: number): void => fail(new Error(`CPU worker exited with code ${code}`));
    const feed = (): void => {
      for (let k = 0; k < workers.length; k++) {
        if (busy[k]) continue;
        const req = next();
        if (req === undefined) break;
        busy[k] = true;
        workers[k]!.postMessage(req);
      }
    };
    const handlers = new Map<Worker, (m: WorkerReply) => void>();
    workers.forEach((w, k) => {
      const h = (m: WorkerReply): void => {
        if (failed) return;
        if (m.type === 'error') {
          fail(new Error(m.message));
          return;
        }
        if (m.type !== 'progress') busy[k] = false;
        try {
          reply(m);
        } catch (e) {
          fail(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (m.type === 'progress') return;
        if (done()) {
          cleanup();
          resolve();
          return;
        }
        feed();
      };
      handlers.set(w, h);
      w.ref();
      w.on('message', h);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ type: 'run', run } satisfies WorkerRequest);
    });
    feed();
  });
}

/** Requests in order: each game's pilot while any is left, then whatever `shard` gives. */
const pilotsThen = (pilots: number[], shard: () => WorkerRequest | undefined) => (): WorkerRequest | undefined => {
  const g = pilots.shift();
  return g !== undefined ? { type: 'anchor', game: g } : shard();
};

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
  const { spillDir } = opts;
  const saving = opts.saveWorlds || spillDir !== undefined;
  // Whole games cannot keep more threads busy than there are games; world ranges can.
  const nWorkers = Math.max(1, saving ? Math.min(opts.workers, slate.nGames) : opts.workers);
  if (nWorkers === 1) {
    const save = spillDir !== undefined ? (g: number) => spillSink(spillDir, g) : opts.saveWorlds;
    return games.map((g) => simulateGame(slate, profile, opts.seed, g, opts.worlds, opts.chunk, save, (n) => opts.onProgress?.(n)));
  }
  const workers = workersFor(nWorkers);
  const run: WorkerRun = {
    slate,
    profile,
    seed: opts.seed,
    worlds: opts.worlds,
    chunk: opts.chunk,
    saveWorlds: opts.saveWorlds,
    ...(spillDir !== undefined ? { spillDir } : {}),
  };
  const progress = (m: WorkerReply): void => {
    if (m.type === 'progress') opts.onProgress?.(m.n);
  };
  const size = (g: number): number => slate.playerEnd[2 * g + 1]! - slate.playerStart[2 * g]!;
  if (saving) {
    const load = new Array<number>(nWorkers).fill(0);
    const assigned: number[][] = Array.from({ length: nWorkers }, () => []);
    for (const g of [...games].sort((a, b) => size(b) - size(a) || a - b)) {
      let k = 0;
      for (let i = 1; i < nWorkers; i++) if (load[i]! < load[k]!) k = i;
      assigned[k]!.push(g);
      load[k] = load[k]! + size(g);
    }
    const byGame = new Map<number, GameResult>();
    let pending = assigned.filter((gs) => gs.length > 0);
    let answered = 0;
    const expected = pending.length;
    await drive(
      workers,
      run,
      () => {
        const gs = pending[0];
        if (gs === undefined) return undefined;
        pending = pending.slice(1);
        return { type: 'games', games: gs };
      },
      (m) => {
        progress(m);
        if (m.type !== 'result') return;
        for (const r of m.results) byGame.set(r.acc.g, r);
        answered++;
      },
      () => answered === expected,
    );
    return games.map((g) => byGame.get(g)!);
  }
  // Pilots first (largest games first), then each game's world ranges as soon as its anchor is known.
  const pilots = [...games].sort((a, b) => size(b) - size(a) || a - b);
  // about four ranges a game (whole chunks), so every thread has work to the end; anchors filled in as they come
  const planned = planShards(slate, {
    worlds: opts.worlds,
    seed: opts.seed,
    chunk: opts.chunk,
    shardWorlds: opts.chunk * Math.max(1, Math.floor(opts.worlds / opts.chunk / 4)),
    saveWorlds: false,
    inputs: '',
    backend: 'cpu',
    anchors: games.map(() => [1, 1]),
  });
  const shards: ShardSpec[] = [];
  const partials: Partial[] = [];
  await drive(
    workers,
    run,
    pilotsThen(pilots, () => {
      const spec = shards.shift();
      return spec === undefined ? undefined : { type: 'shard', spec };
    }),
    (m) => {
      progress(m);
      if (m.type === 'anchor') {
        for (const sp of planned) if (sp.game === m.game) shards.push({ ...sp, anchor: m.anchor });
      } else if (m.type === 'partial') partials.push(m.partial);
    },
    () => partials.length === planned.length,
  );
  return mergePartials(slate, partials, opts.worlds, false);
}

/**
 * Lineups scored in every world, on the pool: every game's pilot, then ranges of worlds of the whole slate (a
 * lineup's score needs all its games' points of the same world), each range's games and lineup counts merged
 * exactly (engine/shards), so the bytes are those of the one-thread block-major run. Not for saved worlds or a
 * caller that wants every world's scores (those stay in one thread), nor for one worker (the caller runs it inline).
 */
export async function runCpuLineups(
  slate: Slate,
  profile: Profile,
  opts: { seed: number; worlds: number; chunk: number; workers: number; table: LineupTable; onProgress?: (worldsDone: number) => void },
): Promise<{ results: GameResult[]; lineups: LineupAccumulator }> {
  const workers = workersFor(opts.workers);
  const run: WorkerRun = {
    slate,
    profile,
    seed: opts.seed,
    worlds: opts.worlds,
    chunk: opts.chunk,
    saveWorlds: false,
    lineups: opts.table,
  };
  const pilots = Array.from({ length: slate.nGames }, (_, g) => g);
  const anchors = new Array<[number, number] | undefined>(slate.nGames);
  let got = 0;
  // about eight ranges a thread; the chunk no larger than a range (CPU bytes do not depend on the chunk)
  const rangeWorlds = Math.max(64, Math.ceil(opts.worlds / (8 * workers.length)));
  const chunk = Math.min(opts.chunk, rangeWorlds);
  let shards: SlateShardSpec[] = [];
  const partials: SlatePartial[] = [];
  let expected = -1;
  await drive(
    workers,
    run,
    pilotsThen(pilots, () => {
      const spec = shards.shift();
      return spec === undefined ? undefined : { type: 'slate', spec };
    }),
    (m) => {
      if (m.type === 'progress') opts.onProgress?.(m.n);
      else if (m.type === 'anchor') {
        anchors[m.game] = m.anchor;
        if (++got === slate.nGames) {
          shards = planSlateShards({
            worlds: opts.worlds,
            seed: opts.seed,
            chunk,
            shardWorlds: rangeWorlds,
            saveWorlds: false,
            inputs: '',
            anchors: anchors.map((a) => a!),
            backend: 'cpu',
          });
          expected = shards.length;
        }
      } else if (m.type === 'slate') partials.push(m.partial);
    },
    () => partials.length === expected,
  );
  return mergeSlatePartials(slate, partials, opts.worlds, false, opts.table);
}

// The WebGPU path of the engine: per game, the Vegas-anchoring pilot and then chunks of worlds through every
// kernel on the device (minutes and totals, shares and allocation or independent counts, stat line and
// scoring, reduction), reading back only each chunk's sums and histograms. Chunks are sized from the
// adapter's buffer limits. A chunk that fails (device lost, out of memory, validation) is rerun on the CPU
// path and counted; once the device is lost, the remaining chunks all run on the CPU, so no world is lost.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: teamItt
   has two entries per game, sums one per team, pts 2 * worlds (team points per world), sizes one per game; g <
   nGames, w < worlds. */

import { CounterRng } from '../rng.ts';
import { PILOT_WORLD_OFFSET, newBatch, runKernels } from '../kernels/kernels.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import {
  anchorScales,
  fullAnchor,
  pilotWorlds,
  newAccumulator,
  reduceBatch,
  worldKeeper,
  type SaveWorlds,
  type GameResult,
} from '../cpu/simulate.ts';
import { GpuDeviceLostError, GpuOutOfMemoryError, GpuShaderError, GpuValidationError } from './device.ts';
import { DEFAULT_GPU_CHUNK, GpuGame, addChunkSums, deviceLoss, gpuChunkWorlds } from './game.ts';
import { GpuLineups } from './lineups-gpu.ts';
import type { LineupAccumulator, LineupRequest } from '../kernels/lineups/lineups.ts';
import { BufferPool } from './runner.ts';
import { GPU_PIPELINE, PILOT_PIPELINE } from '../kernels/stages.ts';

export interface GpuRunInfo {
  results: GameResult[];
  /** chunks rerun on the CPU after a GPU failure */
  cpuChunks: number;
  /** the first GPU failure, if any (the run went on on the CPU) */
  failure?: string;
  /** parts of the pipeline that ran on the CPU for every chunk */
  cpuKernels: string[];
  /** worlds per chunk on the device (the same for every game) */
  chunkWorlds: number;
  /** device buffers created and reused across the run's games, and the bytes created */
  buffers: { created: number; reused: number; bytes: number };
}

const isGpuFailure = (e: unknown): boolean =>
  e instanceof GpuDeviceLostError || e instanceof GpuOutOfMemoryError || e instanceof GpuValidationError;

/** Vegas anchoring on the device: the pilot's expected points per team-world, summed in world order. */
async function gpuAnchor(game: GpuGame, s: Slate, prof: Profile, worlds: number): Promise<[number, number]> {
  const g = game.g;
  if (!prof.vegas_anchoring.enabled || [2 * g, 2 * g + 1].some((t) => !Number.isFinite(s.teamItt[t]!))) return [1, 1];
  const sums = [0, 0];
  const total = pilotWorlds(prof, worlds);
  for (let done = 0; done < total;) {
    const n = Math.min(game.capacity, total - done);
    await game.run(PILOT_WORLD_OFFSET + done, n, [1, 1], PILOT_PIPELINE);
    const pts = await game.readPilot(n);
    for (let w = 0; w < n; w++) {
      sums[0] = sums[0]! + pts[2 * w]!;
      sums[1] = sums[1]! + pts[2 * w + 1]!;
    }
    done += n;
  }
  return [0, 1].map((team) => {
    const mean = sums[team]! / total;
    return mean > 0 ? s.teamItt[2 * g + team]! / mean : 1;
  }) as [number, number];
}

export async function runGpu(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  opts: { seed: number; worlds: number; chunk?: number; saveWorlds: SaveWorlds; onProgress?: (n: number) => void },
): Promise<GpuRunInfo> {
  const results: GameResult[] = [];
  let cpuChunks = 0;
  let failure: string | undefined;
  const note = (e: unknown): void => {
    if (!isGpuFailure(e)) throw e;
    failure ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  };
  // One set of device buffers, sized for the largest game, serves every game in turn.
  const sizes = Array.from({ length: s.nGames }, (_, g) => newBatch(s, g, 0).nP);
  const roomPlayers = Math.max(...sizes);
  // Buffers no larger than the run needs (its worlds or its pilot's): a small run does not allocate and clear a
  // 65,536-world chunk. The GPU's sums do not depend on where chunks fall, so the bytes are the same.
  const capacity = Math.min(gpuChunkWorlds(device.limits, roomPlayers, opts.chunk), Math.max(opts.worlds, pilotWorlds(prof, opts.worlds)));
  const pool = new BufferPool(device);
  try {
    for (let g = 0; g < s.nGames; g++) {
      results.push(await runGame(g));
    }
  } finally {
    pool.destroy();
  }
  return {
    results,
    cpuChunks,
    ...(failure !== undefined ? { failure } : {}),
    cpuKernels: [],
    chunkWorlds: capacity,
    buffers: { created: pool.created, reused: pool.reused, bytes: pool.bytes },
  };

  async function runGame(g: number): Promise<GameResult> {
    const nP = sizes[g]!;
    let game: GpuGame | undefined;
    let anchor: [number, number] | undefined;
    if (deviceLoss(device) === undefined) {
      try {
        game = await GpuGame.create(device, s, prof, opts.seed, g, capacity, { pool, roomPlayers });
        anchor = await gpuAnchor(game, s, prof, opts.worlds);
      } catch (e) {
        if (e instanceof GpuShaderError) throw e; // a broken kernel is a bug to report, not a chunk to retry
        note(e);
        game?.destroy();
        game = undefined;
      }
    }
    // Without a device the CPU pilot gives the scales (the CPU path's own).
    anchor ??= Array.from(anchorScales(s, prof, opts.seed, g, capacity, opts.worlds)) as [number, number];
    const full = fullAnchor(s, g, Float64Array.from(anchor));
    const acc = newAccumulator(g, nP, Float64Array.from(anchor));
    const { rows, store } = worldKeeper(opts.saveWorlds, g, opts.worlds, nP);
    for (let done = 0; done < opts.worlds;) {
      const n = Math.min(capacity, opts.worlds - done);
      let onGpu = false;
      if (game !== undefined) {
        try {
          await game.run(done, n, anchor, GPU_PIPELINE);
          const sums = await game.readSums(n);
          if (store !== undefined) {
            const b = newBatch(s, g, n);
            await game.readBatch(b);
            store(b, done);
          }
          addChunkSums(acc, sums);
          onGpu = true;
        } catch (e) {
          note(e);
          if (deviceLoss(device) !== undefined) {
            game.destroy();
            game = undefined;
          }
        }
      }
      if (!onGpu) {
        cpuChunks++;
        const b = newBatch(s, g, n);
        runKernels(s, prof, new CounterRng(opts.seed), b, done, full);
        reduceBatch(acc, b);
        store?.(b, done);
      }
      done += n;
      opts.onProgress?.(n);
    }
    game?.destroy();
    return rows === undefined ? { acc } : { acc, worldRows: rows };
  }
}

/**
 * The slate block by block (world-block-major), for lineups: each block's worlds are made on the device for
 * every game in turn (the same chunks, reduced into each game's accumulator in world order, so the projections
 * are the bytes runGpu gives), each game's points copied into the slate block, and the lineups scored on the
 * device. A chunk that fails on a live device reruns on the CPU and its points go up in its place; a lost
 * device ends the run (the backend reruns it on the CPU).
 * With `range` only worlds [w0, w1) are made, on the anchors given (one shard of a distributed run: kept rows
 * count from w0), and any failed chunk is an error: a shard is all GPU bytes or none.
 */
export async function runGpuBlocks(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  opts: {
    seed: number;
    worlds: number;
    chunk?: number;
    saveWorlds: SaveWorlds;
    onProgress?: (n: number) => void;
    lineups: LineupRequest;
    range?: { w0: number; w1: number; anchors: readonly (readonly [number, number])[] };
  },
): Promise<GpuRunInfo & { lineups: LineupAccumulator }> {
  const sizes = Array.from({ length: s.nGames }, (_, g) => newBatch(s, g, 0).nP);
  const roomPlayers = Math.max(...sizes);
  const table = opts.lineups.table;
  const wantScores = opts.lineups.onScores !== undefined;
  const w0 = opts.range?.w0 ?? 0;
  const w1 = opts.range?.w1 ?? opts.worlds;
  const capacity = Math.min(
    gpuChunkWorlds(device.limits, roomPlayers, opts.chunk),
    GpuLineups.blockWorlds(device.limits, s.nPlayers, table.nLineups, wantScores, opts.chunk ?? DEFAULT_GPU_CHUNK),
    Math.max(1, w1 - w0),
  );
  const pool = new BufferPool(device);
  let cpuChunks = 0;
  let failure: string | undefined;
  const lineups = await GpuLineups.create(device, table, s.nPlayers, capacity, wantScores);
  try {
    const anchors: (readonly [number, number])[] = [];
    if (opts.range !== undefined) anchors.push(...opts.range.anchors);
    else
      for (let g = 0; g < s.nGames; g++) {
        const game = await GpuGame.create(device, s, prof, opts.seed, g, capacity, { pool, roomPlayers });
        try {
          anchors.push(await gpuAnchor(game, s, prof, opts.worlds));
        } finally {
          game.destroy();
        }
      }
    const accs = sizes.map((nP, g) => newAccumulator(g, nP, Float64Array.from(anchors[g]!)));
    const keepers = sizes.map((nP, g) => worldKeeper(opts.saveWorlds, g, w1 - w0, nP));
    for (let done = w0; done < w1;) {
      const n = Math.min(capacity, w1 - done);
      for (let g = 0; g < s.nGames; g++) {
        const p0 = s.playerStart[2 * g]!;
        const game = await GpuGame.create(device, s, prof, opts.seed, g, capacity, { pool, roomPlayers });
        try {
          await game.run(done, n, anchors[g]!, GPU_PIPELINE);
          addChunkSums(accs[g]!, await game.readSums(n));
          game.copyDk(lineups.slateDk, n * p0 * 4, n);
          const store = keepers[g]!.store;
          if (store !== undefined) {
            const b = newBatch(s, g, n);
            await game.readBatch(b);
            store(b, done - w0);
          }
        } catch (e) {
          if (!isGpuFailure(e) || deviceLoss(device) !== undefined || opts.range !== undefined) throw e;
          failure ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          cpuChunks++;
          const b = newBatch(s, g, n);
          runKernels(s, prof, new CounterRng(opts.seed), b, done, fullAnchor(s, g, Float64Array.from(anchors[g]!)));
          reduceBatch(accs[g]!, b);
          device.queue.writeBuffer(lineups.slateDk, n * p0 * 4, Float32Array.from(b.dk));
          keepers[g]!.store?.(b, done - w0);
        } finally {
          game.destroy();
        }
        opts.onProgress?.(n);
      }
      const scores = await lineups.scoreBlock(n);
      if (scores !== undefined) opts.lineups.onScores?.(scores, done, n);
      done += n;
    }
    return {
      results: accs.map((acc, g) => {
        const rows = keepers[g]!.rows;
        return rows === undefined ? { acc } : { acc, worldRows: rows };
      }),
      cpuChunks,
      ...(failure !== undefined ? { failure } : {}),
      cpuKernels: [],
      chunkWorlds: capacity,
      buffers: { created: pool.created, reused: pool.reused, bytes: pool.bytes },
      lineups: await lineups.read(w1 - w0),
    };
  } finally {
    lineups.destroy();
    pool.destroy();
  }
}

/**
 * Game g's worlds [w0, w1) on the device with the anchor given: one shard of a distributed run
 * (engine/shards). The same kernels and reduction as runGpu, so the worlds and their integer sums are the
 * single process's (the GPU's sums do not depend on how worlds fall into chunks); kept rows count from w0. Any
 * failure is an error, never a chunk rerun on the CPU: a shard is all GPU bytes or none.
 */
export async function runGpuRange(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  o: { seed: number; g: number; w0: number; w1: number; anchor: readonly [number, number]; chunk?: number; saveWorlds: boolean },
): Promise<GameResult> {
  const nP = newBatch(s, o.g, 0).nP;
  const capacity = Math.min(gpuChunkWorlds(device.limits, nP, o.chunk), Math.max(1, o.w1 - o.w0));
  const game = await GpuGame.create(device, s, prof, o.seed, o.g, capacity);
  try {
    const acc = newAccumulator(o.g, nP, Float64Array.from(o.anchor));
    const { rows, store } = worldKeeper(o.saveWorlds, o.g, o.w1 - o.w0, nP);
    for (let done = o.w0; done < o.w1;) {
      const n = Math.min(capacity, o.w1 - done);
      await game.run(done, n, o.anchor, GPU_PIPELINE);
      addChunkSums(acc, await game.readSums(n));
      if (store !== undefined) {
        const b = newBatch(s, o.g, n);
        await game.readBatch(b);
        store(b, done - o.w0);
      }
      done += n;
    }
    return rows === undefined ? { acc } : { acc, worldRows: rows };
  } finally {
    game.destroy();
  }
}

/** Game g's anchor scales on the device, as runGpu computes them (the pilot's sums do not depend on its chunks). */
export async function gpuAnchorOf(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  o: { seed: number; g: number; worlds: number; chunk?: number },
): Promise<[number, number]> {
  const nP = newBatch(s, o.g, 0).nP;
  // room for the pilot's worlds only (a pilot is a few thousand worlds; the run's chunks may be far larger)
  const capacity = Math.min(gpuChunkWorlds(device.limits, nP, o.chunk), pilotWorlds(prof, o.worlds));
  const game = await GpuGame.create(device, s, prof, o.seed, o.g, capacity);
  try {
    return await gpuAnchor(game, s, prof, o.worlds);
  } finally {
    game.destroy();
  }
}

// The WebGPU path of the engine: per range of games (the whole slate in one dispatch per kernel on a GPU, game by
// game on a software adapter: see GpuDispatch), the Vegas-anchoring pilot and then chunks of worlds through every
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
import { DEFAULT_GPU_CHUNK, GpuGame, GpuGames, addChunkSums, deviceLoss, gpuChunkWorlds, type ChunkSums, type Room } from './game.ts';
import type { GameBatch } from '../kernels/batch.ts';
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
  /** games per dispatch in this run */
  dispatch: GpuDispatch;
}

const isGpuFailure = (e: unknown): boolean =>
  e instanceof GpuDeviceLostError || e instanceof GpuOutOfMemoryError || e instanceof GpuValidationError;

/**
 * Vegas anchoring on the device for every game of a range: the pilot's expected points per team-world, summed
 * per game in world order (the sums do not depend on the pilot's chunks or on which games share its dispatch).
 */
async function gpuAnchors(range: GpuGames, s: Slate, prof: Profile, worlds: number): Promise<[number, number][]> {
  const anchored = range.games.map((g) => prof.vegas_anchoring.enabled && [2 * g, 2 * g + 1].every((t) => Number.isFinite(s.teamItt[t]!)));
  if (!anchored.some((a) => a)) return range.games.map(() => [1, 1]);
  const sums = range.games.map(() => [0, 0]);
  const total = pilotWorlds(prof, worlds);
  const ones = range.games.map(() => [1, 1] as const);
  for (let done = 0; done < total;) {
    const n = Math.min(range.capacity, total - done);
    await range.run(PILOT_WORLD_OFFSET + done, n, ones, PILOT_PIPELINE);
    const pts = await range.readPilot(n);
    for (const [k, p] of pts.entries()) {
      const sum = sums[k]!;
      for (let w = 0; w < n; w++) {
        sum[0] = sum[0]! + p[2 * w]!;
        sum[1] = sum[1]! + p[2 * w + 1]!;
      }
    }
    done += n;
  }
  return range.games.map((g, k) => {
    if (!anchored[k]) return [1, 1];
    return [0, 1].map((team) => {
      const mean = sums[k]![team]! / total;
      return mean > 0 ? s.teamItt[2 * g + team]! / mean : 1;
    }) as [number, number];
  });
}

/** The smallest chunk a range of games is allowed to shrink to before it is split (when worlds allow). */
const MIN_RANGE_CHUNK = 8192;

/**
 * Games per dispatch: 'slate' puts every game (as many as the buffers allow) in one dispatch per kernel, which a GPU
 * needs to be filled (the minutes kernel has one invocation per game-world, the reduction one per block of worlds
 * per player); 'game' dispatches game by game. The default is 'slate', except on a software adapter (llvmpipe,
 * SwiftShader: the CPU's own threads run every dispatch, and one game's smaller working set is faster there). The
 * bytes are the same either way.
 */
export type GpuDispatch = 'slate' | 'game';
export function defaultDispatch(device: GPUDevice): GpuDispatch {
  // (adapterInfo is recent in the spec: a runtime without it is taken for hardware)
  const info = device.adapterInfo as GPUAdapterInfo | undefined;
  if (info === undefined) return 'slate';
  const text = `${info.architecture} ${info.description} ${info.device}`;
  return info.isFallbackAdapter || /software|llvmpipe|lavapipe|swiftshader/i.test(text) ? 'game' : 'slate';
}

/**
 * The slate's games in ranges of consecutive games, one dispatch each: as many games as keep a chunk of at least
 * min(the chunk asked for, the run's worlds, 8,192) worlds within the device's buffer limits (the whole slate on
 * any adapter of recent years), and the worlds per chunk every range can hold.
 */
export function gameRanges(
  s: Slate,
  limits: GPUSupportedLimits,
  worlds: number,
  chunk: number | undefined,
  dispatch: GpuDispatch,
): { ranges: number[][]; room: Room; capacity: number } {
  const nPOf = (g: number): number => s.playerEnd[2 * g + 1]! - s.playerStart[2 * g]!;
  const want = Math.min(chunk ?? DEFAULT_GPU_CHUNK, worlds, MIN_RANGE_CHUNK);
  const ranges: number[][] = [];
  let players = 0;
  for (let g = 0; g < s.nGames; g++) {
    const last = ranges[ranges.length - 1];
    if (dispatch === 'slate' && last !== undefined && gpuChunkWorlds(limits, players + nPOf(g), chunk) >= want) {
      last.push(g);
      players += nPOf(g);
    } else {
      ranges.push([g]);
      players = nPOf(g);
    }
  }
  const playersOf = (r: readonly number[]): number => r.reduce((n, g) => n + nPOf(g), 0);
  const room = { players: Math.max(...ranges.map(playersOf)), games: Math.max(...ranges.map((r) => r.length)) };
  const capacity = Math.min(...ranges.map((r) => gpuChunkWorlds(limits, playersOf(r), chunk)), Math.max(1, worlds));
  return { ranges, room, capacity };
}

/**
 * One chunk of worlds [world0, world0 + n) of a range on the device: its sums, one per game, and the worlds of the
 * games whose worlds are kept (undefined for the others), all read back before the caller adds any of them.
 */
async function runChunk(
  range: GpuGames,
  s: Slate,
  world0: number,
  n: number,
  anchors: readonly (readonly [number, number])[],
  keep: (k: number) => boolean,
): Promise<{ sums: ChunkSums[]; kept: (GameBatch | undefined)[] }> {
  await range.run(world0, n, anchors, GPU_PIPELINE);
  const sums = await range.readSums(n);
  const kept: (GameBatch | undefined)[] = [];
  for (const [k, g] of range.games.entries()) {
    if (!keep(k)) kept.push(undefined);
    else {
      const b = newBatch(s, g, n);
      await range.readBatch(k, b);
      kept.push(b);
    }
  }
  return { sums, kept };
}

/** What a WebGPU run is asked for (worlds, seed, chunk, kept worlds, progress, games per dispatch). */
export interface GpuRunOptions {
  seed: number;
  worlds: number;
  chunk?: number;
  saveWorlds: SaveWorlds;
  onProgress?: (n: number) => void;
  dispatch?: GpuDispatch;
}

export async function runGpu(device: GPUDevice, s: Slate, prof: Profile, opts: GpuRunOptions): Promise<GpuRunInfo> {
  const results: GameResult[] = new Array<GameResult>(s.nGames);
  let cpuChunks = 0;
  let failure: string | undefined;
  const note = (e: unknown): void => {
    if (!isGpuFailure(e)) throw e;
    failure ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  };
  const sizes = Array.from({ length: s.nGames }, (_, g) => newBatch(s, g, 0).nP);
  // One set of device buffers, sized for the largest range of games, serves every range in turn; no larger than the
  // run needs (its worlds or its pilot's): a small run does not allocate and clear a 65,536-world chunk. The GPU's
  // sums do not depend on where chunks fall or on which games share a dispatch, so the bytes are the same.
  const dispatch = opts.dispatch ?? defaultDispatch(device);
  const { ranges, room, capacity } = gameRanges(
    s,
    device.limits,
    Math.max(opts.worlds, pilotWorlds(prof, opts.worlds)),
    opts.chunk,
    dispatch,
  );
  const pool = new BufferPool(device);
  try {
    for (const games of ranges) (await runRange(games)).forEach((r, k) => (results[games[k]!] = r));
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
    dispatch,
  };

  async function runRange(games: readonly number[]): Promise<GameResult[]> {
    let range: GpuGames | undefined;
    let anchors: [number, number][] | undefined;
    if (deviceLoss(device) === undefined) {
      try {
        range = await GpuGames.create(device, s, prof, opts.seed, games, capacity, { pool, room });
        anchors = await gpuAnchors(range, s, prof, opts.worlds);
      } catch (e) {
        if (e instanceof GpuShaderError) throw e; // a broken kernel is a bug to report, not a chunk to retry
        note(e);
        range?.destroy();
        range = undefined;
      }
    }
    // Without a device the CPU pilot gives the scales (the CPU path's own).
    anchors ??= games.map((g) => Array.from(anchorScales(s, prof, opts.seed, g, capacity, opts.worlds)) as [number, number]);
    const fulls = games.map((g, k) => fullAnchor(s, g, Float64Array.from(anchors[k]!)));
    const accs = games.map((g, k) => newAccumulator(g, sizes[g]!, Float64Array.from(anchors[k]!)));
    const keepers = games.map((g) => worldKeeper(opts.saveWorlds, g, opts.worlds, sizes[g]!));
    for (let done = 0; done < opts.worlds;) {
      const n = Math.min(capacity, opts.worlds - done);
      let onGpu = false;
      if (range !== undefined) {
        try {
          const { sums, kept } = await runChunk(range, s, done, n, anchors, (k) => keepers[k]!.store !== undefined);
          // every game's chunk read back before any is kept: a failure leaves nothing half added
          for (const [k, x] of sums.entries()) {
            addChunkSums(accs[k]!, x);
            if (kept[k] !== undefined) keepers[k]!.store?.(kept[k], done);
          }
          onGpu = true;
        } catch (e) {
          note(e);
          if (deviceLoss(device) !== undefined) {
            range.destroy();
            range = undefined;
          }
        }
      }
      if (!onGpu) {
        cpuChunks += games.length;
        for (const [k, g] of games.entries()) {
          const b = newBatch(s, g, n);
          runKernels(s, prof, new CounterRng(opts.seed), b, done, fulls[k]!);
          reduceBatch(accs[k]!, b);
          keepers[k]!.store?.(b, done);
        }
      }
      done += n;
      opts.onProgress?.(n * games.length);
    }
    range?.destroy();
    return games.map((_, k) => {
      const rows = keepers[k]!.rows;
      return rows === undefined ? { acc: accs[k]! } : { acc: accs[k]!, worldRows: rows };
    });
  }
}

/**
 * The slate block by block (world-block-major), for lineups: each block's worlds are made on the device for
 * every range of games in turn (the same chunks, reduced into each game's accumulator in world order, so the
 * projections are the bytes runGpu gives), each range's points copied into the slate block, and the lineups
 * scored on the device. A chunk that fails on a live device reruns on the CPU and its points go up in its place; a
 * lost device ends the run (the backend reruns it on the CPU).
 * With `range` only worlds [w0, w1) are made, on the anchors given (one shard of a distributed run: kept rows
 * count from w0), and any failed chunk is an error: a shard is all GPU bytes or none.
 */
export async function runGpuBlocks(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  opts: GpuRunOptions & {
    lineups: LineupRequest;
    range?: { w0: number; w1: number; anchors: readonly (readonly [number, number])[] };
  },
): Promise<GpuRunInfo & { lineups: LineupAccumulator }> {
  const sizes = Array.from({ length: s.nGames }, (_, g) => newBatch(s, g, 0).nP);
  const table = opts.lineups.table;
  const wantScores = opts.lineups.onScores !== undefined;
  const w0 = opts.range?.w0 ?? 0;
  const w1 = opts.range?.w1 ?? opts.worlds;
  const blockCap = GpuLineups.blockWorlds(device.limits, s.nPlayers, table.nLineups, wantScores, opts.chunk ?? DEFAULT_GPU_CHUNK);
  const dispatch = opts.dispatch ?? defaultDispatch(device);
  const planned = gameRanges(s, device.limits, Math.max(1, Math.min(w1 - w0, blockCap)), opts.chunk, dispatch);
  const { ranges, room } = planned;
  const capacity = Math.min(planned.capacity, blockCap, Math.max(1, w1 - w0));
  const pool = new BufferPool(device);
  let cpuChunks = 0;
  let failure: string | undefined;
  const lineups = await GpuLineups.create(device, table, s.nPlayers, capacity, wantScores);
  try {
    const anchors: (readonly [number, number])[] = [];
    if (opts.range !== undefined) anchors.push(...opts.range.anchors);
    else
      for (const games of ranges) {
        // the pilot's worlds may exceed a lineup block: its own range of buffers, sized for it
        const pilot = await GpuGames.create(device, s, prof, opts.seed, games, Math.min(capacity, pilotWorlds(prof, opts.worlds)), {
          pool,
          room,
        });
        try {
          anchors.push(...(await gpuAnchors(pilot, s, prof, opts.worlds)));
        } finally {
          pilot.destroy();
        }
      }
    const accs = sizes.map((nP, g) => newAccumulator(g, nP, Float64Array.from(anchors[g]!)));
    const keepers = sizes.map((nP, g) => worldKeeper(opts.saveWorlds, g, w1 - w0, nP));
    for (let done = w0; done < w1;) {
      const n = Math.min(capacity, w1 - done);
      for (const games of ranges) {
        const range = await GpuGames.create(device, s, prof, opts.seed, games, capacity, { pool, room });
        try {
          const { sums, kept } = await runChunk(
            range,
            s,
            done,
            n,
            games.map((g) => anchors[g]!),
            (k) => keepers[games[k]!]!.store !== undefined,
          );
          range.copyDk(lineups.slateDk, n * range.p0 * 4, n);
          for (const [k, g] of games.entries()) {
            addChunkSums(accs[g]!, sums[k]!);
            if (kept[k] !== undefined) keepers[g]!.store?.(kept[k], done - w0);
          }
        } catch (e) {
          if (!isGpuFailure(e) || deviceLoss(device) !== undefined || opts.range !== undefined) throw e;
          failure ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          for (const g of games) {
            cpuChunks++;
            const b = newBatch(s, g, n);
            runKernels(s, prof, new CounterRng(opts.seed), b, done, fullAnchor(s, g, Float64Array.from(anchors[g]!)));
            reduceBatch(accs[g]!, b);
            device.queue.writeBuffer(lineups.slateDk, n * s.playerStart[2 * g]! * 4, Float32Array.from(b.dk));
            keepers[g]!.store?.(b, done - w0);
          }
        } finally {
          range.destroy();
        }
        opts.onProgress?.(n * games.length);
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
      dispatch,
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
  const game = await GpuGames.create(device, s, prof, o.seed, [o.g], capacity);
  try {
    return (await gpuAnchors(game, s, prof, o.worlds))[0]!;
  } finally {
    game.destroy();
  }
}

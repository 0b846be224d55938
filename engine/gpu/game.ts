// One game's worlds on a WebGPU device, device-resident: the stages of engine/kernels/stages.ts (minutes and
// totals, shares and allocation, stat line and scoring, reduction) run back to back in one command buffer per
// chunk on buffers that live on the device for the whole game; only the chunk's histograms and 64-bit sums
// come back (a few hundred KB, whatever the number of worlds), unless the caller asks for the worlds
// themselves. The parts: buffers.ts (what lives on the device), params.ts (the uniform and input bytes, packed
// from the contract), dispatch.ts (pipelines, bind groups, dispatch), readback.ts (device <-> CPU).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd/gameId have entries for every game g of the slate; buf and prog are set by create() before
   any method runs, and each readback returns the buffers that were asked for. */

import type { GameBatch } from '../kernels/batch.ts';
import type { StageName } from '../kernels/stages.ts';
import type { Profile } from '../profile.ts';
import { CounterRng } from '../rng.ts';
import type { Slate } from '../slate.ts';
import { MAX_TEAM_PLAYERS, accWords, createBuffers, histWords, type GameBuffers } from './buffers.ts';
import { GpuDeviceLostError, GpuOutOfMemoryError, GpuValidationError } from './device.ts';
import { buildPrograms, checkAlive, deviceLoss, dispatchStage, watchLoss, type StagePrograms } from './dispatch.ts';
import { packInputs, packParams } from './params.ts';
import { readBuffers, readWorlds, uploadWorlds, type ChunkSums } from './readback.ts';
import { BufferPool } from './runner.ts';

export { DEFAULT_GPU_CHUNK, MAX_TEAM_PLAYERS, bytesPerWorld, gpuChunkWorlds } from './buffers.ts';
export { deviceLoss } from './dispatch.ts';
export { addChunkSums, type ChunkSums } from './readback.ts';
export type Stage = StageName;

export class GpuGame {
  readonly nP: number;
  readonly nHome: number;
  readonly p0: number;
  readonly histWords: number;
  readonly accWords: number;
  private buf: GameBuffers | undefined;
  private prog: StagePrograms | undefined;
  private readonly rng: CounterRng;

  private constructor(
    readonly device: GPUDevice,
    readonly s: Slate,
    readonly prof: Profile,
    seed: number,
    readonly g: number,
    readonly capacity: number,
    private readonly pool: BufferPool,
    private readonly ownsPool: boolean,
  ) {
    const p0 = s.playerStart[2 * g]!;
    this.p0 = p0;
    this.nP = s.playerEnd[2 * g + 1]! - p0;
    this.nHome = s.playerEnd[2 * g]! - p0;
    if (this.nHome > MAX_TEAM_PLAYERS || this.nP - this.nHome > MAX_TEAM_PLAYERS) {
      throw new GpuValidationError(`game ${s.gameId[g]!}: a team has more than ${MAX_TEAM_PLAYERS} players, the allocation kernel's limit`);
    }
    this.rng = new CounterRng(seed);
    this.histWords = histWords(this.nP);
    this.accWords = accWords(this.nP);
    watchLoss(device);
  }

  private get buffers(): GameBuffers {
    return this.buf!;
  }

  /**
   * Buffers and pipelines for game g with room for `capacity` worlds per chunk; out of memory is typed. With a
   * pool (and `roomPlayers`, the most players of any game it will serve), buffers come from it and go back to it.
   */
  static async create(
    device: GPUDevice,
    s: Slate,
    prof: Profile,
    seed: number,
    g: number,
    capacity: number,
    shared?: { pool: BufferPool; roomPlayers: number },
  ): Promise<GpuGame> {
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let game: GpuGame | undefined;
    try {
      game = new GpuGame(device, s, prof, seed, g, capacity, shared?.pool ?? new BufferPool(device), shared === undefined);
      // Sized for `roomPlayers` (at least this game's players) so one set of buffers serves every game of a run.
      game.buf = createBuffers(device, game.pool, capacity, Math.max(shared?.roomPlayers ?? 0, game.nP), packInputs(s, game.p0, game.nP));
    } finally {
      /* eslint-disable no-unsafe-finally -- the error scopes must be popped however the try ends, and an error they
         hold (out of memory, validation, a lost device) is the real cause of a throw above, so it replaces it. */
      const validation = await device.popErrorScope();
      const oom = await device.popErrorScope();
      if (oom !== null || validation !== null) {
        game?.destroy();
        const loss = deviceLoss(device);
        if (loss !== undefined) throw new GpuDeviceLostError(loss, `WebGPU device lost (${loss})`);
        if (oom !== null)
          throw new GpuOutOfMemoryError(
            `out of device memory for ${capacity} worlds x ${game?.nP ?? '?'} players (${oom.message}); try a smaller --chunk`,
          );
        throw new GpuValidationError(`creating the buffers of game ${s.gameId[g]!}: ${validation?.message ?? ''}`);
      }
      /* eslint-enable no-unsafe-finally */
    }
    game.prog = await buildPrograms(device, game.buffers, `game ${s.gameId[g]!}`);
    return game;
  }

  /** Returns the buffers to the shared pool, or destroys them when the game has its own. */
  destroy(): void {
    if (this.ownsPool) this.pool.destroy();
    else for (const b of this.buf?.all ?? []) this.pool.release(b);
    if (this.buf !== undefined) this.buf.all.length = 0;
  }

  /** The uniforms of every stage for worlds [world0, world0 + n) with Vegas scales (home, away). */
  private writeParams(world0: number, n: number, anchor: readonly [number, number]): void {
    const { s, prof, g, nP, nHome, rng, device } = this;
    const packed = packParams({ s, prof, g, nP, nHome, key: [rng.k0, rng.k1], world0, worlds: n, anchor });
    for (const [name, bytes] of Object.entries(packed))
      device.queue.writeBuffer(this.buffers.uniforms[name as keyof typeof packed], 0, bytes);
  }

  /**
   * Runs `stages` in order over worlds [world0, world0 + n) (n <= capacity) in one command buffer. With
   * 'reduce', the chunk's sums start from zero. Errors come back typed: device lost, validation, out of memory.
   */
  async run(world0: number, n: number, anchor: readonly [number, number], stages: readonly Stage[]): Promise<void> {
    if (n > this.capacity) throw new RangeError(`chunk of ${n} worlds exceeds the game's capacity ${this.capacity}`);
    const { device } = this;
    const { chunk } = this.buffers;
    checkAlive(device);
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    this.writeParams(world0, n, anchor);
    const enc = device.createCommandEncoder();
    if (stages.includes('reduce')) {
      enc.clearBuffer(chunk.hist);
      enc.clearBuffer(chunk.acc);
    }
    if (stages.includes('allocation')) enc.clearBuffer(chunk.fallbacks);
    const pass = enc.beginComputePass();
    for (const st of stages) dispatchStage(device, pass, this.prog!, st, n, this.nP);
    pass.end();
    device.queue.submit([enc.finish()]);
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    checkAlive(device);
    if (oom !== null) throw new GpuOutOfMemoryError(`out of device memory running ${stages.join(', ')} (${oom.message})`);
    if (validation !== null) throw new GpuValidationError(`${stages.join(', ')}: ${validation.message}`);
  }

  /**
   * Device time of each stage over worlds [world0, world0 + n), from timestamp queries (each stage in its own
   * compute pass); undefined when the device lacks the 'timestamp-query' feature.
   */
  async timeStages(
    world0: number,
    n: number,
    anchor: readonly [number, number],
    stages: readonly Stage[],
  ): Promise<Record<string, number> | undefined> {
    const { device } = this;
    if (!device.features.has('timestamp-query')) return undefined;
    this.writeParams(world0, n, anchor);
    const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * stages.length });
    const resolve = device.createBuffer({ size: 16 * stages.length, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: 16 * stages.length, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = device.createCommandEncoder();
      enc.clearBuffer(this.buffers.chunk.hist);
      enc.clearBuffer(this.buffers.chunk.acc);
      stages.forEach((st, i) => {
        const pass = enc.beginComputePass({
          timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
        });
        dispatchStage(device, pass, this.prog!, st, n, this.nP);
        pass.end();
      });
      enc.resolveQuerySet(querySet, 0, 2 * stages.length, resolve, 0);
      enc.copyBufferToBuffer(resolve, 0, staging, 0, 16 * stages.length);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const ns = new BigUint64Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return Object.fromEntries(stages.map((st, i) => [st, Number(ns[2 * i + 1]! - ns[2 * i]!) / 1e6]));
    } finally {
      querySet.destroy();
      resolve.destroy();
      staging.destroy();
    }
  }

  /** The sums and histograms of the last reduced chunk of n worlds. */
  async readSums(n: number): Promise<ChunkSums> {
    const { chunk, staging } = this.buffers;
    const [hist, acc, fallbacks] = await readBuffers(this.device, [
      [chunk.hist, staging.hist, this.histWords * 4],
      [chunk.acc, staging.acc, this.accWords * 4],
      [chunk.fallbacks, staging.fallbacks, 4],
    ]);
    return {
      worlds: n,
      hist: new Uint32Array(hist!),
      acc: new Uint32Array(acc!),
      fallbacks: new Uint32Array(fallbacks!)[0]!,
    };
  }

  /** Copies the last chunk's DraftKings points of n worlds ([world][j]) to `dst` at byte offset `at`. */
  copyDk(dst: GPUBuffer, at: number, n: number): void {
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.buffers.chunk.dk, 0, dst, at, n * this.nP * 4);
    this.device.queue.submit([enc.finish()]);
  }

  /** The pilot's expected points per team-world of the last pilot chunk: [world][team]. */
  async readPilot(n: number): Promise<Float32Array> {
    const [pts] = await readBuffers(this.device, [[this.buffers.chunk.pilot, this.buffers.staging.pilot, n * 8]]);
    return new Float32Array(pts!);
  }

  /** Every world of the last chunk into a CPU batch (for --save-worlds and the parity tests). */
  async readBatch(bt: GameBatch): Promise<void> {
    await readWorlds(this.device, this.buffers.chunk, bt);
  }

  /** Puts a CPU batch's kernel outputs on the device, so one kernel can be checked alone on the CPU's inputs. */
  uploadBatch(bt: GameBatch): void {
    uploadWorlds(this.device, this.buffers.chunk, bt);
  }
}

/**
 * Runs `stages` for the worlds of a CPU batch on the device and reads every world back into `out`. With
 * `fromBatch`, the batch's own minutes, totals and counts go up first, so a kernel can be checked alone on
 * exactly the CPU's inputs (the parity tests).
 */
export async function runStagesOnBatch(
  device: GPUDevice,
  s: Slate,
  prof: Profile,
  seed: number,
  batch: GameBatch,
  world0: number,
  anchor: readonly [number, number],
  stages: readonly Stage[],
  opts: { fromBatch: boolean; out: GameBatch },
): Promise<void> {
  const game = await GpuGame.create(device, s, prof, seed, batch.g, batch.worlds);
  try {
    if (opts.fromBatch) game.uploadBatch(batch);
    await game.run(world0, batch.worlds, anchor, stages);
    await game.readBatch(opts.out);
  } finally {
    game.destroy();
  }
}

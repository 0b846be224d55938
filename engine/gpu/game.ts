// A range of consecutive games' worlds on a WebGPU device, device-resident: the stages of engine/kernels/stages.ts
// (minutes and totals, shares and allocation, stat line and scoring, reduction) run back to back in one command
// buffer per chunk, each stage one dispatch over every game of the range (the whole slate where the device's
// buffers allow: a GPU is filled by every kernel, not one game's worth), on buffers that live on the device for the
// whole run; only the chunk's histograms and 64-bit sums come back (a few hundred KB a game, whatever the number of
// worlds), unless the caller asks for the worlds themselves. GpuGame is the range of one game. The parts: buffers.ts (what lives on the device), params.ts (the uniform and input bytes, packed
// from the contract), dispatch.ts (pipelines, bind groups, dispatch), readback.ts (device <-> CPU).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd/gameId have entries for every game g of the slate; k < games.length indexes every per-game
   array of the range; buf and prog are set by create() before any method runs, and each readback returns the
   buffers that were asked for. */

import type { GameBatch } from '../kernels/batch.ts';
import type { StageName } from '../kernels/stages.ts';
import type { Profile } from '../profile.ts';
import { CounterRng } from '../rng.ts';
import type { Slate } from '../slate.ts';
import { MAX_TEAM_PLAYERS, accWords, createBuffers, histWords, type GameBuffers, type Room } from './buffers.ts';
import { GpuDeviceLostError, GpuOutOfMemoryError, GpuValidationError } from './device.ts';
import { buildPrograms, checkAlive, deviceLoss, dispatchStage, watchLoss, type StagePrograms } from './dispatch.ts';
import { packGameInputs, packParams } from './params.ts';
import { readBuffers, readWorlds, uploadWorlds, type ChunkSums } from './readback.ts';
import { BufferPool } from './runner.ts';

export { DEFAULT_GPU_CHUNK, MAX_TEAM_PLAYERS, bytesPerWorld, gpuChunkWorlds, type Room } from './buffers.ts';
export { deviceLoss } from './dispatch.ts';
export { addChunkSums, type ChunkSums } from './readback.ts';
export type Stage = StageName;

export class GpuGames {
  /** the range's games (slate indices, consecutive) */
  readonly games: readonly number[];
  /** players of each game, of its home team, and of the range before it */
  readonly nPs: readonly number[];
  readonly nHomes: readonly number[];
  readonly pOffs: readonly number[];
  /** players of the range; its first player in the slate */
  readonly nP: number;
  readonly p0: number;
  /** each game's first histogram word and first sum word in the range's buffers */
  readonly histOffs: readonly number[];
  readonly accOffs: readonly number[];
  private buf: GameBuffers | undefined;
  private prog: StagePrograms | undefined;
  private readonly rng: CounterRng;

  private constructor(
    readonly device: GPUDevice,
    readonly s: Slate,
    readonly prof: Profile,
    seed: number,
    games: readonly number[],
    readonly capacity: number,
    private readonly pool: BufferPool,
    private readonly ownsPool: boolean,
  ) {
    this.games = games;
    this.p0 = s.playerStart[2 * games[0]!]!;
    const nPs: number[] = [];
    const nHomes: number[] = [];
    const pOffs: number[] = [];
    const histOffs: number[] = [];
    const accOffs: number[] = [];
    let players = 0;
    for (const [k, g] of games.entries()) {
      const p0 = s.playerStart[2 * g]!;
      if (p0 !== this.p0 + players) throw new RangeError(`the games of a dispatch must be consecutive (game ${k} is ${g})`);
      const nP = s.playerEnd[2 * g + 1]! - p0;
      const nHome = s.playerEnd[2 * g]! - p0;
      if (nHome > MAX_TEAM_PLAYERS || nP - nHome > MAX_TEAM_PLAYERS) {
        throw new GpuValidationError(
          `game ${s.gameId[g]!}: a team has more than ${MAX_TEAM_PLAYERS} players, the allocation kernel's limit`,
        );
      }
      nPs.push(nP);
      nHomes.push(nHome);
      pOffs.push(players);
      histOffs.push(histWords(players, k));
      accOffs.push(accWords(players, k));
      players += nP;
    }
    this.nPs = nPs;
    this.nHomes = nHomes;
    this.pOffs = pOffs;
    this.histOffs = histOffs;
    this.accOffs = accOffs;
    this.nP = players;
    this.rng = new CounterRng(seed);
    watchLoss(device);
  }

  private get buffers(): GameBuffers {
    return this.buf!;
  }

  private get histWords(): number {
    return histWords(this.nP, this.games.length);
  }

  private get accWords(): number {
    return accWords(this.nP, this.games.length);
  }

  /**
   * Buffers and pipelines for the consecutive games given, with room for `capacity` worlds per chunk; out of memory
   * is typed. With a pool (and `room`, the most players and games of any range it will serve), buffers come from it
   * and go back to it.
   */
  static async create(
    device: GPUDevice,
    s: Slate,
    prof: Profile,
    seed: number,
    games: readonly number[],
    capacity: number,
    shared?: { pool: BufferPool; room: Room },
  ): Promise<GpuGames> {
    const what =
      games.length === 1 ? `game ${s.gameId[games[0]!]!}` : `games ${s.gameId[games[0]!]!}..${s.gameId[games[games.length - 1]!]!}`;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let range: GpuGames | undefined;
    try {
      range = new GpuGames(device, s, prof, seed, games, capacity, shared?.pool ?? new BufferPool(device), shared === undefined);
      // Sized for `room` (at least this range) so one set of buffers serves every range of a run.
      const room = { players: Math.max(shared?.room.players ?? 0, range.nP), games: Math.max(shared?.room.games ?? 0, games.length) };
      range.buf = createBuffers(device, range.pool, capacity, room, packGameInputs(s, games));
    } finally {
      /* eslint-disable no-unsafe-finally -- the error scopes must be popped however the try ends, and an error they
         hold (out of memory, validation, a lost device) is the real cause of a throw above, so it replaces it. */
      const validation = await device.popErrorScope();
      const oom = await device.popErrorScope();
      if (oom !== null || validation !== null) {
        range?.destroy();
        const loss = deviceLoss(device);
        if (loss !== undefined) throw new GpuDeviceLostError(loss, `WebGPU device lost (${loss})`);
        if (oom !== null)
          throw new GpuOutOfMemoryError(
            `out of device memory for ${capacity} worlds x ${range?.nP ?? '?'} players (${oom.message}); try a smaller --chunk`,
          );
        throw new GpuValidationError(`creating the buffers of ${what}: ${validation?.message ?? ''}`);
      }
      /* eslint-enable no-unsafe-finally */
    }
    range.prog = await buildPrograms(device, range.buffers, what, games.length === 1);
    return range;
  }

  /** Returns the buffers to the shared pool, or destroys them when the range has its own. */
  destroy(): void {
    if (this.ownsPool) this.pool.destroy();
    else for (const b of this.buf?.all ?? []) this.pool.release(b);
    if (this.buf !== undefined) this.buf.all.length = 0;
  }

  /** Every stage's per-game records for worlds [world0, world0 + n), each game with its Vegas scales (home, away). */
  private writeParams(world0: number, n: number, anchors: readonly (readonly [number, number])[]): void {
    const { s, prof, rng, device, games } = this;
    const packed = packParams(
      games.map((g, k) => ({
        s,
        prof,
        g,
        nP: this.nPs[k]!,
        nHome: this.nHomes[k]!,
        key: [rng.k0, rng.k1] as const,
        world0,
        worlds: n,
        anchor: anchors[k]!,
        range: { games: games.length, k, pOff: this.pOffs[k]!, histOff: this.histOffs[k]!, accOff: this.accOffs[k]! },
      })),
    );
    for (const [name, bytes] of Object.entries(packed))
      device.queue.writeBuffer(this.buffers.uniforms[name as keyof typeof packed], 0, bytes);
  }

  /**
   * Runs `stages` in order over worlds [world0, world0 + n) (n <= capacity) of every game of the range, each stage
   * one dispatch, in one command buffer. With 'reduce', the chunk's sums start from zero. Errors come back typed:
   * device lost, validation, out of memory.
   */
  async run(world0: number, n: number, anchors: readonly (readonly [number, number])[], stages: readonly Stage[]): Promise<void> {
    if (n > this.capacity) throw new RangeError(`chunk of ${n} worlds exceeds the range's capacity ${this.capacity}`);
    const { device } = this;
    const { chunk } = this.buffers;
    checkAlive(device);
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    this.writeParams(world0, n, anchors);
    const enc = device.createCommandEncoder();
    if (stages.includes('reduce')) {
      enc.clearBuffer(chunk.hist);
      enc.clearBuffer(chunk.acc);
    }
    if (stages.includes('allocation')) enc.clearBuffer(chunk.fallbacks);
    const pass = enc.beginComputePass();
    for (const st of stages) dispatchStage(device, pass, this.prog!, st, n, this.nPs);
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
    anchors: readonly (readonly [number, number])[],
    stages: readonly Stage[],
  ): Promise<Record<string, number> | undefined> {
    const { device } = this;
    if (!device.features.has('timestamp-query')) return undefined;
    this.writeParams(world0, n, anchors);
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
        dispatchStage(device, pass, this.prog!, st, n, this.nPs);
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

  /** The sums and histograms of the last reduced chunk of n worlds, one per game of the range. */
  async readSums(n: number): Promise<ChunkSums[]> {
    const { chunk, staging } = this.buffers;
    const G = this.games.length;
    const [hist, acc, fallbacks] = await readBuffers(
      this.device,
      [
        [chunk.hist, staging.hist, this.histWords * 4],
        [chunk.acc, staging.acc, this.accWords * 4],
        [chunk.fallbacks, staging.fallbacks, 4 * G],
      ],
      { key: 'worlds', work: n * this.nP },
    );
    const h = new Uint32Array(hist!);
    const a = new Uint32Array(acc!);
    const f = new Uint32Array(fallbacks!);
    return this.games.map((_, k) => ({
      worlds: n,
      hist: h.subarray(this.histOffs[k], this.histOffs[k]! + histWords(this.nPs[k]!)),
      acc: a.subarray(this.accOffs[k], this.accOffs[k]! + accWords(this.nPs[k]!)),
      fallbacks: f[k]!,
    }));
  }

  /** Copies the last chunk's DraftKings points of n worlds (each game's [world][j] after the one before) to `dst` at byte `at`. */
  copyDk(dst: GPUBuffer, at: number, n: number): void {
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.buffers.chunk.dk, 0, dst, at, n * this.nP * 4);
    this.device.queue.submit([enc.finish()]);
  }

  /** The pilot's expected points per team-world of the last pilot chunk, one [world][team] array per game. */
  async readPilot(n: number): Promise<Float32Array[]> {
    const G = this.games.length;
    const [pts] = await readBuffers(this.device, [[this.buffers.chunk.pilot, this.buffers.staging.pilot, n * 8 * G]], {
      key: 'pilot',
      work: n * this.nP,
    });
    const all = new Float32Array(pts!);
    return this.games.map((_, k) => all.subarray(k * n * 2, (k + 1) * n * 2));
  }

  /** Every world of the last chunk of game k of the range into a CPU batch (for --save-worlds and the parity tests). */
  async readBatch(k: number, bt: GameBatch): Promise<void> {
    await readWorlds(this.device, this.buffers.chunk, bt, { pw: bt.worlds * this.pOffs[k]!, w: bt.worlds * k });
  }

  /** Puts a CPU batch's kernel outputs on the device (a range of one game), so one kernel can be checked alone on the CPU's inputs. */
  uploadBatch(bt: GameBatch): void {
    if (this.games.length !== 1) throw new RangeError('uploadBatch needs a range of one game');
    uploadWorlds(this.device, this.buffers.chunk, bt);
  }
}

/** One game on the device: the range of that game alone. */
export class GpuGame {
  private constructor(private readonly range: GpuGames) {}

  get g(): number {
    return this.range.games[0]!;
  }
  get nP(): number {
    return this.range.nP;
  }
  get capacity(): number {
    return this.range.capacity;
  }

  static async create(
    device: GPUDevice,
    s: Slate,
    prof: Profile,
    seed: number,
    g: number,
    capacity: number,
    shared?: { pool: BufferPool; room: Room },
  ): Promise<GpuGame> {
    return new GpuGame(await GpuGames.create(device, s, prof, seed, [g], capacity, shared));
  }

  destroy(): void {
    this.range.destroy();
  }
  run(world0: number, n: number, anchor: readonly [number, number], stages: readonly Stage[]): Promise<void> {
    return this.range.run(world0, n, [anchor], stages);
  }
  timeStages(
    world0: number,
    n: number,
    anchor: readonly [number, number],
    stages: readonly Stage[],
  ): Promise<Record<string, number> | undefined> {
    return this.range.timeStages(world0, n, [anchor], stages);
  }
  async readSums(n: number): Promise<ChunkSums> {
    return (await this.range.readSums(n))[0]!;
  }
  async readPilot(n: number): Promise<Float32Array> {
    return (await this.range.readPilot(n))[0]!;
  }
  readBatch(bt: GameBatch): Promise<void> {
    return this.range.readBatch(0, bt);
  }
  uploadBatch(bt: GameBatch): void {
    this.range.uploadBatch(bt);
  }
  copyDk(dst: GPUBuffer, at: number, n: number): void {
    this.range.copyDk(dst, at, n);
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

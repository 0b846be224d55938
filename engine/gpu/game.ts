// One game's worlds on a WebGPU device, device-resident: the kernels (minutes and totals, shares and
// allocation, stat line and scoring, reduction) run back to back in one command buffer per chunk on buffers
// that live on the device for the whole game; only the chunk's histograms and 64-bit sums come back (a few
// hundred KB, whatever the number of worlds), unless the caller asks for the worlds themselves.
//
// Buffers for a chunk of C worlds and P players (layouts in shaders/world.wgsl):
//   minutes f32 [C][P], active u32 [C][P], worldInfo 32 B [C], totals u32 [C][2][3], counts u32 [C][P][3],
//   stats u32 [C][P][13], dk f32 [C][P], pilot f32 [C][2]; hist and acc as in shaders/reduce.wgsl.
import { NSTAT, type GameBatch } from '../kernels/kernels.ts';
import { TARGETS, type Profile } from '../profile.ts';
import { CounterRng } from '../rng.ts';
import type { Slate } from '../slate.ts';
import { DK_BINS, FGA_BINS, MIN_BINS, TEAM_TOTAL_BINS, type GameAccumulator } from '../cpu/simulate.ts';
import { GpuDeviceLostError, GpuOutOfMemoryError, GpuValidationError } from './device.ts';
import { BufferPool, dispatchGrid, pipelineFor, type KernelSpec } from './runner.ts';

const WORKGROUP_SIZE = 64;
/** Worlds per reduction invocation (its local u32 sums must not overflow: see reduce.wgsl). */
const REDUCE_BLOCK = 256;
export const MAX_TEAM_PLAYERS = 32;
const PLAYER_FIELDS = 19;
const TEAM_FIELDS = 4;
const MINUTES_FIXED = 65536;
const WORLD_INFO_BYTES = 32;
/** The most worlds per chunk the GPU path uses by default; fewer when the adapter's buffer limits say so. */
export const DEFAULT_GPU_CHUNK = 65536;

export type Stage = 'minutes' | 'allocation' | 'statline' | 'pilot' | 'reduce';

const KERNELS: Record<Stage, KernelSpec> = {
  minutes: { sources: ['rng', 'world', 'minutes_totals'], constants: { WORKGROUP_SIZE } },
  allocation: { sources: ['rng', 'samplers', 'world', 'allocation'], constants: { WORKGROUP_SIZE } },
  statline: { sources: ['rng', 'samplers', 'world', 'statline'], constants: { WORKGROUP_SIZE } },
  pilot: { sources: ['rng', 'samplers', 'world', 'statline'], entryPoint: 'pilot_points', constants: { WORKGROUP_SIZE } },
  reduce: { sources: ['world', 'reduce'], constants: { WORKGROUP_SIZE, BLOCK: REDUCE_BLOCK } },
};

/** Bytes of device memory per world of a game with nP players (all chunk buffers). */
export function bytesPerWorld(nP: number): number {
  return nP * 4 * (1 + 1 + 3 + NSTAT + 1) + WORLD_INFO_BYTES + 24 + 8;
}

/**
 * Worlds per chunk for a game of nP players on this device: the request (or DEFAULT_GPU_CHUNK), within the
 * device's limits on one binding (the stat lines are the largest buffer) and on one buffer.
 */
export function gpuChunkWorlds(limits: GPUSupportedLimits, nP: number, requested?: number): number {
  const largest = nP * NSTAT * 4;
  const byBinding = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / largest);
  return Math.max(1, Math.min(requested ?? DEFAULT_GPU_CHUNK, byBinding));
}

/** The sums and histograms of one chunk, read back from the device. */
export interface ChunkSums {
  worlds: number;
  hist: Uint32Array;
  acc: Uint32Array; // u64 fields as [lo, hi] word pairs
  fallbacks: number;
}

const lost = new WeakMap<GPUDevice, string>();
function watchLoss(device: GPUDevice): void {
  if (lost.has(device)) return;
  lost.set(device, '');
  void device.lost.then((info) => lost.set(device, `${info.reason}: ${info.message || 'no message'}`));
}
/** Why the device was lost, or undefined while it lives. */
export function deviceLoss(device: GPUDevice): string | undefined {
  const why = lost.get(device);
  return why === undefined || why === '' ? undefined : why;
}

export class GpuGame {
  readonly nP: number;
  readonly nHome: number;
  readonly p0: number;
  private readonly buffers: GPUBuffer[] = [];
  private readonly uniforms: Record<'minutes' | 'allocation' | 'statline' | 'reduce', GPUBuffer>;
  private readonly b: Record<'minutes' | 'active' | 'worldInfo' | 'totals' | 'counts' | 'stats' | 'dk' | 'pilot' | 'hist' | 'acc' | 'fallbacks', GPUBuffer>;
  private readonly staging: Record<'hist' | 'acc' | 'fallbacks' | 'pilot', GPUBuffer>;
  private inputs: Record<'mPlayers' | 'mRates' | 'aPlayers' | 'sPlayers' | 'sRates', GPUBuffer> | undefined;
  private pipelines: Record<Stage, GPUComputePipeline> | undefined;
  private bindGroups: Record<Stage, GPUBindGroup> | undefined;
  private readonly rng: CounterRng;
  readonly histWords: number;
  readonly accWords: number;
  /** players the buffers have room for */
  private readonly room: number;

  private constructor(
    readonly device: GPUDevice,
    readonly s: Slate,
    readonly prof: Profile,
    seed: number,
    readonly g: number,
    readonly capacity: number,
    private readonly pool: BufferPool,
    private readonly ownsPool: boolean,
    roomPlayers: number,
  ) {
    const p0 = s.playerStart[2 * g] as number;
    this.p0 = p0;
    this.nP = (s.playerEnd[2 * g + 1] as number) - p0;
    this.nHome = (s.playerEnd[2 * g] as number) - p0;
    if (this.nHome > MAX_TEAM_PLAYERS || this.nP - this.nHome > MAX_TEAM_PLAYERS) {
      throw new GpuValidationError(`game ${s.gameId[g] as string}: a team has more than ${MAX_TEAM_PLAYERS} players, the allocation kernel's limit`);
    }
    this.rng = new CounterRng(seed);
    watchLoss(device);
    const C = capacity;
    this.histWords = this.nP * (DK_BINS + MIN_BINS + FGA_BINS) + 6 * TEAM_TOTAL_BINS;
    this.accWords = 2 * (this.nP * PLAYER_FIELDS + 2 * TEAM_FIELDS + 1);
    // Sized for `roomPlayers` (at least this game's players) so one set of buffers serves every game of a run.
    const nP = Math.max(roomPlayers, this.nP);
    const histRoom = nP * (DK_BINS + MIN_BINS + FGA_BINS) + 6 * TEAM_TOTAL_BINS;
    const accRoom = 2 * (nP * PLAYER_FIELDS + 2 * TEAM_FIELDS + 1);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const make = (size: number, usage: number): GPUBuffer => {
      const buf = pool.acquire(size, usage);
      this.buffers.push(buf);
      return buf;
    };
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.uniforms = { minutes: make(144, uniform), allocation: make(64, uniform), statline: make(64, uniform), reduce: make(16, uniform) };
    this.b = {
      minutes: make(C * nP * 4, storage),
      active: make(C * nP * 4, storage),
      worldInfo: make(C * WORLD_INFO_BYTES, storage),
      totals: make(C * 24, storage),
      counts: make(C * nP * 12, storage),
      stats: make(C * nP * NSTAT * 4, storage),
      dk: make(C * nP * 4, storage),
      pilot: make(C * 8, storage),
      hist: make(histRoom * 4, storage),
      acc: make(accRoom * 4, storage),
      fallbacks: make(4, storage),
    };
    const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    this.staging = { hist: make(histRoom * 4, read), acc: make(accRoom * 4, read), fallbacks: make(4, read), pilot: make(C * 8, read) };
    this.room = nP;
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
      game = new GpuGame(device, s, prof, seed, g, capacity, shared?.pool ?? new BufferPool(device), shared === undefined, shared?.roomPlayers ?? 0);
      game.writeStatic();
    } finally {
      const validation = await device.popErrorScope();
      const oom = await device.popErrorScope();
      if (oom !== null || validation !== null) {
        game?.destroy();
        const loss = deviceLoss(device);
        if (loss !== undefined) throw new GpuDeviceLostError(loss, `WebGPU device lost (${loss})`);
        if (oom !== null) throw new GpuOutOfMemoryError(`out of device memory for ${capacity} worlds x ${game?.nP ?? '?'} players (${oom.message}); try a smaller --chunk`);
        throw new GpuValidationError(`creating the buffers of game ${s.gameId[g] as string}: ${validation?.message ?? ''}`);
      }
    }
    await game.buildPipelines();
    return game;
  }

  /** Returns the buffers to the shared pool, or destroys them when the game has its own. */
  destroy(): void {
    if (this.ownsPool) this.pool.destroy();
    else for (const buf of this.buffers) this.pool.release(buf);
    this.buffers.length = 0;
  }

  /** The per-player inputs of every kernel (written once per game). */
  private writeStatic(): void {
    const { s, nP, p0, device } = this;
    const mPlayers = new DataView(new ArrayBuffer(32 * nP));
    const mRates = new Float32Array(3 * nP);
    const aPlayers = new DataView(new ArrayBuffer(48 * nP));
    const sPlayers = new DataView(new ArrayBuffer(32 * nP));
    const sRates = new Float32Array(5 * nP);
    for (let j = 0; j < nP; j++) {
      const i = p0 + j;
      const id = s.playerId[i] as number;
      mPlayers.setUint32(32 * j, id, true);
      mPlayers.setUint32(32 * j + 4, s.isStarter[i] as number, true);
      [s.p10[i], s.p50[i], s.p90[i], s.playProb[i]].forEach((v, k) => mPlayers.setFloat32(32 * j + 8 + 4 * k, v as number, true));
      aPlayers.setUint32(48 * j, id, true);
      TARGETS.forEach((t, k) => {
        const rate = t === 'fga' ? s.fgaRate : t === 'fta' ? s.ftaRate : s.tovRate;
        mRates[k * nP + j] = rate[i] as number;
        aPlayers.setFloat32(48 * j + 16 + 4 * k, s.shareBase[t][i] as number, true);
        aPlayers.setFloat32(48 * j + 32 + 4 * k, rate[i] as number, true);
      });
      sPlayers.setUint32(32 * j, id, true);
      [s.fg3Share[i], s.fg2Pct[i], s.fg3Pct[i], s.ftPct[i]].forEach((v, k) => sPlayers.setFloat32(32 * j + 4 + 4 * k, v as number, true));
      (['oreb', 'dreb', 'ast', 'stl', 'blk'] as const).forEach((st, k) => (sRates[k * nP + j] = s.countRate[st][i] as number));
    }
    const upload = (data: ArrayBufferView<ArrayBuffer>, perPlayer: number): GPUBuffer => {
      const buf = this.pool.acquire(perPlayer * this.room, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      this.buffers.push(buf);
      device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
      return buf;
    };
    this.inputs = { mPlayers: upload(mPlayers, 32), mRates: upload(mRates, 12), aPlayers: upload(aPlayers, 48), sPlayers: upload(sPlayers, 32), sRates: upload(sRates, 20) };
  }

  private async buildPipelines(): Promise<void> {
    const { device, b, uniforms } = this;
    const inp = this.inputs as NonNullable<typeof this.inputs>;
    const entries = (pairs: [number, GPUBuffer][]): GPUBindGroupEntry[] => pairs.map(([binding, buffer]) => ({ binding, resource: { buffer } }));
    const stages = Object.keys(KERNELS) as Stage[];
    const pipelines = await Promise.all(stages.map((st) => pipelineFor(device, KERNELS[st])));
    this.pipelines = Object.fromEntries(stages.map((st, k) => [st, pipelines[k]])) as Record<Stage, GPUComputePipeline>;
    const layout: Record<Stage, [number, GPUBuffer][]> = {
      minutes: [[0, uniforms.minutes], [1, inp.mPlayers], [2, inp.mRates], [3, b.minutes], [4, b.active], [5, b.worldInfo], [6, b.totals]],
      allocation: [[0, uniforms.allocation], [1, inp.aPlayers], [2, b.minutes], [3, b.active], [4, b.worldInfo], [5, b.totals], [6, b.counts], [7, b.fallbacks]],
      statline: [[0, uniforms.statline], [1, inp.sPlayers], [2, inp.sRates], [3, b.minutes], [4, b.active], [5, b.counts], [6, b.worldInfo], [7, b.stats], [8, b.dk]],
      pilot: [[0, uniforms.statline], [1, inp.sPlayers], [5, b.counts], [6, b.worldInfo], [9, b.pilot]],
      reduce: [[0, uniforms.reduce], [1, b.minutes], [2, b.active], [3, b.stats], [4, b.dk], [5, b.totals], [6, b.worldInfo], [7, b.hist], [8, b.acc]],
    };
    device.pushErrorScope('validation');
    this.bindGroups = Object.fromEntries(
      stages.map((st) => [st, device.createBindGroup({ layout: this.pipelines![st].getBindGroupLayout(0), entries: entries(layout[st]) })]),
    ) as Record<Stage, GPUBindGroup>;
    const err = await device.popErrorScope();
    if (err !== null) throw new GpuValidationError(`binding the kernels of game ${this.s.gameId[this.g] as string}: ${err.message}`);
  }

  /** The uniforms of every kernel for worlds [world0, world0 + n) with Vegas scales (home, away). */
  private writeParams(world0: number, n: number, anchor: readonly [number, number]): void {
    const { s, prof, g, nP, nHome, rng, device } = this;
    const m = new DataView(new ArrayBuffer(144)); // minutes_totals.wgsl Params
    const flags = (prof.minutes.use_play_prob_masking ? 1 : 0) | (prof.overtime.enabled ? 2 : 0) | (prof.game_script.enabled ? 4 : 0) | (prof.team_context.enabled ? 8 : 0);
    [rng.k0, rng.k1, world0, n, nP, nHome, s.gameKey[g] as number, flags, s.teamId[2 * g] as number, s.teamId[2 * g + 1] as number, prof.rotation.max_size, prof.rotation.protected_size].forEach((v, k) =>
      m.setUint32(4 * k, v, true),
    );
    const gs = prof.game_script;
    const tc = prof.team_context;
    [s.spreadHome[g] as number, prof.overtime.probability, prof.overtime.extra_probability, prof.minutes.spread_scale, gs.margin_sd, gs.blowout_threshold, gs.starter_drop_per_point, gs.max_starter_drop, tc.pace_sd, tc.offense_sd, tc.efficiency_sd, 0].forEach((v, k) =>
      m.setFloat32(48 + 4 * k, v, true),
    );
    const to = prof.team_opportunities;
    [to.fga_dispersion, to.fta_dispersion, to.tov_dispersion, 0, anchor[0], anchor[1], 0, 0, to.fga_efficiency_elasticity].forEach((v, k) =>
      m.setFloat32(96 + 4 * k, v, true),
    );
    device.queue.writeBuffer(this.uniforms.minutes, 0, m.buffer);

    const us = prof.usage_shares;
    const a = new DataView(new ArrayBuffer(64)); // allocation.wgsl Params
    [rng.k0, rng.k1, world0, n, nP, nHome, s.teamId[2 * g] as number, s.teamId[2 * g + 1] as number].forEach((v, k) => a.setUint32(4 * k, v, true));
    a.setFloat32(32, us.share_noise_std, true);
    a.setFloat32(36, us.share_temperature, true);
    a.setFloat32(40, us.min_minutes_active_cutoff, true);
    a.setUint32(44, us.fallback === 'even' ? 1 : 0, true);
    const mask = TARGETS.reduce((bits, t, k) => bits | (us.enabled && us.targets.includes(t) ? 1 << k : 0), 0);
    a.setUint32(48, mask, true);
    a.setFloat32(52, prof.counts.independent_dispersion, true);
    a.setFloat32(56, anchor[0], true);
    a.setFloat32(60, anchor[1], true);
    device.queue.writeBuffer(this.uniforms.allocation, 0, a.buffer);

    const st = new DataView(new ArrayBuffer(64)); // statline.wgsl Params
    [rng.k0, rng.k1, world0, n, nP, nHome, prof.scoring.triple_also_earns_double ? 1 : 0, 0].forEach((v, k) => st.setUint32(4 * k, v, true));
    const c = prof.counts;
    [c.oreb_dispersion, c.dreb_dispersion, c.ast_dispersion, c.stl_dispersion, c.blk_dispersion].forEach((v, k) => st.setFloat32(32 + 4 * k, v, true));
    device.queue.writeBuffer(this.uniforms.statline, 0, st.buffer);

    device.queue.writeBuffer(this.uniforms.reduce, 0, new Uint32Array([n, nP, nHome, Math.ceil(n / REDUCE_BLOCK)]));
  }

  private invocations(stage: Stage, n: number): number {
    switch (stage) {
      case 'minutes':
        return n;
      case 'allocation':
        return n * 6;
      case 'statline':
        return n * this.nP;
      case 'pilot':
        return n * 2;
      case 'reduce':
        return Math.ceil(n / REDUCE_BLOCK) * (this.nP + 2);
    }
  }

  /**
   * Runs `stages` in order over worlds [world0, world0 + n) (n <= capacity) in one command buffer. With
   * 'reduce', the chunk's sums start from zero. Errors come back typed: device lost, validation, out of memory.
   */
  async run(world0: number, n: number, anchor: readonly [number, number], stages: readonly Stage[]): Promise<void> {
    if (n > this.capacity) throw new RangeError(`chunk of ${n} worlds exceeds the game's capacity ${this.capacity}`);
    const { device } = this;
    this.checkAlive();
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    this.writeParams(world0, n, anchor);
    const enc = device.createCommandEncoder();
    if (stages.includes('reduce')) {
      enc.clearBuffer(this.b.hist);
      enc.clearBuffer(this.b.acc);
    }
    if (stages.includes('allocation')) enc.clearBuffer(this.b.fallbacks);
    const pass = enc.beginComputePass();
    for (const st of stages) {
      pass.setPipeline((this.pipelines as Record<Stage, GPUComputePipeline>)[st]);
      pass.setBindGroup(0, (this.bindGroups as Record<Stage, GPUBindGroup>)[st]);
      const [gx, gy] = dispatchGrid(Math.ceil(this.invocations(st, n) / WORKGROUP_SIZE), device.limits.maxComputeWorkgroupsPerDimension);
      pass.dispatchWorkgroups(gx, gy);
    }
    pass.end();
    device.queue.submit([enc.finish()]);
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    this.checkAlive();
    if (oom !== null) throw new GpuOutOfMemoryError(`out of device memory running ${stages.join(', ')} (${oom.message})`);
    if (validation !== null) throw new GpuValidationError(`${stages.join(', ')}: ${validation.message}`);
  }

  /**
   * Device time of each stage over worlds [world0, world0 + n), from timestamp queries (each stage in its own
   * compute pass); undefined when the device lacks the 'timestamp-query' feature.
   */
  async timeStages(world0: number, n: number, anchor: readonly [number, number], stages: readonly Stage[]): Promise<Record<string, number> | undefined> {
    const { device } = this;
    if (!device.features.has('timestamp-query')) return undefined;
    this.writeParams(world0, n, anchor);
    const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * stages.length });
    const resolve = device.createBuffer({ size: 16 * stages.length, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: 16 * stages.length, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = device.createCommandEncoder();
      enc.clearBuffer(this.b.hist);
      enc.clearBuffer(this.b.acc);
      stages.forEach((st, i) => {
        const pass = enc.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
        pass.setPipeline((this.pipelines as Record<Stage, GPUComputePipeline>)[st]);
        pass.setBindGroup(0, (this.bindGroups as Record<Stage, GPUBindGroup>)[st]);
        const [gx, gy] = dispatchGrid(Math.ceil(this.invocations(st, n) / WORKGROUP_SIZE), device.limits.maxComputeWorkgroupsPerDimension);
        pass.dispatchWorkgroups(gx, gy);
        pass.end();
      });
      enc.resolveQuerySet(querySet, 0, 2 * stages.length, resolve, 0);
      enc.copyBufferToBuffer(resolve, 0, staging, 0, 16 * stages.length);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const ns = new BigUint64Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return Object.fromEntries(stages.map((st, i) => [st, Number((ns[2 * i + 1] as bigint) - (ns[2 * i] as bigint)) / 1e6]));
    } finally {
      querySet.destroy();
      resolve.destroy();
      staging.destroy();
    }
  }

  private checkAlive(): void {
    const why = deviceLoss(this.device);
    if (why !== undefined) throw new GpuDeviceLostError(why, `WebGPU device lost (${why})`);
  }

  /** Copies device buffers to mappable ones and reads them (throws a typed error if the device is lost). */
  private async read(pairs: [GPUBuffer, GPUBuffer, number][]): Promise<ArrayBuffer[]> {
    const enc = this.device.createCommandEncoder();
    for (const [src, dst, bytes] of pairs) enc.copyBufferToBuffer(src, 0, dst, 0, Math.ceil(bytes / 4) * 4);
    this.device.queue.submit([enc.finish()]);
    const out: ArrayBuffer[] = [];
    for (const [, dst, bytes] of pairs) {
      try {
        await dst.mapAsync(GPUMapMode.READ, 0, Math.max(16, Math.ceil(bytes / 16) * 16));
      } catch (e) {
        this.checkAlive();
        throw e;
      }
      try {
        out.push(dst.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0, bytes));
      } finally {
        dst.unmap();
      }
    }
    this.checkAlive();
    return out;
  }

  /** The sums and histograms of the last reduced chunk of n worlds. */
  async readSums(n: number): Promise<ChunkSums> {
    const { b, staging } = this;
    const [hist, acc, fallbacks] = await this.read([
      [b.hist, staging.hist, this.histWords * 4],
      [b.acc, staging.acc, this.accWords * 4],
      [b.fallbacks, staging.fallbacks, 4],
    ]);
    return { worlds: n, hist: new Uint32Array(hist as ArrayBuffer), acc: new Uint32Array(acc as ArrayBuffer), fallbacks: new Uint32Array(fallbacks as ArrayBuffer)[0] as number };
  }

  /** The pilot's expected points per team-world of the last pilot chunk: [world][team]. */
  async readPilot(n: number): Promise<Float32Array> {
    const [pts] = await this.read([[this.b.pilot, this.staging.pilot, n * 8]]);
    return new Float32Array(pts as ArrayBuffer);
  }

  /** Every world of the last chunk into a CPU batch (for --save-worlds and the parity tests). */
  async readBatch(bt: GameBatch): Promise<void> {
    const n = bt.worlds;
    const nP = this.nP;
    const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const sizes: [GPUBuffer, number][] = [
      [this.b.minutes, n * nP * 4],
      [this.b.active, n * nP * 4],
      [this.b.worldInfo, n * WORLD_INFO_BYTES],
      [this.b.totals, n * 24],
      [this.b.counts, n * nP * 12],
      [this.b.stats, n * nP * NSTAT * 4],
      [this.b.dk, n * nP * 4],
    ];
    const tmp = sizes.map(([, bytes]) => this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: read }));
    try {
      const [minutes, active, info, totals, counts, stats, dk] = await this.read(sizes.map(([src, bytes], k) => [src, tmp[k] as GPUBuffer, bytes]));
      bt.minutes.set(new Float32Array(minutes as ArrayBuffer));
      bt.active.set(new Uint32Array(active as ArrayBuffer));
      const dv = new DataView(info as ArrayBuffer);
      for (let w = 0; w < n; w++) {
        const at = w * WORLD_INFO_BYTES;
        bt.ot[w] = dv.getUint32(at, true);
        bt.pace[w] = dv.getFloat32(at + 4, true);
        bt.margin[w] = dv.getFloat32(at + 8, true);
        for (let team = 0; team < 2; team++) {
          bt.offense[w * 2 + team] = dv.getFloat32(at + 16 + 4 * team, true);
          bt.efficiency[w * 2 + team] = dv.getFloat32(at + 24 + 4 * team, true);
        }
      }
      bt.totals.set(new Uint32Array(totals as ArrayBuffer));
      bt.counts.set(new Uint32Array(counts as ArrayBuffer));
      bt.stats.set(new Uint32Array(stats as ArrayBuffer));
      bt.dk.set(new Float32Array(dk as ArrayBuffer));
    } finally {
      for (const t of tmp) t.destroy();
    }
  }

  /** Puts a CPU batch's kernel outputs on the device, so one kernel can be checked alone on the CPU's inputs. */
  uploadBatch(bt: GameBatch): void {
    const n = bt.worlds;
    const q = this.device.queue;
    q.writeBuffer(this.b.minutes, 0, Float32Array.from(bt.minutes));
    q.writeBuffer(this.b.active, 0, Uint32Array.from(bt.active));
    const dv = new DataView(new ArrayBuffer(n * WORLD_INFO_BYTES));
    for (let w = 0; w < n; w++) {
      const at = w * WORLD_INFO_BYTES;
      dv.setUint32(at, bt.ot[w] as number, true);
      dv.setFloat32(at + 4, bt.pace[w] as number, true);
      dv.setFloat32(at + 8, bt.margin[w] as number, true);
      for (let team = 0; team < 2; team++) {
        dv.setFloat32(at + 16 + 4 * team, bt.offense[w * 2 + team] as number, true);
        dv.setFloat32(at + 24 + 4 * team, bt.efficiency[w * 2 + team] as number, true);
      }
    }
    q.writeBuffer(this.b.worldInfo, 0, dv.buffer);
    q.writeBuffer(this.b.totals, 0, Uint32Array.from(bt.totals));
    q.writeBuffer(this.b.counts, 0, Uint32Array.from(bt.counts));
    q.writeBuffer(this.b.stats, 0, Uint32Array.from(bt.stats));
    q.writeBuffer(this.b.dk, 0, Float32Array.from(bt.dk));
  }
}

const u64 = (acc: Uint32Array, field: number): number => (acc[2 * field] as number) + (acc[2 * field + 1] as number) * 4294967296;

/** Adds one chunk's device sums into a game accumulator (the same quantities reduceBatch adds on the CPU). */
export function addChunkSums(acc: GameAccumulator, sums: ChunkSums): void {
  const { nP } = acc;
  const n = sums.worlds;
  const h = sums.hist;
  for (let k = 0; k < nP * DK_BINS; k++) acc.dkHist[k] = (acc.dkHist[k] as number) + (h[k] as number);
  let off = nP * DK_BINS;
  for (let k = 0; k < nP * MIN_BINS; k++) acc.minHist[k] = (acc.minHist[k] as number) + (h[off + k] as number);
  off += nP * MIN_BINS;
  for (let k = 0; k < nP * FGA_BINS; k++) acc.fgaHist[k] = (acc.fgaHist[k] as number) + (h[off + k] as number);
  off += nP * FGA_BINS;
  for (let k = 0; k < 6 * TEAM_TOTAL_BINS; k++) acc.teamTotalHist[k] = (acc.teamTotalHist[k] as number) + (h[off + k] as number);
  const a = sums.acc;
  for (let j = 0; j < nP; j++) {
    const f = j * PLAYER_FIELDS;
    for (let k = 0; k < NSTAT; k++) acc.statSum[j * NSTAT + k] = (acc.statSum[j * NSTAT + k] as number) + u64(a, f + k);
    // The device sums v = 4 dk + 40 (non-negative); 4 dk = v - 40 and (4 dk)^2 = v^2 - 80 v + 1600.
    const v = u64(a, f + 13);
    const v2 = u64(a, f + 14);
    acc.dkSum[j] = (acc.dkSum[j] as number) + v - 40 * n;
    acc.dkSumSq[j] = (acc.dkSumSq[j] as number) + v2 - 80 * v + 1600 * n;
    acc.minSum[j] = (acc.minSum[j] as number) + u64(a, f + 15) / MINUTES_FIXED;
    acc.activeCount[j] = (acc.activeCount[j] as number) + u64(a, f + 16);
    acc.doubleDouble[j] = (acc.doubleDouble[j] as number) + u64(a, f + 17);
    acc.tripleDouble[j] = (acc.tripleDouble[j] as number) + u64(a, f + 18);
  }
  for (let team = 0; team < 2; team++) {
    const f = nP * PLAYER_FIELDS + team * TEAM_FIELDS;
    acc.teamPtsSum[team] = (acc.teamPtsSum[team] as number) + u64(a, f);
    acc.teamPtsSumSq[team] = (acc.teamPtsSumSq[team] as number) + u64(a, f + 1);
    acc.conservationViolations += u64(a, f + 2);
    acc.minutesViolations += u64(a, f + 3);
  }
  acc.overtimeWorlds += u64(a, nP * PLAYER_FIELDS + 2 * TEAM_FIELDS);
  acc.worlds += n;
  acc.fallbacks += sums.fallbacks;
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

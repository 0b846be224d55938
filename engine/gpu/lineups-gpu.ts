// Lineups on the device: the slate's block of worlds (every game's DraftKings points, copied in by each game
// after its chunk ran) scored by lineups.wgsl, histograms and best-of-set counts kept on the device for the whole
// run and read back once. Lineups go in groups whose histograms fit one storage binding.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: groups
   are made for every lineup, and readBuffers returns one buffer per buffer asked for. */

import { WORKGROUP_SIZE } from '../kernels/contract.ts';
import { LINEUP_BINS, lineupLo, newLineupAccumulator, type LineupAccumulator, type LineupTable } from '../kernels/lineups/lineups.ts';
import { GpuValidationError } from './device.ts';
import { checkAlive } from './dispatch.ts';
import { readBuffers } from './readback.ts';
import { dispatchGrid, pipelineFor } from './runner.ts';

const PARAMS_BYTES = 32;

interface LineupGroup {
  lineup0: number;
  n: number;
  params: GPUBuffer;
  hist: GPUBuffer;
  bind: GPUBindGroup;
}

export class GpuLineups {
  private constructor(
    readonly device: GPUDevice,
    readonly table: LineupTable,
    /** the slate block: every game's dk of the block's worlds (layout in lineups.ts) */
    readonly slateDk: GPUBuffer,
    private readonly groups: LineupGroup[],
    private readonly fold: { pipeline: GPUComputePipeline; bind: GPUBindGroup; params: GPUBuffer },
    private readonly score: GPUComputePipeline,
    private readonly bufs: {
      best: GPUBuffer;
      clamped: GPUBuffer;
      bestHist: GPUBuffer;
      bestCount: GPUBuffer;
      scores: GPUBuffer;
      slots: GPUBuffer;
    },
    readonly maxWorlds: number,
    private readonly wantScores: boolean,
  ) {}

  /** Worlds per block the device can hold for a slate of nPlayers (and the score matrix when it is wanted). */
  static blockWorlds(limits: GPUSupportedLimits, nPlayers: number, nLineups: number, wantScores: boolean, requested: number): number {
    const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    let n = Math.min(requested, Math.floor(binding / (nPlayers * 4)));
    if (wantScores) n = Math.min(n, Math.floor(binding / (Math.max(1, nLineups) * 4)));
    return Math.max(1, n);
  }

  static async create(
    device: GPUDevice,
    table: LineupTable,
    nPlayers: number,
    maxWorlds: number,
    wantScores: boolean,
  ): Promise<GpuLineups> {
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const size = (bytes: number): number => Math.max(16, Math.ceil(bytes / 16) * 16);
    const made: GPUBuffer[] = [];
    const make = (bytes: number, usage = storage): GPUBuffer => {
      const b = device.createBuffer({ size: size(bytes), usage });
      made.push(b);
      return b;
    };
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const slateDk = make(maxWorlds * nPlayers * 4);
    const slots = make(table.slots.byteLength);
    device.queue.writeBuffer(slots, 0, table.slots.buffer, table.slots.byteOffset, table.slots.byteLength);
    const bufs = {
      slots,
      best: make(maxWorlds * 4),
      clamped: make(4),
      bestHist: make(LINEUP_BINS * 4),
      bestCount: make(table.nLineups * 4),
      scores: make(wantScores ? table.nLineups * maxWorlds * 4 : 4),
    };
    const [score, foldPipeline] = await Promise.all([
      pipelineFor(device, { sources: ['lineups'], entryPoint: 'score', constants: { WORKGROUP_SIZE } }),
      pipelineFor(device, { sources: ['lineups'], entryPoint: 'fold_best', constants: { WORKGROUP_SIZE } }),
    ]);
    const binding = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    // a multiple of 256 lineups keeps each group's offset into the slot table aligned for any adapter
    const perGroup = Math.max(256, Math.floor(binding / (LINEUP_BINS * 4 * 256)) * 256);
    const groups: LineupGroup[] = [];
    const uniform = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const slotBytes = table.nSlots * 16;
    for (let l0 = 0; l0 < table.nLineups; l0 += perGroup) {
      const n = Math.min(perGroup, table.nLineups - l0);
      const params = make(PARAMS_BYTES, uniform);
      const hist = make(n * LINEUP_BINS * 4);
      const bind = device.createBindGroup({
        layout: score.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: params } },
          { binding: 1, resource: { buffer: slateDk } },
          { binding: 2, resource: { buffer: slots, offset: l0 * slotBytes, size: size(n * slotBytes) } },
          { binding: 3, resource: { buffer: hist } },
          { binding: 4, resource: { buffer: bufs.best } },
          { binding: 5, resource: { buffer: bufs.clamped } },
          { binding: 6, resource: { buffer: bufs.scores } },
        ],
      });
      groups.push({ lineup0: l0, n, params, hist, bind });
    }
    const foldParams = make(PARAMS_BYTES, uniform);
    const foldBind = device.createBindGroup({
      layout: foldPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: foldParams } },
        { binding: 4, resource: { buffer: bufs.best } },
        { binding: 7, resource: { buffer: bufs.bestHist } },
        { binding: 8, resource: { buffer: bufs.bestCount } },
      ],
    });
    const enc = device.createCommandEncoder();
    for (const b of [bufs.best, bufs.clamped, bufs.bestHist, bufs.bestCount, ...groups.map((g) => g.hist)]) enc.clearBuffer(b);
    device.queue.submit([enc.finish()]);
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom !== null || validation !== null) {
      for (const b of made) b.destroy();
      throw new GpuValidationError(`lineup buffers for ${table.nLineups} lineups x ${maxWorlds} worlds: ${(oom ?? validation)!.message}`);
    }
    const lineups = new GpuLineups(
      device,
      table,
      slateDk,
      groups,
      { pipeline: foldPipeline, bind: foldBind, params: foldParams },
      score,
      bufs,
      maxWorlds,
      wantScores,
    );
    lineups.made = made;
    return lineups;
  }

  private made: GPUBuffer[] = [];

  private writeParams(buf: GPUBuffer, n: number, nLineups: number, lineup0: number): void {
    const dv = new DataView(new ArrayBuffer(PARAMS_BYTES));
    dv.setUint32(0, n, true);
    dv.setUint32(4, nLineups, true);
    dv.setUint32(8, lineup0, true);
    dv.setUint32(12, this.table.nSlots, true);
    dv.setInt32(16, lineupLo(this.table), true);
    dv.setUint32(20, this.wantScores ? 1 : 0, true);
    this.device.queue.writeBuffer(buf, 0, dv.buffer);
  }

  /**
   * Scores the n worlds now in slateDk (every game copied in) and folds the best-of-set; returns the score
   * matrix [lineup][world] when it is wanted.
   */
  async scoreBlock(n: number): Promise<Int32Array | undefined> {
    const { device } = this;
    checkAlive(device);
    for (const g of this.groups) this.writeParams(g.params, n, g.n, g.lineup0);
    this.writeParams(this.fold.params, n, this.table.nLineups, 0);
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    const max = device.limits.maxComputeWorkgroupsPerDimension;
    pass.setPipeline(this.score);
    for (const g of this.groups) {
      pass.setBindGroup(0, g.bind);
      const [gx, gy] = dispatchGrid(Math.ceil(n / WORKGROUP_SIZE), max);
      pass.dispatchWorkgroups(gx, gy);
    }
    if (this.table.nLineups > 0) {
      pass.setPipeline(this.fold.pipeline);
      pass.setBindGroup(0, this.fold.bind);
      const [gx, gy] = dispatchGrid(Math.ceil(n / WORKGROUP_SIZE), max);
      pass.dispatchWorkgroups(gx, gy);
    }
    pass.end();
    device.queue.submit([enc.finish()]);
    if (!this.wantScores) return undefined;
    const staging = device.createBuffer({
      size: Math.max(16, Math.ceil((this.table.nLineups * n * 4) / 16) * 16),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const [scores] = await readBuffers(device, [[this.bufs.scores, staging, this.table.nLineups * n * 4]], {
        key: 'lineup-scores',
        work: this.table.nLineups * n,
      });
      return new Int32Array(scores!);
    } finally {
      staging.destroy();
    }
  }

  /** The run's histograms and best-of-set counts, read back once at the end. */
  async read(worlds: number): Promise<LineupAccumulator> {
    const acc = newLineupAccumulator(this.table);
    const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const pairs: [GPUBuffer, number][] = [
      [this.bufs.bestHist, LINEUP_BINS * 4],
      [this.bufs.bestCount, this.table.nLineups * 4],
      [this.bufs.clamped, 4],
      ...this.groups.map((g): [GPUBuffer, number] => [g.hist, g.n * LINEUP_BINS * 4]),
    ];
    const tmp = pairs.map(([, bytes]) => this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: read }));
    try {
      const out = await readBuffers(
        this.device,
        pairs.map(([src, bytes], k) => [src, tmp[k]!, bytes]),
      );
      acc.bestHist.set(new Uint32Array(out[0]!));
      acc.bestCount.set(new Uint32Array(out[1]!));
      acc.clamped = new Uint32Array(out[2]!)[0]!;
      this.groups.forEach((g, k) => acc.hist.set(new Uint32Array(out[3 + k]!), g.lineup0 * LINEUP_BINS));
      acc.worlds = worlds;
      return acc;
    } finally {
      for (const t of tmp) t.destroy();
    }
  }

  destroy(): void {
    for (const b of this.made) b.destroy();
    this.made = [];
  }
}

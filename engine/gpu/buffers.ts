// The device buffers of one dispatch's games (a range of consecutive games, each game's part after the one
// before): the chunk's world arrays (sized for the most players and games any dispatch of the run has, so one set
// serves a whole run through the BufferPool), the reduction's histograms and 64-bit sums, the staging buffers they
// are read back through, each stage's per-game records and the per-player inputs.
import {
  DK_BINS,
  FGA_BINS,
  MIN_BINS,
  NSTAT,
  NTARGET,
  PLAYER_FIELDS,
  TEAM_FIELDS,
  TEAM_TOTAL_BINS,
  WORLD_INFO,
} from '../kernels/contract.ts';
import { layoutOf } from '../kernels/layout.ts';
import type { GpuBufferName, UniformName } from '../kernels/stages.ts';
import type { BufferPool } from './runner.ts';
import { INPUT_BYTES, uniformBytes, type InputName } from './params.ts';

export { MAX_TEAM_PLAYERS } from '../kernels/contract.ts';
export const WORLD_INFO_BYTES = layoutOf(WORLD_INFO).size;
/** The most worlds per chunk the GPU path uses by default; fewer when the adapter's buffer limits say so. */
export const DEFAULT_GPU_CHUNK = 65536;

/** Bytes of device memory per world of a game with nP players (all chunk buffers). */
export function bytesPerWorld(nP: number): number {
  return nP * 4 * (1 + 1 + NTARGET + NSTAT + 1) + WORLD_INFO_BYTES + 4 * 2 * NTARGET + 8;
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

/** u32 words of the reduction's histograms and of its u64 sums for nP players in `games` games (one after another). */
export const histWords = (nP: number, games = 1): number => nP * (DK_BINS + MIN_BINS + FGA_BINS) + games * 2 * NTARGET * TEAM_TOTAL_BINS;
export const accWords = (nP: number, games = 1): number => 2 * (nP * PLAYER_FIELDS + games * (2 * TEAM_FIELDS + 1));

/** What one set of buffers has room for: players and games (of one dispatch). */
export interface Room {
  players: number;
  games: number;
}

export type ChunkBufferName = Exclude<GpuBufferName, InputName>;

export interface GameBuffers {
  uniforms: Record<UniformName, GPUBuffer>;
  chunk: Record<ChunkBufferName, GPUBuffer>;
  staging: Record<'hist' | 'acc' | 'fallbacks' | 'pilot', GPUBuffer>;
  inputs: Record<InputName, GPUBuffer>;
  /** every buffer taken from the pool (given back on destroy) */
  all: GPUBuffer[];
}

/**
 * The buffers of a dispatch's games for `capacity` worlds with room for `room` (players and games, each game's part
 * after the one before); inputs uploaded from `inputs`.
 */
export function createBuffers(
  device: GPUDevice,
  pool: BufferPool,
  capacity: number,
  room: Room,
  inputs: Record<InputName, ArrayBuffer>,
): GameBuffers {
  const all: GPUBuffer[] = [];
  const make = (size: number, usage: number): GPUBuffer => {
    const buf = pool.acquire(size, usage);
    all.push(buf);
    return buf;
  };
  const C = capacity;
  const P = room.players;
  const G = room.games;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const records = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
  const uniforms = {
    minutes: make(G * uniformBytes('minutes'), records),
    allocation: make(G * uniformBytes('allocation'), records),
    statline: make(G * uniformBytes('statline'), records),
    reduce: make(G * uniformBytes('reduce'), records),
  };
  const chunk: Record<ChunkBufferName, GPUBuffer> = {
    minutes: make(C * P * 4, storage),
    active: make(C * P * 4, storage),
    worldInfo: make(C * G * WORLD_INFO_BYTES, storage),
    totals: make(C * G * 2 * NTARGET * 4, storage),
    counts: make(C * P * NTARGET * 4, storage),
    stats: make(C * P * NSTAT * 4, storage),
    dk: make(C * P * 4, storage),
    pilot: make(C * G * 8, storage),
    hist: make(histWords(P, G) * 4, storage),
    acc: make(accWords(P, G) * 4, storage),
    fallbacks: make(4 * G, storage),
  };
  const staging = {
    hist: make(histWords(P, G) * 4, read),
    acc: make(accWords(P, G) * 4, read),
    fallbacks: make(4 * G, read),
    pilot: make(C * G * 8, read),
  };
  const up = (name: InputName): GPUBuffer => {
    const buf = make(INPUT_BYTES[name] * P, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(buf, 0, inputs[name]);
    return buf;
  };
  return {
    uniforms,
    chunk,
    staging,
    inputs: { mPlayers: up('mPlayers'), mRates: up('mRates'), aPlayers: up('aPlayers'), sPlayers: up('sPlayers'), sRates: up('sRates') },
    all,
  };
}

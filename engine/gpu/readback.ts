// Moving a game's worlds and sums between the device and the CPU: the chunk's histograms and 64-bit sums
// (decoded into a GameAccumulator by the contract's field indices), the pilot's points, and, for
// --save-worlds and the parity tests, every world of a chunk both ways.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: each
   readback returns one ArrayBuffer per buffer asked for (tmp[k] for sizes[k]); the accumulators are nP (or nP * bins)
   long for the game's nP players, the chunk's buffers worlds * nP (or worlds * 2 per team), and every loop is bounded
   by those sizes. */

import {
  ACC,
  DK_BINS,
  DK_MIN,
  FGA_BINS,
  MIN_BINS,
  MINUTES_FIXED,
  NSTAT,
  NTARGET,
  PLAYER_FIELDS,
  TEAM_ACC_INDEX,
  TEAM_FIELDS,
  TEAM_TOTAL_BINS,
  WORLD_INFO,
} from '../kernels/contract.ts';
import { layoutOf, packRows } from '../kernels/layout.ts';
import type { GameBatch } from '../kernels/batch.ts';
import type { GameAccumulator } from '../kernels/reduce/reduce.ts';
import { WORLD_INFO_BYTES } from './buffers.ts';
import { checkAlive } from './dispatch.ts';

/** The sums and histograms of one chunk, read back from the device. */
export interface ChunkSums {
  worlds: number;
  hist: Uint32Array;
  acc: Uint32Array; // u64 fields as [lo, hi] word pairs
  fallbacks: number;
}

/**
 * What a readback waits for, so that it can sleep through most of it: `key` names the kind of work queued before it
 * (a chunk of the world kernels, the pilot), `work` its size in any unit proportional to its device time (player-worlds).
 */
export interface ReadPace {
  key: string;
  work: number;
}

/** The fraction of a readback's expected wait slept before polling starts. */
export const PACE_FRACTION = 0.75;
/** Expected waits shorter than this (ms) are polled from the start: a real GPU's chunks, a timer's granularity. */
const PACE_MIN_MS = 2;
/** A readback's wait (ms, measured from the submit) and its work. */
export interface PaceSample {
  waitedMs: number;
  work: number;
}
/** Per device, per kind of work: the last readback's sample. */
const PACE = new WeakMap<GPUDevice, Map<string, PaceSample>>();

/**
 * How long a readback of `work` sleeps before it polls, given the last readback of its kind: PACE_FRACTION of that
 * one's wait, scaled down when this one has less work but never up, so a small readback's fixed latency (a warm-up
 * run, a short last chunk) cannot make a large one oversleep; a larger one sleeps the smaller's wait and polls the
 * rest, and the next learns its full wait. Under PACE_MIN_MS it polls from the start (0).
 */
export function paceSleepMs(last: PaceSample | undefined, work: number): number {
  if (last === undefined || !(last.work > 0) || !(work > 0)) return 0;
  const ms = PACE_FRACTION * last.waitedMs * Math.min(1, work / last.work);
  return ms >= PACE_MIN_MS ? ms : 0;
}

/**
 * Sleeps before a readback polls (paceSleepMs). Dawn's Node binding waits for a mapping by polling its instance
 * on every turn of the event loop (setImmediate), which on a software adapter takes a core from the driver's
 * threads for the whole of the device work, and makes garbage the collector then sweeps: on this 2-core machine
 * the slate at 10k worlds runs 1.4-1.7x faster when most of the wait is slept. The estimate corrects itself: when
 * the work was done before the sleep ended, the wait measured is the sleep, and the next sleep is PACE_FRACTION of
 * it, so the sleep shrinks until polling has something to wait for again.
 */
async function paceBefore(device: GPUDevice, pace: ReadPace): Promise<void> {
  const ms = paceSleepMs(PACE.get(device)?.get(pace.key), pace.work);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

function paceAfter(device: GPUDevice, pace: ReadPace, waitedMs: number): void {
  let m = PACE.get(device);
  if (m === undefined) PACE.set(device, (m = new Map<string, PaceSample>()));
  m.set(pace.key, { waitedMs, work: pace.work });
}

/**
 * Copies device buffers (from byte `from`, a multiple of 4; 0 if not given) to mappable ones and reads them (throws
 * a typed error if the device is lost).
 */
export async function readBuffers(
  device: GPUDevice,
  pairs: [GPUBuffer, GPUBuffer, number, number?][],
  pace?: ReadPace,
): Promise<ArrayBuffer[]> {
  const enc = device.createCommandEncoder();
  for (const [src, dst, bytes, from] of pairs) enc.copyBufferToBuffer(src, from ?? 0, dst, 0, Math.ceil(bytes / 4) * 4);
  device.queue.submit([enc.finish()]);
  const t0 = performance.now();
  if (pace !== undefined) await paceBefore(device, pace);
  const out: ArrayBuffer[] = [];
  for (const [, dst, bytes] of pairs) {
    try {
      await dst.mapAsync(GPUMapMode.READ, 0, Math.max(16, Math.ceil(bytes / 16) * 16));
    } catch (e) {
      checkAlive(device);
      throw e;
    }
    try {
      out.push(dst.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0, bytes));
    } finally {
      dst.unmap();
    }
  }
  checkAlive(device);
  if (pace !== undefined) paceAfter(device, pace, performance.now() - t0);
  return out;
}

const WI = layoutOf(WORLD_INFO);
const wi = (name: string): number => WI.offsetOf(name);

/**
 * Every world of a chunk (device buffers) of one game of the dispatch into a CPU batch: the game's part starts at
 * player-world `at.pw` (worlds x the players of the games before it) and world `at.w` (worlds x the games before it).
 */
export async function readWorlds(
  device: GPUDevice,
  chunk: Record<'minutes' | 'active' | 'worldInfo' | 'totals' | 'counts' | 'stats' | 'dk', GPUBuffer>,
  bt: GameBatch,
  at: { pw: number; w: number } = { pw: 0, w: 0 },
): Promise<void> {
  const n = bt.worlds;
  const nP = bt.nP;
  const read = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
  const sizes: [GPUBuffer, number, number][] = [
    [chunk.minutes, n * nP * 4, at.pw * 4],
    [chunk.active, n * nP * 4, at.pw * 4],
    [chunk.worldInfo, n * WORLD_INFO_BYTES, at.w * WORLD_INFO_BYTES],
    [chunk.totals, n * 2 * NTARGET * 4, at.w * 2 * NTARGET * 4],
    [chunk.counts, n * nP * NTARGET * 4, at.pw * NTARGET * 4],
    [chunk.stats, n * nP * NSTAT * 4, at.pw * NSTAT * 4],
    [chunk.dk, n * nP * 4, at.pw * 4],
  ];
  const tmp = sizes.map(([, bytes]) => device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: read }));
  try {
    const [minutes, active, info, totals, counts, stats, dk] = await readBuffers(
      device,
      sizes.map(([src, bytes, from], k) => [src, tmp[k]!, bytes, from]),
      { key: 'saved-worlds', work: n * nP },
    );
    bt.minutes.set(new Float32Array(minutes!));
    bt.active.set(new Uint32Array(active!));
    const dv = new DataView(info!);
    for (let w = 0; w < n; w++) {
      const at = w * WORLD_INFO_BYTES;
      bt.ot[w] = dv.getUint32(at + wi('ot'), true);
      bt.pace[w] = dv.getFloat32(at + wi('pace'), true);
      bt.margin[w] = dv.getFloat32(at + wi('margin'), true);
      for (let team = 0; team < 2; team++) {
        bt.offense[w * 2 + team] = dv.getFloat32(at + wi('offense') + 4 * team, true);
        bt.efficiency[w * 2 + team] = dv.getFloat32(at + wi('efficiency') + 4 * team, true);
      }
    }
    bt.totals.set(new Uint32Array(totals!));
    bt.counts.set(new Uint32Array(counts!));
    bt.stats.set(new Uint32Array(stats!));
    bt.dk.set(new Float32Array(dk!));
  } finally {
    for (const t of tmp) t.destroy();
  }
}

/** Puts a CPU batch's kernel outputs on the device, so one kernel can be checked alone on the CPU's inputs. */
export function uploadWorlds(
  device: GPUDevice,
  chunk: Record<'minutes' | 'active' | 'worldInfo' | 'totals' | 'counts' | 'stats' | 'dk', GPUBuffer>,
  bt: GameBatch,
): void {
  const q = device.queue;
  q.writeBuffer(chunk.minutes, 0, Float32Array.from(bt.minutes));
  q.writeBuffer(chunk.active, 0, Uint32Array.from(bt.active));
  const info = packRows(WORLD_INFO, bt.worlds, (w) => ({
    ot: bt.ot[w]!,
    pace: bt.pace[w]!,
    margin: bt.margin[w]!,
    offense: [bt.offense[w * 2]!, bt.offense[w * 2 + 1]!] as const,
    efficiency: [bt.efficiency[w * 2]!, bt.efficiency[w * 2 + 1]!] as const,
  }));
  q.writeBuffer(chunk.worldInfo, 0, info);
  q.writeBuffer(chunk.totals, 0, Uint32Array.from(bt.totals));
  q.writeBuffer(chunk.counts, 0, Uint32Array.from(bt.counts));
  q.writeBuffer(chunk.stats, 0, Uint32Array.from(bt.stats));
  q.writeBuffer(chunk.dk, 0, Float32Array.from(bt.dk));
}

const u64 = (acc: Uint32Array, field: number): number => acc[2 * field]! + acc[2 * field + 1]! * 4294967296;

/** Adds one chunk's device sums into a game accumulator (the same quantities reduceBatch adds on the CPU). */
export function addChunkSums(acc: GameAccumulator, sums: ChunkSums): void {
  const { nP } = acc;
  const n = sums.worlds;
  const h = sums.hist;
  for (let k = 0; k < nP * DK_BINS; k++) acc.dkHist[k] = acc.dkHist[k]! + h[k]!;
  let off = nP * DK_BINS;
  for (let k = 0; k < nP * MIN_BINS; k++) acc.minHist[k] = acc.minHist[k]! + h[off + k]!;
  off += nP * MIN_BINS;
  for (let k = 0; k < nP * FGA_BINS; k++) acc.fgaHist[k] = acc.fgaHist[k]! + h[off + k]!;
  off += nP * FGA_BINS;
  for (let k = 0; k < 2 * NTARGET * TEAM_TOTAL_BINS; k++) acc.teamTotalHist[k] = acc.teamTotalHist[k]! + h[off + k]!;
  const a = sums.acc;
  // The device sums v = 4 dk + o (o = -4 DK_MIN, so v >= 0); 4 dk = v - o and (4 dk)^2 = v^2 - 2 o v + o^2.
  const o = -4 * DK_MIN;
  for (let j = 0; j < nP; j++) {
    const f = j * PLAYER_FIELDS;
    for (let k = 0; k < NSTAT; k++) acc.statSum[j * NSTAT + k] = acc.statSum[j * NSTAT + k]! + u64(a, f + k);
    const v = u64(a, f + ACC.dk_sum);
    const v2 = u64(a, f + ACC.dk_sq);
    acc.dkSum[j] = acc.dkSum[j]! + v - o * n;
    acc.dkSumSq[j] = acc.dkSumSq[j]! + v2 - 2 * o * v + o * o * n;
    acc.minSum[j] = acc.minSum[j]! + u64(a, f + ACC.minutes) / MINUTES_FIXED;
    acc.activeCount[j] = acc.activeCount[j]! + u64(a, f + ACC.active);
    acc.doubleDouble[j] = acc.doubleDouble[j]! + u64(a, f + ACC.double);
    acc.tripleDouble[j] = acc.tripleDouble[j]! + u64(a, f + ACC.triple);
  }
  for (let team = 0; team < 2; team++) {
    const f = nP * PLAYER_FIELDS + team * TEAM_FIELDS;
    acc.teamPtsSum[team] = acc.teamPtsSum[team]! + u64(a, f + TEAM_ACC_INDEX.pts);
    acc.teamPtsSumSq[team] = acc.teamPtsSumSq[team]! + u64(a, f + TEAM_ACC_INDEX.pts_sq);
    acc.conservationViolations += u64(a, f + TEAM_ACC_INDEX.conservation);
    acc.minutesViolations += u64(a, f + TEAM_ACC_INDEX.minutes_off);
  }
  acc.overtimeWorlds += u64(a, nP * PLAYER_FIELDS + 2 * TEAM_FIELDS);
  acc.worlds += n;
  acc.fallbacks += sums.fallbacks;
}

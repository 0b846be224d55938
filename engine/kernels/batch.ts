// The batch of worlds every CPU kernel reads and writes: flat typed arrays for one game and a range of worlds.
//
// Layouts for a batch of W worlds of game g with P players (the game's players, home team first):
//   minutes, active, dk:  [world][player]                       (index w * P + j)
//   counts:               [world][player][target]  target: fga, fta, tov (TARGET_INDEX)
//   stats:                [world][player][stat]    stat: STAT_INDEX (contract.ts)
//   totals:               [world][team][target]    team 0 = home, 1 = away
//   pace, ot, margin:     [world];  offense, efficiency: [world][team]

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   playerStart/playerEnd have two entries per game and the per-player rate arrays are nPlayers long; g < nGames and i
   < nPlayers. */

import type { Target } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { NSTAT } from './contract.ts';

/** World indices of the Vegas-anchoring pilot live above this offset, so its draws never reuse a world's. */
export const PILOT_WORLD_OFFSET = 0x80000000;

export interface GameBatch {
  g: number;
  p0: number; // first slate player of the game
  nP: number;
  nHome: number; // players of the home team (the first nHome of the batch)
  worlds: number;
  minutes: Float64Array;
  active: Uint8Array;
  ot: Uint8Array;
  margin: Float64Array;
  pace: Float64Array;
  offense: Float64Array;
  efficiency: Float64Array;
  totals: Int32Array;
  counts: Int32Array;
  stats: Int32Array;
  dk: Float64Array;
  /** team-worlds whose shares fell back (no eligible player), per target */
  fallbacks: number;
}

export function newBatch(s: Slate, g: number, worlds: number): GameBatch {
  const p0 = s.playerStart[2 * g]!;
  const nP = s.playerEnd[2 * g + 1]! - p0;
  return {
    g,
    p0,
    nP,
    nHome: s.playerEnd[2 * g]! - p0,
    worlds,
    minutes: new Float64Array(worlds * nP),
    active: new Uint8Array(worlds * nP),
    ot: new Uint8Array(worlds),
    margin: new Float64Array(worlds),
    pace: new Float64Array(worlds),
    offense: new Float64Array(worlds * 2),
    efficiency: new Float64Array(worlds * 2),
    totals: new Int32Array(worlds * 2 * 3),
    counts: new Int32Array(worlds * nP * 3),
    stats: new Int32Array(worlds * nP * NSTAT),
    dk: new Float64Array(worlds * nP),
    fallbacks: 0,
  };
}

/**
 * `prev` again when it is a batch of game g and n worlds, else a new one: a run's chunks reuse one batch (the
 * CPU kernels write every entry of a batch before they read it, so what a chunk left there never reaches the
 * next: the engine tests run the kernels on a batch filled with garbage), instead of allocating ~4 MB a chunk
 * and leaving it to the garbage collector.
 */
export function reuseBatch(prev: GameBatch | undefined, s: Slate, g: number, n: number): GameBatch {
  return prev !== undefined && prev.g === g && prev.worlds === n ? prev : newBatch(s, g, n);
}

/** Team index (0 home, 1 away) of batch player j. */
export const teamOf = (b: GameBatch, j: number): number => (j < b.nHome ? 0 : 1);

/** Per-minute rate of a target for slate player i. */
export function rateOf(s: Slate, i: number, t: Target): number {
  return t === 'fga' ? s.fgaRate[i]! : t === 'fta' ? s.ftaRate[i]! : s.tovRate[i]!;
}

/** Mean-one lognormal factor exp(sd z - sd^2 / 2). */
export const lognormal = (sd: number, z: number): number => Math.exp(sd * z - (sd * sd) / 2);

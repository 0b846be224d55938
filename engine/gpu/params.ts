// The bytes the kernels read, packed from the contract's declarations (engine/kernels/contract.ts): each
// stage's uniform block per chunk, and the per-player input records written once per game. No byte offset is
// written here by hand: the declaration's layout places every field.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: j < nP
   walks the game's players and i = p0 + j indexes the slate's per-player rate arrays (nPlayers long); k indexes
   TARGETS/COUNT_STATS; r < games.length; g is a game of the slate (two teams each). */

import {
  ALLOCATION_PARAMS,
  ALLOCATION_PLAYER,
  COUNT_STATS,
  MINUTES_PARAMS,
  MINUTES_PLAYER,
  NTARGET,
  REDUCE_PARAMS,
  STATLINE_PARAMS,
  STATLINE_PLAYER,
  type ParamsContext,
} from '../kernels/contract.ts';
import { layoutOf, packRows, type StructDecl } from '../kernels/layout.ts';
import type { UniformName } from '../kernels/stages.ts';
import { TARGETS } from '../profile.ts';
import type { Slate } from '../slate.ts';

export const UNIFORMS: Record<UniformName, StructDecl<ParamsContext>> = {
  minutes: MINUTES_PARAMS,
  allocation: ALLOCATION_PARAMS,
  statline: STATLINE_PARAMS,
  reduce: REDUCE_PARAMS,
};

/** Bytes of each stage's per-game record (the stride of its array). */
export const uniformBytes = (name: UniformName): number => layoutOf(UNIFORMS[name]).size;

/** Every stage's records for one chunk: one per game of the dispatch, in its order. */
export function packParams(games: readonly ParamsContext[]): Record<UniformName, ArrayBuffer> {
  return Object.fromEntries(
    (Object.keys(UNIFORMS) as UniformName[]).map((k) => [k, packRows(UNIFORMS[k], games.length, (r) => games[r]!)]),
  ) as Record<UniformName, ArrayBuffer>;
}

export type InputName = 'mPlayers' | 'mRates' | 'aPlayers' | 'sPlayers' | 'sRates';

/** Bytes per player of each per-game input. */
export const INPUT_BYTES: Record<InputName, number> = {
  mPlayers: layoutOf(MINUTES_PLAYER).size,
  mRates: 4 * NTARGET,
  aPlayers: layoutOf(ALLOCATION_PLAYER).size,
  sPlayers: layoutOf(STATLINE_PLAYER).size,
  sRates: 4 * COUNT_STATS.length,
};

/**
 * The per-player inputs of every kernel for the games given (consecutive), one game's after the other's: the
 * records of the players from the first game's first, and each game's rates as its own [k][player] block.
 */
export function packGameInputs(s: Slate, games: readonly number[]): Record<InputName, ArrayBuffer> {
  const parts = games.map((g) => packInputs(s, s.playerStart[2 * g]!, s.playerEnd[2 * g + 1]! - s.playerStart[2 * g]!));
  const concat = (name: InputName): ArrayBuffer => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p[name].byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(new Uint8Array(p[name]), at);
      at += p[name].byteLength;
    }
    return out.buffer;
  };
  return {
    mPlayers: concat('mPlayers'),
    mRates: concat('mRates'),
    aPlayers: concat('aPlayers'),
    sPlayers: concat('sPlayers'),
    sRates: concat('sRates'),
  };
}

/** The per-player inputs of every kernel for the nP players from slate player p0. Rates are [k][player]. */
export function packInputs(s: Slate, p0: number, nP: number): Record<InputName, ArrayBuffer> {
  const at = (j: number) => ({ s, i: p0 + j });
  const mRates = new Float32Array(NTARGET * nP);
  const sRates = new Float32Array(COUNT_STATS.length * nP);
  for (let j = 0; j < nP; j++) {
    const i = p0 + j;
    TARGETS.forEach((t, k) => (mRates[k * nP + j] = (t === 'fga' ? s.fgaRate : t === 'fta' ? s.ftaRate : s.tovRate)[i]!));
    COUNT_STATS.forEach((st, k) => (sRates[k * nP + j] = s.countRate[st][i]!));
  }
  return {
    mPlayers: packRows(MINUTES_PLAYER, nP, at),
    mRates: mRates.buffer,
    aPlayers: packRows(ALLOCATION_PLAYER, nP, at),
    sPlayers: packRows(STATLINE_PLAYER, nP, at),
    sRates: sRates.buffer,
  };
}

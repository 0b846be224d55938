// Counter-based randomness: Philox4x32-10 (Salmon et al., SC'11). A draw is a pure function of
// (seed, world, entity, stream, index): no state between calls, so results do not depend on chunking,
// workers or backend, and any world can be replayed alone. The integer arithmetic here (32-bit wrapping
// multiply, 32x32 -> high word by 16-bit halves) is what a WGSL twin can reproduce exactly.

import { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1, wasmPhilox } from './philox-wasm.ts';

/** philox() compiled to WebAssembly (philox-wasm.ts: the same words in a quarter of the time), where available;
 * one instance per thread, its words copied out at once, so every generator keeps its own. A module constant:
 * V8 inlines a call to a constant WebAssembly function, not one read from a field. */
const FAST = wasmPhilox();
const FAST_BLOCK = FAST?.block;
const FAST_WORDS = FAST?.words ?? new Uint32Array(4);

/** High 32 bits of the 64-bit product of two u32, exactly, with only 32-bit-safe pieces. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loLo = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const hiHi = aHi * bHi;
  // The middle column, kept below 2^32 by adding its parts' 16-bit halves separately.
  const mid = (loLo >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff);
  return (hiHi + (hiLo >>> 16) + (loHi >>> 16) + (mid >>> 16)) >>> 0;
}

/** Philox4x32-10 of counter (c0..c3) under key (k0, k1); writes four u32 words to out. */
export function philox(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + PHILOX_W0) >>> 0;
    key1 = (key1 + PHILOX_W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** A u32 to [0, 1) through its top 24 bits: exact in float32, never 1.0 (as TypeGPU's u32To01F32). */
export function u01(bits: number): number {
  return (bits >>> 8) * (1 / 16777216);
}

/** The same as u01 but in (0, 1]: safe under log(). */
export function u01Open(bits: number): number {
  return ((bits >>> 8) + 1) * (1 / 16777216);
}

/**
 * A seeded source: `block(world, entity, stream, index)` fills `words` with four fresh u32 and returns it.
 * Every call reuses that one buffer: use (or copy) a block's words before asking for the next block.
 */
export class CounterRng {
  readonly words = new Uint32Array(4);
  readonly k0: number;
  readonly k1: number;
  constructor(seed: number) {
    // The seed is a non-negative integer below 2^53: its low and high words key the generator.
    this.k0 = seed >>> 0;
    this.k1 = Math.floor(seed / 4294967296) >>> 0;
  }
  block(world: number, entity: number, stream: number, index: number): Uint32Array {
    const out = this.words;
    if (FAST_BLOCK !== undefined) {
      FAST_BLOCK(world, entity, stream, index, this.k0, this.k1);
      const w = FAST_WORDS;
      /* eslint-disable @typescript-eslint/no-non-null-assertion -- w is the instance's four words */
      out[0] = w[0]!;
      out[1] = w[1]!;
      out[2] = w[2]!;
      out[3] = w[3]!;
      /* eslint-enable @typescript-eslint/no-non-null-assertion */
    } else philox(world, entity, stream, index, this.k0, this.k1, out);
    return out;
  }
}

/** Standard normal from two uniforms by Box-Muller (the cosine branch). */
export function boxMuller(bits1: number, bits2: number): number {
  return Math.sqrt(-2 * Math.log(u01Open(bits1))) * Math.cos(2 * Math.PI * u01(bits2));
}

// Philox4x32-10 as a WebAssembly function, for the CPU path's hot loops: the same words as philox() in rng.ts
// (the reference, and the twin of rng.wgsl), in about a quarter of the time. JavaScript has no 64-bit integer
// product, so philox() builds each round's high word from four 16-bit partial products; WebAssembly multiplies
// the zero-extended u32 as i64 and shifts. The module (~840 bytes) is assembled here, byte by byte, so there is
// no toolchain, no binary file and no fetch: it compiles synchronously in Node, in the browser's main thread
// (under its 8 KB limit for synchronous compiles) and in workers. Where WebAssembly is absent (or
// SLATESIM_NO_WASM=1 is set) callers fall back to philox().

/** Philox4x32's multipliers and Weyl key increments, for this module and for philox() in rng.ts (which imports
 * this file, so they are declared here, where both can reach them without a cycle). */
export const PHILOX_M0 = 0xd2511f53;
export const PHILOX_M1 = 0xcd9e8d57;
export const PHILOX_W0 = 0x9e3779b9;
export const PHILOX_W1 = 0xbb67ae85;

/** One generator instance: `block(c0, c1, c2, c3, k0, k1)` writes the block's four u32 words to `words`. */
export interface WasmPhilox {
  block: (c0: number, c1: number, c2: number, c3: number, k0: number, k1: number) => void;
  words: Uint32Array;
}

const uleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
};

/** Signed LEB128: an i32.const's immediate, or an i64.const's (a u32 as a positive i64). */
const sleb = (n: number): number[] => {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const I32_STORE = 0x36;
const I32_XOR = 0x73;
const I32_ADD = 0x6a;
const I64_MUL = 0x7e;
const I64_SHR_U = 0x88;
const I32_WRAP_I64 = 0xa7;
const I64_EXTEND_I32_U = 0xad;
const END = 0x0b;
const I32 = 0x7f;
const I64 = 0x7e;

/**
 * The module: memory (one page, exported as `mem`) and `philox(c0, c1, c2, c3, k0, k1)`, its ten rounds unrolled
 * (round r's keys are k + r W, wrapping, as philox()'s running sums), the block stored at bytes 0-15.
 */
export function philoxModuleBytes(): Uint8Array<ArrayBuffer> {
  // params 0-3: the counter x0..x3 (updated in place), 4-5: the key; locals 6, 7: the two i64 products
  const get = (i: number): number[] => [LOCAL_GET, i];
  const set = (i: number): number[] => [LOCAL_SET, i];
  const code: number[] = [];
  for (let r = 0; r < 10; r++) {
    code.push(...get(0), I64_EXTEND_I32_U, I64_CONST, ...sleb(PHILOX_M0), I64_MUL, ...set(6));
    code.push(...get(2), I64_EXTEND_I32_U, I64_CONST, ...sleb(PHILOX_M1), I64_MUL, ...set(7));
    const k0 = (Math.imul(r, PHILOX_W0) | 0) >>> 0;
    const k1 = (Math.imul(r, PHILOX_W1) | 0) >>> 0;
    // x0 = hi(p1) ^ x1 ^ key0; x1 = lo(p1); x2 = hi(p0) ^ x3 ^ key1; x3 = lo(p0)
    code.push(...get(7), I64_CONST, 32, I64_SHR_U, I32_WRAP_I64, ...get(1), I32_XOR);
    code.push(...get(4), I32_CONST, ...sleb(k0 | 0), I32_ADD, I32_XOR, ...set(0));
    code.push(...get(7), I32_WRAP_I64, ...set(1));
    code.push(...get(6), I64_CONST, 32, I64_SHR_U, I32_WRAP_I64, ...get(3), I32_XOR);
    code.push(...get(5), I32_CONST, ...sleb(k1 | 0), I32_ADD, I32_XOR, ...set(2));
    code.push(...get(6), I32_WRAP_I64, ...set(3));
  }
  // i32.store align=2^2 offset=4i at address 0
  for (let i = 0; i < 4; i++) code.push(I32_CONST, 0, ...get(i), I32_STORE, 2, ...uleb(4 * i));
  code.push(END);
  const body = [...vector([[2, I64]]), ...code];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector([[I32], [I32], [I32], [I32], [I32], [I32]]), 0]])), // type: (i32 x 6) -> ()
    ...section(3, vector([[0]])), // function 0 has type 0
    ...section(5, vector([[0x00, 1]])), // memory: min 1 page, no max
    ...section(
      7,
      vector([
        [...name('philox'), 0x00, 0],
        [...name('mem'), 0x02, 0],
      ]),
    ),
    ...section(10, vector([[...uleb(body.length), ...body]])),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function wasmDisabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.SLATESIM_NO_WASM === '1';
}

/**
 * A fresh instance (its own memory, so two generators never share the words they return), or undefined where
 * WebAssembly cannot be used.
 */
export function wasmPhilox(): WasmPhilox | undefined {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' && !wasmDisabled() ? new WebAssembly.Module(philoxModuleBytes()) : null;
    } catch {
      compiled = null; // a runtime that refuses it: the JavaScript reference gives the same words
    }
  }
  if (compiled === null) return undefined;
  const exports = new WebAssembly.Instance(compiled).exports as { philox: WasmPhilox['block']; mem: WebAssembly.Memory };
  return { block: exports.philox, words: new Uint32Array(exports.mem.buffer, 0, 4) };
}

// The TypeScript twin of rng.wgsl: Philox4x32-10 and the uniform/normal maps. The arithmetic itself lives in
// src/models/rng.ts because the share trainer's bootstrap (a layer below the engine) draws from the same
// generator; this file is the engine's view of it, beside its WGSL, with the streams the kernels address.
export * from '../../../src/models/rng.ts';
/** Streams are declared with the rest of the contract (WGSL gets them as STREAM_* constants). */
export { STREAM } from '../contract.ts';

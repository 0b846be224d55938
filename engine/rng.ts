// The engine's randomness is the counter-based Philox of src/models/rng.ts: it lives in the models layer so
// the share trainer's bootstrap (below the engine) draws from the same generator. Re-exported so the
// kernels keep importing it from here.
export * from '../src/models/rng.ts';

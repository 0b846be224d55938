// Counter-based randomness: the CPU twin lives with its WGSL in engine/kernels/rng/ (this path stays for callers).
export * from './kernels/rng/rng.ts';

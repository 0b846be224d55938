// Discrete samplers: the CPU twin lives with its WGSL in engine/kernels/samplers/ (this path stays for callers).
export * from './kernels/samplers/samplers.ts';

// Smoke kernel: out[i] = a * in[i] + b in wrapping u32 arithmetic, checked exactly against the CPU.
// Proves the toolchain end to end: WGSL compiles on the adapter, a storage buffer round-trips, and
// integer arithmetic matches Math.imul(a, x) + b >>> 0 (the property the counter-based RNG relies on).

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  a: u32,
  b: u32,
  n: u32,
  _pad: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<u32>;
@group(0) @binding(2) var<storage, read_write> output: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) {
    return;
  }
  output[i] = params.a * input[i] + params.b;
}

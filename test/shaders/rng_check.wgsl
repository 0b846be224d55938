// Parity kernel: Philox blocks for a list of counters, and binomial/Poisson/NB draws from uniforms of those
// blocks, so tests can compare the GPU's integers with the CPU's (requires rng.wgsl and samplers.wgsl).

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  key: vec2<u32>,
  n: u32,
  _pad: u32,
};

struct Draw {
  trials: u32,
  p: f32,
  mean: f32,
  phi: f32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> counters: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> draws: array<Draw>;
@group(0) @binding(3) var<storage, read_write> blocks: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read_write> samples: array<vec4<u32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Two-dimensional dispatch (for more than 65535 workgroups): flatten.
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= params.n) {
    return;
  }
  let b = philox(counters[i], params.key);
  blocks[i] = b;
  let d = draws[i];
  samples[i] = vec4<u32>(
    binomial(d.trials, d.p, u01(b.x)),
    poisson(d.mean, u01(b.y)),
    negative_binomial(d.mean, d.phi, u01(b.z)),
    0u,
  );
}

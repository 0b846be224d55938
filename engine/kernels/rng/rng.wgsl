// Counter-based randomness, the WGSL twin of engine/rng.ts: Philox4x32-10 with the 32x32 -> high word product
// built from 16-bit halves (WGSL has no 64-bit integers), and bits -> [0, 1) through the top 24 bits.
// Included by other kernels (the loader concatenates it in front of them).

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

fn mulhi32(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let lo_lo = a_lo * b_lo;
  let hi_lo = a_hi * b_lo;
  let lo_hi = a_lo * b_hi;
  let hi_hi = a_hi * b_hi;
  let mid = (lo_lo >> 16u) + (hi_lo & 0xffffu) + (lo_hi & 0xffffu);
  return hi_hi + (hi_lo >> 16u) + (lo_hi >> 16u) + (mid >> 16u);
}

fn philox(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var x = counter;
  var k = key;
  for (var round = 0u; round < 10u; round = round + 1u) {
    let hi0 = mulhi32(PHILOX_M0, x.x);
    let lo0 = PHILOX_M0 * x.x;
    let hi1 = mulhi32(PHILOX_M1, x.z);
    let lo1 = PHILOX_M1 * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return x;
}

fn u01(bits: u32) -> f32 {
  return f32(bits >> 8u) * (1.0 / 16777216.0);
}

fn u01_open(bits: u32) -> f32 {
  return f32((bits >> 8u) + 1u) * (1.0 / 16777216.0);
}

const TWO_PI: f32 = 6.283185307179586;

// Standard normal from two words by Box-Muller (the cosine branch), as boxMuller in engine/rng.ts.
fn box_muller(b1: u32, b2: u32) -> f32 {
  return sqrt(-2.0 * log(u01_open(b1))) * cos(TWO_PI * u01(b2));
}

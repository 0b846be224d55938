// Discrete samplers by inversion with one uniform, the WGSL twins of engine/samplers.ts (in f32; a rare draw
// whose uniform sits within float error of a CDF step may differ from the CPU's: the parity test measures it).
// Unbounded walks stop where the f32 CDF stops growing: a uniform above the largest f32 CDF value (1 - 2^-24
// can be) would otherwise walk to MAX_WALK, where f64 on the CPU stops a step or two past the mean's tail.

fn binomial(n: u32, p: f32, u: f32) -> u32 {
  if (n == 0u || p <= 0.0) { return 0u; }
  if (p >= 1.0) { return n; }
  let flip = p > 0.5;
  let q = select(p, 1.0 - p, flip);
  let ratio = q / (1.0 - q);
  var pmf = pow(1.0 - q, f32(n));
  var cdf = pmf;
  var k = 0u;
  loop {
    if (u < cdf || k >= n) { break; }
    pmf = pmf * ratio * f32(n - k) / f32(k + 1u);
    k = k + 1u;
    cdf = cdf + pmf;
  }
  return select(k, n - k, flip);
}

fn poisson(mean: f32, u: f32) -> u32 {
  if (!(mean > 0.0)) { return 0u; }
  var pmf = exp(-mean);
  var cdf = pmf;
  var k = 0u;
  loop {
    if (u < cdf || k >= MAX_WALK) { break; }
    k = k + 1u;
    pmf = pmf * mean / f32(k);
    let next = cdf + pmf;
    if (next == cdf && f32(k) > mean) { break; }
    cdf = next;
  }
  return k;
}

fn negative_binomial(mean: f32, phi: f32, u: f32) -> u32 {
  if (!(mean > 0.0)) { return 0u; }
  if (!(phi > 0.0)) { return poisson(mean, u); }
  let r = 1.0 / phi;
  let p = mean / (mean + r);
  var pmf = pow(1.0 - p, r);
  var cdf = pmf;
  var k = 0u;
  loop {
    if (u < cdf || k >= MAX_WALK) { break; }
    pmf = pmf * p * (f32(k) + r) / f32(k + 1u);
    k = k + 1u;
    let next = cdf + pmf;
    if (next == cdf && f32(k) > mean) { break; }
    cdf = next;
  }
  return k;
}

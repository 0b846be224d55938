// Kernel 3 of the engine on the GPU: usage shares and the multinomial allocation of team totals, one
// invocation per (world, team). The WGSL twin of sharesKernel in engine/kernels/kernels.ts (requires
// the prelude, rng.wgsl and samplers.wgsl; AllocationParams and AllocationPlayer are in contract.ts):
//   logit_j = (base_j + log(minutes_j) + noise_std * z_j) / temperature over players active with minutes >=
//   cutoff; softmax; counts by conditional binomials, the last eligible player taking the remainder, so the
//   counts sum to the team total exactly. A target outside `shared_mask` is drawn per player instead
//   (negative binomial around rate x minutes x pace x offense x anchor) and the team total becomes their sum,
//   as independentCounts on the CPU. Layouts in engine/kernels/batch.ts.

override WORKGROUP_SIZE: u32 = 64u;
// A dispatch of one game: its record is games[0] for every invocation (no search, and a uniform load).
override ONE_GAME: bool = false;

// One record per game of the dispatch; each invocation copies its game's into `params`, and its offsets in the
// dispatch's arrays into pw (player-worlds) and wb0 (worlds).
@group(0) @binding(0) var<storage, read> games: array<AllocationParams>;
var<private> params: AllocationParams;
var<private> pw: u32;
var<private> wb0: u32;
@group(0) @binding(1) var<storage, read> players: array<AllocationPlayer>;
@group(0) @binding(2) var<storage, read> minutes: array<f32>;
@group(0) @binding(3) var<storage, read> active_flags: array<u32>;
@group(0) @binding(4) var<storage, read> world_info: array<WorldInfo>;
@group(0) @binding(5) var<storage, read_write> totals: array<u32>;
@group(0) @binding(6) var<storage, read_write> counts: array<u32>;
@group(0) @binding(7) var<storage, read_write> fallbacks: array<atomic<u32>>;

// The old way for a target not shared: each player's count ~ NB(mean), the team total their sum.
fn independent_counts(w: u32, wg: u32, team: u32, k: u32, lo: u32, hi: u32) {
  let np = params.n_players;
  let info = world_info[wb0 + w];
  var scale = info.pace;
  if (k != TARGET_TOV) { scale = scale * info.offense[team] * params.anchor[team]; }
  var total = 0u;
  for (var j = lo; j < hi; j = j + 1u) {
    var mean = 0.0;
    if (active_flags[pw + w * np + j] == 1u) { mean = players[params.p_off + j].rate[k] * minutes[pw + w * np + j] * scale; }
    let u = philox(vec4<u32>(wg, players[params.p_off + j].id, STREAM_INDEPENDENT, 0u), params.key);
    let x = negative_binomial(mean, params.independent_dispersion, u01(u[k]));
    counts[(pw + w * np + j) * 3u + k] = x;
    total = total + x;
  }
  totals[((wb0 + w) * 2u + team) * 3u + k] = total;
}

// One target's team total split among the team's players: `probs` holds the eligible players' logits (bit s of
// `elig` set for slot s) and becomes their shares; softmax, then conditional binomials, the last player with a
// share taking the remainder.
fn allocate_target(w: u32, wg: u32, team: u32, k: u32, lo: u32, hi: u32, elig: u32, max_logit: f32, probs: ptr<function, array<f32, MAX_TEAM>>) {
  let np = params.n_players;
  var sum = 0.0;
  if (elig == 0u) {
    atomicAdd(&fallbacks[params.g_index], 1u);
    for (var j = lo; j < hi; j = j + 1u) {
      let s = j - lo;
      let m = select(0.0, minutes[pw + w * np + j], active_flags[pw + w * np + j] == 1u);
      var v = 0.0;
      if (m > 0.0) { v = select(max(players[params.p_off + j].rate[k], RATE_FLOOR) * m, 1.0, params.fallback_even == 1u); }
      (*probs)[s] = v;
      sum = sum + v;
    }
    if (sum == 0.0) {
      (*probs)[0] = 1.0;
      sum = 1.0;
    }
  } else {
    for (var j = lo; j < hi; j = j + 1u) {
      let s = j - lo;
      if ((elig & (1u << s)) == 0u) {
        (*probs)[s] = 0.0;
      } else {
        (*probs)[s] = exp((*probs)[s] - max_logit);
        sum = sum + (*probs)[s];
      }
    }
  }
  var last = 0u;
  var has_last = false;
  for (var j = lo; j < hi; j = j + 1u) {
    (*probs)[j - lo] = (*probs)[j - lo] / sum;
    if ((*probs)[j - lo] > 0.0) {
      last = j;
      has_last = true;
    }
  }
  var remaining = totals[((wb0 + w) * 2u + team) * 3u + k];
  var remaining_p = 1.0;
  let entity = params.team_ids[team];
  var words = vec4<u32>(0u);
  for (var j = lo; j < hi; j = j + 1u) {
    let s = j - lo;
    if ((s & 3u) == 0u) { words = philox(vec4<u32>(wg, entity, STREAM_ALLOCATION, k * 64u + (s >> 2u)), params.key); }
    let p = (*probs)[s];
    var x = 0u;
    if (has_last && j == last) {
      x = remaining;
    } else if (remaining > 0u && p > 0.0) {
      x = binomial(remaining, min(1.0, p / remaining_p), u01(words[s & 3u]));
    }
    counts[(pw + w * np + j) * 3u + k] = x;
    remaining = remaining - x;
    remaining_p = remaining_p - p;
  }
}

// One invocation per (world, team): each eligible player's three logits at once (one log of his minutes, his two
// noise blocks: FGA and FTA from the first, TOV from the second), then each target's allocation in turn.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Game-major: the (world, team) pairs of game 0 of the dispatch, then of game 1, ...
  let idx = flat_index(gid, groups, WORKGROUP_SIZE);
  var g = 0u;
  if (!ONE_GAME) {
    g = idx / (2u * games[0].worlds);
    if (g >= games[0].n_games) {
      return;
    }
  }
  params = games[g];
  pw = params.p_off * params.worlds;
  wb0 = params.g_index * params.worlds;
  let local = idx - g * 2u * params.worlds;
  if (local >= 2u * params.worlds) {
    return;
  }
  let w = local / 2u;
  let team = local % 2u;
  let wg = params.world0 + w;
  let lo = select(params.n_home, 0u, team == 0u);
  let hi = select(params.n_players, params.n_home, team == 0u);
  let np = params.n_players;
  var l0: array<f32, MAX_TEAM>;
  var l1: array<f32, MAX_TEAM>;
  var l2: array<f32, MAX_TEAM>;
  var elig = 0u;
  var max0 = -3.4e38;
  var max1 = -3.4e38;
  var max2 = -3.4e38;
  if ((params.shared_mask & 7u) != 0u) {
    for (var j = lo; j < hi; j = j + 1u) {
      let s = j - lo;
      let m = minutes[pw + w * np + j];
      if (active_flags[pw + w * np + j] != 1u || m < params.cutoff) {
        continue;
      }
      elig = elig | (1u << s);
      var z = vec3<f32>(0.0);
      if (params.noise_std > 0.0) {
        let b0 = philox(vec4<u32>(wg, players[params.p_off + j].id, STREAM_SHARE_NOISE, 0u), params.key);
        let b1 = philox(vec4<u32>(wg, players[params.p_off + j].id, STREAM_SHARE_NOISE, 1u), params.key);
        z = vec3<f32>(box_muller(b0.x, b0.y), box_muller(b0.z, b0.w), box_muller(b1.x, b1.y));
      }
      let lm = log(m);
      let base = players[params.p_off + j].base;
      l0[s] = (base[0] + lm + params.noise_std * z.x) / params.temperature;
      l1[s] = (base[1] + lm + params.noise_std * z.y) / params.temperature;
      l2[s] = (base[2] + lm + params.noise_std * z.z) / params.temperature;
      max0 = max(max0, l0[s]);
      max1 = max(max1, l1[s]);
      max2 = max(max2, l2[s]);
    }
  }
  for (var k = 0u; k < 3u; k = k + 1u) {
    if ((params.shared_mask & (1u << k)) == 0u) {
      independent_counts(w, wg, team, k, lo, hi);
    } else if (k == 0u) {
      allocate_target(w, wg, team, 0u, lo, hi, elig, max0, &l0);
    } else if (k == 1u) {
      allocate_target(w, wg, team, 1u, lo, hi, elig, max1, &l1);
    } else {
      allocate_target(w, wg, team, 2u, lo, hi, elig, max2, &l2);
    }
  }
}

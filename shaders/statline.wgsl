// Kernels 4 and 5 of the engine on the GPU: the stat line and DraftKings scoring, one invocation per
// player-world; the WGSL twin of statLineKernel and scoringKernel (requires rng.wgsl, samplers.wgsl and
// world.wgsl). Layouts in world.wgsl; rates [stat][player] for OREB, DREB, AST, STL, BLK.
// A second entry point, pilot_points, gives the Vegas-anchoring pilot its expected points per team-world.

override WORKGROUP_SIZE: u32 = 64u;
const STREAM_STAT_LINE: u32 = 10u;
const STREAM_COUNTS: u32 = 11u;

struct Params {
  key: vec2<u32>,
  world0: u32,
  worlds: u32,
  n_players: u32,
  n_home: u32,
  triple_also_double: u32,
  _pad: u32,
  dispersion: array<vec4<f32>, 2>, // oreb, dreb, ast, stl | blk, -, -, -
};

struct Player {
  id: u32,
  fg3_share: f32,
  fg2_pct: f32,
  fg3_pct: f32,
  ft_pct: f32,
  _pad0: f32,
  _pad1: f32,
  _pad2: f32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> players: array<Player>;
@group(0) @binding(2) var<storage, read> rates: array<f32>;
@group(0) @binding(3) var<storage, read> minutes: array<f32>;
@group(0) @binding(4) var<storage, read> active_flags: array<u32>;
@group(0) @binding(5) var<storage, read> counts: array<u32>;
@group(0) @binding(6) var<storage, read> world_info: array<WorldInfo>;
@group(0) @binding(7) var<storage, read_write> stats: array<u32>;
@group(0) @binding(8) var<storage, read_write> dk: array<f32>;
@group(0) @binding(9) var<storage, read_write> pilot_points_out: array<f32>; // pilot_points only

fn dispersion(k: u32) -> f32 {
  return params.dispersion[k / 4u][k % 4u];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let x = flat_index(gid, groups, WORKGROUP_SIZE);
  let np = params.n_players;
  if (x >= params.worlds * np) {
    return;
  }
  let w = x / np;
  let j = x % np;
  let wg = params.world0 + w;
  let pl = players[j];
  let team = select(1u, 0u, j < params.n_home);
  let fga = counts[x * 3u];
  let fta = counts[x * 3u + 1u];
  let tov = counts[x * 3u + 2u];
  let info = world_info[w];
  let eff = info.efficiency[team];
  let u = philox(vec4<u32>(wg, pl.id, STREAM_STAT_LINE, 0u), params.key);
  let fg3a = binomial(fga, pl.fg3_share, u01(u.x));
  let fg3m = binomial(fg3a, min(0.99, pl.fg3_pct * eff), u01(u.y));
  let fg2m = binomial(fga - fg3a, min(0.99, pl.fg2_pct * eff), u01(u.z));
  let ftm = binomial(fta, pl.ft_pct, u01(u.w));
  let pts = 2u * fg2m + 3u * fg3m + ftm;
  let at = x * NSTAT;
  stats[at + 0u] = fga;
  stats[at + 1u] = fg3a;
  stats[at + 2u] = fta;
  stats[at + 3u] = tov;
  stats[at + 4u] = fg2m + fg3m;
  stats[at + 5u] = fg3m;
  stats[at + 6u] = ftm;
  stats[at + 7u] = pts;
  let m = minutes[x];
  let is_active = active_flags[x] == 1u;
  let v = philox(vec4<u32>(wg, pl.id, STREAM_COUNTS, 0u), params.key);
  let v2 = philox(vec4<u32>(wg, pl.id, STREAM_COUNTS, 1u), params.key);
  var c: array<u32, 5>;
  for (var k = 0u; k < 5u; k = k + 1u) {
    var mean = 0.0;
    if (is_active) { mean = rates[k * np + j] * m * info.pace; }
    let bits = select(v2.x, v[min(k, 3u)], k < 4u);
    c[k] = negative_binomial(mean, dispersion(k), u01(bits));
    stats[at + 8u + k] = c[k];
  }
  let reb = c[0] + c[1];
  var score = f32(pts) + 0.5 * f32(fg3m) + 1.25 * f32(reb) + 1.5 * f32(c[2]) + 2.0 * f32(c[3]) + 2.0 * f32(c[4]) - 0.5 * f32(tov);
  let doubles = select(0u, 1u, pts >= 10u) + select(0u, 1u, reb >= 10u) + select(0u, 1u, c[2] >= 10u) + select(0u, 1u, c[3] >= 10u) + select(0u, 1u, c[4] >= 10u);
  if (doubles >= 3u) {
    score = score + 3.0 + select(0.0, 1.5, params.triple_also_double == 1u);
  } else if (doubles == 2u) {
    score = score + 1.5;
  }
  dk[x] = score;
}

// The pilot's points per team-world expected from its attempts (not drawn makes), as anchorScales on the CPU:
// sum over the team of FGA x (3PA share x 3 x 3P% + (1 - share) x 2 x 2P%) x efficiency + FTA x FT%.
@compute @workgroup_size(WORKGROUP_SIZE)
fn pilot_points(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_index(gid, groups, WORKGROUP_SIZE);
  if (idx >= params.worlds * 2u) {
    return;
  }
  let w = idx / 2u;
  let team = idx % 2u;
  let np = params.n_players;
  let lo = select(params.n_home, 0u, team == 0u);
  let hi = select(np, params.n_home, team == 0u);
  let eff = world_info[w].efficiency[team];
  var points = 0.0;
  for (var j = lo; j < hi; j = j + 1u) {
    let pl = players[j];
    let per_fga = pl.fg3_share * 3.0 * min(0.99, pl.fg3_pct * eff) + (1.0 - pl.fg3_share) * 2.0 * min(0.99, pl.fg2_pct * eff);
    points = points + f32(counts[(w * np + j) * 3u]) * per_fga + f32(counts[(w * np + j) * 3u + 1u]) * pl.ft_pct;
  }
  pilot_points_out[idx] = points;
}

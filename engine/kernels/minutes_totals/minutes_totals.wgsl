// Kernels 1 and 2 of the engine on the GPU, one invocation per game-world: overtime, the game-script margin,
// each player's activity and split-normal minutes, blowout cuts, the realistic ceiling, the rotation limit,
// each team's minutes brought to team_minutes(ot) within player_cap(ot) by room or by one scale; then pace, offense and efficiency factors and the integer
// team totals of FGA, FTA and TOV. The WGSL twin of minutes_totals.ts (requires the prelude and rng.wgsl; its
// MinutesParams and MinutesPlayer are declared in engine/kernels/contract.ts).
// Each invocation keeps its world's minutes and activity in private arrays (mm, af: indexed by player, so every
// invocation of a SIMD group reads the same slot) and writes them out once; the fill's bounds are taken once.
// Layouts, each game of the dispatch after the one before: minutes, active [world][player]; ot, margin, pace
// [world]; offense, efficiency [world][team]; totals [world][team][target]; rates [target][player].

override WORKGROUP_SIZE: u32 = 64u;
// A dispatch of one game: its record is games[0] for every invocation (no search, and a uniform load).
override ONE_GAME: bool = false;
const Z90: f32 = 1.2815515655446004;

// One record per game of the dispatch; each invocation copies its game's into `params`.
@group(0) @binding(0) var<storage, read> games: array<MinutesParams>;
var<private> params: MinutesParams;
@group(0) @binding(1) var<storage, read> players: array<MinutesPlayer>;
@group(0) @binding(2) var<storage, read> rates: array<f32>;
@group(0) @binding(3) var<storage, read_write> minutes: array<f32>;
@group(0) @binding(4) var<storage, read_write> active_flags: array<u32>;
@group(0) @binding(5) var<storage, read_write> world_info: array<WorldInfo>;
@group(0) @binding(6) var<storage, read_write> totals: array<u32>;
// This invocation's world: every player's minutes and activity while the fill works on them (indexed by player,
// the same index in every invocation), written out once at the end.
var<private> mm: array<f32, 2 * MAX_TEAM>;
var<private> af: array<u32, 2 * MAX_TEAM>;
var<private> ub: array<f32, 2 * MAX_TEAM>;

fn lognormal(sd: f32, z: f32) -> f32 {
  return exp(sd * z - sd * sd / 2.0);
}

fn rotation_limit(lo: u32, hi: u32) {
  var n = 0u;
  for (var j = lo; j < hi; j = j + 1u) { n = n + af[j]; }
  if (n <= params.rotation_max) { return; }
  let protected_n = min(params.rotation_protected, n);
  let keep = params.rotation_max - protected_n;
  // The first `protected_n` active players (projection order) stay; of the rest, the most drawn minutes stay
  // (ties to the earlier player). Benched players are marked 2 during the pass so ranks stay put.
  var seen = 0u;
  for (var j = lo; j < hi; j = j + 1u) {
    if (af[j] == 0u) { continue; }
    seen = seen + 1u;
    if (seen <= protected_n) { continue; }
    let mj = mm[j];
    var rank = 0u;
    var seen2 = 0u;
    for (var i = lo; i < hi; i = i + 1u) {
      if (af[i] == 0u) { continue; }
      seen2 = seen2 + 1u;
      if (seen2 <= protected_n || i == j) { continue; }
      let mi = mm[i];
      if (mi > mj || (mi == mj && i < j)) { rank = rank + 1u; }
    }
    if (rank >= keep) { af[j] = 2u; }
  }
  for (var j = lo; j < hi; j = j + 1u) {
    if (af[j] == 2u) {
      af[j] = 0u;
      mm[j] = 0.0;
    }
  }
}

// bringInForCapacity: with too few active players to reach the target under the cap, the next players by
// projection come in at their projected minutes (at least 1).
fn bring_in(lo: u32, hi: u32, target_minutes: f32, cap: f32) {
  var capacity = 0.0;
  for (var j = lo; j < hi; j = j + 1u) { if (af[j] == 1u) { capacity = capacity + cap; } }
  for (var j = lo; j < hi; j = j + 1u) {
    if (capacity >= target_minutes) { break; }
    if (af[j] == 1u) { continue; }
    af[j] = 1u;
    mm[j] = max(1.0, players[params.p_off + j].p50);
    capacity = capacity + cap;
  }
}

fn normalise(lo: u32, hi: u32, target_minutes: f32, cap: f32) {
  bring_in(lo, hi, target_minutes, cap);
  for (var iter = 0u; iter < 20u; iter = iter + 1u) {
    var fixed = 0.0;
    var free = 0.0;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] != 1u) { continue; }
      let m = mm[j];
      if (m >= cap) { fixed = fixed + cap; } else { free = free + m; }
    }
    if (free <= 0.0) { break; }
    let scale = (target_minutes - fixed) / free;
    var changed = false;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] != 1u) { continue; }
      let m = mm[j];
      if (m >= cap) { continue; }
      let next = m * scale;
      if (next >= cap) { changed = true; }
      mm[j] = min(cap, next);
    }
    if (!changed) { break; }
  }
}

// The realistic ceiling (softCeiling in minutes_totals.ts): unchanged up to the knee, then approaching the
// ceiling without reaching it; a ceiling at or below the knee clamps at the knee.
fn soft_ceiling(m: f32, knee: f32, ceiling: f32) -> f32 {
  if (m <= knee) { return m; }
  let span = ceiling - knee;
  if (span <= 0.0) { return knee; }
  return knee + span * tanh((m - knee) / span);
}

fn split_normal(pl: MinutesPlayer, z: f32) -> f32 {
  let d = select(pl.p90 - pl.p50, pl.p50 - pl.p10, z < 0.0);
  return pl.p50 + z * d / Z90;
}

// A player's own upper quantile in this world (the fill's first bound), cut like his draw.
fn upper_of(j: u32, blowout: f32, stretch: f32, knee: f32, ceiling: f32) -> f32 {
  let pl = players[params.p_off + j];
  var up = max(0.0, split_normal(pl, params.fill_upper_z * params.spread_scale)) * stretch;
  if (pl.starter == 1u) { up = up * (1.0 - blowout); }
  return soft_ceiling(up, knee, ceiling);
}

// A player's minutes if he plays in world wg (under the room allocation drawn for a player left out by his play
// probability too: he may be called on to fill a short team's minutes). `u` is his block of the minutes stream in
// world wg (the caller has it; not left to the compiler to see that the two are the same).
fn drawn_minutes(j: u32, u: vec4<u32>, cap: f32, blowout: f32, room: bool, knee: f32, ceiling: f32) -> f32 {
  let pl = players[params.p_off + j];
  let z = box_muller(u.y, u.z) * params.spread_scale;
  var m = min(cap, max(0.0, split_normal(pl, z)));
  if (pl.starter == 1u) { m = m * (1.0 - blowout); }
  if (room) { m = soft_ceiling(m, knee, ceiling); }
  return m;
}

// A stage's bound for player j: 0, his upper quantile; 1, the ceiling; 2, the cap.
fn bound_of(j: u32, stage: u32, cap: f32, blowout: f32, stretch: f32, knee: f32, ceiling: f32) -> f32 {
  if (stage == 0u) { return min(upper_of(j, blowout, stretch, knee, ceiling), cap); }
  if (stage == 1u) { return min(ceiling, cap); }
  return cap;
}

// scaleToBounds: the active players scaled up by one factor toward the target, each only as far as his bound
// (iterative proportional fitting); returns the shortfall left.
fn scale_to_bounds(lo: u32, hi: u32, target_minutes: f32, stage: u32, cap: f32, blowout: f32, stretch: f32, knee: f32, ceiling: f32) -> f32 {
  // Each player's bound once (a stage-0 bound is his upper quantile: a split normal and a tanh).
  for (var j = lo; j < hi; j = j + 1u) { ub[j] = bound_of(j, stage, cap, blowout, stretch, knee, ceiling); }
  for (var iter = 0u; iter < 20u; iter = iter + 1u) {
    var fixed = 0.0;
    var free = 0.0;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] != 1u) { continue; }
      let m = mm[j];
      if (m >= ub[j]) { fixed = fixed + m; } else { free = free + m; }
    }
    if (free <= 0.0 || fixed + free >= target_minutes) { break; }
    let scale = (target_minutes - fixed) / free;
    var changed = false;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] != 1u) { continue; }
      let m = mm[j];
      let bound = ub[j];
      if (m >= bound) { continue; }
      let next = m * scale;
      if (next >= bound) { changed = true; }
      mm[j] = min(bound, next);
    }
    if (!changed) { break; }
  }
  var sum = 0.0;
  for (var j = lo; j < hi; j = j + 1u) { if (af[j] == 1u) { sum = sum + mm[j]; } }
  return target_minutes - sum;
}

// The fill weight of the player at 0-based rank r (rankWeight): ranks 1..9, then the 10+ weight.
fn rank_weight(r: u32) -> f32 {
  let k = min(r, 9u);
  return params.rank_weights[k / 4u][k % 4u];
}

// fillByRank: `shortfall` shared among the active players below their bound by the weight of their minutes rank
// (j - lo); a player who reaches his bound stops there and the rest is shared again. Returns what is left.
fn fill_by_rank(lo: u32, hi: u32, shortfall_in: f32, stage: u32, cap: f32, blowout: f32, stretch: f32, knee: f32, ceiling: f32) -> f32 {
  var shortfall = shortfall_in;
  for (var iter = 0u; iter < 20u; iter = iter + 1u) {
    if (shortfall <= 0.0) { break; }
    var total = 0.0;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] == 1u && mm[j] < bound_of(j, stage, cap, blowout, stretch, knee, ceiling)) {
        total = total + rank_weight(j - lo);
      }
    }
    if (total <= 0.0) { break; }
    var used = 0.0;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] != 1u) { continue; }
      let m = mm[j];
      let bound = bound_of(j, stage, cap, blowout, stretch, knee, ceiling);
      if (m >= bound) { continue; }
      let next = min(bound, m + shortfall * rank_weight(j - lo) / total);
      used = used + (next - m);
      mm[j] = next;
    }
    shortfall = shortfall - used;
    if (used <= 0.0) { break; }
  }
  return shortfall;
}

// fillTeamMinutes (minutes.allocation 'room'): a surplus scales down by one factor; a shortfall scales the active
// players up within their upper quantiles, then the rotation extends (left-out players at their drawn minutes, up
// to rotation_max), then what is left is shared by minutes rank within the ceiling, then the cap.
fn fill(lo: u32, hi: u32, wg: u32, target_minutes: f32, cap: f32, blowout: f32, stretch: f32, knee: f32, ceiling: f32) {
  bring_in(lo, hi, target_minutes, cap);
  var sum = 0.0;
  for (var j = lo; j < hi; j = j + 1u) { if (af[j] == 1u) { sum = sum + mm[j]; } }
  if (sum > target_minutes) {
    let scale = target_minutes / sum;
    for (var j = lo; j < hi; j = j + 1u) {
      if (af[j] == 1u) { mm[j] = mm[j] * scale; }
    }
    return;
  }
  var shortfall = scale_to_bounds(lo, hi, target_minutes, 0u, cap, blowout, stretch, knee, ceiling);
  var n = 0u;
  for (var j = lo; j < hi; j = j + 1u) { n = n + select(0u, 1u, af[j] == 1u); }
  for (var j = lo; j < hi; j = j + 1u) {
    if (shortfall <= 1.0 || n >= params.rotation_max) { break; }
    if (af[j] == 1u) { continue; }
    let u = philox(vec4<u32>(wg, players[params.p_off + j].id, STREAM_MINUTES, 0u), params.key);
    let d = drawn_minutes(j, u, cap, blowout, true, knee, ceiling);
    if (d <= 0.0) { continue; }
    let m = min(d, shortfall);
    af[j] = 1u;
    mm[j] = m;
    shortfall = shortfall - m;
    n = n + 1u;
  }
  shortfall = fill_by_rank(lo, hi, shortfall, 1u, cap, blowout, stretch, knee, ceiling);
  shortfall = fill_by_rank(lo, hi, shortfall, 2u, cap, blowout, stretch, knee, ceiling);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Game-major: the worlds of game 0 of the dispatch, then of game 1, ...
  let idx = flat_index(gid, groups, WORKGROUP_SIZE);
  var g = 0u;
  if (!ONE_GAME) {
    g = idx / games[0].worlds;
    if (g >= games[0].n_games) {
      return;
    }
  }
  params = games[g];
  let w = idx - g * params.worlds;
  if (w >= params.worlds) {
    return;
  }
  let wb = params.g_index * params.worlds + w; // this world in the dispatch's [game][world] arrays
  let wg = params.world0 + w;
  let np = params.n_players;
  let base = params.p_off * params.worlds + w * np;
  var ot = 0u;
  if (params.overtime_enabled != 0u) {
    let u = philox(vec4<u32>(wg, params.game_key, STREAM_OVERTIME, 0u), params.key);
    if (u01(u.x) < params.ot_probability) {
      ot = 1u;
      if (u01(u.y) < params.ot_extra) {
        ot = 2u;
        if (u01(u.z) < params.ot_extra) {
          ot = 3u;
          if (u01(u.w) < params.ot_extra) { ot = 4u; }
        }
      }
    }
  }
  var margin = -params.spread_home;
  var blowout = 0.0;
  if (params.game_script_enabled != 0u) {
    let u = philox(vec4<u32>(wg, params.game_key, STREAM_MARGIN, 0u), params.key);
    margin = margin + params.margin_sd * box_muller(u.x, u.y);
    blowout = min(params.max_starter_drop, max(0.0, abs(margin) - params.blowout_threshold) * params.starter_drop);
  }
  let cap = player_cap(ot);
  let target_minutes = team_minutes(ot);
  let room = params.allocation_room != 0u;
  let knee = params.ceiling_knee + PLAYER_MINUTES_PER_OT * f32(ot);
  let ceiling = params.ceiling + PLAYER_MINUTES_PER_OT * f32(ot);
  let stretch = cap / PLAYER_MINUTES_CAP;
  for (var j = 0u; j < np; j = j + 1u) {
    let pl = players[params.p_off + j];
    let u = philox(vec4<u32>(wg, pl.id, STREAM_MINUTES, 0u), params.key);
    let is_active = params.play_prob_masking == 0u || u01(u.x) < pl.play_prob;
    var m = 0.0;
    if (is_active) { m = drawn_minutes(j, u, cap, blowout, room, knee, ceiling); }
    mm[j] = m;
    af[j] = select(0u, 1u, is_active && m > 0.0);
  }
  rotation_limit(0u, params.n_home);
  if (room) { fill(0u, params.n_home, wg, target_minutes, cap, blowout, stretch, knee, ceiling); }
  else { normalise(0u, params.n_home, target_minutes, cap); }
  rotation_limit(params.n_home, np);
  if (room) { fill(params.n_home, np, wg, target_minutes, cap, blowout, stretch, knee, ceiling); }
  else { normalise(params.n_home, np, target_minutes, cap); }

  var pace = 1.0;
  if (params.team_context_enabled != 0u) {
    let u = philox(vec4<u32>(wg, params.game_key, STREAM_PACE, 0u), params.key);
    pace = lognormal(params.pace_sd, box_muller(u.x, u.y));
  }
  var info: WorldInfo;
  info.ot = ot;
  info.pace = pace;
  info.margin = margin;
  for (var team = 0u; team < 2u; team = team + 1u) {
    let entity = params.team_ids[team];
    var offense = 1.0;
    var efficiency = 1.0;
    if (params.team_context_enabled != 0u) {
      let u = philox(vec4<u32>(wg, entity, STREAM_OFFENSE, 0u), params.key);
      offense = lognormal(params.offense_sd, box_muller(u.x, u.y));
      efficiency = lognormal(params.efficiency_sd, box_muller(u.z, u.w));
    }
    info.offense[team] = offense;
    info.efficiency[team] = efficiency;
    let lo = select(params.n_home, 0u, team == 0u);
    let hi = select(np, params.n_home, team == 0u);
    let u0 = philox(vec4<u32>(wg, entity, STREAM_TEAM_TOTALS, 0u), params.key);
    let u1 = philox(vec4<u32>(wg, entity, STREAM_TEAM_TOTALS, 1u), params.key);
    let zs = vec3<f32>(box_muller(u0.x, u0.y), box_muller(u0.z, u0.w), box_muller(u1.x, u1.y));
    for (var k = 0u; k < 3u; k = k + 1u) {
      var mean = 0.0;
      for (var j = lo; j < hi; j = j + 1u) { mean = mean + rates[3u * params.p_off + k * np + j] * mm[j]; }
      mean = mean * pace * select(offense * params.anchor[team], 1.0, k == 2u);
      // floor(x + 0.5) is Math.round (WGSL's round() rounds halves to even).
      let draw = max(0.0, floor(mean + sqrt(params.dispersion[k] * mean) * zs[k] + 0.5));
      totals[(wb * 2u + team) * 3u + k] = u32(draw);
      // More FGA than expected come with more misses (offensive rebounds): efficiency falls with the ratio.
      if (k == 0u && params.fga_efficiency_elasticity > 0.0 && mean > 0.0) {
        info.efficiency[team] = efficiency * pow(max(draw, 1.0) / mean, -params.fga_efficiency_elasticity);
      }
    }
  }
  world_info[wb] = info;
  for (var j = 0u; j < np; j = j + 1u) {
    minutes[base + j] = mm[j];
    active_flags[base + j] = af[j];
  }
}

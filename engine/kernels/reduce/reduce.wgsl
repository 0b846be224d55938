// Kernel 6, the reduction on the GPU: folds a chunk of worlds into per-player and per-team histograms and sums
// without copying the worlds back; the WGSL twin of reduceBatch in reduce.ts (requires the prelude).
// One invocation per (block of BLOCK worlds, player or team): it sums its block locally in u32, then adds the
// sums into 64-bit accumulators (two u32 words, carry by atomics) and the histogram bins by atomicAdd. Every
// quantity is an integer, so the result does not depend on the order of the additions, the block size or the
// chunk size: same seed, same bytes. Minutes are summed in fixed point (1/65536 minute).
//
// hist layout (u32): [player][DK_BINS] DK points in 0.25 steps from -10 | [player][MIN_BINS] minutes in 0.1
//   steps | [player][FGA_BINS] FGA | [team][target][TEAM_BINS] team totals.
// acc layout (u64 as lo, hi words): [player][PLAYER_FIELDS] | [team][TEAM_FIELDS] | overtime worlds.
//   player fields: NSTAT stat sums then ACC_* (sum of 4 dk - 4 DK_MIN, its square, minutes x MINUTES_FIXED,
//   active worlds, double-doubles, triple-doubles); team fields TEAM_ACC_* (points, points squared,
//   conservation violations, minutes violations). Every index and bin is declared in contract.ts.

override WORKGROUP_SIZE: u32 = 64u;
override BLOCK: u32 = 256u;
// A dispatch of one game: its record is games[0] for every invocation (no search, and a uniform load).
override ONE_GAME: bool = false;
const DK_OFFSET: i32 = -4 * DK_MIN;

// One record per game of the dispatch; each invocation copies its game's into `params`, and its offsets in the
// dispatch's arrays into pw (player-worlds) and wb0 (worlds).
@group(0) @binding(0) var<storage, read> games: array<ReduceParams>;
var<private> params: ReduceParams;
var<private> pw: u32;
var<private> wb0: u32;
@group(0) @binding(1) var<storage, read> minutes: array<f32>;
@group(0) @binding(2) var<storage, read> active_flags: array<u32>;
@group(0) @binding(3) var<storage, read> stats: array<u32>;
@group(0) @binding(4) var<storage, read> dk: array<f32>;
@group(0) @binding(5) var<storage, read> totals: array<u32>;
@group(0) @binding(6) var<storage, read> world_info: array<WorldInfo>;
@group(0) @binding(7) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(8) var<storage, read_write> acc: array<atomic<u32>>;

fn add64(field: u32, v: u32) {
  if (v == 0u) { return; }
  let old = atomicAdd(&acc[params.acc_off + 2u * field], v);
  if (old + v < old) { atomicAdd(&acc[params.acc_off + 2u * field + 1u], 1u); }
}

fn reduce_player(j: u32, w0: u32, w1: u32) {
  let np = params.n_players;
  var sums: array<u32, NSTAT>;
  var dk_sum = 0u;
  var dk_sq = 0u;
  var minutes_fixed = 0u;
  var active_worlds = 0u;
  var dd = 0u;
  var td = 0u;
  let dk_hist = params.hist_off + j * DK_BINS;
  let min_hist = params.hist_off + np * DK_BINS + j * MIN_BINS;
  let fga_hist = params.hist_off + np * (DK_BINS + MIN_BINS) + j * FGA_BINS;
  for (var w = w0; w < w1; w = w + 1u) {
    let x = pw + w * np + j;
    // DK points are multiples of 0.25 and exact in f32, so 4 x dk is an exact integer.
    let v = u32(max(i32(floor(dk[x] * 4.0 + 0.5)) + DK_OFFSET, 0));
    dk_sum = dk_sum + v;
    dk_sq = dk_sq + v * v;
    atomicAdd(&hist[dk_hist + min(DK_BINS - 1u, v)], 1u);
    let m = minutes[x];
    minutes_fixed = minutes_fixed + u32(floor(m * MINUTES_FIXED + 0.5));
    atomicAdd(&hist[min_hist + min(MIN_BINS - 1u, u32(floor(m / MIN_BIN)))], 1u);
    active_worlds = active_worlds + select(0u, 1u, active_flags[x] == 1u);
    let at = x * NSTAT;
    for (var k = 0u; k < NSTAT; k = k + 1u) { sums[k] = sums[k] + stats[at + k]; }
    atomicAdd(&hist[fga_hist + min(FGA_BINS - 1u, stats[at + STAT_FGA])], 1u);
    let line = DkLine(stats[at + STAT_PTS], stats[at + STAT_FG3M], stats[at + STAT_OREB] + stats[at + STAT_DREB], stats[at + STAT_AST], stats[at + STAT_STL], stats[at + STAT_BLK], stats[at + STAT_TOV]);
    let doubles = dk_doubles(line);
    dd = dd + select(0u, 1u, doubles >= 2u);
    td = td + select(0u, 1u, doubles >= 3u);
  }
  let f = j * PLAYER_FIELDS;
  for (var k = 0u; k < NSTAT; k = k + 1u) { add64(f + k, sums[k]); }
  add64(f + ACC_DK_SUM, dk_sum);
  add64(f + ACC_DK_SQ, dk_sq);
  add64(f + ACC_MINUTES, minutes_fixed);
  add64(f + ACC_ACTIVE, active_worlds);
  add64(f + ACC_DOUBLE, dd);
  add64(f + ACC_TRIPLE, td);
}

fn reduce_team(team: u32, w0: u32, w1: u32) {
  let np = params.n_players;
  let lo = select(params.n_home, 0u, team == 0u);
  let hi = select(np, params.n_home, team == 0u);
  let team_hist = params.hist_off + np * (DK_BINS + MIN_BINS + FGA_BINS) + team * NTARGET * TEAM_TOTAL_BINS;
  var pts_sum = 0u;
  var pts_sq = 0u;
  var conservation = 0u;
  var minutes_off = 0u;
  var overtime = 0u;
  for (var w = w0; w < w1; w = w + 1u) {
    var pts = 0u;
    var counts = vec3<u32>(0u);
    var minutes_total = 0.0;
    for (var j = lo; j < hi; j = j + 1u) {
      let at = (pw + w * np + j) * NSTAT;
      pts = pts + stats[at + STAT_PTS];
      counts = counts + vec3<u32>(stats[at + STAT_FGA], stats[at + STAT_FTA], stats[at + STAT_TOV]);
      minutes_total = minutes_total + minutes[pw + w * np + j];
    }
    pts_sum = pts_sum + pts;
    pts_sq = pts_sq + pts * pts;
    for (var k = 0u; k < NTARGET; k = k + 1u) {
      let total = totals[((wb0 + w) * 2u + team) * 3u + k];
      conservation = conservation + select(0u, 1u, counts[k] != total);
      atomicAdd(&hist[team_hist + k * TEAM_TOTAL_BINS + min(TEAM_TOTAL_BINS - 1u, total)], 1u);
    }
    let ot = world_info[wb0 + w].ot;
    // Minutes are f32 here: a team's sum of ~13 players is exact to about 2e-4 minutes (MINUTES_TOLERANCE).
    minutes_off = minutes_off + select(0u, 1u, abs(minutes_total - team_minutes(ot)) > MINUTES_TOLERANCE);
    overtime = overtime + select(0u, 1u, ot > 0u);
  }
  let f = np * PLAYER_FIELDS + team * TEAM_FIELDS;
  add64(f + TEAM_ACC_PTS, pts_sum);
  add64(f + TEAM_ACC_PTS_SQ, pts_sq);
  add64(f + TEAM_ACC_CONSERVATION, conservation);
  add64(f + TEAM_ACC_MINUTES_OFF, minutes_off);
  if (team == 0u) { add64(np * PLAYER_FIELDS + 2u * TEAM_FIELDS, overtime); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Game g's invocations start at blocks x (p_off + 2 g): each game before it had blocks x (its players + 2 teams).
  let idx = flat_index(gid, groups, WORKGROUP_SIZE);
  var g = 0u;
  if (!ONE_GAME) {
    let at = idx / games[0].blocks;
    loop {
      if (g + 1u >= games[0].n_games || games[g + 1u].p_off + 2u * (g + 1u) > at) { break; }
      g = g + 1u;
    }
  }
  params = games[g];
  pw = params.p_off * params.worlds;
  wb0 = params.g_index * params.worlds;
  let per_block = params.n_players + 2u;
  let local = idx - params.blocks * (params.p_off + 2u * params.g_index);
  if (local >= params.blocks * per_block) {
    return;
  }
  let block = local / per_block;
  let r = local % per_block;
  let w0 = block * BLOCK;
  let w1 = min(params.worlds, w0 + BLOCK);
  if (r < params.n_players) {
    reduce_player(r, w0, w1);
  } else {
    reduce_team(r - params.n_players, w0, w1);
  }
}

// Lineups scored in every world of a block, the WGSL twin of lineups.ts (layouts are stated there).
// `score`: one invocation per world, over a group of lineups: each lineup's score in integer units from every
// game's DraftKings points of that world, its histogram bin by atomicAdd, the world's best key by atomicMax, and
// the score itself when the caller wants the matrix (indexed by the lineup's place in the whole table, not in
// its group). `fold_best`: one invocation per world: the best key into the best-of-set histogram and the
// winning lineup's count, then the key cleared for the next block. All integers: the result
// does not depend on the order of the atomics.

override WORKGROUP_SIZE: u32 = 64u;
const LINEUP_BINS: u32 = 4096u;
const MAX_LINEUPS: u32 = 0xfffffu;

struct LineupParams {
  worlds: u32,
  n_lineups: u32,
  lineup0: u32,
  n_slots: u32,
  lo: i32,
  want_scores: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: LineupParams;
@group(0) @binding(1) var<storage, read> dk: array<f32>;
@group(0) @binding(2) var<storage, read> slots: array<vec4<i32>>;
@group(0) @binding(3) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> best: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> clamped: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read_write> scores: array<i32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn score(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let w = gid.y * groups.x * WORKGROUP_SIZE + gid.x;
  let n = params.worlds;
  if (w >= n) { return; }
  // One invocation per world walks the group's lineups: the world's best key stays in a register and meets the
  // other groups' by one atomicMax, and neighbouring invocations (neighbouring worlds) add into the same
  // lineup's histogram row at the same time.
  var best_key: u32 = 0u;
  var clamped_here: u32 = 0u;
  for (var l = 0u; l < params.n_lineups; l++) {
    var total: i32 = 0;
    for (var k = 0u; k < params.n_slots; k++) {
      let s = slots[l * params.n_slots + k];
      if (s.w == 0) { continue; }
      let at = n * u32(s.x) + w * u32(s.y) + u32(s.z);
      total += s.w * i32(round(dk[at] * 4.0));
    }
    var bin = total - params.lo;
    if (bin < 0 || bin >= i32(LINEUP_BINS)) {
      clamped_here++;
      bin = clamp(bin, 0, i32(LINEUP_BINS) - 1);
    }
    atomicAdd(&hist[l * LINEUP_BINS + u32(bin)], 1u);
    best_key = max(best_key, (u32(bin) << 20u) | (MAX_LINEUPS - (params.lineup0 + l)));
    if (params.want_scores != 0u) { scores[(params.lineup0 + l) * n + w] = total; }
  }
  if (clamped_here > 0u) { atomicAdd(&clamped[0], clamped_here); }
  atomicMax(&best[w], best_key);
}

@group(0) @binding(7) var<storage, read_write> best_hist: array<atomic<u32>>;
@group(0) @binding(8) var<storage, read_write> best_count: array<atomic<u32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn fold_best(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let w = gid.y * groups.x * WORKGROUP_SIZE + gid.x;
  if (w >= params.worlds) { return; }
  let key = atomicExchange(&best[w], 0u);
  atomicAdd(&best_hist[key >> 20u], 1u);
  atomicAdd(&best_count[MAX_LINEUPS - (key & MAX_LINEUPS)], 1u);
}

// Kernels 4 and 5 of the engine on the GPU: the stat line and DraftKings scoring, one invocation per
// player-world; the WGSL twin of statLineKernel and scoringKernel (requires the prelude, rng.wgsl and
// samplers.wgsl). Layouts in engine/kernels/batch.ts; rates [stat][player] for COUNT_STATS (contract.ts). DK
// points come from the prelude's dk_points, generated from the one DraftKings table.
// A second entry point, pilot_points, gives the Vegas-anchoring pilot its expected points per team-world.

override WORKGROUP_SIZE: u32 = 64u;
// A dispatch of one game: its record is games[0] for every invocation (no search, and a uniform load).
override ONE_GAME: bool = false;

// One record per game of the dispatch; each invocation copies its game's into `params`.
@group(0) @binding(0) var<storage, read> games: array<StatlineParams>;
var<private> params: StatlineParams;
@group(0) @binding(1) var<storage, read> players: array<StatlinePlayer>;
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
  // x is the player-world in the dispatch's arrays (game after game, [world][player] within each): game g's start
  // at worlds x p_off, so x / worlds falls among game g's players; the game is found by its first player.
  let x = flat_index(gid, groups, WORKGROUP_SIZE);
  var g = 0u;
  if (!ONE_GAME) {
    let at_player = x / games[0].worlds;
    loop {
      if (g + 1u >= games[0].n_games || games[g + 1u].p_off > at_player) { break; }
      g = g + 1u;
    }
  }
  params = games[g];
  let np = params.n_players;
  let local = x - params.p_off * params.worlds;
  if (local >= params.worlds * np) {
    return;
  }
  let w = local / np;
  let j = local % np;
  let wg = params.world0 + w;
  let pl = players[params.p_off + j];
  let team = select(1u, 0u, j < params.n_home);
  let fga = counts[x * 3u];
  let fta = counts[x * 3u + 1u];
  let tov = counts[x * 3u + 2u];
  let info = world_info[params.g_index * params.worlds + w];
  let eff = info.efficiency[team];
  let u = philox(vec4<u32>(wg, pl.id, STREAM_STAT_LINE, 0u), params.key);
  let fg3a = binomial(fga, pl.fg3_share, u01(u.x));
  let fg3m = binomial(fg3a, min(SHOT_PCT_CAP, pl.fg3_pct * eff), u01(u.y));
  let fg2m = binomial(fga - fg3a, min(SHOT_PCT_CAP, pl.fg2_pct * eff), u01(u.z));
  let ftm = binomial(fta, pl.ft_pct, u01(u.w));
  let pts = 2u * fg2m + 3u * fg3m + ftm;
  let at = x * NSTAT;
  stats[at + STAT_FGA] = fga;
  stats[at + STAT_FG3A] = fg3a;
  stats[at + STAT_FTA] = fta;
  stats[at + STAT_TOV] = tov;
  stats[at + STAT_FGM] = fg2m + fg3m;
  stats[at + STAT_FG3M] = fg3m;
  stats[at + STAT_FTM] = ftm;
  stats[at + STAT_PTS] = pts;
  let m = minutes[x];
  let is_active = active_flags[x] == 1u;
  // A player who does not play has every count 0 (each mean is 0): his two blocks and five walks are skipped.
  var c0 = 0u;
  var c1 = 0u;
  var c2 = 0u;
  var c3 = 0u;
  var c4 = 0u;
  if (is_active) {
    let v = philox(vec4<u32>(wg, pl.id, STREAM_COUNTS, 0u), params.key);
    let v2 = philox(vec4<u32>(wg, pl.id, STREAM_COUNTS, 1u), params.key);
    c0 = negative_binomial(rates[5u * params.p_off + j] * m * info.pace, dispersion(0u), u01(v.x));
    c1 = negative_binomial(rates[5u * params.p_off + np + j] * m * info.pace, dispersion(1u), u01(v.y));
    c2 = negative_binomial(rates[5u * params.p_off + 2u * np + j] * m * info.pace, dispersion(2u), u01(v.z));
    c3 = negative_binomial(rates[5u * params.p_off + 3u * np + j] * m * info.pace, dispersion(3u), u01(v.w));
    c4 = negative_binomial(rates[5u * params.p_off + 4u * np + j] * m * info.pace, dispersion(4u), u01(v2.x));
  }
  stats[at + STAT_OREB] = c0;
  stats[at + STAT_OREB + 1u] = c1;
  stats[at + STAT_OREB + 2u] = c2;
  stats[at + STAT_OREB + 3u] = c3;
  stats[at + STAT_OREB + 4u] = c4;
  dk[x] = dk_points(DkLine(pts, fg3m, c0 + c1, c2, c3, c4, tov), params.triple_also_double == 1u);
}

// The pilot's points per team-world expected from its attempts (not drawn makes), as anchorScales on the CPU:
// sum over the team of FGA x (3PA share x 3 x 3P% + (1 - share) x 2 x 2P%) x efficiency + FTA x FT%.
@compute @workgroup_size(WORKGROUP_SIZE)
fn pilot_points(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // idx is the team-world in the dispatch's [game][world][team] output.
  let idx = flat_index(gid, groups, WORKGROUP_SIZE);
  var g = 0u;
  if (!ONE_GAME) {
    g = idx / (2u * games[0].worlds);
    if (g >= games[0].n_games) {
      return;
    }
  }
  params = games[g];
  let local = idx - g * 2u * params.worlds;
  if (local >= 2u * params.worlds) {
    return;
  }
  let w = local / 2u;
  let team = local % 2u;
  let np = params.n_players;
  let pw = params.p_off * params.worlds;
  let lo = select(params.n_home, 0u, team == 0u);
  let hi = select(np, params.n_home, team == 0u);
  let eff = world_info[params.g_index * params.worlds + w].efficiency[team];
  var points = 0.0;
  for (var j = lo; j < hi; j = j + 1u) {
    let pl = players[params.p_off + j];
    let per_fga = pl.fg3_share * 3.0 * min(SHOT_PCT_CAP, pl.fg3_pct * eff) + (1.0 - pl.fg3_share) * 2.0 * min(SHOT_PCT_CAP, pl.fg2_pct * eff);
    points = points + f32(counts[(pw + w * np + j) * 3u]) * per_fga + f32(counts[(pw + w * np + j) * 3u + 1u]) * pl.ft_pct;
  }
  pilot_points_out[idx] = points;
}

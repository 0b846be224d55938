// What the world-generation kernels share (concatenated in front of them after rng.wgsl): the per-world record
// written by the minutes/totals kernel and read by the later ones, and the stat-line layout.
// Layouts, for one game's chunk of W worlds and P players (home team first):
//   minutes, active_flags, dk: [world][player]; counts: [world][player][target fga, fta, tov];
//   stats: [world][player][NSTAT]; totals: [world][team][target]; world_info: [world].

const NSTAT: u32 = 13u; // fga, fg3a, fta, tov, fgm, fg3m, ftm, pts, oreb, dreb, ast, stl, blk
const STAT_PTS: u32 = 7u;

struct WorldInfo {
  ot: u32,
  pace: f32,
  margin: f32,
  _pad: f32,
  offense: vec2<f32>, // home, away
  efficiency: vec2<f32>,
};

// A flat invocation index from a 2-D grid: dispatches past the per-dimension limit use y.
fn flat_index(gid: vec3<u32>, groups: vec3<u32>, workgroup_size: u32) -> u32 {
  return gid.x + gid.y * groups.x * workgroup_size;
}

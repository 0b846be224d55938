// The measured shape of where a sitting regular starter's minutes go, by the minutes rank of the teammates who
// play (shared by the minutes model's team fill and the engine's per-world allocation).

/**
 * Minutes gained per teammate by minutes rank (1..9, 10+) on the first night a regular starter sits, against
 * nights with nobody out: `slatesim diagnostics minutes-vacancy` on the regular seasons 2018-2024 (2,150 such
 * team-games; README "Where minutes go when players sit"), so 2025 stays a season the weights never saw. With
 * 2025 added they move by at most 0.12.
 */
export const FILL_RANK_WEIGHTS = [0.39, 0.66, 1.06, 1.54, 2.1, 2.56, 2.59, 2.89, 2.84, 2.35] as const;

/** The fill weight of the player at 0-based minutes rank r: ranks 1..9, then the 10+ weight (the last). */
export function rankWeight(weights: readonly number[], r: number): number {
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- r >= 0 and min() keeps it inside weights; a hot path of the CPU kernels
  return weights[Math.min(r, weights.length - 1)]!;
}

// Lineups scored in every world, the CPU twin of lineups.wgsl: a slate-level stage that runs once per block of
// worlds after every game of the slate has made those worlds (the engine's loop is world-block-major when
// lineups are given), so all games' DraftKings points of the same worlds meet in one buffer.
//
// Every DraftKings score is a multiple of 0.25 and a showdown captain's is 1.5x, a multiple of 0.125: a lineup's
// score is an exact integer in score units (quarters for classic, eighths for showdown), so its histogram
// with one bin per unit is exact, ties are exact, and sums do not depend on the order of additions.
//
// Layouts, stated once:
//   block dk (f32):  the block's n worlds of every game: game g's region starts at n * p0(g) and is [world][j]
//                    (index n * p0 + w * nP + j), i.e. each game's batch dk copied whole, games in slate order;
//   slots (i32x4):   [lineup][slot] = (p0 of the player's game, nP of that game, j within the game, weight);
//                    weight = score units per quarter point (classic 1; showdown captain 3, utility 2);
//                    weight 0: a player without worlds (ruled out): he scores 0;
//   hist (u32):      [lineup][LINEUP_BINS], bin = clamp(score - lo, 0, LINEUP_BINS - 1);
//   best key (u32):  per world, max over lineups of (bin << 20) | (0xFFFFF - lineup): the best score, and the
//                    lowest lineup index among ties;  bestHist [LINEUP_BINS], bestCount [lineup].

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: slots
   has nLineups * nSlots * 4 entries, the block dk n * nPlayers, hist nLineups * LINEUP_BINS and best n. */

export const LINEUP_BINS = 4096;
/** Lineup indices in the best-of-set key take 20 bits. */
export const MAX_LINEUPS = 0xfffff;
/** The histogram starts 25 points below zero (a lineup of ruled-out or negative players). */
export const LINEUP_LO_POINTS = -25;

export interface LineupTable {
  nLineups: number;
  nSlots: number;
  /** [lineup][slot] (p0, nP, j, weight), see the layout above */
  slots: Int32Array;
  /** score units per DraftKings point: 4 (classic) or 8 (showdown) */
  unitsPerPoint: number;
}

/** Score units of bin 0. */
export const lineupLo = (t: LineupTable): number => LINEUP_LO_POINTS * t.unitsPerPoint;

export interface LineupAccumulator {
  worlds: number;
  /** [lineup][LINEUP_BINS] */
  hist: Uint32Array;
  /** [LINEUP_BINS]: the best lineup's score per world */
  bestHist: Uint32Array;
  /** [lineup]: worlds where the lineup is the set's best (lowest index on ties) */
  bestCount: Uint32Array;
  /** lineup-worlds whose score fell outside the histogram (clamped into its end bins) */
  clamped: number;
}

export function newLineupAccumulator(t: LineupTable): LineupAccumulator {
  return {
    worlds: 0,
    hist: new Uint32Array(t.nLineups * LINEUP_BINS),
    bestHist: new Uint32Array(LINEUP_BINS),
    bestCount: new Uint32Array(t.nLineups),
    clamped: 0,
  };
}

/** Scores of every lineup in each of the block's n worlds: out [lineup][world] in score units. */
export function scoreLineups(t: LineupTable, dk: Float32Array, n: number, out: Int32Array): void {
  const { slots, nSlots } = t;
  for (let l = 0; l < t.nLineups; l++) {
    const row = l * nSlots * 4;
    for (let w = 0; w < n; w++) {
      let score = 0;
      for (let k = 0; k < nSlots; k++) {
        const at = row + 4 * k;
        const weight = slots[at + 3]!;
        if (weight === 0) continue;
        score += weight * Math.round(dk[n * slots[at]! + w * slots[at + 1]! + slots[at + 2]!]! * 4);
      }
      out[l * n + w] = score;
    }
  }
}

/** Folds a block's scores into the accumulator: histograms, the best lineup per world. */
export function reduceLineups(acc: LineupAccumulator, t: LineupTable, scores: Int32Array, n: number): void {
  const lo = lineupLo(t);
  const best = new Uint32Array(n);
  for (let l = 0; l < t.nLineups; l++) {
    const base = l * LINEUP_BINS;
    for (let w = 0; w < n; w++) {
      let bin = scores[l * n + w]! - lo;
      if (bin < 0 || bin >= LINEUP_BINS) {
        acc.clamped++;
        bin = Math.min(LINEUP_BINS - 1, Math.max(0, bin));
      }
      acc.hist[base + bin]!++;
      const key = ((bin << 20) | (MAX_LINEUPS - l)) >>> 0;
      if (key > best[w]!) best[w] = key;
    }
  }
  if (t.nLineups > 0)
    for (let w = 0; w < n; w++) {
      const key = best[w]!;
      acc.bestHist[key >>> 20]!++;
      acc.bestCount[MAX_LINEUPS - (key & MAX_LINEUPS)]!++;
    }
  acc.worlds += n;
}

/** Adds b into a (partial accumulators of disjoint worlds merge exactly). */
export function mergeLineupAccumulators(a: LineupAccumulator, b: LineupAccumulator): void {
  for (let i = 0; i < a.hist.length; i++) a.hist[i]! += b.hist[i]!;
  for (let i = 0; i < a.bestHist.length; i++) a.bestHist[i]! += b.bestHist[i]!;
  for (let i = 0; i < a.bestCount.length; i++) a.bestCount[i]! += b.bestCount[i]!;
  a.clamped += b.clamped;
  a.worlds += b.worlds;
}

/**
 * What the engine needs to score lineups while it makes worlds: the table, and optionally a consumer of each
 * block's score matrix (contest simulation, the sim-aware builder), called in world order.
 */
export interface LineupRequest {
  table: LineupTable;
  onScores?: (scores: Int32Array, world0: number, n: number) => void;
}

/** One lineup slot: the slate player index (-1: a player without worlds) and the slot's weight (see above). */
export interface LineupSlot {
  player: number;
  weight: number;
}

/** The kernel's table for lineups over a slate whose games start at `playerStart[2g]` (home team first). */
export function lineupTable(
  slate: { nGames: number; playerStart: Int32Array | readonly number[]; playerEnd: Int32Array | readonly number[] },
  lineups: readonly (readonly LineupSlot[])[],
  unitsPerPoint: number,
): LineupTable {
  const nSlots = lineups[0]?.length ?? 0;
  if (lineups.length > MAX_LINEUPS) throw new RangeError(`${lineups.length} lineups, at most ${MAX_LINEUPS} can be scored at once`);
  const gameOf = (p: number): number => {
    for (let g = 0; g < slate.nGames; g++) if (p >= slate.playerStart[2 * g]! && p < slate.playerEnd[2 * g + 1]!) return g;
    throw new RangeError(`slate player ${p} is in no game`);
  };
  const slots = new Int32Array(lineups.length * nSlots * 4);
  lineups.forEach((lineup, l) => {
    if (lineup.length !== nSlots) throw new RangeError(`lineup ${l} has ${lineup.length} slots, the first has ${nSlots}`);
    lineup.forEach((slot, k) => {
      if (slot.player < 0) return; // weight 0: no worlds, no points
      const g = gameOf(slot.player);
      const p0 = slate.playerStart[2 * g]!;
      const at = (l * nSlots + k) * 4;
      slots[at] = p0;
      slots[at + 1] = slate.playerEnd[2 * g + 1]! - p0;
      slots[at + 2] = slot.player - p0;
      slots[at + 3] = slot.weight;
    });
  });
  return { nLineups: lineups.length, nSlots, slots, unitsPerPoint };
}

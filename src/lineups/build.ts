// Building lineups from the worlds. One engine pass keeps every simulated player's DraftKings points per world
// (the engine scores one-player "lineups", so the GPU does it and nothing else is saved: players x worlds
// integers); from that matrix come each objective's values, the sim-aware candidate pool (the optimal lineup
// in each of K worlds, solved by the MIP), the candidates' scores in every world, the greedy choice of the set
// that maximises the expected best-of-set score, and the chosen set's exact statistics.
import { newLineupAccumulator, reduceLineups, type LineupAccumulator, type LineupRequest } from '../../engine/kernels/lineups/lineups.ts';
import type { Slate } from '../../engine/slate.ts';
import { at } from '../data/checked.ts';
import { buildLineups, candidatePool, greedySelect, solveLineup, type Constraints } from './optimize.ts';
import type { Lineup } from './read.ts';
import { slotWeight, type LineupPool } from './report.ts';
import { CAPTAIN_MULTIPLIER } from './rules.ts';

/** Every simulated player's points per world, in quarter points: [slatePlayer][world]. */
export interface PlayerWorlds {
  nPlayers: number;
  worlds: number;
  quarters: Int32Array;
}

/** The engine request that fills a PlayerWorlds: one single-player lineup per slate player, scores kept. */
export function playerWorldsRequest(slate: Slate, worlds: number): { request: LineupRequest; result: PlayerWorlds } {
  const n = slate.nPlayers;
  const result: PlayerWorlds = { nPlayers: n, worlds, quarters: new Int32Array(n * worlds) };
  const slots = new Int32Array(n * 4);
  for (let g = 0; g < slate.nGames; g++) {
    const p0 = at(slate.playerStart, 2 * g);
    const nP = at(slate.playerEnd, 2 * g + 1) - p0;
    for (let j = 0; j < nP; j++) slots.set([p0, nP, j, 1], (p0 + j) * 4);
  }
  const request: LineupRequest = {
    table: { nLineups: n, nSlots: 1, slots, unitsPerPoint: 4 },
    onScores: (scores, w0, m) => {
      for (let p = 0; p < n; p++) result.quarters.set(scores.subarray(p * m, (p + 1) * m), p * worlds + w0);
    },
  };
  return { request, result };
}

/** Scores of lineups (pool rows in slot order) in every world, in the pool's score units: [lineup][world]. */
export function scoreMatrix(pool: LineupPool, lineups: readonly (readonly number[])[], pw: PlayerWorlds): Int32Array {
  const W = pw.worlds;
  const out = new Int32Array(lineups.length * W);
  lineups.forEach((l, i) => {
    const row = out.subarray(i * W, (i + 1) * W);
    l.forEach((p, k) => {
      const sp = at(pool.slatePlayer, p);
      if (sp < 0) return;
      const weight = slotWeight(pool.rules, k);
      const q = pw.quarters.subarray(sp * W, (sp + 1) * W);
      for (let w = 0; w < W; w++) row[w] = at(row, w) + weight * at(q, w);
    });
  });
  return out;
}

/** The exact accumulator of a score matrix (the engine's reduction, over all worlds at once). */
export function accumulate(scores: Int32Array, nLineups: number, worlds: number, unitsPerPoint: number): LineupAccumulator {
  const table = { nLineups, nSlots: 0, slots: new Int32Array(0), unitsPerPoint };
  const acc = newLineupAccumulator(table);
  reduceLineups(acc, table, scores, worlds);
  return acc;
}

/** A pool row's points in one world (the captain's 1.5x on CPT rows; 0 without worlds). */
function rowValues(pool: LineupPool, pw: PlayerWorlds, of: (slatePlayer: number) => number): Float64Array {
  return Float64Array.from(pool.players, (p, i) => {
    const sp = at(pool.slatePlayer, i);
    if (sp < 0) return 0;
    return of(sp) * (p.rosterPositions.includes('CPT') ? CAPTAIN_MULTIPLIER : 1);
  });
}

/** Each player's mean points, or his q-quantile (the smallest observed score with P(score <= s) >= q). */
export function playerValues(
  pool: LineupPool,
  pw: PlayerWorlds,
  objective: { kind: 'mean' } | { kind: 'quantile'; q: number },
): Float64Array {
  const W = pw.worlds;
  const stat = new Float64Array(pw.nPlayers);
  for (let p = 0; p < pw.nPlayers; p++) {
    const q = pw.quarters.subarray(p * W, (p + 1) * W);
    if (objective.kind === 'mean') {
      let s = 0;
      for (const v of q) s += v;
      stat[p] = s / W / 4;
    } else {
      const sorted = Int32Array.from(q).sort();
      stat[p] = at(sorted, Math.max(0, Math.ceil(objective.q * W) - 1)) / 4;
    }
  }
  return rowValues(pool, pw, (sp) => at(stat, sp));
}

export type Objective = { kind: 'mean' } | { kind: 'quantile'; q: number } | { kind: 'sim'; candidates: number };

export interface BuiltSet {
  lineups: Lineup[];
  /** sim objective: distinct candidates found, and how often each chosen lineup was optimal in the K worlds */
  candidates?: { worlds: number; distinct: number; optimalCount: number[]; chosen_greedily: number };
  /** fewer lineups than asked, and why */
  warning?: string;
}

/** N lineups by the objective, under the constraints, from the worlds in `pw`. */
export async function buildSet(
  pool: LineupPool,
  pw: PlayerWorlds,
  objective: Objective,
  c: Constraints,
  /** with a contest: the set is chosen for the expected payout of its best lineup per world, not its score */
  payout?: (world: number, score: number) => number,
): Promise<BuiltSet> {
  if (objective.kind !== 'sim') {
    const built = await buildLineups(pool.players, pool.rules, playerValues(pool, pw, objective), c);
    return { lineups: built.map((b) => ({ players: b.players, line: 0 })) };
  }
  const k = Math.min(objective.candidates, pw.worlds);
  const found = await candidatePool(
    pool.players,
    pool.rules,
    (w) => rowValues(pool, pw, (sp) => at(pw.quarters, sp * pw.worlds + w) / 4),
    k,
    c,
  );
  // The mean-built set joins the candidates, so a set of N always exists under the exposure and uniqueness limits.
  const byMean = await buildLineups(pool.players, pool.rules, playerValues(pool, pw, { kind: 'mean' }), c);
  const candidates = [...found.map((f) => f.lineup)];
  const seen = new Set(candidates.map((l) => l.join(',')));
  for (const b of byMean) if (!seen.has(b.players.join(','))) candidates.push(b.players);
  const scores = scoreMatrix(pool, candidates, pw);
  const picks = greedySelect(scores, candidates.length, pw.worlds, c.n, candidates, pool.players, c, payout);
  const count = new Map(found.map((f) => [f.lineup.join(','), f.count]));
  const chosen = picks.map((i) => at(candidates, i));
  // Greedy picks can corner the exposure limits before n; the rest are the best by mean that still fit them.
  const filled = chosen.length;
  const mean = playerValues(pool, pw, { kind: 'mean' });
  while (chosen.length < c.n) {
    const next = await solveLineup(pool.players, pool.rules, mean, c, chosen);
    if (next === null) break;
    chosen.push(next.players);
  }
  return {
    lineups: chosen.map((players) => ({ players, line: 0 })),
    candidates: {
      worlds: k,
      distinct: found.length,
      optimalCount: chosen.map((l) => count.get(l.join(',')) ?? 0),
      chosen_greedily: filled,
    },
    ...(chosen.length < c.n
      ? { warning: `only ${chosen.length} of ${c.n} lineups fit the exposure and uniqueness limits` }
      : filled < c.n
        ? { warning: `${c.n - filled} of ${c.n} lineups were added by mean after the greedy choice met the exposure limits` }
        : {}),
  };
}

// Kernels 1 and 2 on the CPU, the twins of minutes_totals.wgsl: minutes per player-world, then pace, offense,
// efficiency and the integer team totals of FGA, FTA and TOV per team-world.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: gameKey
   has one entry per game, the batch's arrays are [world][player] (worlds * nP) or [world][team] (worlds * 2), the
   slate's per-player arrays are indexed by p0 + j with j < nP, and u holds the fixed number of random words each draw
   consumes. */

import { splitNormal } from '../samplers/samplers.ts';
import { CounterRng, boxMuller, u01 } from '../rng/rng.ts';
import type { Profile } from '../../profile.ts';
import { TARGETS } from '../../profile.ts';
import type { Slate } from '../../slate.ts';
import { MINUTES, STREAM, playerCap, teamMinutes } from '../contract.ts';
import { lognormal, rateOf, type GameBatch } from '../batch.ts';
import { rankWeight } from '../../../src/features/rank-weights.ts';

/**
 * Kernel 1, minutes: overtime and game script per game-world; per player active ~ Bernoulli(play_prob) and
 * minutes from the split normal through p10/p50/p90; blowouts cut starters; the rotation limit; then each
 * team's minutes scaled to teamMinutes(ot) with no player above playerCap(ot) or below 0 (contract.ts).
 */
export function minutesKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number): void {
  const { nP, p0, nHome } = b;
  const gameKey = s.gameKey[b.g]!;
  const order = new Int32Array(nP);
  const upper = new Float64Array(nP);
  const drawn = new Float64Array(nP);
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    let ot = 0;
    if (prof.overtime.enabled) {
      const u = rng.block(wg, gameKey, STREAM.overtime, 0);
      if (u01(u[0]!) < prof.overtime.probability) {
        ot = 1;
        for (let k = 1; k < 4 && u01(u[k]!) < prof.overtime.extra_probability; k++) ot++;
      }
    }
    b.ot[w] = ot;
    let margin = -s.spreadHome[b.g]!;
    if (prof.game_script.enabled) {
      const u = rng.block(wg, gameKey, STREAM.margin, 0);
      margin += prof.game_script.margin_sd * boxMuller(u[0]!, u[1]!);
    }
    b.margin[w] = margin;
    const blowout = prof.game_script.enabled
      ? Math.min(
          prof.game_script.max_starter_drop,
          Math.max(0, Math.abs(margin) - prof.game_script.blowout_threshold) * prof.game_script.starter_drop_per_point,
        )
      : 0;
    const cap = playerCap(ot);
    const target = teamMinutes(ot);
    const room = prof.minutes.allocation === 'room';
    const knee = prof.minutes.ceiling_knee + MINUTES.playerPerOt * ot;
    const ceiling = prof.minutes.ceiling + MINUTES.playerPerOt * ot;
    // a player's own upper quantile stretches with the game: 53/48 of it in one overtime
    const otStretch = cap / MINUTES.player;
    for (let j = 0; j < nP; j++) {
      const i = p0 + j;
      const u = rng.block(wg, s.playerId[i]!, STREAM.minutes, 0);
      const isActive = !prof.minutes.use_play_prob_masking || u01(u[0]!) < s.playProb[i]!;
      let m = 0;
      // his minutes if he plays; under the room allocation drawn for every player (one left out by his play
      // probability may be called on to fill a short team's minutes) beside his own upper quantile, cut like his
      // draw (every player: one brought in to fill a thin roster too)
      if (isActive || room) {
        const z = boxMuller(u[1]!, u[2]!) * prof.minutes.spread_scale;
        let d = Math.min(cap, Math.max(0, splitNormal(s.p10[i]!, s.p50[i]!, s.p90[i]!, z)));
        if (s.isStarter[i] === 1) d *= 1 - blowout;
        if (isActive) m = room ? softCeiling(d, knee, ceiling) : d;
        if (room) {
          drawn[j] = softCeiling(d, knee, ceiling);
          let up =
            Math.max(0, splitNormal(s.p10[i]!, s.p50[i]!, s.p90[i]!, prof.minutes.fill_upper_z * prof.minutes.spread_scale)) * otStretch;
          if (s.isStarter[i] === 1) up *= 1 - blowout;
          upper[j] = softCeiling(up, knee, ceiling);
        }
      }
      b.minutes[w * nP + j] = m;
      b.active[w * nP + j] = isActive && m > 0 ? 1 : 0;
    }
    for (let team = 0; team < 2; team++) {
      const lo = team === 0 ? 0 : nHome;
      const hi = team === 0 ? nHome : nP;
      rotationLimit(b, w, lo, hi, prof.rotation.max_size, prof.rotation.protected_size, order);
      if (room)
        fillTeamMinutes(s, b, w, lo, hi, target, cap, ceiling, upper, drawn, prof.rotation.max_size, prof.minutes.fill_rank_weights);
      else normaliseTeamMinutes(s, b, w, lo, hi, target, cap);
    }
  }
}

/**
 * Scales the team's active players up by one factor toward `target`, each only as far as bound(j) (iterative
 * proportional fitting: players who reach their bound stay there and the others absorb the rest; a player already
 * at or above his bound keeps his minutes). Returns the shortfall left when every player is at his bound.
 */
function scaleToBounds(b: GameBatch, base: number, lo: number, hi: number, target: number, bound: (j: number) => number): number {
  for (let iter = 0; iter < 20; iter++) {
    let fixed = 0;
    let free = 0;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j]!;
      if (m >= bound(j)) fixed += m;
      else free += m;
    }
    if (free <= 0 || fixed + free >= target) break;
    const scale = (target - fixed) / free;
    let changed = false;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j]!;
      const cap = bound(j);
      if (m >= cap) continue;
      const next = m * scale;
      if (next >= cap) changed = true;
      b.minutes[base + j] = Math.min(cap, next);
    }
    if (!changed) break;
  }
  let sum = 0;
  for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) sum += b.minutes[base + j]!;
  return target - sum;
}

/**
 * Shares `short` minutes among the team's active players below their bound, each by the weight of his minutes rank
 * (rank(j), projection order among the team's available players); a player who reaches his bound stops there and
 * the rest is shared again among the others. Returns the shortfall left when everyone is at his bound.
 */
function fillByRank(
  b: GameBatch,
  base: number,
  lo: number,
  hi: number,
  short: number,
  weights: readonly number[],
  bound: (j: number) => number,
): number {
  for (let iter = 0; iter < 20 && short > 0; iter++) {
    let total = 0;
    for (let j = lo; j < hi; j++) if (b.active[base + j] === 1 && b.minutes[base + j]! < bound(j)) total += rankWeight(weights, j - lo);
    if (total <= 0) break;
    let used = 0;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j]!;
      const cap = bound(j);
      if (m >= cap) continue;
      const next = Math.min(cap, m + (short * rankWeight(weights, j - lo)) / total);
      used += next - m;
      b.minutes[base + j] = next;
    }
    short -= used;
    if (used <= 0) break;
  }
  return short;
}

/**
 * The realistic ceiling: minutes up to `knee` pass unchanged; above it they approach `ceiling` and never reach
 * it, knee + (ceiling - knee) tanh((m - knee) / (ceiling - knee)). Coaches rest their stars: in regulation a
 * player drawn for 44 plays about 43.5 and one drawn for 48 about 45 (with the default knee 40, ceiling 46).
 * A ceiling at or below the knee clamps at the knee.
 */
export function softCeiling(m: number, knee: number, ceiling: number): number {
  if (m <= knee) return m;
  const span = ceiling - knee;
  return span > 0 ? knee + span * Math.tanh((m - knee) / span) : knee;
}

/**
 * A team-world's minutes to `target` within realistic bounds (minutes.allocation 'room'). A shortfall is filled in
 * stages:
 * 1. every active player scaled up by one factor, each only as far as his own upper quantile (upper[j]: his
 *    minutes distribution at fill_upper_z, cut like his draw by a blowout and the ceiling; iterative proportional
 *    fitting, so players keep their drawn spread and the projections' shortfalls are corrected as before, while a
 *    star already near his p90 stops there);
 * 2. the rotation extends: players left out (by their play probability or the rotation limit) come in, next by
 *    projection, at their drawn minutes (drawn[j]), up to rotation.max_size players;
 * 3. what is still missing (a team short of real players) is shared by minutes rank as real teams share a sitting
 *    starter's minutes (`weights`: minutes.fill_rank_weights, from `diagnostics minutes-vacancy`: the stars gain
 *    least, the middle of the bench most), up to the ceiling, then up to the hard cap.
 * So a short team plays its bench instead of running its starters into 48. A surplus scales everyone down by
 * one factor. With too few active players to reach the target under the cap, the next players by projection
 * come in first at their projected minutes (as in the scale allocation).
 */
export function fillTeamMinutes(
  s: Slate,
  b: GameBatch,
  w: number,
  lo: number,
  hi: number,
  target: number,
  cap: number,
  ceiling: number,
  upper: Float64Array,
  drawn: Float64Array,
  maxRotation: number,
  weights: readonly number[],
): void {
  const base = w * b.nP;
  bringInForCapacity(s, b, base, lo, hi, target, cap);
  let sum = 0;
  for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) sum += b.minutes[base + j]!;
  if (sum > target) {
    const scale = target / sum;
    for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) b.minutes[base + j] = b.minutes[base + j]! * scale;
    return;
  }
  let short = scaleToBounds(b, base, lo, hi, target, (j) => Math.min(upper[j]!, cap));
  // A short team extends its rotation: players left out (by their play probability or the rotation limit) come in,
  // next by projection, at their drawn minutes, until the shortfall is covered or the rotation is full.
  let n = 0;
  for (let j = lo; j < hi; j++) n += b.active[base + j] === 1 ? 1 : 0;
  // (a shortfall under a minute is left to the next stage: f32 and f64 must agree on who comes in)
  for (let j = lo; j < hi && short > 1 && n < maxRotation; j++) {
    if (b.active[base + j] === 1 || drawn[j]! <= 0) continue;
    const m = Math.min(drawn[j]!, short);
    b.active[base + j] = 1;
    b.minutes[base + j] = m;
    short -= m;
    n++;
  }
  short = fillByRank(b, base, lo, hi, short, weights, () => Math.min(ceiling, cap));
  fillByRank(b, base, lo, hi, short, weights, () => cap);
}

/** Keeps the protected top players by projection, then the most drawn minutes, up to max_size; sits the rest. */
function rotationLimit(b: GameBatch, w: number, lo: number, hi: number, maxSize: number, protectedSize: number, order: Int32Array): void {
  const base = w * b.nP;
  let n = 0;
  for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) order[n++] = j;
  if (n <= maxSize) return;
  // Players are in projected-minutes order, so the first `protectedSize` active ones are protected.
  const rest = Array.from(order.subarray(Math.min(protectedSize, n), n));
  rest.sort((x, y) => b.minutes[base + y]! - b.minutes[base + x]! || x - y);
  for (let k = maxSize - Math.min(protectedSize, n); k < rest.length; k++) {
    const j = rest[k]!;
    b.minutes[base + j] = 0;
    b.active[base + j] = 0;
  }
}

/** With too few active players to reach `target` under the cap, the next players by projection come in at their
 * projected minutes (at least 1). */
function bringInForCapacity(s: Slate, b: GameBatch, base: number, lo: number, hi: number, target: number, cap: number): void {
  let capacity = 0;
  for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) capacity += cap;
  for (let j = lo; j < hi && capacity < target; j++) {
    if (b.active[base + j] === 1) continue;
    b.active[base + j] = 1;
    b.minutes[base + j] = Math.max(1, s.p50[b.p0 + j]!);
    capacity += cap;
  }
}

/**
 * Scales a team's minutes to `target` with each player in [0, cap]: capped players stay at the cap and the
 * rest absorb the difference. With too few active players to fill the target, the next players by projection
 * come in at their projected minutes.
 */
export function normaliseTeamMinutes(s: Slate, b: GameBatch, w: number, lo: number, hi: number, target: number, cap: number): void {
  const base = w * b.nP;
  bringInForCapacity(s, b, base, lo, hi, target, cap);
  for (let iter = 0; iter < 20; iter++) {
    let fixed = 0;
    let free = 0;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j]!;
      if (m >= cap) fixed += cap;
      else free += m;
    }
    if (free <= 0) break;
    const scale = (target - fixed) / free;
    let changed = false;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j]!;
      if (m >= cap) continue;
      const next = m * scale;
      if (next >= cap) changed = true;
      b.minutes[base + j] = Math.min(cap, next);
    }
    if (!changed) break;
  }
}

/**
 * Kernel 2, team opportunities: pace per game-world, offense and efficiency per team-world; team totals of
 * FGA/FTA/TOV drawn as integers around the sum of players' rate x world minutes (x pace, x offense, x the
 * Vegas anchor scale for FGA and FTA).
 */
export function teamTotalsKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  const gameKey = s.gameKey[b.g]!;
  const disp = [prof.team_opportunities.fga_dispersion, prof.team_opportunities.fta_dispersion, prof.team_opportunities.tov_dispersion];
  const elasticity = prof.team_opportunities.fga_efficiency_elasticity;
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    let pace = 1;
    if (prof.team_context.enabled) {
      const u = rng.block(wg, gameKey, STREAM.pace, 0);
      pace = lognormal(prof.team_context.pace_sd, boxMuller(u[0]!, u[1]!));
    }
    b.pace[w] = pace;
    for (let team = 0; team < 2; team++) {
      const t = 2 * b.g + team;
      let offense = 1;
      let efficiency = 1;
      if (prof.team_context.enabled) {
        const u = rng.block(wg, s.teamId[t]!, STREAM.offense, 0);
        offense = lognormal(prof.team_context.offense_sd, boxMuller(u[0]!, u[1]!));
        efficiency = lognormal(prof.team_context.efficiency_sd, boxMuller(u[2]!, u[3]!));
      }
      b.offense[w * 2 + team] = offense;
      b.efficiency[w * 2 + team] = efficiency;
      const lo = team === 0 ? 0 : b.nHome;
      const hi = team === 0 ? b.nHome : b.nP;
      const u0 = rng.block(wg, s.teamId[t]!, STREAM.teamTotals, 0);
      const z0 = boxMuller(u0[0]!, u0[1]!);
      const z1 = boxMuller(u0[2]!, u0[3]!);
      const u1 = rng.block(wg, s.teamId[t]!, STREAM.teamTotals, 1);
      const z2 = boxMuller(u1[0]!, u1[1]!);
      const zs = [z0, z1, z2];
      TARGETS.forEach((target, k) => {
        let mean = 0;
        for (let j = lo; j < hi; j++) mean += rateOf(s, b.p0 + j, target) * b.minutes[w * b.nP + j]!;
        mean *= pace * (target === 'tov' ? 1 : offense * anchor[t]!);
        const draw = Math.max(0, Math.round(mean + Math.sqrt(disp[k]! * mean) * zs[k]!));
        b.totals[(w * 2 + team) * 3 + k] = draw;
        // More FGA than expected come with more misses (offensive rebounds): efficiency falls with the ratio.
        if (k === 0 && elasticity > 0 && mean > 0)
          b.efficiency[w * 2 + team] = efficiency * Math.pow(Math.max(draw, 1) / mean, -elasticity);
      });
    }
  }
}

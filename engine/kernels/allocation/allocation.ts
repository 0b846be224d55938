// Kernel 3 on the CPU, the twin of allocation.wgsl: usage shares and the multinomial allocation of each team
// total (or, for targets not shared, independent per-player counts).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   batch's arrays are laid out [world][player] (worlds * nP) and [world][team] (worlds * 2), the slate's per-player
   arrays are indexed by p0 + j with j < nP, and u holds the random words each draw consumes (fixed per stage). */

import { binomial, negativeBinomial } from '../samplers/samplers.ts';
import { CounterRng, boxMuller, u01 } from '../rng/rng.ts';
import type { Profile, Target } from '../../profile.ts';
import { TARGETS } from '../../profile.ts';
import type { Slate } from '../../slate.ts';
import { RATE_FLOOR, STREAM } from '../contract.ts';
import { rateOf, teamOf, type GameBatch } from '../batch.ts';

/**
 * Kernel 3, usage shares and allocation: logits = base (log rate, or the share model's) + log(world minutes)
 * + Normal(0, noise), softmax
 * with temperature over players active with at least the cutoff minutes, and the team total split among them
 * by conditional binomials (a multinomial draw: the counts sum to the total exactly). Targets not shared, or
 * every target when shares are off, are drawn per player independently and the team total is their sum.
 */
export function sharesKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  const { nP, p0 } = b;
  const us = prof.usage_shares;
  const shared = TARGETS.map((t) => us.enabled && us.targets.includes(t));
  const bases = TARGETS.map((t) => s.shareBase[t]);
  const logits = new Float64Array(nP);
  const probs = new Float64Array(nP);
  const noise = new Float64Array(nP * 3);
  const logMinutes = new Float64Array(nP);
  const eligible = new Uint8Array(nP);
  const cutoff = us.min_minutes_active_cutoff;
  const noisy = us.enabled && us.share_noise_std > 0;
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    const base = w * nP;
    for (let j = 0; j < nP; j++) {
      const m = b.minutes[base + j]!;
      const ok = b.active[base + j] === 1 && m >= cutoff;
      eligible[j] = ok ? 1 : 0;
      if (!ok) continue;
      // log(minutes) and the noise are read only for eligible players: the others' draws are never made
      logMinutes[j] = Math.log(m);
      if (noisy) {
        const pid = s.playerId[p0 + j]!;
        const u = rng.block(wg, pid, STREAM.shareNoise, 0);
        noise[j * 3] = boxMuller(u[0]!, u[1]!);
        noise[j * 3 + 1] = boxMuller(u[2]!, u[3]!);
        const v = rng.block(wg, pid, STREAM.shareNoise, 1);
        noise[j * 3 + 2] = boxMuller(v[0]!, v[1]!);
      }
    }
    for (let k = 0; k < 3; k++) {
      const target = TARGETS[k]!;
      if (!shared[k]) {
        independentCounts(s, prof, rng, b, w, wg, k, target, anchor);
        continue;
      }
      const shareBase = bases[k]!;
      for (let team = 0; team < 2; team++) {
        const lo = team === 0 ? 0 : b.nHome;
        const hi = team === 0 ? b.nHome : nP;
        let max = -Infinity;
        let nEligible = 0;
        for (let j = lo; j < hi; j++) {
          if (eligible[j] !== 1) {
            logits[j] = -Infinity;
            continue;
          }
          nEligible++;
          const l = (shareBase[p0 + j]! + logMinutes[j]! + us.share_noise_std * noise[j * 3 + k]!) / us.share_temperature;
          logits[j] = l;
          if (l > max) max = l;
        }
        if (nEligible === 0) {
          b.fallbacks++;
          fallbackShares(s, b, base, lo, hi, target, us.fallback, probs);
        } else {
          softmaxShares(logits, lo, hi, max, probs);
        }
        // Conditional binomials: player j takes Binomial(remaining, p_j / remaining probability); the last
        // player with a positive share takes what is left, so the counts sum to the total exactly.
        let last = -1;
        for (let j = lo; j < hi; j++) if (probs[j]! > 0) last = j;
        let remaining = b.totals[(w * 2 + team) * 3 + k]!;
        let remainingP = 1;
        const entity = s.teamId[2 * b.g + team]!;
        let words: Uint32Array | undefined;
        let wordsAt = -1;
        for (let j = lo; j < hi; j++) {
          const slot = j - lo;
          const p = probs[j]!;
          let x = 0;
          if (j === last) x = remaining;
          else if (remaining > 0 && p > 0) {
            // a block holds the words of four players: drawn when the first of them needs one
            if (words === undefined || slot >> 2 !== wordsAt) {
              words = rng.block(wg, entity, STREAM.allocation, k * 64 + (slot >> 2));
              wordsAt = slot >> 2;
            }
            x = binomial(remaining, Math.min(1, p / remainingP), u01(words[slot & 3]!));
          }
          b.counts[(base + j) * 3 + k] = x;
          remaining -= x;
          remainingP -= p;
        }
      }
    }
  }
}

/**
 * Shares from logits (already divided by the temperature): exp(l - max) normalised over [lo, hi); a logit of
 * -Infinity (not eligible) gets share 0. The shares sum to 1.
 */
export function softmaxShares(logits: Float64Array, lo: number, hi: number, max: number, probs: Float64Array): void {
  let sum = 0;
  for (let j = lo; j < hi; j++) {
    const e = logits[j] === -Infinity ? 0 : Math.exp(logits[j]! - max);
    probs[j] = e;
    sum += e;
  }
  for (let j = lo; j < hi; j++) probs[j] = probs[j]! / sum;
}

function fallbackShares(
  s: Slate,
  b: GameBatch,
  base: number,
  lo: number,
  hi: number,
  target: Target,
  how: 'rate_weighted' | 'even',
  probs: Float64Array,
): void {
  let sum = 0;
  for (let j = lo; j < hi; j++) {
    const m = b.active[base + j] === 1 ? b.minutes[base + j]! : 0;
    const v = m > 0 ? (how === 'even' ? 1 : Math.max(rateOf(s, b.p0 + j, target), RATE_FLOOR) * m) : 0;
    probs[j] = v;
    sum += v;
  }
  if (sum === 0) {
    for (let j = lo; j < hi; j++) probs[j] = j === lo ? 1 : 0;
    return;
  }
  for (let j = lo; j < hi; j++) probs[j] = probs[j]! / sum;
}

/** The old way, per player: count ~ NB(rate x minutes x pace x offense x anchor); team total = the sum. */
function independentCounts(
  s: Slate,
  prof: Profile,
  rng: CounterRng,
  b: GameBatch,
  w: number,
  wg: number,
  k: number,
  target: Target,
  anchor: Float64Array,
): void {
  const base = w * b.nP;
  const totals = [0, 0];
  for (let j = 0; j < b.nP; j++) {
    const team = teamOf(b, j);
    const i = b.p0 + j;
    let mean = 0;
    if (b.active[base + j] === 1) {
      mean = rateOf(s, i, target) * b.minutes[base + j]! * b.pace[w]!;
      if (target !== 'tov') mean *= b.offense[w * 2 + team]! * anchor[2 * b.g + team]!;
    }
    const u = rng.block(wg, s.playerId[i]!, STREAM.independent, 0);
    const x = negativeBinomial(mean, prof.counts.independent_dispersion, u01(u[k]!));
    b.counts[(base + j) * 3 + k] = x;
    totals[team] = totals[team]! + x;
  }
  b.totals[w * 2 * 3 + k] = totals[0]!;
  b.totals[(w * 2 + 1) * 3 + k] = totals[1]!;
}

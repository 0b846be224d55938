// The world-generation kernels of the CPU path, one function per kernel, each over flat typed arrays for one
// game and a range of worlds. The WebGPU path replaces them one by one with shaders of the same arithmetic.
//
// Layouts for a batch of W worlds of game g with P players (the game's players, home team first):
//   minutes, active, dk:  [world][player]                       (index w * P + j)
//   counts:               [world][player][target]  target: fga, fta, tov
//   stats:                [world][player][stat]    stat: STAT_INDEX below
//   totals:               [world][team][target]    team 0 = home, 1 = away
//   pace, ot, margin:     [world];  offense, efficiency: [world][team]
import { binomial, negativeBinomial, splitNormal } from '../samplers.ts';
import { CounterRng, STREAM, boxMuller, u01 } from '../rng.ts';
import type { Profile, Target } from '../profile.ts';
import { TARGETS } from '../profile.ts';
import type { Slate } from '../slate.ts';

export const STATS = ['fga', 'fg3a', 'fta', 'tov', 'fgm', 'fg3m', 'ftm', 'pts', 'oreb', 'dreb', 'ast', 'stl', 'blk'] as const;
export const NSTAT = STATS.length;
export const STAT_INDEX = Object.fromEntries(STATS.map((s, i) => [s, i])) as Record<(typeof STATS)[number], number>;

/** World indices of the Vegas-anchoring pilot live above this offset, so its draws never reuse a world's. */
export const PILOT_WORLD_OFFSET = 0x80000000;

export interface GameBatch {
  g: number;
  p0: number; // first slate player of the game
  nP: number;
  nHome: number; // players of the home team (the first nHome of the batch)
  worlds: number;
  minutes: Float64Array;
  active: Uint8Array;
  ot: Uint8Array;
  margin: Float64Array;
  pace: Float64Array;
  offense: Float64Array;
  efficiency: Float64Array;
  totals: Int32Array;
  counts: Int32Array;
  stats: Int32Array;
  dk: Float64Array;
  /** team-worlds whose shares fell back (no eligible player), per target */
  fallbacks: number;
}

export function newBatch(s: Slate, g: number, worlds: number): GameBatch {
  const p0 = s.playerStart[2 * g] as number;
  const nP = (s.playerEnd[2 * g + 1] as number) - p0;
  return {
    g,
    p0,
    nP,
    nHome: (s.playerEnd[2 * g] as number) - p0,
    worlds,
    minutes: new Float64Array(worlds * nP),
    active: new Uint8Array(worlds * nP),
    ot: new Uint8Array(worlds),
    margin: new Float64Array(worlds),
    pace: new Float64Array(worlds),
    offense: new Float64Array(worlds * 2),
    efficiency: new Float64Array(worlds * 2),
    totals: new Int32Array(worlds * 2 * 3),
    counts: new Int32Array(worlds * nP * 3),
    stats: new Int32Array(worlds * nP * NSTAT),
    dk: new Float64Array(worlds * nP),
    fallbacks: 0,
  };
}

/** Mean-one lognormal factor exp(sd z - sd^2 / 2). */
const lognormal = (sd: number, z: number): number => Math.exp(sd * z - (sd * sd) / 2);

/**
 * Kernel 1, minutes: overtime and game script per game-world; per player active ~ Bernoulli(play_prob) and
 * minutes from the split normal through p10/p50/p90; blowouts cut starters; the rotation limit; then each
 * team's minutes scaled to 240 + 25 per overtime with no player above 48 (+5 per overtime) or below 0.
 */
export function minutesKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number): void {
  const { nP, p0, nHome } = b;
  const gameKey = s.gameKey[b.g] as number;
  const order = new Int32Array(nP);
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    let ot = 0;
    if (prof.overtime.enabled) {
      const u = rng.block(wg, gameKey, STREAM.overtime, 0);
      if (u01(u[0] as number) < prof.overtime.probability) {
        ot = 1;
        for (let k = 1; k < 4 && u01(u[k] as number) < prof.overtime.extra_probability; k++) ot++;
      }
    }
    b.ot[w] = ot;
    let margin = -(s.spreadHome[b.g] as number);
    if (prof.game_script.enabled) {
      const u = rng.block(wg, gameKey, STREAM.margin, 0);
      margin += prof.game_script.margin_sd * boxMuller(u[0] as number, u[1] as number);
    }
    b.margin[w] = margin;
    const blowout = prof.game_script.enabled ? Math.min(prof.game_script.max_starter_drop, Math.max(0, Math.abs(margin) - prof.game_script.blowout_threshold) * prof.game_script.starter_drop_per_point) : 0;
    const cap = 48 + 5 * ot;
    const target = 240 + 25 * ot;
    for (let j = 0; j < nP; j++) {
      const i = p0 + j;
      const u = rng.block(wg, s.playerId[i] as number, STREAM.minutes, 0);
      const isActive = !prof.minutes.use_play_prob_masking || u01(u[0] as number) < (s.playProb[i] as number);
      let m = 0;
      if (isActive) {
        const z = boxMuller(u[1] as number, u[2] as number) * prof.minutes.spread_scale;
        m = Math.min(cap, Math.max(0, splitNormal(s.p10[i] as number, s.p50[i] as number, s.p90[i] as number, z)));
        if (s.isStarter[i] === 1) m *= 1 - blowout;
      }
      b.minutes[w * nP + j] = m;
      b.active[w * nP + j] = isActive && m > 0 ? 1 : 0;
    }
    for (let team = 0; team < 2; team++) {
      const lo = team === 0 ? 0 : nHome;
      const hi = team === 0 ? nHome : nP;
      rotationLimit(b, w, lo, hi, prof.rotation.max_size, prof.rotation.protected_size, order);
      normaliseTeamMinutes(s, b, w, lo, hi, target, cap);
    }
  }
}

/** Keeps the protected top players by projection, then the most drawn minutes, up to max_size; sits the rest. */
function rotationLimit(b: GameBatch, w: number, lo: number, hi: number, maxSize: number, protectedSize: number, order: Int32Array): void {
  const base = w * b.nP;
  let n = 0;
  for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) order[n++] = j;
  if (n <= maxSize) return;
  // Players are in projected-minutes order, so the first `protectedSize` active ones are protected.
  const rest = Array.from(order.subarray(Math.min(protectedSize, n), n));
  rest.sort((x, y) => (b.minutes[base + y] as number) - (b.minutes[base + x] as number) || x - y);
  for (let k = maxSize - Math.min(protectedSize, n); k < rest.length; k++) {
    const j = rest[k] as number;
    b.minutes[base + j] = 0;
    b.active[base + j] = 0;
  }
}

/**
 * Scales a team's minutes to `target` with each player in [0, cap]: capped players stay at the cap and the
 * rest absorb the difference. With too few active players to fill the target, the next players by projection
 * come in at their projected minutes.
 */
export function normaliseTeamMinutes(s: Slate, b: GameBatch, w: number, lo: number, hi: number, target: number, cap: number): void {
  const base = w * b.nP;
  let capacity = 0;
  for (let j = lo; j < hi; j++) if (b.active[base + j] === 1) capacity += cap;
  for (let j = lo; j < hi && capacity < target; j++) {
    if (b.active[base + j] === 1) continue;
    b.active[base + j] = 1;
    b.minutes[base + j] = Math.max(1, s.p50[b.p0 + j] as number);
    capacity += cap;
  }
  for (let iter = 0; iter < 20; iter++) {
    let fixed = 0;
    let free = 0;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j] as number;
      if (m >= cap) fixed += cap;
      else free += m;
    }
    if (free <= 0) break;
    const scale = (target - fixed) / free;
    let changed = false;
    for (let j = lo; j < hi; j++) {
      if (b.active[base + j] !== 1) continue;
      const m = b.minutes[base + j] as number;
      if (m >= cap) continue;
      const next = m * scale;
      if (next >= cap) changed = true;
      b.minutes[base + j] = Math.min(cap, next);
    }
    if (!changed) break;
  }
}

/** Team index (0 home, 1 away) of batch player j. */
const teamOf = (b: GameBatch, j: number): number => (j < b.nHome ? 0 : 1);

/** Per-minute rate of a target for slate player i. */
function rateOf(s: Slate, i: number, t: Target): number {
  return t === 'fga' ? (s.fgaRate[i] as number) : t === 'fta' ? (s.ftaRate[i] as number) : (s.tovRate[i] as number);
}

/**
 * Kernel 2, team opportunities: pace per game-world, offense and efficiency per team-world; team totals of
 * FGA/FTA/TOV drawn as integers around the sum of players' rate x world minutes (x pace, x offense, x the
 * Vegas anchor scale for FGA and FTA).
 */
export function teamTotalsKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  const gameKey = s.gameKey[b.g] as number;
  const disp = [prof.team_opportunities.fga_dispersion, prof.team_opportunities.fta_dispersion, prof.team_opportunities.tov_dispersion];
  const elasticity = prof.team_opportunities.fga_efficiency_elasticity;
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    let pace = 1;
    if (prof.team_context.enabled) {
      const u = rng.block(wg, gameKey, STREAM.pace, 0);
      pace = lognormal(prof.team_context.pace_sd, boxMuller(u[0] as number, u[1] as number));
    }
    b.pace[w] = pace;
    for (let team = 0; team < 2; team++) {
      const t = 2 * b.g + team;
      let offense = 1;
      let efficiency = 1;
      if (prof.team_context.enabled) {
        const u = rng.block(wg, s.teamId[t] as number, STREAM.offense, 0);
        offense = lognormal(prof.team_context.offense_sd, boxMuller(u[0] as number, u[1] as number));
        efficiency = lognormal(prof.team_context.efficiency_sd, boxMuller(u[2] as number, u[3] as number));
      }
      b.offense[w * 2 + team] = offense;
      b.efficiency[w * 2 + team] = efficiency;
      const lo = team === 0 ? 0 : b.nHome;
      const hi = team === 0 ? b.nHome : b.nP;
      const u0 = rng.block(wg, s.teamId[t] as number, STREAM.teamTotals, 0);
      const z0 = boxMuller(u0[0] as number, u0[1] as number);
      const z1 = boxMuller(u0[2] as number, u0[3] as number);
      const u1 = rng.block(wg, s.teamId[t] as number, STREAM.teamTotals, 1);
      const z2 = boxMuller(u1[0] as number, u1[1] as number);
      const zs = [z0, z1, z2];
      TARGETS.forEach((target, k) => {
        let mean = 0;
        for (let j = lo; j < hi; j++) mean += rateOf(s, b.p0 + j, target) * (b.minutes[w * b.nP + j] as number);
        mean *= pace * (target === 'tov' ? 1 : offense * (anchor[t] as number));
        const draw = Math.max(0, Math.round(mean + Math.sqrt((disp[k] as number) * mean) * (zs[k] as number)));
        b.totals[(w * 2 + team) * 3 + k] = draw;
        // More FGA than expected come with more misses (offensive rebounds): efficiency falls with the ratio.
        if (k === 0 && elasticity > 0 && mean > 0) b.efficiency[w * 2 + team] = efficiency * Math.pow(Math.max(draw, 1) / mean, -elasticity);
      });
    }
  }
}

/**
 * Kernel 3, usage shares and allocation: logits = base (log rate, or the share model's) + log(world minutes)
 * + Normal(0, noise), softmax
 * with temperature over players active with at least the cutoff minutes, and the team total split among them
 * by conditional binomials (a multinomial draw: the counts sum to the total exactly). Targets not shared, or
 * every target when shares are off, are drawn per player independently and the team total is their sum.
 */
export function sharesKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  const { nP } = b;
  const us = prof.usage_shares;
  const shared = TARGETS.map((t) => us.enabled && us.targets.includes(t));
  const logits = new Float64Array(nP);
  const probs = new Float64Array(nP);
  const noise = new Float64Array(nP * 3);
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    const base = w * nP;
    if (us.enabled && us.share_noise_std > 0) {
      for (let j = 0; j < nP; j++) {
        const pid = s.playerId[b.p0 + j] as number;
        const u = rng.block(wg, pid, STREAM.shareNoise, 0);
        noise[j * 3] = boxMuller(u[0] as number, u[1] as number);
        noise[j * 3 + 1] = boxMuller(u[2] as number, u[3] as number);
        const v = rng.block(wg, pid, STREAM.shareNoise, 1);
        noise[j * 3 + 2] = boxMuller(v[0] as number, v[1] as number);
      }
    }
    TARGETS.forEach((target, k) => {
      if (!shared[k]) {
        independentCounts(s, prof, rng, b, w, wg, k, target, anchor);
        return;
      }
      for (let team = 0; team < 2; team++) {
        const lo = team === 0 ? 0 : b.nHome;
        const hi = team === 0 ? b.nHome : nP;
        let max = -Infinity;
        let eligible = 0;
        for (let j = lo; j < hi; j++) {
          const m = b.minutes[base + j] as number;
          if (b.active[base + j] !== 1 || m < us.min_minutes_active_cutoff) {
            logits[j] = -Infinity;
            continue;
          }
          eligible++;
          const l = ((s.shareBase[target][b.p0 + j] as number) + Math.log(m) + us.share_noise_std * (noise[j * 3 + k] as number)) / us.share_temperature;
          logits[j] = l;
          if (l > max) max = l;
        }
        if (eligible === 0) {
          b.fallbacks++;
          fallbackShares(s, b, base, lo, hi, target, us.fallback, probs);
        } else {
          softmaxShares(logits, lo, hi, max, probs);
        }
        // Conditional binomials: player j takes Binomial(remaining, p_j / remaining probability); the last
        // player with a positive share takes what is left, so the counts sum to the total exactly.
        let last = -1;
        for (let j = lo; j < hi; j++) if ((probs[j] as number) > 0) last = j;
        let remaining = b.totals[(w * 2 + team) * 3 + k] as number;
        let remainingP = 1;
        const entity = s.teamId[2 * b.g + team] as number;
        let words: Uint32Array | undefined;
        for (let j = lo; j < hi; j++) {
          const slot = j - lo;
          if ((slot & 3) === 0) words = rng.block(wg, entity, STREAM.allocation, k * 64 + (slot >> 2));
          const p = probs[j] as number;
          let x = 0;
          if (j === last) x = remaining;
          else if (remaining > 0 && p > 0) x = binomial(remaining, Math.min(1, p / remainingP), u01((words as Uint32Array)[slot & 3] as number));
          b.counts[(base + j) * 3 + k] = x;
          remaining -= x;
          remainingP -= p;
        }
      }
    });
  }
}

/**
 * Shares from logits (already divided by the temperature): exp(l - max) normalised over [lo, hi); a logit of
 * -Infinity (not eligible) gets share 0. The shares sum to 1.
 */
export function softmaxShares(logits: Float64Array, lo: number, hi: number, max: number, probs: Float64Array): void {
  let sum = 0;
  for (let j = lo; j < hi; j++) {
    const e = logits[j] === -Infinity ? 0 : Math.exp((logits[j] as number) - max);
    probs[j] = e;
    sum += e;
  }
  for (let j = lo; j < hi; j++) probs[j] = (probs[j] as number) / sum;
}

function fallbackShares(s: Slate, b: GameBatch, base: number, lo: number, hi: number, target: Target, how: 'rate_weighted' | 'even', probs: Float64Array): void {
  let sum = 0;
  for (let j = lo; j < hi; j++) {
    const m = b.active[base + j] === 1 ? (b.minutes[base + j] as number) : 0;
    const v = m > 0 ? (how === 'even' ? 1 : Math.max(rateOf(s, b.p0 + j, target), 1e-6) * m) : 0;
    probs[j] = v;
    sum += v;
  }
  if (sum === 0) {
    for (let j = lo; j < hi; j++) probs[j] = j === lo ? 1 : 0;
    return;
  }
  for (let j = lo; j < hi; j++) probs[j] = (probs[j] as number) / sum;
}

/** The old way, per player: count ~ NB(rate x minutes x pace x offense x anchor); team total = the sum. */
function independentCounts(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, w: number, wg: number, k: number, target: Target, anchor: Float64Array): void {
  const base = w * b.nP;
  const totals = [0, 0];
  for (let j = 0; j < b.nP; j++) {
    const team = teamOf(b, j);
    const i = b.p0 + j;
    let mean = 0;
    if (b.active[base + j] === 1) {
      mean = rateOf(s, i, target) * (b.minutes[base + j] as number) * (b.pace[w] as number);
      if (target !== 'tov') mean *= (b.offense[w * 2 + team] as number) * (anchor[2 * b.g + team] as number);
    }
    const u = rng.block(wg, s.playerId[i] as number, STREAM.independent, 0);
    const x = negativeBinomial(mean, prof.counts.independent_dispersion, u01(u[k] as number));
    b.counts[(base + j) * 3 + k] = x;
    totals[team] = (totals[team] as number) + x;
  }
  b.totals[(w * 2) * 3 + k] = totals[0] as number;
  b.totals[(w * 2 + 1) * 3 + k] = totals[1] as number;
}

/**
 * Kernel 4, the stat line: 3PA ~ Binomial(FGA, his 3PA share); makes ~ Binomial with his shooting
 * percentages x the team-world efficiency; FTM ~ Binomial(FTA, FT%); OREB, DREB, AST, STL, BLK ~ negative
 * binomial from rate x minutes x pace. Every stat is an integer.
 */
export function statLineKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number): void {
  const { nP } = b;
  const c = prof.counts;
  const disp = [c.oreb_dispersion, c.dreb_dispersion, c.ast_dispersion, c.stl_dispersion, c.blk_dispersion];
  const rates = [s.countRate.oreb, s.countRate.dreb, s.countRate.ast, s.countRate.stl, s.countRate.blk];
  const words = new Uint32Array(5);
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    for (let j = 0; j < nP; j++) {
      const i = b.p0 + j;
      const pid = s.playerId[i] as number;
      const at = (w * nP + j) * NSTAT;
      const fga = b.counts[(w * nP + j) * 3] as number;
      const fta = b.counts[(w * nP + j) * 3 + 1] as number;
      const tov = b.counts[(w * nP + j) * 3 + 2] as number;
      const eff = b.efficiency[w * 2 + teamOf(b, j)] as number;
      const u = rng.block(wg, pid, STREAM.statLine, 0);
      const fg3a = binomial(fga, s.fg3Share[i] as number, u01(u[0] as number));
      const fg3m = binomial(fg3a, Math.min(0.99, (s.fg3Pct[i] as number) * eff), u01(u[1] as number));
      const fg2m = binomial(fga - fg3a, Math.min(0.99, (s.fg2Pct[i] as number) * eff), u01(u[2] as number));
      const ftm = binomial(fta, s.ftPct[i] as number, u01(u[3] as number));
      b.stats[at + STAT_INDEX.fga] = fga;
      b.stats[at + STAT_INDEX.fg3a] = fg3a;
      b.stats[at + STAT_INDEX.fta] = fta;
      b.stats[at + STAT_INDEX.tov] = tov;
      b.stats[at + STAT_INDEX.fgm] = fg2m + fg3m;
      b.stats[at + STAT_INDEX.fg3m] = fg3m;
      b.stats[at + STAT_INDEX.ftm] = ftm;
      b.stats[at + STAT_INDEX.pts] = 2 * fg2m + 3 * fg3m + ftm;
      const minutes = b.minutes[w * nP + j] as number;
      const active = b.active[w * nP + j] === 1;
      // block() returns the generator's one buffer: keep the first block's words before drawing the second.
      const v = rng.block(wg, pid, STREAM.counts, 0);
      words[0] = v[0] as number;
      words[1] = v[1] as number;
      words[2] = v[2] as number;
      words[3] = v[3] as number;
      words[4] = rng.block(wg, pid, STREAM.counts, 1)[0] as number;
      for (let k = 0; k < 5; k++) {
        const mean = active ? ((rates[k] as Float64Array)[i] as number) * minutes * (b.pace[w] as number) : 0;
        const bits = words[k] as number;
        b.stats[at + STAT_INDEX.oreb + k] = negativeBinomial(mean, disp[k] as number, u01(bits));
      }
    }
  }
}

/** Kernel 5, DraftKings Classic scoring of every player-world. */
export function scoringKernel(prof: Profile, b: GameBatch): void {
  const td = prof.scoring.triple_also_earns_double;
  for (let x = 0; x < b.worlds * b.nP; x++) {
    const at = x * NSTAT;
    const st = b.stats;
    const pts = st[at + STAT_INDEX.pts] as number;
    const reb = (st[at + STAT_INDEX.oreb] as number) + (st[at + STAT_INDEX.dreb] as number);
    const ast = st[at + STAT_INDEX.ast] as number;
    const stl = st[at + STAT_INDEX.stl] as number;
    const blk = st[at + STAT_INDEX.blk] as number;
    let dk = pts + 0.5 * (st[at + STAT_INDEX.fg3m] as number) + 1.25 * reb + 1.5 * ast + 2 * stl + 2 * blk - 0.5 * (st[at + STAT_INDEX.tov] as number);
    const doubles = (pts >= 10 ? 1 : 0) + (reb >= 10 ? 1 : 0) + (ast >= 10 ? 1 : 0) + (stl >= 10 ? 1 : 0) + (blk >= 10 ? 1 : 0);
    if (doubles >= 3) dk += 3 + (td ? 1.5 : 0);
    else if (doubles === 2) dk += 1.5;
    b.dk[x] = dk;
  }
}

/** Runs kernels 1-5 for a batch. */
export function runKernels(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number, anchor: Float64Array): void {
  b.fallbacks = 0;
  minutesKernel(s, prof, rng, b, world0);
  teamTotalsKernel(s, prof, rng, b, world0, anchor);
  sharesKernel(s, prof, rng, b, world0, anchor);
  statLineKernel(s, prof, rng, b, world0);
  scoringKernel(prof, b);
}

// Kernel 4 on the CPU, the twin of statline.wgsl: the integer stat line of every player-world; and the
// Vegas-anchoring pilot's expected points (the twin of its pilot_points entry point).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   slate's per-player arrays are indexed by i = p0 + j < nPlayers, the batch's arrays are [world][player] (worlds *
   nP) or [world][team] (worlds * 2), v and words are fixed-size, and u holds the random words each statline consumes.
   */

import { FixedPBinomial, binomial, negativeBinomial } from '../samplers/samplers.ts';
import { CounterRng, u01 } from '../rng/rng.ts';
import type { Profile } from '../../profile.ts';
import type { Slate } from '../../slate.ts';
import { COUNT_STATS, NSTAT, SHOT_PCT_CAP, STAT_INDEX, STREAM } from '../contract.ts';
import type { GameBatch } from '../batch.ts';

/**
 * Kernel 4, the stat line: 3PA ~ Binomial(FGA, his 3PA share); makes ~ Binomial with his shooting
 * percentages x the team-world efficiency; FTM ~ Binomial(FTA, FT%); OREB, DREB, AST, STL, BLK ~ negative
 * binomial from rate x minutes x pace. Every stat is an integer.
 */
export function statLineKernel(s: Slate, prof: Profile, rng: CounterRng, b: GameBatch, world0: number): void {
  const { nP, p0, nHome } = b;
  const c = prof.counts;
  const disp = [c.oreb_dispersion, c.dreb_dispersion, c.ast_dispersion, c.stl_dispersion, c.blk_dispersion];
  const rates = COUNT_STATS.map((st) => s.countRate[st]);
  const words = new Uint32Array(5);
  const stats = b.stats;
  const counts = b.counts;
  // Per player, once per batch: the samplers of his fixed-p draws (3PA share, FT%), identical to binomial().
  const threes: FixedPBinomial[] = [];
  const frees: FixedPBinomial[] = [];
  for (let j = 0; j < nP; j++) {
    threes.push(new FixedPBinomial());
    frees.push(new FixedPBinomial());
    threes[j]!.set(s.fg3Share[p0 + j]!);
    frees[j]!.set(s.ftPct[p0 + j]!);
  }
  for (let w = 0; w < b.worlds; w++) {
    const wg = world0 + w;
    const pace = b.pace[w]!;
    for (let j = 0; j < nP; j++) {
      const i = p0 + j;
      const pid = s.playerId[i]!;
      const x = w * nP + j;
      const at = x * NSTAT;
      const fga = counts[x * 3]!;
      const fta = counts[x * 3 + 1]!;
      const tov = counts[x * 3 + 2]!;
      const eff = b.efficiency[w * 2 + (j < nHome ? 0 : 1)]!;
      const u = rng.block(wg, pid, STREAM.statLine, 0);
      const fg3a = threes[j]!.draw(fga, u01(u[0]!));
      const fg3m = binomial(fg3a, Math.min(SHOT_PCT_CAP, s.fg3Pct[i]! * eff), u01(u[1]!));
      const fg2m = binomial(fga - fg3a, Math.min(SHOT_PCT_CAP, s.fg2Pct[i]! * eff), u01(u[2]!));
      const ftm = frees[j]!.draw(fta, u01(u[3]!));
      stats[at + STAT_INDEX.fga] = fga;
      stats[at + STAT_INDEX.fg3a] = fg3a;
      stats[at + STAT_INDEX.fta] = fta;
      stats[at + STAT_INDEX.tov] = tov;
      stats[at + STAT_INDEX.fgm] = fg2m + fg3m;
      stats[at + STAT_INDEX.fg3m] = fg3m;
      stats[at + STAT_INDEX.ftm] = ftm;
      stats[at + STAT_INDEX.pts] = 2 * fg2m + 3 * fg3m + ftm;
      if (b.active[x] !== 1) {
        // no minutes, no counts (every mean is 0); the draws are not needed
        for (let k = 0; k < 5; k++) stats[at + STAT_INDEX.oreb + k] = 0;
        continue;
      }
      const minutes = b.minutes[x]!;
      // block() returns the generator's one buffer: keep the first block's words before drawing the second.
      const v = rng.block(wg, pid, STREAM.counts, 0);
      words[0] = v[0]!;
      words[1] = v[1]!;
      words[2] = v[2]!;
      words[3] = v[3]!;
      words[4] = rng.block(wg, pid, STREAM.counts, 1)[0]!;
      for (let k = 0; k < 5; k++) {
        const mean = rates[k]![i]! * minutes * pace;
        stats[at + STAT_INDEX.oreb + k] = negativeBinomial(mean, disp[k]!, u01(words[k]!));
      }
    }
  }
}

/**
 * The pilot's points of one team-world expected from its attempts (not drawn makes), summed over the team's
 * players: FGA x (3PA share x 3 x 3P% + (1 - share) x 2 x 2P%) x efficiency + FTA x FT%. Added one player at a
 * time onto `sum` (a running total over worlds), so the result does not depend on how worlds are batched.
 */
export function pilotPoints(s: Slate, b: GameBatch, w: number, team: number, sum: number): number {
  const lo = team === 0 ? 0 : b.nHome;
  const hi = team === 0 ? b.nHome : b.nP;
  const eff = b.efficiency[w * 2 + team]!;
  let points = sum;
  for (let j = lo; j < hi; j++) {
    const i = b.p0 + j;
    const x = w * b.nP + j;
    const share3 = s.fg3Share[i]!;
    const perFga = share3 * 3 * Math.min(SHOT_PCT_CAP, s.fg3Pct[i]! * eff) + (1 - share3) * 2 * Math.min(SHOT_PCT_CAP, s.fg2Pct[i]! * eff);
    // Left to right, as a running sum: (points + FGA x perFga) + FTA x FT%.
    points = points + b.counts[x * 3]! * perFga + b.counts[x * 3 + 1]! * s.ftPct[i]!;
  }
  return points;
}

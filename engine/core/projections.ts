// Reading a simulation's results: per-player projections (means, quantiles from the exact histograms,
// double-double rates) and per-team points against the Vegas lines, straight from the accumulators. The
// same for every backend; the CLI writes these rows as projections.parquet/.csv, the library hands them back.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   slate's per-player arrays are nPlayers long and its per-team arrays 2 * nGames (playerStart/playerEnd, teamId), the
   accumulators are sized per player of the game, and every loop below runs over a game's [p0, p1) or its two teams.
   */

import { col, type TableSchema, type Value } from '../../src/data/schema.ts';
import { PLAYER_SLATE_KEYS } from '../../src/data/tables.ts';
import { NSTAT, STAT_INDEX } from '../kernels/kernels.ts';
import { DK_BINS, DK_MIN, MIN_BIN, MIN_BINS, type GameAccumulator } from '../cpu/simulate.ts';
import type { Slate } from '../slate.ts';
import type { SimulationRun } from './simulate.ts';

export const PROJECTIONS_SCHEMA: TableSchema = {
  name: 'projections',
  columns: [
    ...PLAYER_SLATE_KEYS,
    col('salary', 'int32', true),
    col('dk_position', 'utf8', true),
    col('play_prob', 'float64'),
    ...[
      'minutes_mean',
      'minutes_p10',
      'minutes_p50',
      'minutes_p90',
      'pts_mean',
      'reb_mean',
      'ast_mean',
      'stl_mean',
      'blk_mean',
      'tov_mean',
      'fga_mean',
      'fta_mean',
      'fg3m_mean',
    ].map((c) => col(c, 'float64')),
    ...[
      'dk_fpts_mean',
      'dk_fpts_std',
      'dk_fpts_p05',
      'dk_fpts_p10',
      'dk_fpts_p25',
      'dk_fpts_p50',
      'dk_fpts_p75',
      'dk_fpts_p90',
      'dk_fpts_p95',
      'dk_fpts_p99',
    ].map((c) => col(c, 'float64')),
    col('p_double_double', 'float64'),
    col('p_triple_double', 'float64'),
  ],
};

/** DraftKings salary and roster position by nba.com player id (from a DK export; empty without one). */
export type SalaryMap = ReadonlyMap<number, { salary: number; position: string }>;

export interface TeamSummary {
  game_id: string;
  team_id: number;
  home: boolean;
  implied_total: number | null;
  points_mean: number;
  points_sd: number;
  points_mean_over_implied: number | null;
  anchor_scale: number;
}

export interface Projections {
  /** one row per player, columns of PROJECTIONS_SCHEMA, in slate order */
  rows: Record<string, Value>[];
  teams: TeamSummary[];
  /** team-worlds whose allocation missed its target (0 when usage is conserved) */
  conservationViolations: number;
  minutesViolations: number;
  /** team-worlds with no eligible player (the profile's fallback applied) */
  fallbacks: number;
  overtimeWorlds: number;
  /** largest |simulated team points / implied total - 1| */
  maxAnchorError: number;
}

export function projections(run: SimulationRun, salaries: SalaryMap = new Map()): Projections {
  const slate = run.slate;
  const out: Projections = {
    rows: [],
    teams: [],
    conservationViolations: 0,
    minutesViolations: 0,
    fallbacks: 0,
    overtimeWorlds: 0,
    maxAnchorError: 0,
  };
  for (const { acc } of run.games) {
    const g = acc.g;
    const p0 = slate.playerStart[2 * g]!;
    out.conservationViolations += acc.conservationViolations;
    out.minutesViolations += acc.minutesViolations;
    out.fallbacks += acc.fallbacks;
    out.overtimeWorlds += acc.overtimeWorlds;
    for (let j = 0; j < acc.nP; j++) out.rows.push(playerRow(slate, acc, p0, j, slate.date, salaries));
    for (let team = 0; team < 2; team++) {
      const t = 2 * g + team;
      const mean = acc.teamPtsSum[team]! / acc.worlds;
      const sd = Math.sqrt(Math.max(0, acc.teamPtsSumSq[team]! / acc.worlds - mean * mean));
      const implied = slate.teamItt[t]!;
      if (Number.isFinite(implied)) out.maxAnchorError = Math.max(out.maxAnchorError, Math.abs(mean / implied - 1));
      out.teams.push({
        game_id: slate.gameId[g]!,
        team_id: slate.teamId[t]!,
        home: team === 0,
        implied_total: Number.isFinite(implied) ? implied : null,
        points_mean: mean,
        points_sd: sd,
        points_mean_over_implied: Number.isFinite(implied) ? mean / implied : null,
        anchor_scale: acc.anchor[team]!,
      });
    }
  }
  return out;
}

/** The smallest bin value v with CDF(v) >= q (counts in a histogram), mapped through `valueOf(bin)`. */
function histQuantile(hist: Uint32Array, offset: number, bins: number, total: number, q: number, valueOf: (bin: number) => number): number {
  const need = Math.max(1, Math.ceil(q * total));
  let cum = 0;
  for (let k = 0; k < bins; k++) {
    cum += hist[offset + k]!;
    if (cum >= need) return valueOf(k);
  }
  return valueOf(bins - 1);
}

function playerRow(s: Slate, acc: GameAccumulator, p0: number, j: number, date: string, salaries: SalaryMap): Record<string, Value> {
  const i = p0 + j;
  const n = acc.worlds;
  const stat = (name: keyof typeof STAT_INDEX): number => acc.statSum[j * NSTAT + STAT_INDEX[name]]! / n;
  const dkMean = acc.dkSum[j]! / 4 / n;
  const dkVar = Math.max(0, acc.dkSumSq[j]! / 16 / n - dkMean * dkMean);
  const dkQ = (q: number): number => histQuantile(acc.dkHist, j * DK_BINS, DK_BINS, n, q, (k) => k / 4 + DK_MIN);
  const minQ = (q: number): number => histQuantile(acc.minHist, j * MIN_BINS, MIN_BINS, n, q, (k) => (k === 0 ? 0 : (k + 0.5) * MIN_BIN));
  const sal = salaries.get(s.playerId[i]!);
  return {
    game_date: date,
    game_id: s.gameId[acc.g]!,
    team_id: s.teamId[s.playerTeam[i]!]!,
    player_id: s.playerId[i]!,
    player_name: s.playerName[i]!,
    salary: sal?.salary ?? null,
    dk_position: sal?.position ?? null,
    play_prob: s.playProb[i]!,
    minutes_mean: acc.minSum[j]! / n,
    minutes_p10: minQ(0.1),
    minutes_p50: minQ(0.5),
    minutes_p90: minQ(0.9),
    pts_mean: stat('pts'),
    reb_mean: stat('oreb') + stat('dreb'),
    ast_mean: stat('ast'),
    stl_mean: stat('stl'),
    blk_mean: stat('blk'),
    tov_mean: stat('tov'),
    fga_mean: stat('fga'),
    fta_mean: stat('fta'),
    fg3m_mean: stat('fg3m'),
    dk_fpts_mean: dkMean,
    dk_fpts_std: Math.sqrt(dkVar),
    dk_fpts_p05: dkQ(0.05),
    dk_fpts_p10: dkQ(0.1),
    dk_fpts_p25: dkQ(0.25),
    dk_fpts_p50: dkQ(0.5),
    dk_fpts_p75: dkQ(0.75),
    dk_fpts_p90: dkQ(0.9),
    dk_fpts_p95: dkQ(0.95),
    dk_fpts_p99: dkQ(0.99),
    p_double_double: acc.doubleDouble[j]! / n,
    p_triple_double: acc.tripleDouble[j]! / n,
  };
}

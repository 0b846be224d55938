// `slatesim backtest`: simulate every slate date in a range with pregame information only and score each
// available player's real DK points against his simulated distribution, beside the `baseline` profile and a
// naive normal, plus team points against the lines and simulated against real correlations.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: worlds
   are stored [world][player] for the slate being scored, sums and histograms are allocated per player and team of
   that slate, and loops run to those sizes. */
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { frameRows } from '../data/schema.ts';
import { PLAYER_GAMES, RATES_TRAINING_BASE } from '../data/tables.ts';
import type { Progress } from '../data/progress.ts';
import type { Backend, GameResult } from '../../engine/core/backend.ts';
import { cpuBackend } from '../../engine/core/cpu-workers.ts';
import { simulate } from '../../engine/core/simulate.ts';
import { NSTAT, STAT_INDEX } from '../../engine/kernels/kernels.ts';
import type { Profile } from '../../engine/profile.ts';
import { dkPoints } from '../../engine/scoring.ts';
import { loadSlate, type Slate } from '../../engine/slate.ts';
import type { ShareModel } from '../shares/model.ts';
import { brierScores, minutesBlock, simMinutesOf, type Actual, type MinutesBlock, type MinutesEntry } from './outcomes.ts';
import {
  intervalCoverage,
  crpsDiscrete,
  crpsNormal,
  discreteFromSamples,
  meanOf,
  normalQuantile,
  pearson,
  pitDiscrete,
  pitHistogram,
  quantileOf,
  type Discrete,
} from './scoring.ts';

export const MINUTES_BUCKETS = [
  { name: '0-15', lo: 0, hi: 15 },
  { name: '15-25', lo: 15, hi: 25 },
  { name: '25-32', lo: 25, hi: 32 },
  { name: '32+', lo: 32, hi: Infinity },
];
const INTERVALS = [
  ['p05_p95', 0.05, 0.95],
  ['p10_p90', 0.1, 0.9],
  ['p25_p75', 0.25, 0.75],
] as const;
/** Players whose pairs enter the correlations: the top of each rotation by projected minutes. */
const CORR_TOP = 7;

export interface Tally {
  n: number;
  /** randomised-PIT coverage, summed (the reported coverage) */
  inside: Record<string, number>;
  /** outcomes inside [quantile(lo), quantile(hi)] with both endpoints included (biased up by atoms) */
  insideInclusive: Record<string, number>;
  absErr: number;
  crps: number;
}
export const newTally = (): Tally => ({
  n: 0,
  inside: { p05_p95: 0, p10_p90: 0, p25_p75: 0 },
  insideInclusive: { p05_p95: 0, p10_p90: 0, p25_p75: 0 },
  absErr: 0,
  crps: 0,
});
export const summary = (t: Tally) => ({
  n: t.n,
  coverage: Object.fromEntries(INTERVALS.map(([k]) => [k, t.n > 0 ? t.inside[k]! / t.n : Number.NaN])),
  coverage_endpoints_included: Object.fromEntries(INTERVALS.map(([k]) => [k, t.n > 0 ? t.insideInclusive[k]! / t.n : Number.NaN])),
  mae_mean: t.n > 0 ? t.absErr / t.n : Number.NaN,
  crps: t.n > 0 ? t.crps / t.n : Number.NaN,
});

export interface BacktestOptions {
  lake: Lake;
  startDate: string;
  endDate: string;
  profile: Profile;
  profileName: string;
  baselineProfile: Profile;
  worlds: number;
  seed: number;
  workers: number;
  chunk: number;
  /** where the worlds run (default: the CPU path with `workers` and `chunk`) */
  backend?: Backend;
  maxDates?: number;
  /** exactly these dates instead of the range (the pregame backtest's box-score mode) */
  dates?: string[];
  /** score only these teams' games on a date (the DraftKings slate's); undefined: every game */
  teamsOn?: (date: string) => ReadonlySet<number> | undefined;
  /** Share model for a date, or undefined for rate_weighted (the caller keeps models away from dates they saw). */
  shareModelFor: (date: string) => ShareModel | undefined;
  progress: Progress;
}

export interface BacktestReport {
  n_player_games: number;
  n_slates: number;
  profile: string;
  worlds: number;
  dates: string[];
  coverage: Record<string, number>;
  coverage_endpoints_included: Record<string, number>;
  mae_mean: number;
  crps: number;
  pit_histogram: number[];
  by_minutes_bucket: Record<string, ReturnType<typeof summary>>;
  baselines: Record<string, ReturnType<typeof summary>>;
  team: {
    n_team_games: number;
    points_mean_minus_implied: number;
    points_mean_over_implied: number;
    points_sd_sim: number;
    points_sd_real: number;
  };
  correlation: Record<'teammate_fga' | 'teammate_fpts' | 'opponent_fpts', { sim: number; real: number }>;
  scatter: { mean: number; actual: number }[];
  minutes: MinutesBlock;
  plays: { brier: number; brier_base_rate: number };
}

/** The date's box-score lines by player id (silver/player_games: quarantined games are not there). */
export async function actualsOf(lake: Lake, date: string): Promise<Map<number, Actual>> {
  const rows = frameRows(await lake.read(PLAYER_GAMES, { startDate: date, endDate: date }));
  const out = new Map<number, Actual>();
  for (const r of rows) {
    const n = (k: string): number => (r[k] as number | null) ?? 0;
    out.set(r.player_id as number, {
      dk: dkPoints({ pts: n('pts'), fg3m: n('fg3m'), reb: n('reb'), ast: n('ast'), stl: n('stl'), blk: n('blk'), tov: n('tov') }),
      fga: n('fga'),
      pts: n('pts'),
      minutes: n('minutes'),
      regulation: n('overtime_periods') === 0,
    });
  }
  return out;
}

/**
 * Each team's vacancy on the date (vacated season minutes per game of its unavailable players: gold vac_min_szn),
 * and each available player's minutes rank and season minutes (5+ available games).
 */
export async function vacancyAndRoles(
  lake: Lake,
  date: string,
): Promise<{ vacancy: Map<number, number>; roles: Map<number, { rank: number; minutesSzn: number }> }> {
  const vacancy = new Map<number, number>();
  const roles = new Map<number, { rank: number; minutesSzn: number }>();
  const columns = ['team_id', 'player_id', 'vac_min_szn', 'minutes_rank_in_team', 'minutes_szn', 'games_available_szn'];
  for (const r of frameRows(await lake.read(RATES_TRAINING_BASE, { startDate: date, endDate: date }, { columns }))) {
    const t = r.team_id as number;
    vacancy.set(t, Math.max(vacancy.get(t) ?? 0, (r.vac_min_szn as number | null) ?? 0));
    const szn = r.minutes_szn;
    if (typeof szn === 'number' && typeof r.minutes_rank_in_team === 'number' && ((r.games_available_szn as number | null) ?? 0) >= 5)
      roles.set(r.player_id as number, { rank: r.minutes_rank_in_team, minutesSzn: szn });
  }
  return { vacancy, roles };
}

/** Per player of a slate: his worlds' DK points, FGA and minutes, and his team's minutes in each world. */
export function worldsByPlayer(
  s: Slate,
  results: readonly GameResult[],
  worlds: number,
): { dk: Float64Array[]; fga: Float64Array[]; minutes: Float64Array[]; teamMinutes: Float64Array[]; teamPts: Float64Array[] } {
  const dk: Float64Array[] = [];
  const fga: Float64Array[] = [];
  const minutes: Float64Array[] = [];
  const teamMinutes: Float64Array[] = [];
  const teamPts: Float64Array[] = [];
  for (const { acc, worldRows } of results) {
    if (worldRows === undefined) throw new Error('backtest needs world rows');
    const g = acc.g;
    const p0 = s.playerStart[2 * g]!;
    for (let team = 0; team < 2; team++) teamMinutes[2 * g + team] = new Float64Array(worlds);
    for (let j = 0; j < acc.nP; j++) {
      const d = new Float64Array(worlds);
      const f = new Float64Array(worlds);
      const m = new Float64Array(worlds);
      const tm = teamMinutes[s.playerTeam[p0 + j]!]!;
      for (let w = 0; w < worlds; w++) {
        d[w] = worldRows.dk[w * acc.nP + j]!;
        f[w] = worldRows.stats[(w * acc.nP + j) * NSTAT + STAT_INDEX.fga]!;
        m[w] = worldRows.minutes[w * acc.nP + j]!;
        tm[w] = tm[w]! + m[w]!;
      }
      dk[p0 + j] = d;
      fga[p0 + j] = f;
      minutes[p0 + j] = m;
    }
    for (let team = 0; team < 2; team++)
      teamPts[2 * g + team] = Float64Array.from({ length: worlds }, (_, w) => worldRows.teamPts[w * 2 + team]!);
  }
  return { dk, fga, minutes, teamMinutes, teamPts };
}

const meanArr = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};

type Pairs = { sim: number[]; a: number[]; b: number[] };
export type SlateWorlds = ReturnType<typeof worldsByPlayer>;

/** Everything the backtest sums over dates before it reports. */
export interface State {
  main: Tally;
  base: Tally;
  naive: Tally;
  buckets: Record<string, Tally>;
  pits: number[];
  scatter: { mean: number; actual: number }[];
  team: { n: number; diff: number; ratio: number; sdSim: number; realResid: number[] };
  corr: Record<'teammate_fga' | 'teammate_fpts' | 'opponent_fpts', Pairs>;
  minutes: MinutesEntry[];
  plays: { prob: number[]; played: boolean[] };
}

export const newState = (): State => ({
  main: newTally(),
  base: newTally(),
  naive: newTally(),
  buckets: Object.fromEntries(MINUTES_BUCKETS.map((b) => [b.name, newTally()])),
  pits: [],
  scatter: [],
  team: { n: 0, diff: 0, ratio: 0, sdSim: 0, realResid: [] },
  corr: { teammate_fga: { sim: [], a: [], b: [] }, teammate_fpts: { sim: [], a: [], b: [] }, opponent_fpts: { sim: [], a: [], b: [] } },
  minutes: [],
  plays: { prob: [], played: [] },
});

/** The slate dates in range, or an even sample of `maxDates` of them. */
async function backtestDates(opts: BacktestOptions): Promise<string[]> {
  if (opts.dates !== undefined) return opts.dates;
  const parts = await opts.lake.partitions(RATES_TRAINING_BASE, { startDate: opts.startDate, endDate: opts.endDate });
  let dates = parts.map((p) => p.partition.game_date!);
  if (dates.length === 0) throw new UserError(`no slate dates between ${opts.startDate} and ${opts.endDate} in ${opts.lake.store.root}`);
  if (opts.maxDates !== undefined && dates.length > opts.maxDates) {
    // An even sample across the range, so every part of the season is represented.
    const step = dates.length / opts.maxDates;
    dates = Array.from({ length: opts.maxDates }, (_, k) => dates[Math.floor(k * step)]!);
  }
  return dates;
}

/** One scored player: his real line, projected minutes and worlds under the profile and the baseline profile. */
export interface ScoredPlayer {
  actual: Actual;
  p50: number;
  dk: Float64Array;
  dkBase: Float64Array;
  fga: Float64Array;
}

/** A slate's players as scored players, in slate order (absent from the box score = a DNP). */
export function slatePlayers(slate: Slate, actual: Map<number, Actual>, sim: SlateWorlds, simBase: SlateWorlds): ScoredPlayer[] {
  return Array.from({ length: slate.nPlayers }, (_, i) => ({
    actual: actual.get(slate.playerId[i]!) ?? { dk: 0, fga: 0, pts: 0, minutes: 0, regulation: true },
    p50: slate.p50[i]!,
    dk: sim.dk[i]!,
    dkBase: simBase.dk[i]!,
    fga: sim.fga[i]!,
  }));
}

/** Real minus mean simulated DK points and FGA per player, in order (for the correlations). */
export function residualsOf(players: readonly ScoredPlayer[]): { residDk: number[]; residFga: number[] } {
  return { residDk: players.map((p) => p.actual.dk - meanArr(p.dk)), residFga: players.map((p) => p.actual.fga - meanArr(p.fga)) };
}

/** Scores every player against his simulated DK points (and the baselines); returns the residuals, in order. */
export function scorePlayers(st: State, players: readonly ScoredPlayer[]): { residDk: number[]; residFga: number[] } {
  const { main, base, naive, buckets, pits, scatter } = st;
  const residDk: number[] = [];
  const residFga: number[] = [];
  for (const p of players) {
    const a = p.actual;
    const score = (t: Tally, d: Discrete): void => {
      t.n++;
      for (const [key, lo, hi] of INTERVALS) {
        t.inside[key] = t.inside[key]! + intervalCoverage(d, a.dk, lo, hi);
        if (a.dk >= quantileOf(d, lo) && a.dk <= quantileOf(d, hi)) t.insideInclusive[key] = t.insideInclusive[key]! + 1;
      }
      t.absErr += Math.abs(meanOf(d) - a.dk);
      t.crps += crpsDiscrete(d, a.dk);
    };
    const d = discreteFromSamples(p.dk);
    score(main, d);
    const bucket = MINUTES_BUCKETS.find((b) => p.p50 >= b.lo && p.p50 < b.hi);
    if (bucket !== undefined) score(buckets[bucket.name]!, d);
    score(base, discreteFromSamples(p.dkBase));
    const mu = meanOf(d);
    const sd = Math.max(0.3 * mu, 0.5);
    naive.n++;
    for (const [key, lo, hi] of INTERVALS) {
      const inside = a.dk >= normalQuantile(mu, sd, lo) && a.dk <= normalQuantile(mu, sd, hi) ? 1 : 0;
      naive.inside[key] = naive.inside[key]! + inside;
      naive.insideInclusive[key] = naive.insideInclusive[key]! + inside;
    }
    naive.absErr += Math.abs(mu - a.dk);
    naive.crps += crpsNormal(mu, sd, a.dk);
    pits.push(pitDiscrete(d, a.dk));
    scatter.push({ mean: mu, actual: a.dk });
    residDk.push(a.dk - mu);
    residFga.push(a.fga - meanArr(p.fga));
  }
  return { residDk, residFga };
}

/** Simulated team points against the implied totals and the real scores' spread. */
export function scoreTeams(
  st: State,
  slate: Slate,
  actual: Map<number, Actual>,
  sim: SlateWorlds,
  skipTeam: (teamId: number) => boolean = () => false,
): void {
  const { team } = st;
  for (let t = 0; t < slate.nTeams; t++) {
    // a game is kept or left out whole (teams 2g and 2g + 1 are a game's two sides)
    if (skipTeam(slate.teamId[t]!) || skipTeam(slate.teamId[t ^ 1]!)) continue;
    const pts = sim.teamPts[t]!;
    const m = meanArr(pts);
    let v = 0;
    for (let w = 0; w < pts.length; w++) v += (pts[w]! - m) ** 2;
    let real = 0;
    for (let i = slate.playerStart[t]!; i < slate.playerEnd[t]!; i++) real += actual.get(slate.playerId[i]!)?.pts ?? 0;
    const implied = slate.teamItt[t]!;
    if (!Number.isFinite(implied)) continue;
    team.n++;
    team.diff += m - implied;
    team.ratio += m / implied;
    team.sdSim += Math.sqrt(v / pts.length);
    team.realResid.push(real - implied);
  }
}

/** Correlations: pairs among each rotation's top players (projection order), within and across teams. */
export function scoreCorrelations(
  st: State,
  slate: Slate,
  sim: SlateWorlds,
  residDk: number[],
  residFga: number[],
  skipTeam: (teamId: number) => boolean = () => false,
): void {
  const { corr } = st;
  const top = (t: number): number[] => {
    const out: number[] = [];
    for (let i = slate.playerStart[t]!; i < Math.min(slate.playerEnd[t]!, slate.playerStart[t]! + CORR_TOP); i++) out.push(i);
    return out;
  };
  const pair = (c: { sim: number[]; a: number[]; b: number[] }, x: Float64Array[], resid: number[], i: number, j: number): void => {
    const r = pearson(Array.from(x[i]!), Array.from(x[j]!));
    if (Number.isFinite(r)) c.sim.push(r);
    c.a.push(resid[i]!, resid[j]!);
    c.b.push(resid[j]!, resid[i]!);
  };
  for (let g = 0; g < slate.nGames; g++) {
    if (skipTeam(slate.teamId[2 * g]!) || skipTeam(slate.teamId[2 * g + 1]!)) continue;
    const [h, aw] = [top(2 * g), top(2 * g + 1)];
    for (const side of [h, aw]) {
      for (let x = 0; x < side.length; x++) {
        for (let y = x + 1; y < side.length; y++) {
          pair(corr.teammate_fga, sim.fga, residFga, side[x]!, side[y]!);
          pair(corr.teammate_fpts, sim.dk, residDk, side[x]!, side[y]!);
        }
      }
    }
    for (const i of h) for (const j of aw) pair(corr.opponent_fpts, sim.dk, residDk, i, j);
  }
}

export async function runBacktest(opts: BacktestOptions): Promise<BacktestReport> {
  const dates = await backtestDates(opts);
  const st = newState();
  // Every world of every date is kept for scoring; the backend only changes how fast they come.
  const backend = opts.backend ?? cpuBackend({ workers: opts.workers, chunk: opts.chunk });
  opts.progress.start('backtest', dates.length, 'dates');
  for (const [k, date] of dates.entries()) {
    const slate = await loadSlate(opts.lake, date, new Set(), opts.shareModelFor(date));
    const actual = await actualsOf(opts.lake, date);
    const run = async (profile: Profile) =>
      worldsByPlayer(
        slate,
        (await simulate(slate, profile, backend, { seed: opts.seed, worlds: opts.worlds, saveWorlds: true })).games,
        opts.worlds,
      );
    const sim = await run(opts.profile);
    const simBase = await run(opts.baselineProfile);
    const keep = opts.teamsOn?.(date);
    const skip = (teamId: number): boolean => keep !== undefined && !keep.has(teamId);
    const all = slatePlayers(slate, actual, sim, simBase);
    const scored = scorePlayers(st, keep === undefined ? all : all.filter((_, i) => !skip(slate.teamId[slate.playerTeam[i]!]!)));
    // Correlations pair players by slate index: with a team filter the residuals are taken over the whole slate.
    const { residDk, residFga } = keep === undefined ? scored : residualsOf(all);
    const { vacancy, roles } = await vacancyAndRoles(opts.lake, date);
    for (let i = 0; i < slate.nPlayers; i++) {
      const team = slate.playerTeam[i]!;
      const teamId = slate.teamId[team]!;
      if (skip(teamId)) continue;
      const a = actual.get(slate.playerId[i]!) ?? { dk: 0, fga: 0, pts: 0, minutes: 0, regulation: true };
      addMinutes(
        st,
        `${date}/${teamId}`,
        vacancy.get(teamId) ?? 0,
        sim.minutes[i]!,
        sim.teamMinutes[team]!,
        a,
        roles.get(slate.playerId[i]!),
      );
    }
    scoreTeams(st, slate, actual, sim, skip);
    scoreCorrelations(st, slate, sim, residDk, residFga, skip);
    opts.progress.update(k + 1);
  }
  opts.progress.stop();
  return report(st, opts, dates);
}

/** A scored player's minutes and play outcome, for the minutes block and the Brier score. */
export function addMinutes(
  st: State,
  teamGame: string,
  vacancy: number,
  minutes: ArrayLike<number>,
  teamMinutes: ArrayLike<number>,
  a: Actual,
  role?: { rank: number; minutesSzn: number },
): void {
  const m = simMinutesOf(minutes, teamMinutes);
  st.minutes.push({
    teamGame,
    vacancy,
    simMean: m.simMean,
    simRegPlayed: m.simRegPlayed,
    simReg44: m.simReg44,
    actual: a,
    ...(role !== undefined ? { role } : {}),
  });
  st.plays.prob.push(m.playProb);
  st.plays.played.push(a.minutes > 0);
}

export function report(st: State, opts: Pick<BacktestOptions, 'profileName' | 'worlds'>, dates: string[]): BacktestReport {
  const { main, base, naive, buckets, pits, scatter, team, corr } = st;
  const realSd = Math.sqrt(
    team.realResid.reduce((a, r) => a + r * r, 0) / team.realResid.length -
      (team.realResid.reduce((a, r) => a + r, 0) / team.realResid.length) ** 2,
  );
  const c = (x: { sim: number[]; a: number[]; b: number[] }) => ({ sim: meanArr(x.sim), real: pearson(x.a, x.b) });
  const m = summary(main);
  return {
    n_player_games: main.n,
    n_slates: dates.length,
    profile: opts.profileName,
    worlds: opts.worlds,
    dates,
    coverage: m.coverage,
    coverage_endpoints_included: m.coverage_endpoints_included,
    mae_mean: m.mae_mean,
    crps: m.crps,
    pit_histogram: pitHistogram(pits),
    by_minutes_bucket: Object.fromEntries(Object.entries(buckets).map(([k2, t]) => [k2, summary(t)])),
    baselines: { baseline: summary(base), naive_normal: summary(naive) },
    team: {
      n_team_games: team.n,
      points_mean_minus_implied: team.diff / team.n,
      points_mean_over_implied: team.ratio / team.n,
      points_sd_sim: team.sdSim / team.n,
      points_sd_real: realSd,
    },
    correlation: { teammate_fga: c(corr.teammate_fga), teammate_fpts: c(corr.teammate_fpts), opponent_fpts: c(corr.opponent_fpts) },
    scatter,
    minutes: minutesBlock(st.minutes),
    plays: (({ brier, brier_base_rate }) => ({ brier, brier_base_rate }))(brierScores(st.plays.prob, st.plays.played)),
  };
}

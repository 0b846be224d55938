// Pregame features for every available player of every team-game: gold/rates_training_base.
//
// Leak-free by construction: dates are processed in order; the features of date D are computed from state
// that holds only rows dated before D, and D's rows update the state only after all of D's features exist.
// What D itself contributes to its own features is only what is known before tip: who is available (the
// injury report), who starts (the confirmed lineup) and the closing line (known at tip).
import type { Frame, Value } from '../data/schema.ts';
import { selectAsOf, tipTimestamp } from './asof.ts';

/** Per-minute rates carried as priors and recent form. `fga` is all field-goal attempts. */
export const RATE_STATS = ['fga', 'fga3', 'fta', 'tov', 'ast', 'oreb', 'dreb', 'stl', 'blk'] as const;
export type RateStat = (typeof RATE_STATS)[number];

/** Pseudo-minutes of the shrinkage prior on season rates (about four games of a rotation player). */
export const SEASON_PRIOR_MINUTES = 120;
/** Pseudo-minutes pulling last season's rate toward the league rate of his position group. */
export const PREV_PRIOR_MINUTES = 400;
/** Half-lives, in games, of the recent-form averages. */
export const MINUTES_HALF_LIFE = 4;
export const RATE_HALF_LIFE = 10;
/** Pace prior weight, in games. */
export const PACE_PRIOR_GAMES = 8;

/** Typical NBA rates, used only before the lake has any game to learn league means from. */
const FALLBACK_RATE: Record<RateStat, number> = {
  fga: 0.37, fga3: 0.14, fta: 0.1, tov: 0.055, ast: 0.1, oreb: 0.045, dreb: 0.15, stl: 0.035, blk: 0.022,
};
const FALLBACK_PCT = { fg2: 0.52, fg3: 0.355, ft: 0.77 };
const FALLBACK_PACE = 100;

export type PosGroup = 'guard' | 'wing' | 'big';

/** Roster position ("Guard-Forward", "G-F", "C", ...) -> primary letter, flags and group. */
export function positionInfo(position: string | null): { primary: string; g: boolean; f: boolean; c: boolean; group: PosGroup } {
  const p = (position ?? '').toUpperCase();
  const tokens = p.split('-').map((t) => t.trim()[0] ?? '');
  const g = tokens.includes('G');
  const f = tokens.includes('F');
  const c = tokens.includes('C');
  const primary = tokens[0] === 'G' || tokens[0] === 'F' || tokens[0] === 'C' ? tokens[0] : 'U';
  const group: PosGroup = c ? 'big' : g && !f ? 'guard' : 'wing';
  return { primary, g, f, c, group };
}

interface Acc {
  min: number;
  games: number; // games with minutes > 0
  availGames: number; // games he was available for
  starts: number;
  fga: number;
  fga3: number;
  fta: number;
  tov: number;
  ast: number;
  oreb: number;
  dreb: number;
  stl: number;
  blk: number;
  fgm2: number;
  fg3m: number;
  ftm: number;
}

const newAcc = (): Acc => ({
  min: 0, games: 0, availGames: 0, starts: 0, fga: 0, fga3: 0, fta: 0, tov: 0, ast: 0, oreb: 0, dreb: 0, stl: 0, blk: 0, fgm2: 0, fg3m: 0, ftm: 0,
});

interface PlayerState {
  season: number;
  acc: Acc;
  prev: Acc | null; // last season he appeared in
  group: PosGroup;
  // Decayed sums over available games (carried across seasons with an extra halving at the boundary).
  mW: number;
  mSum: number;
  pW: number; // decayed count of games he played
  pSum: number; // decayed minutes in games he played
  lastMinutes: number | null;
  startSum: number;
  playedSum: number;
  rW: Record<RateStat, number>; // decayed counts
  rMin: number; // decayed minutes for rates
  last5: number[]; // minutes of his last five available games, this season
  lastPlayed: string | null;
}

interface TeamState {
  season: number;
  paceSum: number;
  games: number;
  prevPace: number | null;
  // season sums of team usage (fga + 0.44 fta + tov) and games, for usage shares
  usage: number;
}

interface LeagueSeason {
  byGroup: Record<PosGroup, Acc>;
  all: Acc;
  paceSum: number;
  teamGames: number;
  // per-player shooting for the empirical-Bayes prior strength of the next season
  shooters: { fgm2: number; fga2: number; fg3m: number; fga3: number; ftm: number; fta: number }[];
}

const newLeague = (): LeagueSeason => ({
  byGroup: { guard: newAcc(), wing: newAcc(), big: newAcc() },
  all: newAcc(),
  paceSum: 0,
  teamGames: 0,
  shooters: [],
});

/** Beta-binomial prior strength by the method of moments over players with enough attempts. */
export function ebPriorStrength(made: number[], att: number[], minAtt: number, fallback: number): number {
  let sm = 0;
  let sa = 0;
  const ps: number[] = [];
  const ns: number[] = [];
  for (let i = 0; i < made.length; i++) {
    const a = att[i] as number;
    if (a < minAtt) continue;
    ps.push((made[i] as number) / a);
    ns.push(a);
    sm += made[i] as number;
    sa += a;
  }
  if (ps.length < 30 || sa === 0) return fallback;
  const pbar = sm / sa;
  let varObs = 0;
  let binom = 0;
  for (let i = 0; i < ps.length; i++) {
    varObs += ((ps[i] as number) - pbar) ** 2;
    binom += (pbar * (1 - pbar)) / (ns[i] as number);
  }
  varObs /= ps.length - 1;
  binom /= ps.length;
  const tau2 = varObs - binom;
  if (!(tau2 > 0)) return 2000;
  return Math.min(2000, Math.max(5, (pbar * (1 - pbar)) / tau2 - 1));
}

export interface FeatureRow {
  [column: string]: Value;
}

export interface OddsRow {
  game_id: string;
  home_team_id: number;
  spread_home: number | null;
  total: number | null;
  home_implied_total: number | null;
  away_implied_total: number | null;
  as_of_ts: string;
}

const col = <T extends Value>(f: Frame, name: string, i: number): T => (f.columns[name] as Value[])[i] as T;

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function rateFrom(acc: Acc, stat: RateStat): number {
  return acc.min > 0 ? acc[stat] / acc.min : 0;
}

/**
 * Computes the feature rows (no minutes projections yet) for every available player in `games`
 * (silver/player_games rows of all seasons, any order) with closing lines from `odds`.
 */
export function computeRatesBase(games: Frame, odds: readonly OddsRow[]): FeatureRow[] {
  // Order: date, then game, then team, then the box score's own row order.
  const order = Array.from({ length: games.numRows }, (_, i) => i);
  order.sort(
    (a, b) =>
      col<string>(games, 'game_date', a).localeCompare(col<string>(games, 'game_date', b)) ||
      col<string>(games, 'game_id', a).localeCompare(col<string>(games, 'game_id', b)) ||
      col<number>(games, 'team_id', a) - col<number>(games, 'team_id', b) ||
      a - b,
  );
  const tipOf = new Map<string, string>();
  for (const i of order) tipOf.set(col<string>(games, 'game_id', i), tipTimestamp(col<string>(games, 'game_date', i), col<string | null>(games, 'tip_time_local', i)));
  const lines = selectAsOf(odds, (o) => o.game_id, (o) => o.as_of_ts, (k) => tipOf.get(k));

  const players = new Map<number, PlayerState>();
  const teams = new Map<number, TeamState>();
  const leagues = new Map<number, LeagueSeason>();
  const lastTeamGame = new Map<number, string>();
  const ebStrength = new Map<number, { fg2: number; fg3: number; ft: number }>();
  const out: FeatureRow[] = [];

  const leagueFor = (season: number): LeagueSeason => {
    let l = leagues.get(season);
    if (l === undefined) {
      l = newLeague();
      leagues.set(season, l);
    }
    return l;
  };
  /** League reference for a season: last season's league, else this season so far, else typical values. */
  const leagueRef = (season: number): LeagueSeason | null => {
    const prev = leagues.get(season - 1);
    if (prev !== undefined && prev.all.min > 0) return prev;
    const cur = leagues.get(season);
    return cur !== undefined && cur.all.min > 0 ? cur : null;
  };
  const leagueRate = (season: number, group: PosGroup, stat: RateStat): number => {
    const ref = leagueRef(season);
    if (ref === null) return FALLBACK_RATE[stat];
    const g = ref.byGroup[group];
    return g.min > 0 ? rateFrom(g, stat) : rateFrom(ref.all, stat);
  };
  const leaguePct = (season: number): { fg2: number; fg3: number; ft: number } => {
    const ref = leagueRef(season);
    if (ref === null) return FALLBACK_PCT;
    const a = ref.all;
    const fga2 = a.fga - a.fga3;
    return {
      fg2: fga2 > 0 ? a.fgm2 / fga2 : FALLBACK_PCT.fg2,
      fg3: a.fga3 > 0 ? a.fg3m / a.fga3 : FALLBACK_PCT.fg3,
      ft: a.fta > 0 ? a.ftm / a.fta : FALLBACK_PCT.ft,
    };
  };
  const ebFor = (season: number): { fg2: number; fg3: number; ft: number } => {
    let e = ebStrength.get(season);
    if (e === undefined) {
      const prev = leagues.get(season - 1);
      const sh = prev?.shooters ?? [];
      e = {
        fg2: ebPriorStrength(sh.map((s) => s.fgm2), sh.map((s) => s.fga2), 100, 100),
        fg3: ebPriorStrength(sh.map((s) => s.fg3m), sh.map((s) => s.fga3), 50, 150),
        ft: ebPriorStrength(sh.map((s) => s.ftm), sh.map((s) => s.fta), 40, 50),
      };
      ebStrength.set(season, e);
    }
    return e;
  };

  const playerState = (pid: number, season: number, position: string | null): PlayerState => {
    let p = players.get(pid);
    const group = positionInfo(position).group;
    if (p === undefined) {
      p = {
        season, acc: newAcc(), prev: null, group, mW: 0, mSum: 0, pW: 0, pSum: 0, lastMinutes: null, startSum: 0, playedSum: 0,
        rW: { fga: 0, fga3: 0, fta: 0, tov: 0, ast: 0, oreb: 0, dreb: 0, stl: 0, blk: 0 }, rMin: 0, last5: [], lastPlayed: null,
      };
      players.set(pid, p);
    } else if (p.season !== season) {
      // New season: last season's totals become the prior; recent form fades (an offseason is long).
      if (p.acc.min > 0) p.prev = p.acc;
      p.acc = newAcc();
      p.season = season;
      p.last5 = [];
      p.mW *= 0.5;
      p.mSum *= 0.5;
      p.pW *= 0.5;
      p.pSum *= 0.5;
      p.startSum *= 0.5;
      p.playedSum *= 0.5;
      p.rMin *= 0.5;
      for (const s of RATE_STATS) p.rW[s] *= 0.5;
    }
    if (position !== null) p.group = group;
    return p;
  };
  const teamState = (tid: number, season: number): TeamState => {
    let t = teams.get(tid);
    if (t === undefined) {
      t = { season, paceSum: 0, games: 0, prevPace: null, usage: 0 };
      teams.set(tid, t);
    } else if (t.season !== season) {
      t.prevPace = t.games > 0 ? t.paceSum / t.games : t.prevPace;
      t.season = season;
      t.paceSum = 0;
      t.games = 0;
      t.usage = 0;
    }
    return t;
  };
  const paceOf = (t: TeamState, season: number): number => {
    const ref = leagueRef(season);
    const leaguePace = ref !== null && ref.teamGames > 0 ? ref.paceSum / ref.teamGames : FALLBACK_PACE;
    const prior = t.prevPace ?? leaguePace;
    return (t.paceSum + PACE_PRIOR_GAMES * prior) / (t.games + PACE_PRIOR_GAMES);
  };

  // Walk the dates.
  let currentSeason: number | null = null;
  let start = 0;
  while (start < order.length) {
    const date = col<string>(games, 'game_date', order[start] as number);
    let end = start;
    while (end < order.length && col<string>(games, 'game_date', order[end] as number) === date) end++;
    const dayRows = order.slice(start, end);
    start = end;
    const daySeason = col<number>(games, 'season', dayRows[0] as number);
    if (currentSeason !== null && daySeason !== currentSeason) {
      // A season ended: its players' shooting sets the empirical-Bayes prior strength of the next one.
      const ended = leagueFor(currentSeason);
      for (const p of players.values()) {
        if (p.season !== currentSeason) continue;
        const a = p.acc;
        ended.shooters.push({ fgm2: a.fgm2, fga2: a.fga - a.fga3, fg3m: a.fg3m, fga3: a.fga3, ftm: a.ftm, fta: a.fta });
      }
    }
    currentSeason = daySeason;

    // Group the day's rows by team-game.
    const teamGames = new Map<string, number[]>();
    for (const i of dayRows) {
      const k = `${col(games, 'game_id', i)}|${col(games, 'team_id', i)}`;
      const l = teamGames.get(k);
      if (l === undefined) teamGames.set(k, [i]);
      else l.push(i);
    }

    // 1. Features of the day, from state before the day.
    for (const rows of teamGames.values()) {
      const r0 = rows[0] as number;
      const season = col<number>(games, 'season', r0);
      const gid = col<string>(games, 'game_id', r0);
      const tid = col<number>(games, 'team_id', r0);
      const oid = col<number>(games, 'opponent_team_id', r0);
      const home = col<string>(games, 'home_away', r0) === 'home';
      const line = lines.get(gid);
      const spreadHome = line?.spread_home ?? null;
      const spread = spreadHome === null ? null : home ? spreadHome : -spreadHome;
      const itt = line === undefined ? null : home ? line.home_implied_total : line.away_implied_total;
      const oitt = line === undefined ? null : home ? line.away_implied_total : line.home_implied_total;
      const team = teamState(tid, season);
      const opp = teamState(oid, season);
      const lastGame = lastTeamGame.get(tid);
      const daysRest = lastGame === undefined ? 7 : Math.min(7, daysBetween(lastGame, date));
      const lgPct = leaguePct(season);
      const eb = ebFor(season);

      // Vacancy: teammates listed unavailable today, valued by what they did this season before today.
      let vacMin = 0;
      let vacFga = 0;
      let vacTov = 0;
      let vacRecent = 0;
      let vacUsage = 0;
      let nOut = 0;
      const vacGroup: Record<PosGroup, number> = { guard: 0, wing: 0, big: 0 };
      const teamUsagePerGame = team.games > 0 ? team.usage / team.games : 0;
      for (const i of rows) {
        if (col<boolean>(games, 'available', i)) continue;
        nOut++;
        const p = playerState(col<number>(games, 'player_id', i), season, col<string | null>(games, 'position', i));
        const src = p.acc.games > 0 ? p.acc : p.prev;
        if (src === null || src.games === 0) continue;
        const perGame = (x: number): number => x / src.games;
        vacMin += perGame(src.min);
        vacFga += perGame(src.fga);
        vacTov += perGame(src.tov);
        vacRecent += p.mW > 0 ? p.mSum / p.mW : 0;
        vacGroup[p.group] += perGame(src.min);
        if (teamUsagePerGame > 0 && p.acc.games > 0) vacUsage += perGame(src.fga + 0.44 * src.fta + src.tov) / teamUsagePerGame;
      }

      // Available players: features.
      const avail = rows.filter((i) => col<boolean>(games, 'available', i));
      const recentMin = new Map<number, number>();
      for (const i of avail) {
        const p = playerState(col<number>(games, 'player_id', i), season, col<string | null>(games, 'position', i));
        recentMin.set(i, p.mW > 0 ? p.mSum / p.mW : -1);
      }
      const ranked = [...avail].sort((a, b) => (recentMin.get(b) as number) - (recentMin.get(a) as number) || a - b);
      for (const i of avail) {
        const pid = col<number>(games, 'player_id', i);
        const position = col<string | null>(games, 'position', i);
        const pos = positionInfo(position);
        const p = playerState(pid, season, position);
        const minutes = col<number | null>(games, 'minutes', i) ?? 0;
        const count = (name: string): number => col<number | null>(games, name, i) ?? 0;
        const fga = count('fga');
        const fg3a = count('fg3a');
        const fgm = count('fgm');
        const fg3m = count('fg3m');
        const per = (x: number): number | null => (minutes > 0 ? x / minutes : null);
        const pct = (m: number, a: number): number | null => (a > 0 ? m / a : null);
        const row: FeatureRow = {
          season,
          game_date: date,
          game_id: gid,
          team_id: tid,
          opponent_team_id: oid,
          player_id: pid,
          player_name: col<string>(games, 'player_name', i),
          season_type: col<string>(games, 'season_type', i),
          home,
          // labels
          minutes_actual: minutes,
          played: minutes > 0,
          fga2_per_min: per(fga - fg3a),
          fga3_per_min: per(fg3a),
          fta_per_min: per(count('fta')),
          tov_per_min: per(count('tov')),
          oreb_per_min: per(count('oreb')),
          dreb_per_min: per(count('dreb')),
          ast_per_min: per(count('ast')),
          stl_per_min: per(count('stl')),
          blk_per_min: per(count('blk')),
          fg2_pct: pct(fgm - fg3m, fga - fg3a),
          fg3_pct: pct(fg3m, fg3a),
          ft_pct: pct(count('ftm'), count('fta')),
          fgm, fga, fg3m, fg3a, ftm: count('ftm'), fta: count('fta'), oreb: count('oreb'), dreb: count('dreb'),
          ast: count('ast'), stl: count('stl'), blk: count('blk'), tov: count('tov'), pts: count('pts'),
        };
        // season priors: this season's rate shrunk toward last season's (itself shrunk toward the league's)
        for (const s of RATE_STATS) {
          const league = leagueRate(season, pos.group, s);
          const prior = p.prev !== null ? (p.prev[s] + PREV_PRIOR_MINUTES * league) / (p.prev.min + PREV_PRIOR_MINUTES) : league;
          row[`season_${s}_per_min`] = (p.acc[s] + SEASON_PRIOR_MINUTES * prior) / (p.acc.min + SEASON_PRIOR_MINUTES);
          row[`recent_${s}_per_min`] = (p.rW[s] + (SEASON_PRIOR_MINUTES / 2) * prior) / (p.rMin + SEASON_PRIOR_MINUTES / 2);
        }
        const shoot = p.acc;
        const prevShoot = p.prev;
        const fga2Seen = shoot.fga - shoot.fga3 + (prevShoot === null ? 0 : (prevShoot.fga - prevShoot.fga3) * 0.5);
        const fgm2Seen = shoot.fgm2 + (prevShoot === null ? 0 : prevShoot.fgm2 * 0.5);
        const fga3Seen = shoot.fga3 + (prevShoot === null ? 0 : prevShoot.fga3 * 0.5);
        const fg3mSeen = shoot.fg3m + (prevShoot === null ? 0 : prevShoot.fg3m * 0.5);
        const ftaSeen = shoot.fta + (prevShoot === null ? 0 : prevShoot.fta * 0.5);
        const ftmSeen = shoot.ftm + (prevShoot === null ? 0 : prevShoot.ftm * 0.5);
        row.season_fg2_pct = (fgm2Seen + eb.fg2 * lgPct.fg2) / (fga2Seen + eb.fg2);
        row.season_fg3_pct = (fg3mSeen + eb.fg3 * lgPct.fg3) / (fga3Seen + eb.fg3);
        row.season_ft_pct = (ftmSeen + eb.ft * lgPct.ft) / (ftaSeen + eb.ft);
        const rec = recentMin.get(i) as number;
        row.recent_minutes = rec >= 0 ? rec : null;
        row.recent_minutes_played = p.pW > 0 ? p.pSum / p.pW : null;
        row.last_minutes = p.lastMinutes;
        row.minutes_last5 = p.last5.length > 0 ? p.last5.reduce((a, b) => a + b, 0) / p.last5.length : null;
        row.minutes_szn = p.acc.availGames > 0 ? p.acc.min / p.acc.availGames : null;
        row.minutes_prev_season = p.prev !== null && p.prev.availGames > 0 ? p.prev.min / p.prev.availGames : null;
        row.games_played_szn = p.acc.games;
        row.games_available_szn = p.acc.availGames;
        row.start_rate_recent = p.mW > 0 ? p.startSum / p.mW : null;
        row.played_rate_recent = p.mW > 0 ? p.playedSum / p.mW : null;
        row.days_rest = daysRest;
        row.back_to_back = daysRest === 1;
        row.days_since_played = p.lastPlayed === null ? null : daysBetween(p.lastPlayed, date);
        // role
        row.is_starter = col<boolean>(games, 'starter', i);
        row.position_primary = pos.primary;
        row.pos_g = pos.g;
        row.pos_f = pos.f;
        row.pos_c = pos.c;
        row.pos_group = p.group;
        row.minutes_rank_in_team = ranked.indexOf(i) + 1;
        // team context
        row.team_itt = itt;
        row.opp_itt = oitt;
        row.spread_close = spread;
        row.total_close = line?.total ?? null;
        row.team_pace_szn = paceOf(team, season);
        row.opp_pace_szn = paceOf(opp, season);
        // vacancy
        row.vac_min_szn = vacMin;
        row.vac_fga_szn = vacFga;
        row.vac_tov_szn = vacTov;
        row.vac_min_recent = vacRecent;
        row.team_minutes_vacated = vacMin / 240;
        row.team_usage_vacated = vacUsage;
        row.vac_min_guard = vacGroup.guard;
        row.vac_min_wing = vacGroup.wing;
        row.vac_min_big = vacGroup.big;
        row.n_out = nOut;
        out.push(row);
      }
    }

    // 2. Update state with the day's outcomes.
    const decayM = 0.5 ** (1 / MINUTES_HALF_LIFE);
    const decayR = 0.5 ** (1 / RATE_HALF_LIFE);
    for (const rows of teamGames.values()) {
      const r0 = rows[0] as number;
      const season = col<number>(games, 'season', r0);
      const tid = col<number>(games, 'team_id', r0);
      const league = leagueFor(season);
      let tFga = 0;
      let tFta = 0;
      let tOreb = 0;
      let tTov = 0;
      let tMin = 0;
      for (const i of rows) {
        const count = (name: string): number => col<number | null>(games, name, i) ?? 0;
        tFga += count('fga');
        tFta += count('fta');
        tOreb += count('oreb');
        tTov += count('tov');
        tMin += col<number | null>(games, 'minutes', i) ?? 0;
        if (!col<boolean>(games, 'available', i)) continue;
        const p = playerState(col<number>(games, 'player_id', i), season, col<string | null>(games, 'position', i));
        const minutes = col<number | null>(games, 'minutes', i) ?? 0;
        const played = minutes > 0;
        p.mW = p.mW * decayM + 1;
        p.mSum = p.mSum * decayM + minutes;
        p.startSum = p.startSum * decayM + (col<boolean>(games, 'starter', i) ? 1 : 0);
        p.playedSum = p.playedSum * decayM + (played ? 1 : 0);
        p.lastMinutes = minutes;
        if (played) {
          p.pW = p.pW * decayM + 1;
          p.pSum = p.pSum * decayM + minutes;
        }
        p.last5.push(minutes);
        if (p.last5.length > 5) p.last5.shift();
        p.acc.availGames++;
        if (col<boolean>(games, 'starter', i)) p.acc.starts++;
        if (!played) continue;
        p.lastPlayed = col<string>(games, 'game_date', i);
        const fga = count('fga');
        const fg3a = count('fg3a');
        const add = { fga, fga3: fg3a, fta: count('fta'), tov: count('tov'), ast: count('ast'), oreb: count('oreb'), dreb: count('dreb'), stl: count('stl'), blk: count('blk') };
        p.rMin = p.rMin * decayR + minutes;
        for (const s of RATE_STATS) p.rW[s] = p.rW[s] * decayR + add[s];
        for (const acc of [p.acc, league.byGroup[p.group], league.all]) {
          acc.min += minutes;
          acc.games++;
          for (const s of RATE_STATS) acc[s] += add[s];
          acc.fgm2 += count('fgm') - count('fg3m');
          acc.fg3m += count('fg3m');
          acc.ftm += count('ftm');
        }
      }
      const team = teamState(tid, season);
      const poss = tFga + 0.44 * tFta - tOreb + tTov;
      if (tMin > 0) {
        const pace = (poss * 48) / (tMin / 5);
        team.paceSum += pace;
        team.games++;
        team.usage += tFga + 0.44 * tFta + tTov;
        league.paceSum += pace;
        league.teamGames++;
      }
      lastTeamGame.set(tid, date);
    }
  }
  return out;
}

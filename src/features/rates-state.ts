// The state of the rates base: per-player, per-team and per-league accumulators that the date walk updates with
// each team-game's outcomes. Everything a pregame feature of date D reads lives here, and it holds only rows
// dated before D (the caller updates it with D's rows only after D's features exist).
import type { Value } from '../data/schema.ts';

/** Per-minute rates carried as priors and recent form. `fga` is all field-goal attempts. */
export const RATE_STATS = ['fga', 'fga3', 'fta', 'tov', 'ast', 'oreb', 'dreb', 'stl', 'blk'] as const;
export type RateStat = (typeof RATE_STATS)[number];

/** Half-lives, in games, of the recent-form averages. */
export const MINUTES_HALF_LIFE = 4;
export const RATE_HALF_LIFE = 10;
const DECAY_M = 0.5 ** (1 / MINUTES_HALF_LIFE);
const DECAY_R = 0.5 ** (1 / RATE_HALF_LIFE);
/**
 * A game log that lists only who played (TeamGameOutcome.listsDnps false) says nothing of the team's other players.
 * A player who played for the team in one of its last ROSTER_MEMORY team-games and is absent from such a log is
 * read as dressed and benched (available, 0 minutes): the common case for a deep-bench player, and what a box score
 * would have listed as a coach's decision. Without it his played rate and recent minutes count only the games he
 * appeared in and a deep-bench player looks like a rotation player (seen on the 2025-26 feed's game-log part).
 * Only a player below BENCH_MINUTES recent minutes is read so: in the clean 2024-25 box scores, a DNP of a player
 * averaging under 8 minutes in his last five available games was a coach's decision 97% of the time (3,912 of
 * 4,033), 8-15 minutes 87%, 15-22 minutes 43%, 22+ minutes 5%: an absent rotation player was almost surely
 * unavailable (injury, rest), which counts nothing, as an injury row does. Past ROSTER_MEMORY team-games absent
 * a player is unknown (injured, waived, in the G League) and nothing is counted.
 */
export const ROSTER_MEMORY = 10;
export const BENCH_MINUTES = 15;
const NO_COUNTS: RowCounts = { fgm: 0, fga: 0, fg3m: 0, fg3a: 0, ftm: 0, fta: 0, oreb: 0, dreb: 0, ast: 0, stl: 0, blk: 0, tov: 0 };

export type PosGroup = 'guard' | 'wing' | 'big';

export interface FeatureRow {
  [column: string]: Value;
}

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

export interface Acc {
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

export const newAcc = (): Acc => ({
  min: 0,
  games: 0,
  availGames: 0,
  starts: 0,
  fga: 0,
  fga3: 0,
  fta: 0,
  tov: 0,
  ast: 0,
  oreb: 0,
  dreb: 0,
  stl: 0,
  blk: 0,
  fgm2: 0,
  fg3m: 0,
  ftm: 0,
});

export interface PlayerState {
  season: number;
  acc: Acc;
  prev: Acc | null; // last season he appeared in
  group: PosGroup;
  /** The last non-null roster position seen (pregame rows use it: tonight's roster has only a DK position). */
  position: string | null;
  // Decayed sums over available games (carried across seasons with an extra halving at the boundary).
  mW: number;
  mSum: number;
  pW: number; // decayed count of games he played
  pSum: number; // decayed minutes in games he played
  lastMinutes: number | null;
  /** Decayed count of available games whose starter flag is known (a game log without it is left out). */
  startW: number;
  startSum: number;
  /** Decayed count of available games (game logs: see TeamGameOutcome.listsDnps). */
  playedW: number;
  playedSum: number;
  rW: Record<RateStat, number>; // decayed counts
  rMin: number; // decayed minutes for rates
  last5: number[]; // minutes of his last five available games, this season
  lastPlayed: string | null;
}

export interface TeamState {
  season: number;
  paceSum: number;
  games: number;
  prevPace: number | null;
  // season sums of team usage (fga + 0.44 fta + tov) and games, for usage shares
  usage: number;
}

export interface LeagueSeason {
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

/** Box-score counts of one row; null counts read as 0. */
export interface RowCounts {
  fgm: number;
  fga: number;
  fg3m: number;
  fg3a: number;
  ftm: number;
  fta: number;
  oreb: number;
  dreb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
}

/** One player's row of a finished team-game, as the state update needs it. */
export interface PlayerOutcome {
  player_id: number;
  position: string | null;
  available: boolean;
  /** Null when the source does not say (a game log): left out of start-rate features. */
  starter: boolean | null;
  minutes: number | null;
  counts: RowCounts;
}

export interface TeamGameOutcome {
  season: number;
  date: string;
  team_id: number;
  /**
   * False for a team-game read from a log that lists only who played (no row with played = false and no starter
   * flag on any row): its recent deep-bench players absent from it count as benched (ROSTER_MEMORY,
   * BENCH_MINUTES), others absent are unknown, so the listed players' games do not read as perfect availability.
   * A box score in which every dressed player happened to play still marks its starters, so it lists DNPs (true).
   */
  listsDnps: boolean;
  players: PlayerOutcome[];
}

/** Per-player, per-team and per-league accumulators, updated one date at a time. */
export class RatesState {
  readonly players = new Map<number, PlayerState>();
  readonly teams = new Map<number, TeamState>();
  readonly leagues = new Map<number, LeagueSeason>();
  readonly lastTeamGame = new Map<number, string>();
  /** Per team: its players this season and the team-games since each last appeared in its rows (see ROSTER_MEMORY). */
  readonly rosters = new Map<number, Map<number, number>>();
  /** Each player's latest team (a traded player leaves his old team's roster). */
  readonly playerTeam = new Map<number, number>();
  /**
   * Consecutive team-games of his team, up to the last one, in which the player was unavailable: listed with an
   * injury-type DNP, absent from a box score (the inactive list), or, in a log without DNP rows, absent while a
   * rotation player (see BENCH_MINUTES). 0 after a game he was available for. Pregame mode turns it into a
   * probability that he is available tonight when no injury report says (src/features/pregame.ts).
   */
  readonly absenceStreak = new Map<number, number>();
  readonly ebStrength = new Map<number, { fg2: number; fg3: number; ft: number }>();
  currentSeason: number | null = null;

  leagueFor(season: number): LeagueSeason {
    let l = this.leagues.get(season);
    if (l === undefined) {
      l = newLeague();
      this.leagues.set(season, l);
    }
    return l;
  }

  /** Called before a date's features: a season that ended leaves its players' shooting for the next one's prior. */
  beginDate(season: number): void {
    if (this.currentSeason !== null && season !== this.currentSeason) {
      const ended = this.leagueFor(this.currentSeason);
      for (const p of this.players.values()) {
        if (p.season !== this.currentSeason) continue;
        const a = p.acc;
        ended.shooters.push({ fgm2: a.fgm2, fga2: a.fga - a.fga3, fg3m: a.fg3m, fga3: a.fga3, ftm: a.ftm, fta: a.fta });
      }
    }
    this.currentSeason = season;
  }

  /** The player's state for `season`, created or rolled into the new season as needed. */
  playerState(pid: number, season: number, position: string | null): PlayerState {
    let p = this.players.get(pid);
    const group = positionInfo(position).group;
    if (p === undefined) {
      p = {
        season,
        acc: newAcc(),
        prev: null,
        group,
        position,
        mW: 0,
        mSum: 0,
        pW: 0,
        pSum: 0,
        lastMinutes: null,
        startW: 0,
        startSum: 0,
        playedW: 0,
        playedSum: 0,
        rW: { fga: 0, fga3: 0, fta: 0, tov: 0, ast: 0, oreb: 0, dreb: 0, stl: 0, blk: 0 },
        rMin: 0,
        last5: [],
        lastPlayed: null,
      };
      this.players.set(pid, p);
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
      p.startW *= 0.5;
      p.startSum *= 0.5;
      p.playedW *= 0.5;
      p.playedSum *= 0.5;
      p.rMin *= 0.5;
      for (const s of RATE_STATS) p.rW[s] *= 0.5;
    }
    if (position !== null) {
      p.group = group;
      p.position = position;
    }
    return p;
  }

  teamState(tid: number, season: number): TeamState {
    let t = this.teams.get(tid);
    if (t === undefined) {
      t = { season, paceSum: 0, games: 0, prevPace: null, usage: 0 };
      this.teams.set(tid, t);
    } else if (t.season !== season) {
      t.prevPace = t.games > 0 ? t.paceSum / t.games : t.prevPace;
      t.season = season;
      t.paceSum = 0;
      t.games = 0;
      t.usage = 0;
    }
    return t;
  }

  /**
   * Registers a team-game's players in the order row emission meets them (the unavailable, then the available),
   * for a walk that emits no rows: the players map's order fixes the order of the season-end shooter sums, and
   * floating-point sums in another order would differ from gold's in the last bits.
   */
  touch(tg: TeamGameOutcome): void {
    for (const o of tg.players) if (!o.available) this.playerState(o.player_id, tg.season, o.position);
    for (const o of tg.players) if (o.available) this.playerState(o.player_id, tg.season, o.position);
  }

  /**
   * The team-game's outcomes, plus, for a log without DNP rows, its recent players absent from the log as
   * available with 0 minutes (ROSTER_MEMORY); and the team's roster memory moved on by this game.
   */
  private withBenched(tg: TeamGameOutcome): PlayerOutcome[] {
    let roster = this.rosters.get(tg.team_id);
    if (roster === undefined) {
      roster = new Map();
      this.rosters.set(tg.team_id, roster);
    }
    const listed = new Set(tg.players.map((o) => o.player_id));
    const out = [...tg.players];
    for (const [pid, since] of roster) {
      if (listed.has(pid)) continue;
      const p = this.players.get(pid);
      if (
        !tg.listsDnps &&
        since < ROSTER_MEMORY &&
        p !== undefined &&
        p.season === tg.season &&
        p.mW > 0 &&
        p.mSum / p.mW < BENCH_MINUTES
      ) {
        out.push({ player_id: pid, position: null, available: true, starter: null, minutes: 0, counts: NO_COUNTS });
        this.absenceStreak.set(pid, 0);
      } else {
        this.absenceStreak.set(pid, (this.absenceStreak.get(pid) ?? 0) + 1);
      }
      if (since + 1 >= ROSTER_MEMORY) roster.delete(pid);
      else roster.set(pid, since + 1);
    }
    for (const pid of listed) {
      const previous = this.playerTeam.get(pid);
      if (previous !== undefined && previous !== tg.team_id) this.rosters.get(previous)?.delete(pid);
      this.playerTeam.set(pid, tg.team_id);
      roster.set(pid, 0);
    }
    for (const o of tg.players) this.absenceStreak.set(o.player_id, o.available ? 0 : (this.absenceStreak.get(o.player_id) ?? 0) + 1);
    return out;
  }

  /** Adds a finished team-game's outcomes (after every feature of its date exists). */
  update(tg: TeamGameOutcome): void {
    const { season, date } = tg;
    const league = this.leagueFor(season);
    let tFga = 0;
    let tFta = 0;
    let tOreb = 0;
    let tTov = 0;
    let tMin = 0;
    for (const o of this.withBenched(tg)) {
      const c = o.counts;
      tFga += c.fga;
      tFta += c.fta;
      tOreb += c.oreb;
      tTov += c.tov;
      tMin += o.minutes ?? 0;
      if (!o.available) continue;
      const p = this.playerState(o.player_id, season, o.position);
      const minutes = o.minutes ?? 0;
      const played = minutes > 0;
      p.mW = p.mW * DECAY_M + 1;
      p.mSum = p.mSum * DECAY_M + minutes;
      if (o.starter !== null) {
        p.startW = p.startW * DECAY_M + 1;
        p.startSum = p.startSum * DECAY_M + (o.starter ? 1 : 0);
      }
      // A log without DNP rows counts too now that its benched players are added (withBenched): the listed
      // played, the recent deep-bench players absent from it did not.
      p.playedW = p.playedW * DECAY_M + 1;
      p.playedSum = p.playedSum * DECAY_M + (played ? 1 : 0);
      p.lastMinutes = minutes;
      if (played) {
        p.pW = p.pW * DECAY_M + 1;
        p.pSum = p.pSum * DECAY_M + minutes;
      }
      p.last5.push(minutes);
      if (p.last5.length > 5) p.last5.shift();
      p.acc.availGames++;
      if (o.starter === true) p.acc.starts++;
      if (!played) continue;
      p.lastPlayed = date;
      const add = { fga: c.fga, fga3: c.fg3a, fta: c.fta, tov: c.tov, ast: c.ast, oreb: c.oreb, dreb: c.dreb, stl: c.stl, blk: c.blk };
      p.rMin = p.rMin * DECAY_R + minutes;
      for (const s of RATE_STATS) p.rW[s] = p.rW[s] * DECAY_R + add[s];
      for (const acc of [p.acc, league.byGroup[p.group], league.all]) {
        acc.min += minutes;
        acc.games++;
        for (const s of RATE_STATS) acc[s] += add[s];
        acc.fgm2 += c.fgm - c.fg3m;
        acc.fg3m += c.fg3m;
        acc.ftm += c.ftm;
      }
    }
    const team = this.teamState(tg.team_id, season);
    const poss = tFga + 0.44 * tFta - tOreb + tTov;
    if (tMin > 0) {
      const pace = (poss * 48) / (tMin / 5);
      team.paceSum += pace;
      team.games++;
      team.usage += tFga + 0.44 * tFta + tTov;
      league.paceSum += pace;
      league.teamGames++;
    }
    this.lastTeamGame.set(tg.team_id, date);
  }
}

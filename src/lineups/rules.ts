// DraftKings NBA roster rules as one declared table (classic and showdown), and the check every lineup passes
// before it is scored, built or exported. A player is one DraftKings row (its own dk id); in showdown the same
// person has a CPT row and a UTIL row with different ids, tied together by `personKey`.

export type ContestType = 'classic' | 'showdown';

export interface RosterRules {
  readonly type: ContestType;
  /** slot names in DraftKings' upload order */
  readonly slots: readonly string[];
  readonly salaryCap: number;
  /** classic: players from at least this many games */
  readonly minGames: number;
  /** showdown: players from at least this many teams */
  readonly minTeams: number;
}

export const CLASSIC: RosterRules = {
  type: 'classic',
  slots: ['PG', 'SG', 'SF', 'PF', 'C', 'G', 'F', 'UTIL'],
  salaryCap: 50000,
  minGames: 2,
  minTeams: 1,
};

export const SHOWDOWN: RosterRules = {
  type: 'showdown',
  slots: ['CPT', 'UTIL', 'UTIL', 'UTIL', 'UTIL', 'UTIL'],
  salaryCap: 50000,
  minGames: 1,
  minTeams: 2,
};

/** The captain's points (and salary, which DraftKings prints on his CPT row) are 1.5x. */
export const CAPTAIN_MULTIPLIER = 1.5;

export const rulesOf = (type: ContestType): RosterRules => (type === 'classic' ? CLASSIC : SHOWDOWN);

/** One DraftKings row of the slate, as lineups see it. */
export interface PoolPlayer {
  readonly dkId: number;
  readonly name: string;
  /** the Roster Position cell split on '/': e.g. PG, G, UTIL; or CPT; or UTIL */
  readonly rosterPositions: readonly string[];
  readonly salary: number;
  /** DraftKings team abbreviation */
  readonly team: string;
  /** `AWAY@HOME` */
  readonly game: string;
  /** the same for a person's CPT and UTIL rows (showdown); unique per person */
  readonly personKey: string;
}

export const eligible = (p: PoolPlayer, slot: string): boolean => p.rosterPositions.includes(slot);

/** Classic or showdown from the pool's roster positions (any CPT row makes it showdown). */
export function contestTypeOf(pool: readonly PoolPlayer[]): ContestType {
  return pool.some((p) => p.rosterPositions.includes('CPT')) ? 'showdown' : 'classic';
}

/**
 * The first DraftKings rule the lineup (players in slot order) breaks, in words, or null when it is valid:
 * slot count, slot eligibility, one slot per person, the salary cap, games (classic) or teams (showdown).
 */
export function lineupViolation(rules: RosterRules, players: readonly PoolPlayer[]): string | null {
  if (players.length !== rules.slots.length)
    return `${players.length} players, a ${rules.type} lineup has ${rules.slots.length} (${rules.slots.join(',')})`;
  const seen = new Map<string, number>();
  for (const [i, p] of players.entries()) {
    const slot = rules.slots[i] ?? '?';
    if (!eligible(p, slot)) return `${p.name} (${p.dkId}) cannot play ${slot} (roster position ${p.rosterPositions.join('/')})`;
    const before = seen.get(p.personKey);
    if (before !== undefined) return `${p.name} (${p.dkId}) appears twice (${rules.slots[before]} and ${slot})`;
    seen.set(p.personKey, i);
  }
  const salary = players.reduce((s, p) => s + p.salary, 0);
  if (salary > rules.salaryCap) return `salary ${salary} is over the cap of ${rules.salaryCap}`;
  const games = new Set(players.map((p) => p.game));
  if (games.size < rules.minGames) return `players from ${games.size} game, DraftKings requires at least ${rules.minGames}`;
  const teams = new Set(players.map((p) => p.team));
  if (teams.size < rules.minTeams) return `players from ${teams.size} team, DraftKings requires at least ${rules.minTeams}`;
  if (rules.type === 'showdown' && games.size > 1) return `players from ${games.size} games, a showdown lineup is one game`;
  return null;
}

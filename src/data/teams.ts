// The 30 NBA franchises as of 2017-18 to 2023-24, keyed by nba.com team id, with the abbreviations that other
// feeds (lines archives, DraftKings) use for them. Domain facts as data; a feed's unknown team is an error.

export interface Team {
  readonly teamId: number;
  readonly abbreviation: string;
  readonly aliases: readonly string[];
}

export const TEAMS: readonly Team[] = [
  { teamId: 1610612737, abbreviation: 'ATL', aliases: [] },
  { teamId: 1610612738, abbreviation: 'BOS', aliases: [] },
  { teamId: 1610612739, abbreviation: 'CLE', aliases: [] },
  { teamId: 1610612740, abbreviation: 'NOP', aliases: ['NO', 'NOR'] },
  { teamId: 1610612741, abbreviation: 'CHI', aliases: [] },
  { teamId: 1610612742, abbreviation: 'DAL', aliases: [] },
  { teamId: 1610612743, abbreviation: 'DEN', aliases: [] },
  { teamId: 1610612744, abbreviation: 'GSW', aliases: ['GS'] },
  { teamId: 1610612745, abbreviation: 'HOU', aliases: [] },
  { teamId: 1610612746, abbreviation: 'LAC', aliases: [] },
  { teamId: 1610612747, abbreviation: 'LAL', aliases: [] },
  { teamId: 1610612748, abbreviation: 'MIA', aliases: [] },
  { teamId: 1610612749, abbreviation: 'MIL', aliases: [] },
  { teamId: 1610612750, abbreviation: 'MIN', aliases: [] },
  { teamId: 1610612751, abbreviation: 'BKN', aliases: ['BRK', 'BK'] },
  { teamId: 1610612752, abbreviation: 'NYK', aliases: ['NY'] },
  { teamId: 1610612753, abbreviation: 'ORL', aliases: [] },
  { teamId: 1610612754, abbreviation: 'IND', aliases: [] },
  { teamId: 1610612755, abbreviation: 'PHI', aliases: [] },
  { teamId: 1610612756, abbreviation: 'PHX', aliases: ['PHO'] },
  { teamId: 1610612757, abbreviation: 'POR', aliases: [] },
  { teamId: 1610612758, abbreviation: 'SAC', aliases: [] },
  { teamId: 1610612759, abbreviation: 'SAS', aliases: ['SA'] },
  { teamId: 1610612760, abbreviation: 'OKC', aliases: [] },
  { teamId: 1610612761, abbreviation: 'TOR', aliases: [] },
  { teamId: 1610612762, abbreviation: 'UTA', aliases: ['UTAH', 'UTH'] },
  { teamId: 1610612763, abbreviation: 'MEM', aliases: [] },
  { teamId: 1610612764, abbreviation: 'WAS', aliases: ['WSH'] },
  { teamId: 1610612765, abbreviation: 'DET', aliases: [] },
  { teamId: 1610612766, abbreviation: 'CHA', aliases: ['CHO'] },
];

const BY_ID = new Map(TEAMS.map((t) => [t.teamId, t]));
const BY_ABBR = new Map<string, Team>();
for (const t of TEAMS) for (const a of [t.abbreviation, ...t.aliases]) BY_ABBR.set(a, t);

export function teamById(teamId: number): Team | undefined {
  return BY_ID.get(teamId);
}

export function teamByAbbreviation(abbr: string): Team | undefined {
  return BY_ABBR.get(abbr.trim().toUpperCase());
}

// `slatesim lake salaries`: a DraftKings salary export (DKSalaries.csv) -> gold/dk_salaries, each DraftKings
// player joined to his nba.com player_id through that date's box-score rows. DraftKings ids are not nba.com
// ids and names differ in accents, suffixes and punctuation, so names are normalised before they are joined;
// what still does not match is kept (player_id null) and reported, never dropped.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { UserError } from '../data/errors.ts';
import { candidatesOf, matchSalaries, parseDkCsv, type SalaryMatch } from '../data/dk-salaries.ts';
import { Lake } from '../data/lake.ts';
import { frameFromRows, type Frame } from '../data/schema.ts';
import { BRONZE_BOX_SCORES, DK_SALARIES, PLAYER_GAMES } from '../data/tables.ts';

// The parser and matcher live in the data layer (the engine reads them too); re-exported for callers here.
export {
  candidatesOf,
  gameDateOfGameInfo,
  matchSalaries,
  parseDkCsv,
  type Candidate,
  type DkRow,
  type MatchMethod,
  type SalaryMatch,
} from '../data/dk-salaries.ts';

export interface SalariesResult {
  path: string;
  draftGroupId: string;
  matches: SalaryMatch[];
  matched: number;
  total: number;
}

export async function importSalaries(opts: {
  lake: Lake;
  csvText: string;
  csvFile: string;
  date: string;
  draftGroupId?: string;
}): Promise<SalariesResult> {
  const { lake, date } = opts;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UserError(`--date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const all = parseDkCsv(opts.csvText, opts.csvFile);
  const rows = all.filter((r) => r.gameDate === date);
  if (rows.length === 0) {
    const dates = [...new Set(all.map((r) => r.gameDate ?? 'none'))].sort().join(', ');
    throw new UserError(`--date ${date}: no players in ${basename(opts.csvFile)} on that date (dates present: ${dates})`);
  }
  const sources = new Set(rows.map((r) => r.sourceFile).filter((s) => s !== null));
  if (opts.draftGroupId === undefined && sources.size > 1) {
    throw new UserError(`--dk-csv ${basename(opts.csvFile)}: ${sources.size} slates on ${date}; pick one with --draft-group-id`);
  }
  const draftGroupId =
    opts.draftGroupId ??
    `auto-${createHash('sha256')
      .update(
        rows
          .map((r) => r.dkId)
          .sort((a, b) => a - b)
          .join(','),
      )
      .digest('hex')
      .slice(0, 10)}`;
  if (!/^[A-Za-z0-9_-]+$/.test(draftGroupId)) {
    throw new UserError(`--draft-group-id must be letters, digits, '-' or '_', got ${JSON.stringify(draftGroupId)}`);
  }

  const box = await lake.read(
    PLAYER_GAMES,
    { startDate: date, endDate: date },
    { columns: ['season', 'game_id', 'team_id', 'player_id', 'player_name'] },
  );
  if (box.numRows === 0) throw new UserError(`--date ${date}: the lake at ${lake.store.root} has no box-score rows for that date`);
  const season = box.columns.season?.[0] as number;
  const registryFrame = await lake.read(BRONZE_BOX_SCORES, undefined, { columns: ['season', 'team_id', 'player_id', 'player_name'] });
  const registry = candidatesOf(registryFrame);
  const seasonRows = registry.filter((_, i) => registryFrame.columns.season?.[i] === season);
  const gameOfTeam = new Map<number, string>();
  for (let i = 0; i < box.numRows; i++) gameOfTeam.set(box.columns.team_id?.[i] as number, box.columns.game_id?.[i] as string);
  const matches = matchSalaries(rows, candidatesOf(box), seasonRows, registry);
  const frame: Frame = frameFromRows(
    DK_SALARIES.schema,
    matches.map((m) => ({
      site: 'dk',
      game_date: date,
      draft_group_id: draftGroupId,
      dk_id: m.row.dkId,
      dk_name: m.row.name,
      dk_position: m.row.position,
      roster_position: m.row.rosterPosition,
      salary: m.row.salary,
      game_info: m.row.gameInfo,
      team_abbrev: m.row.teamAbbrev,
      avg_points_per_game: m.row.avgPointsPerGame,
      team_id: m.teamId,
      game_id: m.teamId === null ? null : (gameOfTeam.get(m.teamId) ?? null),
      player_id: m.candidate?.playerId ?? null,
      player_name: m.candidate?.name ?? null,
      match_method: m.method,
    })),
  );
  const path = await lake.write(DK_SALARIES, { site: 'dk', game_date: date, draft_group_id: draftGroupId }, frame);
  const matched = matches.filter((m) => m.candidate !== null).length;
  return { path, draftGroupId, matches, matched, total: matches.length };
}

// The DraftKings salary join on the real 2023-01-18 slate: DraftKings names joined to nba.com player ids
// through box scores, normalisation tested on the names that really differ, and what does not match listed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { normaliseName } from '../src/data/names.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { DK_SALARIES } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake } from '../src/lake/build.ts';
import { importSalaries, parseDkCsv, type SalariesResult } from '../src/lake/salaries.ts';
import { loadProfile } from '../engine/profile.ts';
import { runSim } from '../src/cli/run-sim.ts';
import { FIXTURES, tempDir } from './helpers.ts';

const FIX = join(FIXTURES, 'dk-2023-01-18');
const DK_CSV = join(FIX, 'dk_salaries_2023-01-18.csv');
let lake: Lake;
let result: SalariesResult;

beforeAll(async () => {
  await initParquetNode();
  const dir = await tempDir('dk');
  await buildLake({ source: FIX, lake: dir, progress: silentProgress });
  lake = new Lake(new NodeFileStore(dir));
  result = await importSalaries({ lake, csvText: await readFile(DK_CSV, 'utf8'), csvFile: DK_CSV, date: '2023-01-18' });
});

describe('name normalisation', () => {
  it.each([
    ['Nikola Jokić', 'nikola jokic'],
    ['Kelly Oubre Jr.', 'kelly oubre'],
    ['Lonnie Walker IV', 'lonnie walker'],
    ['P.J. Washington', 'pj washington'],
    ["D'Angelo Russell", 'dangelo russell'],
    ['Karl-Anthony Towns', 'karl anthony towns'],
    ['Guillermo Hernangomez', 'willy hernangomez'],
    ['  Dāvis   Bertāns ', 'davis bertans'],
  ])('%s -> %s', (raw, norm) => {
    expect(normaliseName(raw)).toBe(norm);
  });
});

describe('DK salaries 2023-01-18', () => {
  // This fixture holds only the season to date, so players who had not yet appeared in any 2022-23 box score
  // (season-long injuries, late signings) cannot match; with earlier seasons in the lake they do, and the
  // full-data test (test/full) holds the join to at least 98% of the slate.
  it('joins all but the players absent from every box score so far, and lists those', () => {
    expect(result.total).toBe(293);
    expect(result.matched).toBe(286);
    const unmatched = result.matches.filter((m) => m.candidate === null).map((m) => m.row.name);
    expect(unmatched.sort()).toEqual(
      ['Chet Holmgren', 'Collin Gillespie', 'DaQuan Jeffries', 'Daniel Theis', 'Danny Green', 'E.J. Liddell', 'Omer Yurtseven'].sort(),
    );
  });

  it('joins known players to their nba.com ids', () => {
    const byName = new Map(result.matches.map((m) => [m.row.name, m]));
    expect(byName.get('Kelly Oubre Jr.')?.candidate?.name).toBe('Kelly Oubre Jr.');
    expect(byName.get('Nikola Jokic')?.candidate?.playerId).toBe(203999);
    // On DraftKings' list but not in that night's box score (injured): found through the team's season rows.
    expect(byName.get('Zion Williamson')).toMatchObject({ method: 'season_team', candidate: { playerId: 1629627 } });
  });

  it('writes gold/dk_salaries that reads back with every DraftKings row, matched or not', async () => {
    expect(result.path).toBe(`gold/dk_salaries/site=dk/game_date=2023-01-18/draft_group_id=${result.draftGroupId}/salaries.parquet`);
    const rows = frameRows(await lake.read(DK_SALARIES, { startDate: '2023-01-18', endDate: '2023-01-18' }));
    expect(rows.length).toBe(293);
    expect(rows.filter((r) => r.player_id !== null).length).toBe(result.matched);
    const jokic = rows.find((r) => r.dk_name === 'Nikola Jokic');
    expect(jokic).toMatchObject({
      salary: 11400,
      team_abbrev: 'DEN',
      team_id: 1610612743,
      player_id: 203999,
      player_name: 'Nikola Jokić',
      dk_position: 'C',
      roster_position: 'C/UTIL',
      match_method: 'normalised',
    });
    expect(jokic?.game_id).toMatch(/^00222006\d\d$/);
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const [r] = (
      await conn.runAndReadAll(`SELECT count(*)::INT AS n, sum(salary)::INT AS s FROM read_parquet('${lake.store.root}/${result.path}')`)
    ).getRowObjectsJson();
    expect(r).toEqual({ n: 293, s: rows.reduce((a, x) => a + (x.salary as number), 0) });
  });

  it("reads DraftKings' own DKSalaries.csv header, below instruction rows", () => {
    const dk = [
      ',,,,,,,,,,,Instructions',
      'Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame',
      'PG,Luka Doncic (26449770),Luka Doncic,26449770,PG/G/UTIL,11400,ATL@DAL 01/18/2023 08:30PM ET,DAL,56.91',
    ].join('\n');
    const rows = parseDkCsv(dk, 'DKSalaries.csv');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Luka Doncic', dkId: 26449770, salary: 11400, gameDate: '2023-01-18', teamAbbrev: 'DAL' });
  });

  it('names the file, line and column of a bad salary', () => {
    const dk =
      'Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame\nPG,X (1),X,1,PG/UTIL,lots,A@B 01/18/2023 07:00PM ET,DAL,1\n';
    expect(() => parseDkCsv(dk, '/x/DKSalaries.csv')).toThrow(
      new UserError('DKSalaries.csv line 2: column "Salary" must be a positive integer, got "lots"'),
    );
  });

  it('adds salaries and DK positions to a simulation with --dk-csv', async () => {
    const profile = await loadProfile('usage_shares_v1');
    const r = await runSim({
      lake,
      date: '2023-01-18',
      profile: { ...profile, vegas_anchoring: { ...profile.vegas_anchoring, pilot_worlds: 512 } },
      profileName: 'usage_shares_v1',
      worlds: 300,
      seed: 3,
      chunk: 300,
      workers: 1,
      out: await tempDir('dksim'),
      run: 't',
      saveWorlds: false,
      dkCsv: { text: await readFile(DK_CSV, 'utf8'), file: DK_CSV },
      progress: silentProgress,
    });
    const withSalary = r.rows.filter((x) => x.salary !== null);
    expect(withSalary.length / r.rows.length).toBeGreaterThan(0.95);
    const jokic = r.rows.find((x) => x.player_id === 203999);
    expect(jokic).toMatchObject({ salary: 11400, dk_position: 'C' });
  });

  it('says which dates a file holds when --date has none', async () => {
    const err = await importSalaries({ lake, csvText: await readFile(DK_CSV, 'utf8'), csvFile: DK_CSV, date: '2023-01-19' }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe(
      '--date 2023-01-19: no players in dk_salaries_2023-01-18.csv on that date (dates present: 2023-01-18)',
    );
  });
});

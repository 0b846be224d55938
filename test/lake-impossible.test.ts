// Impossible stat lines at ingest (issue 16 item 7): every case is refused with the file, the line, the column
// and its value, on real rows (the embedded 2023-24 source's first two games; line 8 is Christian Braun: 19.333
// minutes, 2-5 FG, 0-1 3P, 1-2 FT, 1+2 reb, 1 tov, 5 pts, a regulation game). In a real feed's season (the
// 2025-26 fixture: whole minutes, no starter flags) an impossible row quarantines its game instead, unless
// --strict. The real seasons of ../shared pass these checks: the full group builds them all.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files of known size, and
   every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake } from '../src/lake/build.ts';
import { parseBoxScores } from '../src/lake/boxscores.ts';
import { EMBEDDED_SOURCE, FIXTURES, ROOT, filesBelow, tempDir } from './helpers.ts';

const FILE = 'box_scores_2024.csv.gz';
let clean: string[];
let overtime: string[];
let feed: string[];

const gunzipLines = async (path: string): Promise<string[]> =>
  gunzipSync(await readFile(path))
    .toString('utf8')
    .trimEnd()
    .split('\n');

beforeAll(async () => {
  await initParquetNode();
  const all = await gunzipLines(join(EMBEDDED_SOURCE, FILE));
  const gameId = all[0]!.split(',').indexOf('game_id');
  // The header and the first two games, in file order, so line numbers are the real file's.
  clean = all.filter((l, k) => k === 0 || ['0022300061', '0022300062'].includes(l.split(',')[gameId]!));
  expect(clean.length).toBe(55);
  // 0022300214 went to two overtimes: Lauri Markkanen played 49.683 minutes.
  overtime = all.filter((l, k) => k === 0 || l.split(',')[gameId] === '0022300214');
  feed = await gunzipLines(join(FIXTURES, 'feed-2026/box_scores_2026.csv.gz'));
});

/** The lines with one row's columns replaced (`row` is the 0-based index into lines: 7 is line 8). */
function edit(lines: readonly string[], row: number, values: Record<string, string>): string {
  const header = lines[0]!.split(',');
  return `${lines
    .map((l, k) => {
      if (k !== row) return l;
      const f = l.split(',');
      for (const [c, v] of Object.entries(values)) {
        const i = header.indexOf(c);
        expect(i, c).toBeGreaterThanOrEqual(0);
        f[i] = v;
      }
      return f.join(',');
    })
    .join('\n')}\n`;
}

describe('impossible stat lines in a box-score season are refused, naming file, line, column and value', () => {
  const cases: [string, Record<string, string>, string][] = [
    [
      'more field goals made than attempted',
      { fgm: '30', fga: '4', pts: '61' },
      'column "fgm" is 30, more than fga 4 (made more than attempted)',
    ],
    ['more free throws made than attempted', { ftm: '3', pts: '7' }, 'column "ftm" is 3, more than fta 2 (made more than attempted)'],
    [
      'more threes made than attempted',
      { fg3m: '1', fg3a: '0', pts: '6' },
      'column "fg3m" is 1, more than fg3a 0 (made more than attempted)',
    ],
    ['more threes than field goals', { fg3m: '3', fg3a: '4' }, 'column "fg3m" is 3, more than fgm 2 (more threes than field goals)'],
    [
      'more three attempts than field-goal attempts',
      { fg3a: '6' },
      'column "fg3a" is 6, more than fga 5 (more three attempts than field-goal attempts)',
    ],
    ['a negative rebound count', { dreb: '-4', reb: '-3' }, 'column "dreb" is -4, below 0'],
    ['a negative turnover count', { tov: '-1' }, 'column "tov" is -1, below 0'],
    ['rebounds that are not offensive + defensive', { reb: '9' }, 'column "reb" is 9, not oreb 1 + dreb 2'],
    ['points that are not 2 x FGM + 3PM + FTM', { pts: '7' }, 'column "pts" is 7, not 2 x fgm 2 + fg3m 0 + ftm 1'],
    ['negative minutes', { minutes: '-3' }, 'column "minutes" is -3, below 0'],
    ['more minutes than five overtimes allow', { minutes: '80' }, 'column "minutes" is 80, more than 73 (48 + 5 overtimes)'],
    ['more minutes than his regulation game lasted', { minutes: '60' }, 'column "minutes" is 60, more than the game\'s 48 (no overtime)'],
  ];
  for (const [what, values, detail] of cases) {
    for (const strict of [false, true]) {
      it(`${what}${strict ? ' (--strict)' : ''}`, () => {
        const text = edit(clean, 7, values);
        expect(() => parseBoxScores(text, FILE, { strict })).toThrow(UserError);
        expect(() => parseBoxScores(text, FILE, { strict })).toThrow(`${FILE} line 8: impossible stat line, ${detail}`);
      });
    }
  }

  it('counts the other impossible rows and names the first by line', () => {
    const text = edit(edit(clean, 9, { tov: '-2' }).trimEnd().split('\n'), 7, { reb: '9' });
    expect(() => parseBoxScores(text, FILE)).toThrow(
      `${FILE} line 8: impossible stat line, column "reb" is 9, not oreb 1 + dreb 2 (1 more impossible row(s))`,
    );
  });

  it('accepts the unedited rows, and a real overtime player past 48 minutes, but not past the overtime', () => {
    expect(parseBoxScores(`${clean.join('\n')}\n`, FILE).report.quarantined).toEqual([]);
    expect(overtime.some((l) => l.includes(',Lauri Markkanen,') && l.includes(',49.683,'))).toBe(true);
    expect(parseBoxScores(`${overtime.join('\n')}\n`, FILE).report).toMatchObject({ overtimeTeamGames: 2, quarantined: [] });
    const k = overtime.findIndex((l) => l.includes(',Lauri Markkanen,'));
    expect(() => parseBoxScores(edit(overtime, k, { minutes: '59' }), FILE)).toThrow(
      `${FILE} line ${k + 1}: impossible stat line, column "minutes" is 59, more than the game's 58 (2 overtime period(s))`,
    );
  });

  it('stops the CLI with one line, exit 2, and writes no lake', async () => {
    const src = await tempDir('imp-src');
    await writeFile(join(src, FILE), gzipSync(edit(clean, 7, { fgm: '30', fga: '4', pts: '61' })));
    const out = join(await tempDir('imp-out'), 'lake');
    const err = (await promisify(execFile)('node', [join(ROOT, 'bin/slatesim.js'), 'lake', 'build', '--source', src, '--lake', out]).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toBe(
      `slatesim: ${FILE} line 8: impossible stat line, column "fgm" is 30, more than fga 4 (made more than attempted)\n`,
    );
    expect(await filesBelow(out)).toEqual([]);
  });
});

describe("a real feed's impossible row quarantines its game", () => {
  // Line 2 of the fixture is Jalen Brunson, NYK, game 0022500643 of 2026-01-24: 11-24 FG.
  const FEED_FILE = 'box_scores_2026.csv.gz';

  it('keeps the build going, with the line, column and value in the quarantine report', () => {
    const r = parseBoxScores(edit(feed, 1, { fgm: '30' }), FEED_FILE);
    const q = r.report.quarantined.find((x) => x.game_id === '0022500643');
    expect(q).toEqual({
      file: FEED_FILE,
      line: 2,
      game_id: '0022500643',
      team: 'NYK',
      game_dates: ['2026-01-24'],
      why: 'impossible stat line at line 2, column "fgm" is 30, more than fga 24 (made more than attempted)',
    });
    expect(r.report.quarantined.length).toBe(6); // the fixture's five damaged team-games, and this one
    expect((r.frame.columns.game_id as string[]).includes('0022500643')).toBe(false);
    expect((r.all.columns.game_id as string[]).filter((g) => g === '0022500643').length).toBeGreaterThan(0);
  });

  it('is refused under --strict, naming the row', () => {
    expect(() => parseBoxScores(edit(feed, 1, { fgm: '30' }), FEED_FILE, { strict: true })).toThrow(
      `${FEED_FILE} line 2: impossible stat line, column "fgm" is 30, more than fga 24 (made more than attempted)`,
    );
  });

  it('leaves the game out of silver in a built lake and lists it in the manifest', async () => {
    const src = await tempDir('imp-feed');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, FEED_FILE), gzipSync(edit(feed, 1, { dreb: '-4' })));
    const out = join(await tempDir('imp-feed-out'), 'lake');
    const r = await buildLake({ source: src, lake: out, skipGold: true, progress: silentProgress });
    const why = r.manifest.seasons['2026']!.box_scores.quarantined.filter((x) => x.game_id === '0022500643').map((x) => x.why);
    expect(why).toEqual(['impossible stat line at line 2, column "dreb" is -4, below 0']);
    const silver = await new Lake(new NodeFileStore(out)).read(PLAYER_GAMES, { startDate: '2026-01-24', endDate: '2026-01-24' });
    expect((silver.columns.game_id as string[]).includes('0022500643')).toBe(false);
    expect(silver.numRows).toBeGreaterThan(0);
  });
});

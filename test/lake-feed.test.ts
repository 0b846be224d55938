// `lake build` on a real feed with defects (test/fixtures/feed-2026: three dates of ../shared/recent's 2025-26
// file): several source folders and lines files in one build, the repeated and partial games quarantined and
// listed exactly, the game-log part's gaps (rounded minutes, no starter or position, no DNP rows) accepted and
// counted, `starter` null (never false) where the feed does not say, and --strict refusing as before.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { BRONZE_BOX_SCORES, ODDS_SNAPSHOT, PLAYER_GAMES } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake, type BuildResult } from '../src/lake/build.ts';
import { EMBEDDED_LAKE, EMBEDDED_SOURCE, FIXTURES, ROOT, filesBelow, tempDir } from './helpers.ts';

const FEED = join(FIXTURES, 'feed-2026');
const QUARANTINED_GAMES = ['0022500644', '0022500947', '0022500949'];
let lakeDir: string;
let result: BuildResult;

beforeAll(async () => {
  await initParquetNode();
  lakeDir = await tempDir('feed');
  // Two folders: the embedded 2023-24 slice (box scores and lines) and the 2025-26 feed (no lines file).
  result = await buildLake({ source: [EMBEDDED_SOURCE, FEED], lake: lakeDir, skipGold: true, progress: silentProgress });
}, 120_000);

describe('a real feed with defects, from two source folders', () => {
  it("builds both folders' seasons; the season without a lines file counts its games without a line", () => {
    expect(result.built).toEqual([2024, 2026]);
    const s2026 = result.manifest.seasons['2026'];
    expect(s2026?.lines).toMatchObject({ rowsInSeasons: 0, matchedGames: 0, gamesWithoutLine: 15 });
    expect(s2026?.rows.odds_snapshot).toBe(0);
    expect(result.manifest.seasons['2024']?.rows.odds_snapshot).toBe(712);
  });

  it('quarantines exactly the repeated game and the partial box scores, one entry each (file, line, game, dates, why)', () => {
    const q = result.manifest.seasons['2026']?.box_scores.quarantined ?? [];
    expect(q.map((e) => [e.file, e.line, e.game_id, e.team, e.game_dates.join(',')])).toEqual([
      ['box_scores_2026.csv.gz', 30, '0022500644', 'GSW', '2026-01-24,2026-01-25'],
      ['box_scores_2026.csv.gz', 44, '0022500644', 'MIN', '2026-01-24,2026-01-25'],
      ['box_scores_2026.csv.gz', 355, '0022500947', 'ORL', '2026-03-11'],
      ['box_scores_2026.csv.gz', 386, '0022500949', 'NYK', '2026-03-11'],
      ['box_scores_2026.csv.gz', 393, '0022500949', 'UTA', '2026-03-11'],
    ]);
    expect(q[0]?.why).toBe("repeats another game's rows: 14 rows dated 2026-01-24 and 14 rows dated 2026-01-25, 14 player(s) listed twice");
    expect(q[2]?.why).toBe('partial box score: 206.0 minutes where 240 are expected, 8 players with 105 points');
    expect(q[4]?.why).toBe('partial box score: 54.0 minutes where 240 are expected, 3 players with 25 points');
    expect(result.manifest.seasons['2024']?.box_scores.quarantined).toEqual([]);
  });

  it('keeps the quarantined games (both teams) out of silver and every row in bronze', async () => {
    const lake = new Lake(new NodeFileStore(lakeDir));
    const silver = await lake.read(PLAYER_GAMES, { seasons: [2026] });
    const games = new Set(silver.columns.game_id as string[]);
    for (const g of QUARANTINED_GAMES) expect(games.has(g), g).toBe(false);
    expect(games.size).toBe(15);
    expect(silver.numRows).toBe(463 - 81);
    expect(result.manifest.seasons['2026']?.box_scores).toMatchObject({ rows: 463, games: 18, teamGames: 36, quarantinedRows: 81 });
    // Every kept team-game is a whole one: 240 (+25 per overtime) within the rounding of a game log.
    const minutes = new Map<string, number>();
    for (const r of frameRows(silver))
      minutes.set(`${r.game_id}|${r.team_id}`, (minutes.get(`${r.game_id}|${r.team_id}`) ?? 0) + ((r.minutes as number | null) ?? 0));
    for (const [k, m] of minutes) expect(Math.abs(m - 240), k).toBeLessThanOrEqual(3);
    const bronze = await lake.read(BRONZE_BOX_SCORES, { seasons: [2026] });
    expect(bronze.numRows).toBe(463);
  });

  it('counts the game-log gaps and stores starter as null there, never false', async () => {
    expect(result.manifest.seasons['2026']?.box_scores).toMatchObject({
      roundedMinutesRows: 146,
      rowsWithoutStarter: 146,
      rowsWithoutPosition: 146,
      teamGamesWithoutDnpRows: 17,
    });
    const lake = new Lake(new NodeFileStore(lakeDir));
    for (const table of [PLAYER_GAMES, BRONZE_BOX_SCORES]) {
      const rows = frameRows(await lake.read(table, { seasons: [2026] }));
      const gameLog = rows.filter((r) => /game logs/.test((r.source as string | null) ?? ''));
      expect(gameLog.length).toBeGreaterThan(0);
      for (const r of gameLog) expect(r.starter, `${table.dir} ${r.game_id} ${r.player_name}`).toBeNull();
      // The box-score part says who started or not in every row.
      const boxPart = rows.filter((r) => !/game logs/.test((r.source as string | null) ?? ''));
      expect(boxPart.every((r) => typeof r.starter === 'boolean')).toBe(true);
    }
  });

  it('with --strict refuses the season as before and writes nothing', async () => {
    const out = join(await tempDir('strict'), 'lake');
    const err = await buildLake({ source: FEED, lake: out, strict: true, skipGold: true, progress: silentProgress }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      'box_scores_2026.csv.gz: inconsistent team-game (line 184): game_id 0022500644 team_id 1610612744: opponent, home_away or game_date differ between rows',
    );
    expect(await filesBelow(out)).toEqual([]);
  });

  it('rebuilds a season built with quarantined games when --strict is asked, and refuses it', async () => {
    const err = await buildLake({
      source: [EMBEDDED_SOURCE, FEED],
      lake: lakeDir,
      strict: true,
      skipGold: true,
      progress: silentProgress,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^box_scores_2026\.csv\.gz: inconsistent team-game/);
  });
});

describe('several lines files', () => {
  async function splitLines(edit: (second: string[], header: string[]) => string[]): Promise<string> {
    const src = await tempDir('lines');
    await cp(join(EMBEDDED_SOURCE, 'box_scores_2024.csv.gz'), join(src, 'box_scores_2024.csv.gz'));
    const lines = gunzipSync(await readFile(join(EMBEDDED_SOURCE, 'lines_2024.csv.gz')))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    const [head, ...rows] = lines;
    // Rows 300-399 are in both files: a game twice with the same values is read once.
    await writeFile(join(src, 'lines_a.csv'), `${[head, ...rows.slice(0, 400)].join('\n')}\n`);
    await mkdir(join(src, 'more'));
    await writeFile(join(src, 'more', 'lines_b.csv.gz'), gzipSync(`${[head, ...edit(rows.slice(300), head!.split(','))].join('\n')}\n`));
    return src;
  }

  it('reads overlapping files from two folders into the same odds as one file', async () => {
    const src = await splitLines((rows) => rows);
    const out = await tempDir('lines-out');
    const r = await buildLake({ source: [src, join(src, 'more')], lake: out, skipGold: true, progress: silentProgress });
    expect(r.manifest.seasons['2024']?.lines).toMatchObject({
      file: 'lines_a.csv, lines_b.csv.gz',
      matchedGames: 712,
      gamesWithoutLine: 0,
      linesWithoutGame: 0,
    });
    const mine = frameRows(await new Lake(new NodeFileStore(out)).read(ODDS_SNAPSHOT));
    const embedded = frameRows(await new Lake(new NodeFileStore(EMBEDDED_LAKE)).read(ODDS_SNAPSHOT));
    expect(mine).toEqual(embedded);
  });

  it('refuses the same game with different values in two files, naming both', async () => {
    const src = await splitLines((rows, header) =>
      rows.map((l, i) =>
        i === 5
          ? l
              .split(',')
              .map((v, j) => (j === header.indexOf('total') ? String(Number(v) + 1) : v))
              .join(',')
          : l,
      ),
    );
    const err = await buildLake({
      source: [src, join(src, 'more')],
      lake: await tempDir('lines-bad'),
      skipGold: true,
      progress: silentProgress,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^lines_a\.csv line 307 and lines_b\.csv\.gz line 7: game 00223\d{5} has different lines \(column "total": [\d.]+ vs [\d.]+\)$/,
    );
  });

  it('refuses one season in two folders, naming both files', async () => {
    const err = await buildLake({
      source: [EMBEDDED_SOURCE, EMBEDDED_SOURCE],
      lake: await tempDir('twice'),
      skipGold: true,
      progress: silentProgress,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^--source .+: season 2024 is in two files \(.+box_scores_2024\.csv\.gz, .+box_scores_2024\.csv\.gz\)$/,
    );
  });
});

describe('the CLI', () => {
  const run = promisify(execFile);
  const cli = (args: string[]): Promise<{ code?: number; stdout: string; stderr: string }> =>
    run('node', [join(ROOT, 'bin/slatesim.js'), 'lake', 'build', ...args]).catch(
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );

  it('takes --source as a comma list and as a repeated flag, and --strict, with one line and exit 2', async () => {
    const out = join(await tempDir('cli'), 'lake');
    const missing = join(await tempDir('cli'), 'nowhere');
    const comma = await cli(['--source', `${FEED},${missing}`, '--lake', out]);
    expect(comma.code).toBe(2);
    expect(comma.stderr).toBe(`slatesim: --source ${missing}: directory not found\n`);
    const strict = await cli(['--source', EMBEDDED_SOURCE, '--source', FEED, '--lake', out, '--strict']);
    expect(strict.code).toBe(2);
    // Progress lines may come first on stderr; the error is the one last line, with no stack trace.
    expect(strict.stderr).toMatch(/\nslatesim: box_scores_2026\.csv\.gz: inconsistent team-game \(line 184\)[^\n]*\n$/);
    expect(strict.stderr).not.toMatch(/\n\s+at /);
    expect(await filesBelow(out)).toEqual([]);
    await rm(out, { recursive: true, force: true });
  }, 60_000);
});

// `lake build` on the real slice embedded in public/data: the lake it writes is the committed one byte for
// byte, every table reads back (in our loader, over HTTP, and in DuckDB), the real-data facts of
// ../shared/data/README.md hold, filters open only their partitions, and corrupt CSVs leave nothing behind.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Frame, type Value } from '../src/data/schema.ts';
import { CountingStore } from '../src/data/store.ts';
import { HttpFileStore } from '../src/data/store-http.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { BRONZE_BOX_SCORES, BRONZE_LINES, ODDS_SNAPSHOT, PLAYER_GAMES } from '../src/data/tables.ts';
import { readCsvBytes } from '../src/data/csv.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake, type BuildResult } from '../src/lake/build.ts';
import { parseBoxScores } from '../src/lake/boxscores.ts';
import { EMBEDDED_LAKE, EMBEDDED_SOURCE, ROOT, filesBelow, tempDir } from './helpers.ts';

let lakeDir: string;
let first: BuildResult;

beforeAll(async () => {
  await initParquetNode();
  lakeDir = await tempDir('lake');
  first = await buildLake({ source: EMBEDDED_SOURCE, lake: lakeDir, progress: silentProgress });
});

const keyOf = (r: Record<string, Value>): string => `${r.game_id}|${r.player_id}`;

describe('lake build on the embedded slice', () => {
  it('writes exactly the committed embedded lake, byte for byte', async () => {
    const built = await filesBelow(lakeDir);
    const committed = (await filesBelow(EMBEDDED_LAKE)).filter((f) => f !== '_files.json');
    expect(built).toEqual(committed);
    for (const f of built) {
      const a = await readFile(join(lakeDir, f));
      const b = await readFile(join(EMBEDDED_LAKE, f));
      expect(a.equals(b), `${f} differs: rerun "npm run embed" after changing the builder`).toBe(true);
    }
  });

  it('round-trips player_games: every CSV row and value comes back, plus the derived columns', async () => {
    const file = join(EMBEDDED_SOURCE, 'box_scores_2024.csv.gz');
    const parsed = parseBoxScores(await readCsvBytes(file), file).frame;
    const lake = new Lake(new NodeFileStore(lakeDir));
    const back = await lake.read(PLAYER_GAMES);
    expect(back.numRows).toBe(parsed.numRows);
    const want = new Map(frameRows(parsed).map((r) => [keyOf(r), r]));
    for (const r of frameRows(back)) expect(r).toEqual(want.get(keyOf(r)));
    const bronze = await lake.read(BRONZE_BOX_SCORES);
    expect(bronze.numRows).toBe(parsed.numRows);
    const bronzeLines = await lake.read(BRONZE_LINES);
    expect(bronzeLines.numRows).toBe(first.manifest.seasons['2024']?.rows.odds_snapshot);
  });

  it('keeps the real-data facts: 240 (+25 per overtime) minutes, two teams a game, a known box score', async () => {
    const lake = new Lake(new NodeFileStore(lakeDir));
    const pg = await lake.read(PLAYER_GAMES);
    const rows = frameRows(pg);
    const teamMinutes = new Map<string, { sum: number; ot: number }>();
    for (const r of rows) {
      const k = `${r.game_id}|${r.team_id}`;
      const t = teamMinutes.get(k) ?? { sum: 0, ot: r.overtime_periods as number };
      t.sum += (r.minutes as number | null) ?? 0;
      teamMinutes.set(k, t);
    }
    expect(teamMinutes.size).toBe(2 * 712);
    for (const { sum, ot } of teamMinutes.values()) expect(Math.abs(sum - 240 - 25 * ot)).toBeLessThanOrEqual(1);
    const jokic = rows.find((r) => r.game_id === '0022300061' && r.player_id === 203999);
    expect(jokic).toMatchObject({
      player_name: 'Nikola Jokić',
      minutes: 36.25,
      pts: 29,
      fga: 22,
      fg3m: 3,
      reb: 13,
      ast: 11,
      available: true,
      starter: true,
    });
  });

  it('applies the availability rule to the comments', async () => {
    const rows = frameRows(await new Lake(new NodeFileStore(lakeDir)).read(PLAYER_GAMES));
    for (const r of rows) {
      const comment = (r.dnp_reason as string | null) ?? '';
      if (r.played === true) expect(r.available).toBe(true);
      else if (/coach/i.test(comment)) expect(r.available).toBe(true);
      else if (comment !== '') expect(r.available, `${r.player_name} "${comment}"`).toBe(false);
    }
    const cats = new Set(rows.map((r) => r.dnp_category));
    for (const c of ['played', 'coach_decision', 'injury', 'no_comment']) expect(cats.has(c), c).toBe(true);
    expect(rows.filter((r) => r.dnp_category === 'injury').length).toBeGreaterThan(300);
  });

  it('derives implied team totals from spread and total', async () => {
    const odds = frameRows(await new Lake(new NodeFileStore(lakeDir)).read(ODDS_SNAPSHOT));
    expect(odds.length).toBe(712);
    for (const o of odds) {
      const total = o.total as number;
      const spread = o.spread_home as number;
      expect((o.home_implied_total as number) + (o.away_implied_total as number)).toBeCloseTo(total, 9);
      expect((o.home_implied_total as number) - (o.away_implied_total as number)).toBeCloseTo(-spread, 9);
      expect(o.as_of_ts).toBe(`${o.game_date}T00:00:00`);
    }
  });

  it('is read back by DuckDB over the hive layout with the same counts and sums', async () => {
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const glob = `${lakeDir}/silver/player_games/*/*/*.parquet`;
    const [r] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INT AS n, sum(fga)::INT AS fga, count(DISTINCT game_id)::INT AS games, count(DISTINCT game_date)::INT AS dates FROM read_parquet('${glob}', hive_partitioning = true)`,
      )
    ).getRowObjectsJson();
    const pg = await new Lake(new NodeFileStore(lakeDir)).read(PLAYER_GAMES);
    const fga = (pg.columns.fga as (number | null)[]).reduce<number>((a, v) => a + (v ?? 0), 0);
    expect(r).toEqual({ n: pg.numRows, fga, games: 712, dates: 95 });
    const [o] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INT AS n FROM read_parquet('${lakeDir}/silver/odds_snapshot/*/*/*.parquet', hive_partitioning = true)`,
      )
    ).getRowObjectsJson();
    expect(o).toEqual({ n: 712 });
  });

  it('is incremental: an unchanged source rebuilds nothing, a changed one rebuilds its season', async () => {
    const again = await buildLake({ source: EMBEDDED_SOURCE, lake: lakeDir, progress: silentProgress });
    expect(again).toMatchObject({ built: [], skipped: [2024], filesWritten: 0 });
    const src = await tempDir('src');
    await cp(EMBEDDED_SOURCE, src, { recursive: true });
    const boxFile = join(src, 'box_scores_2024.csv.gz');
    const lines = gunzipSync(await readFile(boxFile))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    // Drop the last date's rows: the rebuilt season must lose that date's partition too.
    const lastDate = '2024-01-31';
    await writeFile(boxFile, gzipSync(`${lines.filter((l) => !l.includes(`,${lastDate},`)).join('\n')}\n`));
    const copyLake = await tempDir('lake2');
    await cp(lakeDir, copyLake, { recursive: true });
    const rebuilt = await buildLake({ source: src, lake: copyLake, progress: silentProgress });
    expect(rebuilt.built).toEqual([2024]);
    const parts = await new Lake(new NodeFileStore(copyLake)).partitions(PLAYER_GAMES);
    expect(parts.some((p) => p.partition.game_date === lastDate)).toBe(false);
    expect(parts.length).toBe(94);
  });
});

describe('partition pruning', () => {
  it('opens only the files of the requested dates', async () => {
    const store = new CountingStore(new NodeFileStore(EMBEDDED_LAKE));
    const frame = await new Lake(store).read(PLAYER_GAMES, { startDate: '2024-01-05', endDate: '2024-01-07' });
    expect(store.opened).toEqual([
      '_lake_manifest.json', // the file list the lake is checked against
      'silver/player_games/season=2024/game_date=2024-01-05/player_games.parquet',
      'silver/player_games/season=2024/game_date=2024-01-06/player_games.parquet',
      'silver/player_games/season=2024/game_date=2024-01-07/player_games.parquet',
    ]);
    expect(new Set(frame.columns.game_date)).toEqual(new Set(['2024-01-05', '2024-01-06', '2024-01-07']));
  });

  it('filters by season without opening other seasons', async () => {
    const store = new CountingStore(new NodeFileStore(EMBEDDED_LAKE));
    const frame = await new Lake(store).read(PLAYER_GAMES, { seasons: [2023] });
    expect(frame.numRows).toBe(0);
    expect(store.opened).toEqual(['_lake_manifest.json']);
  });
});

describe('the same loader over HTTP (the browser path)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
      readFile(join(EMBEDDED_LAKE, path))
        .then((b) => res.writeHead(200).end(b))
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the same frames as the filesystem store, pruning on the file list', async () => {
    const http = new CountingStore(new HttpFileStore(base));
    const filter = { startDate: '2024-01-10', endDate: '2024-01-11' };
    const viaHttp: Frame = await new Lake(http).read(PLAYER_GAMES, filter);
    const viaFs = await new Lake(new NodeFileStore(EMBEDDED_LAKE)).read(PLAYER_GAMES, filter);
    expect(http.opened).toEqual([
      '_lake_manifest.json',
      'silver/player_games/season=2024/game_date=2024-01-10/player_games.parquet',
      'silver/player_games/season=2024/game_date=2024-01-11/player_games.parquet',
    ]);
    expect(frameRows(viaHttp)).toEqual(frameRows(viaFs));
  });
});

describe('corrupt input', () => {
  async function corruptSource(edit: (lines: string[]) => string[]): Promise<string> {
    const src = await tempDir('bad');
    await cp(EMBEDDED_SOURCE, src, { recursive: true });
    const f = join(src, 'box_scores_2024.csv.gz');
    const lines = gunzipSync(await readFile(f))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    await writeFile(f, gzipSync(`${edit(lines).join('\n')}\n`));
    return src;
  }
  const header = (lines: string[]): string[] => lines[0]!.split(',');
  const setField = (line: string, idx: number, v: string): string =>
    line
      .split(',')
      .map((x, i) => (i === idx ? v : x))
      .join(',');

  const setFields = (lines: string[], n: number, values: Record<string, string>): string[] =>
    lines.map((l, k) => (k === n ? Object.entries(values).reduce((acc, [c, v]) => setField(acc, header(lines).indexOf(c), v), l) : l));

  // The last element: whether the case needs --strict (a real feed's damaged game is quarantined without it).
  const cases: [string, (lines: string[]) => string[], RegExp, boolean][] = [
    [
      'a missing column',
      (lines) => {
        const i = header(lines).indexOf('fga');
        return lines.map((l) =>
          l
            .split(',')
            .filter((_, j) => j !== i)
            .join(','),
        );
      },
      /^box_scores_2024\.csv\.gz: missing column "fga"$/,
      false,
    ],
    [
      'text in a number column',
      (lines) => lines.map((l, n) => (n === 7 ? setField(l, header(lines).indexOf('fga'), 'abc') : l)),
      /^box_scores_2024\.csv\.gz line 8: column "fga" must be an integer, got "abc"$/,
      false,
    ],
    [
      'a duplicated row',
      (lines) => [...lines.slice(0, 10), lines[5]!, ...lines.slice(10)],
      /^box_scores_2024\.csv\.gz: duplicated player-game row \(line 11\): game_id 0022300061 player_id \d+ \(.+\) also at line 6$/,
      true,
    ],
    [
      'an unknown team',
      (lines) => lines.map((l, n) => (n === 3 ? setField(l, header(lines).indexOf('team_abbreviation'), 'XYZ') : l)),
      /^box_scores_2024\.csv\.gz: unknown team \(line 4\): team 1610612743 "XYZ"/,
      false,
    ],
    [
      'a team whose minutes do not add up',
      (lines) => lines.map((l, n) => (n === 2 ? setField(l, header(lines).indexOf('minutes'), '0.5') : l)),
      /team-game\(s\) whose minutes are not 240 \(\+25 per overtime\) within 5; first game_id 0022300061/,
      true,
    ],
    // Impossible stat lines (line 8 is Christian Braun: 2-5 FG, 0-1 3P, 1-2 FT, 1+2 reb, 5 pts).
    [
      'more made than attempted',
      (lines) => setFields(lines, 7, { fgm: '30', fga: '4' }),
      /^box_scores_2024\.csv\.gz line 8: impossible stat line, column "fgm" is 30, more than fga 4 \(made more than attempted\)$/,
      false,
    ],
    [
      'a negative count',
      (lines) => setFields(lines, 7, { dreb: '-4' }),
      /^box_scores_2024\.csv\.gz line 8: impossible stat line, column "dreb" is -4, below 0$/,
      false,
    ],
    [
      'more threes than field goals',
      (lines) => setFields(lines, 7, { fg3m: '3', fg3a: '4' }),
      /^box_scores_2024\.csv\.gz line 8: impossible stat line, column "fg3m" is 3, more than fgm 2 \(more threes than field goals\)$/,
      false,
    ],
    [
      'rebounds that are not offensive + defensive',
      (lines) => setFields(lines, 7, { reb: '9' }),
      /^box_scores_2024\.csv\.gz line 8: impossible stat line, column "reb" is 9, not oreb 1 \+ dreb 2$/,
      false,
    ],
    [
      'points that are not 2 x FGM + 3PM + FTM',
      (lines) => setFields(lines, 7, { pts: '7' }),
      /^box_scores_2024\.csv\.gz line 8: impossible stat line, column "pts" is 7, not 2 x fgm 2 \+ fg3m 0 \+ ftm 1$/,
      false,
    ],
  ];

  for (const [what, edit, message, strict] of cases) {
    it(`refuses ${what}${strict ? ' with --strict' : ''}, naming it, and leaves no lake files`, async () => {
      const src = await corruptSource(edit);
      const out = join(await tempDir('out'), 'lake');
      const err = await buildLake({ source: src, lake: out, strict, progress: silentProgress }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(message);
      expect(await filesBelow(out)).toEqual([]);
    });
  }

  it('prints one line and exits 2 from the CLI, with no stack trace', async () => {
    const src = await corruptSource((lines) => lines.map((l, n) => (n === 7 ? setField(l, header(lines).indexOf('fga'), 'abc') : l)));
    const out = join(await tempDir('out'), 'lake');
    const run = promisify(execFile);
    const err = (await run('node', [join(ROOT, 'bin/slatesim.js'), 'lake', 'build', '--source', src, '--lake', out]).catch(
      (e: unknown) => e,
    )) as {
      code: number;
      stderr: string;
      stdout: string;
    };
    expect(err.code).toBe(2);
    expect(err.stderr).toBe('slatesim: box_scores_2024.csv.gz line 8: column "fga" must be an integer, got "abc"\n');
    expect(await filesBelow(out)).toEqual([]);
  });
});

// `slatesim sim` in pregame mode through the command line, on the embedded pregame slate (2026-03-15, three
// games, 107 DraftKings rows) and the embedded lake of its history: what a fresh clone gets. The output rows,
// flags and --export-dk, the effect of the user's injury, line and minutes files, and every bad input of the
// contract (exit 2, one line naming file, line, column and value, nothing written).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_PREGAME_DIR, PREGAME_EMBEDDED_DATE } from '../src/lake/embed.ts';
import { parseDkSalaries } from '../src/pregame/dk.ts';
import { ROOT, filesBelow, slatesim, tempDir } from './helpers.ts';

const SLATE = join(ROOT, EMBEDDED_PREGAME_DIR, `game_date=${PREGAME_EMBEDDED_DATE}`);
const WORLDS = '300';
const RUN_DIR = `game_date=${PREGAME_EMBEDDED_DATE}/run=usage_shares_v1-s7-w${WORLDS}-pregame`;

/** The contract's projections columns, then the DraftKings columns of pregame mode (../shared/docs/contracts.md). */
const CONTRACT_COLUMNS = [
  'game_date',
  'game_id',
  'team_id',
  'player_id',
  'player_name',
  'salary',
  'dk_position',
  'play_prob',
  'minutes_mean',
  'minutes_p10',
  'minutes_p50',
  'minutes_p90',
  'pts_mean',
  'reb_mean',
  'ast_mean',
  'stl_mean',
  'blk_mean',
  'tov_mean',
  'fga_mean',
  'fta_mean',
  'fg3m_mean',
  'dk_fpts_mean',
  'dk_fpts_std',
  'dk_fpts_p05',
  'dk_fpts_p10',
  'dk_fpts_p25',
  'dk_fpts_p50',
  'dk_fpts_p75',
  'dk_fpts_p90',
  'dk_fpts_p95',
  'dk_fpts_p99',
  'p_double_double',
  'p_triple_double',
  'dk_id',
  'dk_name_id',
  'roster_position',
  'team',
  'opponent',
  'game_info',
  'tip_time',
  'status',
  'injury_play_prob',
  'matched',
  'line_fallback',
];

type Row = Record<string, string>;

/** A pregame run on the embedded slate and lake (no --lake: the default a fresh clone gets). */
async function pregame(out: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return slatesim('sim', '--worlds', WORLDS, '--seed', '7', '--backend', 'cpu', '--workers', '1', '--out', out, ...args);
}

const readRows = async (file: string): Promise<Row[]> => parse<Row>(await readFile(file, 'utf8'), { columns: true });
const num = (r: Row | undefined, k: string): number => Number(r?.[k]);
const byName = (rows: Row[], name: string): Row | undefined => rows.find((r) => r.player_name === name);

/** A copy of one of the slate's files, edited, in dir. */
async function edited(dir: string, file: string, edit: (text: string) => string): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, edit(await readFile(join(SLATE, file), 'utf8')));
  return path;
}

let base: { dir: string; r: Awaited<ReturnType<typeof pregame>>; rows: Row[]; dk: string };

beforeAll(async () => {
  const dir = await tempDir('pregame-cli');
  const dk = join(dir, 'export/dk.csv');
  const r = await pregame(join(dir, 'out'), '--inputs', SLATE, '--export-dk', dk);
  const csv = join(dir, 'out', RUN_DIR, 'projections.csv');
  base = { dir, r, rows: existsSync(csv) ? await readRows(csv) : [], dk };
}, 120_000);

describe('pregame mode on the embedded slate', () => {
  it('writes one row per DraftKings row with the contract columns', async () => {
    expect(base.r.code, base.r.stderr).toBe(0);
    expect(base.r.stdout).toMatch(
      /^sim 2026-03-15 \(pregame\): 300 worlds x 3 games, 107 DraftKings rows \(106 matched, \d+ out\), backend cpu/,
    );
    // An unknown player is a warning with a count, not an error.
    expect(base.r.stderr).toContain(
      'slatesim: warning: 1 of 107 DraftKings players not matched to nba.com ids (no-history prior used): Jayson Kent (POR, line 93)',
    );
    expect(await filesBelow(join(base.dir, 'out'))).toEqual(
      ['metrics.json', 'projections.csv', 'projections.parquet'].map((f) => `${RUN_DIR}/${f}`),
    );
    const header = (await readFile(join(base.dir, 'out', RUN_DIR, 'projections.csv'), 'utf8')).split('\n')[0]?.split(',') ?? [];
    expect(header.slice(0, CONTRACT_COLUMNS.length - 2)).toEqual(CONTRACT_COLUMNS.slice(0, -2));
    expect(header).toEqual(expect.arrayContaining([...CONTRACT_COLUMNS, 'no_history']));
    const dk = parseDkSalaries(await readFile(join(SLATE, 'DKSalaries.csv'), 'utf8'), 'DKSalaries.csv');
    expect(base.rows.map((r) => Number(r.dk_id))).toEqual(dk.map((d) => d.dkId));
    expect(base.rows.map((r) => Number(r.salary))).toEqual(dk.map((d) => d.salary));
    expect(new Set(base.rows.map((r) => r.game_id)).size).toBe(3);
  });

  it('gives OUT players rows of zero minutes and points, and flags matched and no-history players', () => {
    const out = base.rows.filter((r) => r.status === 'OUT');
    // Every Out or Suspension entry of injuries.csv whose player is on the DraftKings slate.
    expect(out.length).toBeGreaterThan(30);
    for (const r of out) {
      for (const k of ['play_prob', 'minutes_mean', 'minutes_p90', 'pts_mean', 'dk_fpts_mean', 'dk_fpts_p99'])
        expect(num(r, k), `${r.player_name} ${k}`).toBe(0);
    }
    expect(byName(base.rows, 'Tyrese Maxey')?.status).toBe('OUT');
    expect(byName(base.rows, 'Stephen Curry')?.status).toBe('OUT');
    const active = base.rows.filter((r) => r.status !== 'OUT');
    expect(active.every((r) => num(r, 'dk_fpts_mean') >= 0)).toBe(true);
    expect(num(byName(base.rows, 'Jalen Brunson'), 'dk_fpts_mean')).toBeGreaterThan(20);
    const unmatched = base.rows.filter((r) => r.matched === 'false');
    expect(unmatched.map((r) => r.player_name)).toEqual(['Jayson Kent']);
    expect(unmatched[0]?.no_history).toBe('true');
    expect(unmatched[0]?.player_id).toBe('');
    expect(base.rows.filter((r) => r.no_history === 'true').length).toBeGreaterThanOrEqual(1);
    expect(base.rows.filter((r) => r.matched === 'true').length).toBe(106);
    expect(base.rows.every((r) => r.line_fallback === 'false')).toBe(true);
  });

  it('exports a DKSalaries-shaped file: our mean, p10 and p90, read back by our DraftKings parser', async () => {
    const text = await readFile(base.dk, 'utf8');
    expect(text.split('\n')[0]).toBe(
      'Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame,Projection Floor,Projection Ceil',
    );
    const back = parseDkSalaries(text, base.dk);
    expect(back).toHaveLength(107);
    const raw = parse<Row>(text, { columns: true });
    back.forEach((d, i) => {
      const r = base.rows[i]!;
      expect(d.dkId).toBe(Number(r.dk_id));
      expect(d.salary).toBe(Number(r.salary));
      expect(d.avgPointsPerGame).toBe(Number(num(r, 'dk_fpts_mean').toFixed(2)));
      expect(raw[i]?.AvgPointsPerGame).toBe(num(r, 'dk_fpts_mean').toFixed(2));
      expect(raw[i]?.['Projection Floor']).toBe(num(r, 'dk_fpts_p10').toFixed(2));
      expect(raw[i]?.['Projection Ceil']).toBe(num(r, 'dk_fpts_p90').toFixed(2));
    });
  });

  it('writes the same bytes for the same seed', async () => {
    const out = join(await tempDir('pregame-cli-again'), 'out');
    const r = await pregame(
      out,
      '--dk-csv',
      join(SLATE, 'DKSalaries.csv'),
      '--injuries',
      join(SLATE, 'injuries.csv'),
      '--lines',
      join(SLATE, 'lines.csv'),
      '--starters',
      join(SLATE, 'starters.csv'),
    );
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['projections.csv', 'projections.parquet']) {
      const a = await readFile(join(base.dir, 'out', RUN_DIR, f));
      const b = await readFile(join(out, RUN_DIR, f));
      expect(a.equals(b), f).toBe(true);
    }
  });

  it("follows the user's files: a starter ruled Out, a game without a line, a minutes override", async () => {
    const dir = await tempDir('pregame-cli-edit');
    // Jalen Brunson (NYK's starting guard) Out; SAC-UTA's line removed; VJ Edgecombe (PHI) set to 20 minutes.
    const injuries = await edited(dir, 'injuries.csv', (t) => `${t.trimEnd()}\nJalen Brunson,NYK,Out,test: ruled out,,\n`);
    const lines = await edited(dir, 'lines.csv', (t) =>
      t
        .split('\n')
        .filter((l) => !l.includes(',SAC,UTA,'))
        .join('\n'),
    );
    const minutes = join(dir, 'minutes.csv');
    await writeFile(minutes, 'player_name,team,minutes\nVJ Edgecombe,PHI,20\n');
    const out = join(dir, 'out');
    const r = await pregame(
      out,
      '--dk-csv',
      join(SLATE, 'DKSalaries.csv'),
      '--injuries',
      injuries,
      '--lines',
      lines,
      '--starters',
      join(SLATE, 'starters.csv'),
      '--minutes',
      minutes,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('games on the fallback line: 1');
    const rows = await readRows(join(out, RUN_DIR, 'projections.csv'));

    const brunson = byName(rows, 'Jalen Brunson');
    expect(brunson?.status).toBe('OUT');
    expect(num(brunson, 'minutes_mean')).toBe(0);
    const nyk = (rs: Row[]): Row[] => rs.filter((x) => x.team === 'NYK' && x.player_name !== 'Jalen Brunson' && x.status !== 'OUT');
    const before = nyk(base.rows).reduce((a, x) => a + num(x, 'minutes_mean'), 0);
    const after = nyk(rows).reduce((a, x) => a + num(x, 'minutes_mean'), 0);
    // His ~35 minutes go to his teammates.
    expect(after - before).toBeGreaterThan(20);
    for (const name of ['Josh Hart', 'Mikal Bridges', 'Landry Shamet'])
      expect(num(byName(rows, name), 'minutes_mean'), name).toBeGreaterThan(num(byName(base.rows, name), 'minutes_mean'));

    for (const x of rows) expect(x.line_fallback, x.player_name).toBe(x.team === 'SAC' || x.team === 'UTA' ? 'true' : 'false');
    const metrics = JSON.parse(await readFile(join(out, RUN_DIR, 'metrics.json'), 'utf8')) as {
      pregame: { line_fallback_games: string[] };
    };
    expect(metrics.pregame.line_fallback_games).toEqual(['UTA@SAC']);

    const vj = byName(rows, 'VJ Edgecombe');
    expect(num(vj, 'minutes_override')).toBe(20);
    expect(Math.abs(num(byName(base.rows, 'VJ Edgecombe'), 'minutes_p50') - 20)).toBeGreaterThan(5);
    expect(Math.abs(num(vj, 'minutes_p50') - 20)).toBeLessThan(2.5);
  });
});

describe('bad input through the CLI: exit 2, one line naming file, line, column and value, nothing written', () => {
  const cases: [string, (dir: string) => Promise<string[]>, RegExp][] = [
    [
      'a DraftKings file without Salary',
      async (d) => ['--dk-csv', await edited(d, 'DKSalaries.csv', (t) => t.replace('Salary,', 'Pay,'))],
      /DKSalaries\.csv line 1: missing column "Salary"/,
    ],
    [
      'an unparsable Game Info',
      async (d) => ['--dk-csv', await edited(d, 'DKSalaries.csv', (t) => t.replace('POR@PHI 03/15/2026 06:00PM ET', 'POR at PHI tonight'))],
      /DKSalaries\.csv line 2, column "Game Info": expected .*, got "POR at PHI tonight"$/,
    ],
    [
      'a salary that is not a number',
      async (d) => ['--dk-csv', await edited(d, 'DKSalaries.csv', (t) => t.replace(',10300,', ',10.3k,'))],
      /DKSalaries\.csv line 2, column "Salary": .*got "10\.3k"$/,
    ],
    [
      'a date with no games in it',
      () => Promise.resolve(['--inputs', SLATE, '--date', '2026-03-16']),
      /--date 2026-03-16: no games on that date in .*DKSalaries\.csv \(dates in the file: 2026-03-15\)$/,
    ],
    [
      'an unknown injury status',
      async (d) => ['--inputs', SLATE, '--injuries', await edited(d, 'injuries.csv', (t) => t.replace('Day-To-Day', 'Sorta-Hurt'))],
      /injuries\.csv line \d+, column "status": unknown injury status "Sorta-Hurt"/,
    ],
    [
      'an unknown injury team',
      async (d) => [
        '--inputs',
        SLATE,
        '--injuries',
        await edited(d, 'injuries.csv', (t) => t.replace('Al Horford,GSW,', 'Al Horford,GSX,')),
      ],
      /injuries\.csv line 2, column "team": unknown team "GSX"$/,
    ],
    [
      'a line for a game not on the slate',
      async (d) => ['--inputs', SLATE, '--lines', await edited(d, 'lines.csv', (t) => t.replace('NYK,GSW', 'NYK,BOS'))],
      /lines\.csv line 2, column "home_team": game "BOS@NYK" is not on the slate/,
    ],
    ['an empty DraftKings file', async (d) => ['--dk-csv', await edited(d, 'DKSalaries.csv', () => '')], /DKSalaries\.csv: empty file/],
    ['an empty lines file', async (d) => ['--inputs', SLATE, '--lines', await edited(d, 'lines.csv', () => '')], /lines\.csv: empty file/],
    [
      'binary junk',
      async (d) => {
        const junk = join(d, 'DKSalaries.csv');
        await writeFile(junk, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x13, 0x37, 0x0a, 0x00]));
        return ['--dk-csv', junk];
      },
      /DKSalaries\.csv: binary data/,
    ],
  ];
  for (const [what, args, expected] of cases) {
    it(what, async () => {
      const dir = await tempDir('pregame-bad');
      const inputs = join(dir, 'in');
      await mkdir(inputs);
      const dk = join(dir, 'export/dk.csv');
      const r = await pregame(join(dir, 'out'), ...(await args(inputs)), '--export-dk', dk);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^slatesim: [^\n]+\n$/);
      expect(r.stderr.trimEnd()).toMatch(expected);
      expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
      expect(r.stdout).toBe('');
      expect(existsSync(join(dir, 'out'))).toBe(false);
      expect(existsSync(dk)).toBe(false);
    });
  }
});

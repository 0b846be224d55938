// Lineups through the command line on the embedded pregame slate (2026-03-15): `sim --lineups` scores them while
// the worlds are made, `lineups score` on the same run saved with its worlds gives the same bytes, the lineup
// means are the sums of their players' projected means, and a bad lineup file stops the run before any world
// with one line, nothing written.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files of known size, and
   every lookup is one the test has just built; a miss fails the test either way. */

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_PREGAME_DIR, PREGAME_EMBEDDED_DATE } from '../src/lake/embed.ts';
import { parseDkSalaries } from '../src/pregame/dk.ts';
import { poolOfDkRows } from '../src/lineups/pool.ts';
import { CLASSIC, lineupViolation, type PoolPlayer } from '../src/lineups/rules.ts';
import { ROOT, lineupsFile, tempDir } from './helpers.ts';

const run = promisify(execFile);
const BIN = join(ROOT, 'bin/slatesim.js');
const SLATE = join(ROOT, EMBEDDED_PREGAME_DIR, `game_date=${PREGAME_EMBEDDED_DATE}`);

type Row = Record<string, string>;
const csv = async (path: string): Promise<Row[]> => parse<Row>(await readFile(path, 'utf8'), { columns: true });

let dir: string;
let file: { path: string; lineups: PoolPlayer[][] };
const runDir = (out: string): string => join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=lu`);

beforeAll(async () => {
  dir = await tempDir('lineups-cli');
  file = await lineupsFile(SLATE, dir, 5);
  await run(
    process.execPath,
    [
      BIN,
      'sim',
      '--inputs',
      SLATE,
      '--lineups',
      file.path,
      '--worlds',
      '600',
      '--seed',
      '3',
      '--backend',
      'cpu',
      '--run',
      'lu',
      '--out',
      join(dir, 'out'),
      '--save-worlds',
      '--thresholds',
      '100,150',
    ],
    { cwd: dir },
  );
}, 300_000);

describe('lineups on the command line', () => {
  it('writes one row per lineup whose mean is the sum of its players, and lineups score repeats its bytes', async () => {
    const out = runDir(join(dir, 'out'));
    const rows = await csv(join(out, 'lineups.csv'));
    const proj = new Map((await csv(join(out, 'projections.csv'))).map((r) => [r.dk_id!, Number(r.dk_fpts_mean)]));
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0]!)).toEqual(
      ['lineup', 'pg', 'sg', 'sf', 'pf', 'c', 'g', 'f', 'util', 'salary', 'mean', 'sd'].concat([
        'p01',
        'p05',
        'p10',
        'p25',
        'p50',
        'p75',
        'p90',
        'p95',
        'p99',
        'p_ge_100',
        'p_ge_150',
        'best_of_set_share',
      ]),
    );
    rows.forEach((r, i) => {
      const ids = file.lineups[i]!.map((p) => String(p.dkId));
      expect(['pg', 'sg', 'sf', 'pf', 'c', 'g', 'f', 'util'].map((k) => r[k])).toEqual(ids);
      expect(Number(r.mean)).toBeCloseTo(
        ids.reduce((s, id) => s + proj.get(id)!, 0),
        6,
      );
      expect(Number(r.salary)).toBe(file.lineups[i]!.reduce((s, p) => s + p.salary, 0));
      expect(Number(r.p10)).toBeLessThanOrEqual(Number(r.p50));
      expect(Number(r.p_ge_150)).toBeLessThanOrEqual(Number(r.p_ge_100));
    });
    expect(rows.reduce((s, r) => s + Number(r.best_of_set_share), 0)).toBeCloseTo(1, 9);
    const set = JSON.parse(await readFile(join(out, 'lineups_set.json'), 'utf8')) as { worlds: number; exposures: { exposure: number }[] };
    expect(set.worlds).toBe(600);
    const before = await readFile(join(out, 'lineups.csv'));
    await run(process.execPath, [BIN, 'lineups', 'score', '--run', out, '--lineups', file.path, '--thresholds', '100,150'], { cwd: dir });
    expect((await readFile(join(out, 'lineups.csv'))).equals(before)).toBe(true);
  });

  it('scores lineups on two worker threads (ranges of worlds, merged) to the bytes of the one-thread run', async () => {
    const again = async (name: string, workers: number): Promise<string> => {
      await run(
        process.execPath,
        [BIN, 'sim', '--inputs', SLATE, '--lineups', file.path, '--worlds', '600', '--seed', '3', '--backend', 'cpu'].concat([
          '--workers',
          String(workers),
          '--run',
          name,
          '--out',
          join(dir, 'out'),
          '--thresholds',
          '100,150',
        ]),
        { cwd: dir },
      );
      return join(dir, 'out', `game_date=${PREGAME_EMBEDDED_DATE}/run=${name}`);
    };
    const two = await again('lu2', 2);
    const one = await again('lu1', 1);
    const workersOf = async (d: string): Promise<unknown> =>
      (JSON.parse(await readFile(join(d, 'metrics.json'), 'utf8')) as { workers: unknown }).workers;
    expect([await workersOf(two), await workersOf(one)]).toEqual([2, 1]);
    const saved = runDir(join(dir, 'out'));
    for (const f of ['lineups.csv', 'lineups.parquet', 'lineups_set.json', 'projections.csv']) {
      const a = await readFile(join(two, f));
      expect(a.equals(await readFile(join(one, f))), `${f}: 2 threads against 1`).toBe(true);
      if (f !== 'lineups_set.json') expect(a.equals(await readFile(join(saved, f))), `${f}: against the run with saved worlds`).toBe(true);
    }
  });

  it('refuses a bad lineup before any world, with one line, and writes nothing', async () => {
    const bad = join(dir, 'bad.csv');
    const l = file.lineups[0]!;
    await writeFile(bad, `${CLASSIC.slots.join(',')}\n${[...l.slice(0, 7), l[0]!].map((p) => p.dkId).join(',')}\n`);
    const out = join(dir, 'bad-out');
    const err = await run(
      process.execPath,
      [BIN, 'sim', '--inputs', SLATE, '--lineups', bad, '--worlds', '100', '--backend', 'cpu', '--out', out],
      { cwd: dir },
    ).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim().split('\n')).toHaveLength(1);
    expect(err?.stderr).toMatch(
      new RegExp(`^slatesim: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 2: .* appears twice \\(PG and UTIL\\)`),
    );
    expect(existsSync(out)).toBe(false);
    const noWorlds = await run(process.execPath, [BIN, 'lineups', 'score', '--run', join(dir, 'nowhere'), '--lineups', file.path], {
      cwd: dir,
    }).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(noWorlds?.stderr).toMatch(/^slatesim: --run .*nowhere: no projections.parquet \(not a slatesim run folder\)\n$/);
  });

  it('builds valid lineups within the limits, exports DraftKings uploads that read back to the same lineups and bytes', async () => {
    const out = join(dir, 'build');
    const upload = join(dir, 'upload.csv');
    const common = ['--inputs', SLATE, '--worlds', '400', '--seed', '9', '--backend', 'cpu', '--out', out];
    await run(
      process.execPath,
      [
        BIN,
        'lineups',
        'build',
        ...common,
        '--run',
        'b',
        '--n',
        '6',
        '--max-exposure',
        '0.5',
        '--min-salary',
        '48000',
        '--team-stack',
        '3',
        '--export-upload',
        upload,
      ],
      { cwd: dir },
    );
    const built = await csv(join(runDir(out).replace('run=lu', 'run=b'), 'lineups.csv'));
    expect(built).toHaveLength(6);
    const dkFile = join(SLATE, 'DKSalaries.csv');
    const pool = poolOfDkRows(parseDkSalaries(await readFile(dkFile, 'utf8'), dkFile));
    const byId = new Map(pool.players.map((p) => [String(p.dkId), p]));
    const uses = new Map<string, number>();
    for (const r of built) {
      const players = ['pg', 'sg', 'sf', 'pf', 'c', 'g', 'f', 'util'].map((k) => byId.get(r[k]!)!);
      expect(lineupViolation(CLASSIC, players)).toBeNull();
      expect(Number(r.salary)).toBeGreaterThanOrEqual(48000);
      const perTeam = new Map<string, number>();
      for (const p of players) perTeam.set(p.team, (perTeam.get(p.team) ?? 0) + 1);
      expect(Math.max(...perTeam.values())).toBeGreaterThanOrEqual(3);
      for (const p of players) uses.set(p.personKey, (uses.get(p.personKey) ?? 0) + 1);
    }
    expect(Math.max(...uses.values())).toBeLessThanOrEqual(3);
    expect(
      new Set(
        built.map((r) =>
          ['pg', 'sg', 'sf', 'pf', 'c', 'g', 'f', 'util']
            .map((k) => r[k])
            .sort()
            .join(),
        ),
      ).size,
    ).toBe(6);
    // the upload reads back as the same lineups, and the same worlds give the same bytes scored in the engine
    await run(process.execPath, [BIN, 'sim', ...common, '--run', 'rt', '--lineups', upload], { cwd: dir });
    const a = await readFile(join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=b/lineups.csv`));
    const b = await readFile(join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=rt/lineups.csv`));
    expect(b.equals(a)).toBe(true);
  });

  it('builds a sim-aware set and ranks it in a contest; infeasible constraints and bad payouts stop before any world', async () => {
    const out = join(dir, 'sim-aware');
    const payouts = join(dir, 'payouts.csv');
    await writeFile(payouts, 'rank_min,rank_max,prize\n1,1,100\n2,3,20\n4,10,5\n');
    await run(
      process.execPath,
      [
        BIN,
        'lineups',
        'build',
        '--inputs',
        SLATE,
        '--worlds',
        '300',
        '--backend',
        'cpu',
        '--out',
        out,
        '--run',
        's',
        '--n',
        '3',
        '--objective',
        'sim',
        '--candidates',
        '15',
      ].concat(['--payouts', payouts, '--entries', '20', '--entry-fee', '5', '--field', file.path]),
      { cwd: dir },
    );
    const rows = await csv(join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=s/lineups.csv`));
    expect(rows).toHaveLength(3);
    const set = JSON.parse(await readFile(join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=s/lineups_set.json`), 'utf8')) as {
      candidates: { worlds: number };
    };
    expect(set.candidates.worlds).toBe(15);
    // the three entries share at most the prize pool (the field takes the rest), ROI follows the fee
    const paid = rows.reduce((s, r) => s + Number(r.expected_payout), 0);
    expect(paid).toBeGreaterThan(0);
    expect(paid).toBeLessThanOrEqual(100 + 40 + 35 + 1e-9);
    for (const r of rows) expect(Number(r.roi)).toBeCloseTo((Number(r.expected_payout) - 5) / 5, 9);
    const fail = async (args: string[]): Promise<{ code: number; stderr: string }> =>
      run(
        process.execPath,
        [
          BIN,
          'lineups',
          'build',
          '--inputs',
          SLATE,
          '--worlds',
          '100',
          '--backend',
          'cpu',
          '--out',
          join(dir, 'never'),
          '--n',
          '2',
          ...args,
        ],
        { cwd: dir },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (e: unknown) => e as { code: number; stderr: string },
      );
    const tooRich = await fail(['--min-salary', '50001']);
    expect(tooRich.code).toBe(2);
    expect(tooRich.stderr).toMatch(/^slatesim: lineups build: no lineup meets the constraints \(minSalary\): .*50001.*\n$/);
    const overlap = join(dir, 'overlap.csv');
    await writeFile(overlap, 'rank_min,rank_max,prize\n1,3,10\n3,5,5\n');
    const bad = await fail(['--payouts', overlap, '--entries', '50', '--ownership', file.path]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/overlap\.csv line 3/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('knows showdown: captain rows repeat their person at 1.5x salary, and score 1.5x in lineups', async () => {
    // A showdown file made from the embedded slate's first game: every player a UTIL row and a CPT row (1.5x salary)
    const folder = join(dir, 'showdown', `game_date=${PREGAME_EMBEDDED_DATE}`);
    await mkdir(folder, { recursive: true });
    const dkText = await readFile(join(SLATE, 'DKSalaries.csv'), 'utf8');
    const records: string[][] = parse(dkText, { relax_column_count: true });
    const [head, ...body] = records;
    const info = body[0]![6]!;
    const [away, home] = info.split(' ')[0]!.split('@') as [string, string];
    const rows: string[][] = [];
    body
      .filter((r) => r[6] === info)
      .forEach((r, k) => {
        for (const [pos, mult, base] of [
          ['CPT', 1.5, 50_000_000],
          ['UTIL', 1, 60_000_000],
        ] as const)
          rows.push(
            r.map((c, i) =>
              i === 1
                ? `${r[2]!} (${base + k})`
                : i === 3
                  ? String(base + k)
                  : i === 4
                    ? pos
                    : i === 5
                      ? String(Math.round(Number(c) * mult))
                      : c,
            ),
          );
      });
    const q = (c: string): string => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    await writeFile(join(folder, 'DKSalaries.csv'), [head!, ...rows].map((r) => r.map(q).join(',')).join('\n') + '\n');
    const lines = (await readFile(join(SLATE, 'lines.csv'), 'utf8')).trim().split('\n');
    await writeFile(
      join(folder, 'lines.csv'),
      [lines[0]!, ...lines.slice(1).filter((l) => l.includes(`,${home},${away},`))].join('\n') + '\n',
    );
    const ids = rows.map((r) => Number(r[3]));
    const cpt = ids.filter((id) => id < 60_000_000);
    const util = ids.filter((id) => id >= 60_000_000);
    const teamOf = new Map(rows.map((r) => [Number(r[3]), r[7]!]));
    // captain 0, the five cheapest utilities of other players (both teams in)
    const salaryOf = new Map(rows.map((r) => [Number(r[3]), Number(r[5])]));
    const picks = util
      .filter((id) => id - 60_000_000 !== 0)
      .sort((a, b) => salaryOf.get(a)! - salaryOf.get(b)! || a - b)
      .slice(0, 5);
    expect(new Set([cpt[0]!, ...picks].map((id) => teamOf.get(id))).size).toBe(2);
    const lineupPath = join(dir, 'showdown.csv');
    await writeFile(lineupPath, `CPT,UTIL,UTIL,UTIL,UTIL,UTIL\n${[cpt[0]!, ...picks].join(',')}\n`);
    const out = join(dir, 'showdown-out');
    await run(
      process.execPath,
      [BIN, 'sim', '--inputs', folder, '--lineups', lineupPath, '--worlds', '300', '--backend', 'cpu', '--run', 'sd', '--out', out],
      { cwd: dir },
    );
    const proj = await csv(join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=sd/projections.csv`));
    expect(proj).toHaveLength(rows.length);
    const mean = new Map(proj.map((r) => [Number(r.dk_id), Number(r.dk_fpts_mean)]));
    expect(mean.get(cpt[0]!)).toBe(mean.get(60_000_000));
    const [lineup] = await csv(join(out, `game_date=${PREGAME_EMBEDDED_DATE}/run=sd/lineups.csv`));
    expect(Object.keys(lineup!).slice(0, 7)).toEqual(['lineup', 'cpt', 'util1', 'util2', 'util3', 'util4', 'util5']);
    expect(Number(lineup!.mean)).toBeCloseTo(1.5 * mean.get(cpt[0]!)! + picks.reduce((s, id) => s + mean.get(id)!, 0), 6);
    // the captain's UTIL row with him as captain is one person twice
    await writeFile(lineupPath, `CPT,UTIL,UTIL,UTIL,UTIL,UTIL\n${[cpt[0]!, 60_000_000, ...picks.slice(0, 4)].join(',')}\n`);
    const err = await run(
      process.execPath,
      [BIN, 'sim', '--inputs', folder, '--lineups', lineupPath, '--worlds', '100', '--backend', 'cpu', '--out', join(dir, 'sd-bad')],
      { cwd: dir },
    ).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(err?.stderr).toMatch(/line 2: .* appears twice \(CPT and UTIL\)/);
  });
});

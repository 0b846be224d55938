// The command line as a user meets it: the README's commands run on the embedded slice, and mistakes get one
// line naming the flag or value, exit code 2, no stack trace.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_SOURCE, ROOT, filesBelow, slatesim, tempDir } from './helpers.ts';

const run = promisify(execFile);

describe('slatesim CLI', () => {
  it('summarises the embedded lake with no arguments', async () => {
    const r = await slatesim('lake', 'info');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('season 2024: 2023-10-24 .. 2024-01-31 (95 dates), 712 games, 18871 player-game rows');
    expect(r.stdout).toContain('silver/odds_snapshot: 95 file(s)');
  });

  it('builds a lake from the embedded source CSVs (the README main command)', async () => {
    const out = join(await tempDir('cli'), 'lake');
    const r = await slatesim('lake', 'build', '--source', EMBEDDED_SOURCE, '--lake', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/season 2024: 18871 player-game rows, 712 games, 95 dates/);
    expect(r.stderr).toMatch(/write lake: 95\/95 dates \(100%/);
    expect((await filesBelow(out)).length).toBe(2 + 95 * 4 + 1); // bronze, silver and gold per date, manifest
  });

  it('measures where minutes go when players sit on the embedded lake, printing the tables and writing the JSON', async () => {
    const json = join(await tempDir('minutesVacancy'), 'report.json');
    const r = await slatesim(
      'diagnostics',
      'minutes-vacancy',
      '--lake',
      'public/data/lake',
      '--start-date',
      '2023-10-01',
      '--end-date',
      '2024-06-30',
      '--json',
      json,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Seasons 2024, regular season: \d+ team-games/);
    expect(r.stdout).toContain('| rank | players | minutes - season avg, starter out | same, nobody out | gain |');
    const report = JSON.parse(await readFile(json, 'utf8')) as { byRank: unknown[]; eventTeamGames: number };
    expect(report.byRank).toHaveLength(10);
    expect(report.eventTeamGames).toBeGreaterThan(50);
  });

  it('never lets a run name climb out of --out: the folder it aimed at keeps its files', async () => {
    const root = await tempDir('runEscape');
    const victim = join(root, 'victim');
    await mkdir(victim, { recursive: true });
    await writeFile(join(victim, 'keep.txt'), 'mine');
    // <out>/game_date=D/run=x/../../../victim resolves to <root>/victim
    const r = await slatesim('sim', '--worlds', '10', '--out', join(root, 'out'), '--run', 'x/../../../victim');
    expect(r.code).toBe(2);
    expect(await readFile(join(victim, 'keep.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(root, 'out'))).toBe(false);
  });

  it('refuses a share model with a zero scale (once every FGA came out 0 with exit 0), naming the field', async () => {
    const dir = await tempDir('badShareModel');
    const model = JSON.parse(await readFile(join(ROOT, 'public/data/models/shares_v1.json'), 'utf8')) as {
      targets: { fga: { scale: number[] } };
    };
    model.targets.fga.scale[0] = 0;
    const file = join(dir, 'shares.json');
    await writeFile(file, JSON.stringify(model));
    const r = await slatesim('sim', '--worlds', '10', '--out', join(dir, 'out'), '--shares-model', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`slatesim: ${file}: targets.fga.scale[0] must be a finite number > 0, got 0\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it("keeps a run's temporary folder out of the run=* layout and clears a dead writer's leftovers", async () => {
    const out = join(await tempDir('runDebris'), 'out');
    const parent = join(out, 'game_date=2024-01-31');
    // a writer killed mid-run: its pid (a child that has exited) is dead, its folder holds a partial run
    const dead = (await run('node', ['-e', 'process.stdout.write(String(process.pid))'])).stdout;
    const stale = join(parent, `.tmp-run=debris-${dead}`);
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, 'projections.csv'), 'partial');
    const r = await slatesim('sim', '--worlds', '10', '--backend', 'cpu', '--out', out, '--run', 'debris');
    expect(r.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect((await readdir(parent)).sort()).toEqual(['run=debris']);
  });

  it('simulates the embedded slate with no arguments but size (the README main command)', async () => {
    const out = await tempDir('clisim');
    const r = await slatesim('sim', '--worlds', '400', '--workers', '1', '--backend', 'cpu', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sim 2024-01-31: 400 worlds x 10 games, 258 players, profile usage_shares_v1, backend cpu \(1 workers\)/);
    expect(r.stdout).toContain('conservation violations 0');
    expect(r.stderr).toMatch(/sim 2024-01-31 \(10 games, 258 players\): 4000\/4000 game-worlds \(100%/);
    expect(await filesBelow(out)).toEqual([
      'game_date=2024-01-31/run=usage_shares_v1-s1-w400/metrics.json',
      'game_date=2024-01-31/run=usage_shares_v1-s1-w400/projections.csv',
      'game_date=2024-01-31/run=usage_shares_v1-s1-w400/projections.parquet',
    ]);
  });

  const mistakes: [string[], string][] = [
    [['sim', '--profile', 'nope'], 'slatesim: --profile nope: no such profile in config/profiles.json (have: baseline, usage_shares_v1)\n'],
    [['sim', '--worlds', '-5'], 'slatesim: --worlds must be an integer in 1..10000000, got "-5"\n'],
    [['sim', '--backend', 'tpu'], 'slatesim: --backend must be auto, cpu or gpu, got "tpu"\n'],
    [
      ['sim', '--date', '2024-02-01', '--worlds', '10'],
      'slatesim: --date 2024-02-01: no available players in gold/rates_training_base for that date\n',
    ],
    [['lake', 'build', '--source', '/nonexistent', '--lake', '/tmp/x'], 'slatesim: --source /nonexistent: directory not found\n'],
    [
      ['lake', 'build', '--source', EMBEDDED_SOURCE, '--lake', '/tmp/x', '--seasons', '24'],
      'slatesim: --seasons must be comma-separated years like 2023,2024, got "24"\n',
    ],
    [
      ['lake', 'build', '--source', EMBEDDED_SOURCE, '--lake', '/tmp/x', '--seasons', '2019'],
      `slatesim: --seasons 2019: no box_scores_2019.csv(.gz) in ${EMBEDDED_SOURCE}\n`,
    ],
    [
      ['lake', 'build', '--source', EMBEDDED_SOURCE, '--lake', '/tmp/x', '--start-date', '2024-02-30'],
      'slatesim: --start-date must be a date YYYY-MM-DD, got "2024-02-30"\n',
    ],
    // a run name once resolved outside --out and replaced the folder it landed on
    [
      ['sim', '--worlds', '10', '--run', 'x/../../../victim'],
      `slatesim: --run must be a name of letters, digits, '.', '_' and '-' (no path separators or '..'), got "x/../../../victim"\n`,
    ],
    [
      ['sim', '--worlds', '10', '--run', '..'],
      `slatesim: --run must be a name of letters, digits, '.', '_' and '-' (no path separators or '..'), got ".."\n`,
    ],
    // a month past 12 once reached Date.toISOString and printed a stack trace
    [
      ['diagnostics', 'minutes-vacancy', '--lake', 'public/data/lake', '--start-date', '2024-13-01', '--end-date', '2024-02-01'],
      'slatesim: --start-date must be a date YYYY-MM-DD, got "2024-13-01"\n',
    ],
    [
      ['diagnostics', 'minutes-vacancy', '--lake', 'public/data/lake', '--start-date', '2024-02-01', '--end-date', '2024-01-01'],
      'slatesim: --start-date 2024-02-01 is after --end-date 2024-01-01\n',
    ],
    [
      ['lake', 'salaries', '--lake', 'public/data/lake', '--dk-csv', 'nope.csv', '--date', '2024-01-05'],
      'slatesim: nope.csv: file not found\n',
    ],
    [['lake', 'build', '--lake', '/tmp/x'], "slatesim: required option '--source <dir>' not specified\n"],
    [['lake', 'frobnicate'], "slatesim: unknown command 'frobnicate'\n"],
  ];
  for (const [args, message] of mistakes) {
    it(`rejects: slatesim ${args.join(' ')}`, async () => {
      const r = await slatesim(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

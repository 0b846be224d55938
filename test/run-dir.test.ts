// A run's folder (issue 16 items 2 and 10): a run that exists is refused unless --overwrite (the default name takes
// the next free -2 instead), a live writer's lock refuses a second writer and a dead one's is taken over, and a
// writer killed with kill -9 at random points never leaves a partial run=* folder; the next run removes its debris.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { parquetToArrow } from '../src/data/parquet.ts';
import { EMBEDDED, ROOT, slatesimAt, tempDir } from './helpers.ts';

const DATE = '2024-01-31';
const SIM = ['sim', '--worlds', '200', '--backend', 'cpu', '--workers', '1'];

/** A pid that is surely dead: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid ?? 999_999;
}

describe('a run folder', () => {
  it('that exists is refused unless --overwrite; the default name takes the next free suffix', async () => {
    const dir = await tempDir('run-exists');
    const out = join(dir, 'out');
    const first = await slatesimAt(dir, [...SIM, '--out', out, '--run', 'r']);
    expect(first.code, first.stderr).toBe(0);
    const run = join(out, `game_date=${DATE}`, 'run=r');
    await writeFile(join(run, 'mine.txt'), 'the user');
    const again = await slatesimAt(dir, [...SIM, '--out', out, '--run', 'r']);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`slatesim: --run r: ${run} exists (--overwrite replaces it)\n`);
    expect(await readFile(join(run, 'mine.txt'), 'utf8')).toBe('the user');
    const over = await slatesimAt(dir, [...SIM, '--out', out, '--run', 'r', '--overwrite']);
    expect(over.code, over.stderr).toBe(0);
    expect((await readdir(run)).sort()).toEqual(['metrics.json', 'projections.csv', 'projections.parquet']);
    // the default name is named by its settings: a second run goes beside the first
    for (let k = 0; k < 2; k++) expect((await slatesimAt(dir, [...SIM, '--out', out])).code).toBe(0);
    expect((await readdir(join(out, `game_date=${DATE}`))).sort()).toEqual([
      'run=r',
      'run=usage_shares_v1-s1-w200',
      'run=usage_shares_v1-s1-w200-2',
    ]);
  });

  it("lineups build's default name steps aside too (it once counted as a --run given)", async () => {
    const dir = await tempDir('run-build-twice');
    const out = join(dir, 'out');
    const args = ['lineups', 'build', '--inputs', join(EMBEDDED, 'pregame/game_date=2026-03-15'), '--worlds', '20'];
    for (let k = 0; k < 2; k++) {
      const r = await slatesimAt(dir, [...args, '--backend', 'cpu', '--workers', '1', '--n', '1', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect((await readdir(join(out, 'game_date=2026-03-15'))).sort()).toEqual([
      'run=usage_shares_v1-s1-w20-build1-mean',
      'run=usage_shares_v1-s1-w20-build1-mean-2',
    ]);
  });

  it("refuses a second writer while the first is alive, and takes over a dead writer's lock", async () => {
    const dir = await tempDir('run-lock');
    const out = join(dir, 'out');
    const parent = join(out, `game_date=${DATE}`);
    await mkdir(parent, { recursive: true });
    // this test's own process stands for a live slatesim writing run=r
    await writeFile(join(parent, '.lock-run=r'), `${process.pid}\n`);
    const busy = await slatesimAt(dir, [...SIM, '--out', out, '--run', 'r']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toBe(`slatesim: --run r: another slatesim (pid ${process.pid}) is writing ${join(parent, 'run=r')}\n`);
    expect(await readdir(parent)).toEqual(['.lock-run=r']);
    // a default-named run steps aside to the next free name instead
    await writeFile(join(parent, '.lock-run=usage_shares_v1-s1-w200'), `${process.pid}\n`);
    expect((await slatesimAt(dir, [...SIM, '--out', out])).code).toBe(0);
    expect(existsSync(join(parent, 'run=usage_shares_v1-s1-w200-2'))).toBe(true);
    // a dead writer's lock and temporary folder are taken over and removed
    const dead = await deadPid();
    await writeFile(join(parent, '.lock-run=r'), `${dead}\n`);
    await mkdir(join(parent, `.tmp-run=r-${dead}`));
    await writeFile(join(parent, `.tmp-run=r-${dead}`, 'projections.csv'), 'half');
    const ok = await slatesimAt(dir, [...SIM, '--out', out, '--run', 'r']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await readdir(parent)).sort()).toEqual(['.lock-run=usage_shares_v1-s1-w200', 'run=r', 'run=usage_shares_v1-s1-w200-2']);
  });

  it('is never partial when its writer is killed with kill -9 at random points, and the next run cleans up', async () => {
    await initParquetNode();
    const dir = await tempDir('run-kill');
    const out = join(dir, 'out');
    const parent = join(out, `game_date=${DATE}`);
    const args = [join(ROOT, 'bin/slatesim.js'), ...SIM, '--out', out, '--run', 'k', '--overwrite', '--save-worlds'];
    const complete = ['metrics.json', 'projections.csv', 'projections.parquet', 'team_worlds.parquet', 'worlds.parquet'];
    let seed = 16;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // the kill moments are fractions of one whole run's time on this machine: fixed delays (0.8 to 5 s) missed the
    // whole run on a fast machine, where it ends sooner, and the test then saw too few kills
    const t0 = performance.now();
    const whole = await slatesimAt(dir, args.slice(1));
    expect(whole.code, whole.stderr).toBe(0);
    const runMs = performance.now() - t0;
    const killedAt: number[] = [];
    for (let attempt = 0; attempt < 12 && (attempt < 6 || killedAt.length < 3); attempt++) {
      const delay = Math.round(runMs * (0.1 + 0.85 * random()));
      const child = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      clearTimeout(timer);
      if (code === null) killedAt.push(delay);
      // whatever the moment, every run=* folder is complete and readable
      for (const entry of await readdir(parent).catch(() => [] as string[])) {
        if (!entry.startsWith('run=')) continue;
        expect((await readdir(join(parent, entry))).sort(), `${entry} after a kill at ${delay} ms`).toEqual(complete);
        for (const f of complete.filter((x) => x.endsWith('.parquet')))
          expect(parquetToArrow(new Uint8Array(await readFile(join(parent, entry, f))), f).numRows).toBeGreaterThan(0);
        JSON.parse(await readFile(join(parent, entry, 'metrics.json'), 'utf8'));
      }
    }
    expect(killedAt.length).toBeGreaterThanOrEqual(3);
    const last = await slatesimAt(dir, args.slice(1));
    expect(last.code, last.stderr).toBe(0);
    expect(await readdir(parent)).toEqual(['run=k']);
  }, 120_000);
});

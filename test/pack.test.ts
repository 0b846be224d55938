// The package as a user installs it: `npm pack`, the tarball installed into an empty folder, then the
// installed `slatesim` runs --help, a small sim and the quick bench, and the README's library example runs
// against it with the package's own tsx. This catches what the repository's tests cannot: a source file
// left out of `files`, an import that only resolves inside the checkout, a broken `exports` entry.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, filesBelow, tempDir } from './helpers.ts';

const run = promisify(execFile);
let consumer = '';

async function installed(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(consumer, 'node_modules/.bin', bin), args, { cwd: consumer, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  const packDir = await tempDir('pack');
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: ROOT, maxBuffer: 1 << 24 });
  const tarball = join(packDir, stdout.trim().split('\n').pop() ?? '');
  consumer = await tempDir('consumer');
  await writeFile(join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`);
  // The dependencies' tarballs are in the npm cache after `npm ci`; their metadata may still need the
  // registry, so prefer the cache rather than insist on it.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: consumer,
    maxBuffer: 1 << 24,
  });
}, 240_000);

describe('the packed package, installed in an empty folder', () => {
  it('ships what the CLI imports and nothing from the tests', async () => {
    const files = await filesBelow(join(consumer, 'node_modules/slatesim'));
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/slatesim.js',
        'src/index.ts',
        'src/cli/main.ts',
        'bench/bench.ts',
        'engine/core/backend.ts',
        'config/profiles.json',
        'public/data/models/shares_v1.json',
      ]),
    );
    expect(files.filter((f) => f.startsWith('test/'))).toEqual([]);
  });

  it('runs slatesim --help', async () => {
    const r = await installed('slatesim', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: slatesim \[options\] \[command\]/);
    for (const c of ['lake', 'shares', 'sim', 'backtest', 'bench', 'diagnostics', 'gpu'])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
  }, 60_000);

  it('simulates the embedded slate and writes the run', async () => {
    const out = join(consumer, 'sim');
    const r = await installed('slatesim', ['sim', '--worlds', '200', '--backend', 'cpu', '--workers', '1', '--out', out]);
    expect(r.stderr).not.toMatch(/ERR_|Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sim 2024-01-31: 200 worlds x 10 games, 258 players, profile usage_shares_v1, backend cpu \(1 workers\)/);
    expect(r.stdout).toContain('conservation violations 0');
    expect(await filesBelow(out)).toEqual([
      'game_date=2024-01-31/run=usage_shares_v1-s1-w200/metrics.json',
      'game_date=2024-01-31/run=usage_shares_v1-s1-w200/projections.csv',
      'game_date=2024-01-31/run=usage_shares_v1-s1-w200/projections.parquet',
    ]);
  }, 120_000);

  it('runs the quick bench on the CPU', async () => {
    const json = join(consumer, 'bench/bench.json');
    const r = await installed('slatesim', ['bench', '--quick', '--backends', 'cpu', '--json', json]);
    expect(r.code).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      slate: { players: number };
      results: { backend: string; worlds: number; players: number }[];
    };
    expect(report.slate.players).toBe(258);
    expect(report.results.length).toBeGreaterThan(0);
    for (const x of report.results) expect(x).toMatchObject({ backend: 'cpu', worlds: 1000, players: 258 });
  }, 240_000);

  it("runs the README's library example with the package's tsx", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- example: examples\/library\.ts -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(await readFile(join(ROOT, 'examples/library.ts'), 'utf8'));
    await writeFile(join(consumer, 'example.ts'), block!);
    const r = await installed('tsx', ['example.ts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const l of lines.slice(0, 3)) expect(l).toMatch(/^[^:]+: \d+\.\d DK points, p90 \d+\.\d$/);
    expect(lines[3]).toMatch(/^258 players in 10 games, 1000 worlds on cpu \(\d+ workers\); usage violations 0$/);
  }, 120_000);
});

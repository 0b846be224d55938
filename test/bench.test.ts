// `slatesim bench` in its quick mode (what CI runs): every backend configuration runs in its own process and
// the JSON has the contract's keys with sane values; the markdown table and the SVG plot are written beside it.
// Speed targets are not asserted here: they are measured by the full bench (see README), never in unit tests.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.ts';
import { gpuForTests } from './helpers.ts';

const run = promisify(execFile);

describe('slatesim bench --quick', () => {
  it('runs CPU (1 and all workers) and GPU on the embedded slate and writes valid JSON, a table and a plot', async () => {
    const { ctx, reason } = await gpuForTests(); // throws in CI when there is no adapter
    ctx?.device.destroy();
    const backends = ctx === undefined ? 'cpu' : 'cpu,gpu';
    if (ctx === undefined) console.log(`bench without the GPU: ${reason}`);
    const json = join(await tempDir('bench'), 'bench.json');
    const { stderr } = await run('node', [join(ROOT, 'bin/slatesim.js'), 'bench', '--quick', '--backends', backends, '--json', json], {
      cwd: ROOT,
    });
    expect(stderr).toMatch(/bench \[1\/\d\] cpu x1 slate 1000 worlds/);
    const report = JSON.parse(await readFile(json, 'utf8')) as {
      machine: Record<string, unknown>;
      slate: { players: number; teams: number; games: number };
      results: {
        backend: string;
        workers: number | null;
        adapter: string | null;
        worlds: number;
        seconds: number;
        player_worlds_per_s: number;
        peak_rss_mb: number;
        players: number;
      }[];
      ratios: { gpu_over_cpu: number | null }[];
      kernels: Record<string, unknown>;
    };
    expect(report.slate).toMatchObject({ players: 258, teams: 20, games: 10 });
    expect(report.machine.cores).toBeGreaterThan(0);
    // Quick mode: one slate at 1,000 worlds per configuration: CPU x1, CPU x all cores (when there is more
    // than one), and the GPU when it is there.
    const cores = report.machine.cores as number;
    const expected = [
      { backend: 'cpu', workers: 1 },
      ...(cores > 1 ? [{ backend: 'cpu', workers: cores }] : []),
      ...(ctx !== undefined ? [{ backend: 'gpu', workers: null }] : []),
    ];
    expect(report.results.map((r) => ({ backend: r.backend, workers: r.workers }))).toEqual(expected);
    for (const r of report.results) {
      expect(r.worlds).toBe(1000);
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.player_worlds_per_s).toBeCloseTo((r.players * r.worlds) / r.seconds, 3);
      expect(r.peak_rss_mb).toBeGreaterThan(20);
      expect(['cpu', 'gpu']).toContain(r.backend);
      if (r.backend === 'gpu') expect(r.adapter).toMatch(/WebGPU adapter/);
    }
    if (ctx !== undefined) expect(report.ratios[0]?.gpu_over_cpu).toBeGreaterThan(0);
    expect(Object.keys(report.kernels.cpu_single_thread_ms as object)).toEqual([
      'minutes',
      'team_totals',
      'shares_allocation',
      'stat_line',
      'scoring',
      'reduction',
    ]);
    const md = await readFile(json.replace(/\.json$/, '.md'), 'utf8');
    expect(md).toContain('| backend | scope | players | worlds |');
    const svg = await readFile(json.replace(/\.json$/, '.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  }, 300_000);

  it('refuses a bad list with one line naming the flag', async () => {
    const err = (await run(
      'node',
      [join(ROOT, 'bin/slatesim.js'), 'bench', '--backends', 'tpu', '--json', join(await tempDir('bench'), 'x.json')],
      { cwd: ROOT },
    ).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr.trim()).toBe('slatesim: --backends must list cpu, gpu, got "tpu"');
  });
});

// The library API (src/index.ts) against the CLI's own path: the same slate, seed and worlds give the same
// projection rows through `simulate` as through `slatesim sim`'s runSim, on every CPU backend (worker
// threads, inline as in the browser), and a missing date is a UserError naming it.
import { describe, expect, it } from 'vitest';
import { inlineCpuBackend, isUserError, loadProfile, loadSlate, openLake, simulate, silentProgress, type Progress } from '../src/index.ts';
import { runSim } from '../src/cli/run-sim.ts';
import { tempDir } from './helpers.ts';

describe('library API', () => {
  it('gives the CLI its rows, on worker threads and inline, with progress reported to the end', async () => {
    const lake = await openLake();
    const slate = await loadSlate(lake);
    expect(slate.date).toBe('2024-01-31');
    const profile = await loadProfile('usage_shares_v1');
    const seen: number[] = [];
    const progress: Progress = { ...silentProgress, start: (_l, total) => seen.push(-total), update: (done) => seen.push(done) };
    const threads = await simulate(slate, profile, { worlds: 300, seed: 7, backend: 'cpu', workers: 2, progress });
    expect(seen[0]).toBe(-300 * 10);
    expect(seen[seen.length - 1]).toBe(300 * 10);
    const inline = await simulate(slate, profile, { worlds: 300, seed: 7, backend: inlineCpuBackend({ chunk: 128 }) });
    expect(inline.rows).toEqual(threads.rows);
    expect(inline.teams).toEqual(threads.teams);
    const cli = await runSim({
      lake,
      date: slate.date,
      profile,
      profileName: 'usage_shares_v1',
      worlds: 300,
      seed: 7,
      workers: 1,
      out: await tempDir('lib'),
      run: 'r',
      saveWorlds: false,
      progress: silentProgress,
    });
    expect(threads.rows).toEqual(cli.rows);
    expect(threads.rows.length).toBe(258);
    expect(threads.conservationViolations).toBe(0);
    const other = await simulate(slate, profile, { worlds: 300, seed: 8, backend: 'cpu', workers: 1 });
    expect(other.rows.map((r) => r.dk_fpts_mean)).not.toEqual(threads.rows.map((r) => r.dk_fpts_mean));
  }, 120_000);

  it('names a date with no slate', async () => {
    const err = await loadSlate(await openLake(), '2024-02-01').catch((e: unknown) => e);
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toBe('2024-02-01: no available players in gold/rates_training_base for that date');
  });
});

// --save-worlds at 1,000,000 worlds of one game (issue 16 item 8): the run completes with its worlds on disk and a
// peak RSS far below what holding them would take (36M player-worlds; the old writer ran out of heap above ~30,000
// worlds of the 10-game slate). Minutes on two cores, so in the full group.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneGameDkCsv, peakRss, tempDir } from '../helpers.ts';

describe('--save-worlds at a million worlds', () => {
  it('keeps peak RSS bounded', async () => {
    const dir = await tempDir('save-worlds-1m');
    const dk = await oneGameDkCsv(dir);
    const out = join(dir, 'out');
    const rss = await peakRss(dir, [
      'sim',
      '--dk-csv',
      dk,
      '--worlds',
      '1000000',
      '--backend',
      'cpu',
      '--save-worlds',
      '--out',
      out,
      '--run',
      'm',
    ]);
    console.log(`peak RSS at 1,000,000 worlds of one game with --save-worlds: ${Math.round(rss / 1024)} MB`);
    expect(rss).toBeLessThan(800 * 1024);
    expect((await readdir(join(out, 'game_date=2026-03-15', 'run=m'))).sort()).toContain('worlds.parquet');
  }, 1_800_000);
});

// `slatesim backtest --redis` over a month of real slates (January 2024) with 2 `slatesim worker` processes
// writes the single-process report byte for byte. The lake is built from ../shared/data (seasons 2023-2024)
// unless SLATESIM_FULL_LAKE names one already built. Runs in the `full` group (.ci/run adds it where
// ../shared exists); Redis is Debian's redis-server (test/redis.ts), required there like everywhere in CI.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../../src/cli/progress.ts';
import { initParquetNode } from '../../src/data/parquet-node.ts';
import { buildLake } from '../../src/lake/build.ts';
import { SHARED_DATA, filesBelow, slatesim, tempDir } from '../helpers.ts';
import { findRedisServer, startRedis, startWorker, stopWorkers } from '../redis.ts';

const server = findRedisServer();
let lake = process.env.SLATESIM_FULL_LAKE ?? '';

beforeAll(async () => {
  if (lake !== '') return;
  if (!existsSync(join(SHARED_DATA, 'box_scores_2024.csv.gz')))
    throw new Error(`the full test group needs the shared data at ${SHARED_DATA} (set SLATESIM_SHARED_DATA)`);
  await initParquetNode();
  lake = await tempDir('full-redis-lake');
  await buildLake({ source: SHARED_DATA, lake, seasons: [2023, 2024], progress: silentProgress });
}, 1_800_000);

const md5 = async (f: string): Promise<string> =>
  createHash('md5')
    .update(await readFile(f))
    .digest('hex');

describe('backtest --redis over a month of slates', () => {
  it('2 workers write the single-process report byte for byte', async (t) => {
    if (server.bin === undefined) return t.skip(server.reason);
    const redis = await startRedis(server.bin);
    const args = ['backtest', '--lake', lake, '--start-date', '2024-01-01', '--end-date', '2024-01-31', '--worlds', '200'];
    const single = await tempDir('bt-month-single');
    const dist = await tempDir('bt-month-dist');
    const ws = [0, 1].map(() => startWorker(redis.url, ['--quiet']));
    try {
      const t0 = Date.now();
      const a = await slatesim(...args, '--workers', '2', '--json', join(single, 'bt.json'));
      expect(a.code, a.stderr).toBe(0);
      const t1 = Date.now();
      const b = await slatesim(...args, '--redis', redis.url, '--json', join(dist, 'bt.json'));
      expect(b.code, b.stderr).toBe(0);
      console.log(
        `backtest of January 2024: single process ${((t1 - t0) / 1000).toFixed(0)} s, 2 workers ${((Date.now() - t1) / 1000).toFixed(0)} s`,
      );
      const report = JSON.parse(await readFile(join(single, 'bt.json'), 'utf8')) as { n_slates: number };
      expect(report.n_slates).toBeGreaterThanOrEqual(25);
      const names = await filesBelow(single);
      expect(await filesBelow(dist)).toEqual(names);
      for (const f of names) expect(await md5(join(dist, f)), f).toBe(await md5(join(single, f)));
    } finally {
      await stopWorkers(ws);
      await redis.kill();
    }
  }, 3_600_000);
});

// `shares build-base` on a real row the per-minute labels cannot reconstruct: Justin James (SAC, 2019-12-26,
// game 0021900464) has one turnover in 0.0 minutes. The lake is built from that one real game
// (test/fixtures/zero-minutes-2020); the base keeps the box score's count, the team total includes it, the
// report counts it, and a row with minutes whose labels disagree with the box score still stops the build.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixture is one fixed game; every lookup below is
   one the test has just asserted, and a miss fails the test either way. */

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { RATES_TRAINING_BASE, USAGE_SHARES_TRAINING_BASE } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake } from '../src/lake/build.ts';
import { buildUsageSharesBase, emptyZeroMinuteCounts, usageShareRows } from '../src/shares/base.ts';
import { FIXTURES, ROOT, tempDir } from './helpers.ts';

const SOURCE = join(FIXTURES, 'zero-minutes-2020');
const DATE = '2019-12-26';
const JAMES = 1629713;
const SAC = 1610612758;
let lakeDir: string;
let rates: Record<string, Value>[];

beforeAll(async () => {
  await initParquetNode();
  lakeDir = join(await tempDir('zero-min'), 'lake');
  await buildLake({ source: SOURCE, lake: lakeDir, progress: silentProgress });
  rates = frameRows(await new Lake(new NodeFileStore(lakeDir)).read(RATES_TRAINING_BASE));
});

describe('shares build-base at 0 minutes', () => {
  it('has the real row: 0 minutes, no per-minute label, one turnover in the box score', () => {
    const james = rates.find((r) => r.player_id === JAMES)!;
    expect(james).toMatchObject({ game_id: '0021900464', minutes_actual: 0, played: false, tov_per_min: null, tov: 1 });
  });

  it("keeps the box score's count, so the team total is the team's real total, and counts the row", async () => {
    const copy = join(await tempDir('zero-min-copy'), 'lake');
    await buildLake({ source: SOURCE, lake: copy, progress: silentProgress });
    const lake = new Lake(new NodeFileStore(copy));
    const r = await buildUsageSharesBase(lake, DATE, DATE, silentProgress);
    expect(r.zeroMinutes).toEqual({ rows: 1, fga: 0, fta: 0, tov: 1, first: `${DATE} game 0021900464 player ${JAMES} (tov 1)` });
    const base = frameRows(await lake.read(USAGE_SHARES_TRAINING_BASE));
    expect(base.length).toBe(rates.length);
    const sac = base.filter((b) => b.team_id === SAC);
    const boxTov = rates.filter((x) => x.team_id === SAC).reduce((a, x) => a + (x.tov as number), 0);
    const james = sac.find((b) => b.player_id === JAMES)!;
    expect(james.tov).toBe(1);
    expect(james.tov_team).toBe(boxTov);
    expect(james.tov_share).toBeCloseTo(1 / boxTov, 12);
    expect(sac.reduce((a, b) => a + (b.tov_share as number), 0)).toBeCloseTo(1, 12);
  });

  it('still refuses a row with minutes whose per-minute label disagrees with the box score', () => {
    const rows = rates.map((x) => (x.player_id === 203952 ? { ...x, tov: (x.tov as number) + 1 } : x));
    expect(() => usageShareRows(rows)).toThrow(UserError);
    expect(() => usageShareRows(rows)).toThrow(
      /^2019-12-26 game 0021900464 player 203952: tov from per-minute labels is 3, the box score says 4$/,
    );
  });

  it('refuses a 0-minute row whose box-score count is not a count', () => {
    const rows = rates.map((x) => (x.player_id === JAMES ? { ...x, tov: -1 } : x));
    expect(() => usageShareRows(rows, emptyZeroMinuteCounts())).toThrow(
      /^2019-12-26 game 0021900464 player 1629713: tov in the box score is -1, not a count$/,
    );
  });

  it('says so on stderr and in the summary line from the CLI, exit 0', async () => {
    const copy = join(await tempDir('zero-min-cli'), 'lake');
    await buildLake({ source: SOURCE, lake: copy, progress: silentProgress });
    const run = promisify(execFile);
    const { stdout, stderr } = await run('node', [
      join(ROOT, 'bin/slatesim.js'),
      'shares',
      'build-base',
      '--lake',
      copy,
      '--start-date',
      DATE,
      '--end-date',
      DATE,
    ]);
    expect(stderr).toContain(
      `shares build-base: 1 player row(s) with 0 minutes and a count (fga 0, fta 0, tov 1) keep the box score's count (no per-minute label exists at 0 minutes); first: ${DATE} game 0021900464 player ${JAMES} (tov 1)\n`,
    );
    expect(stdout).toMatch(/rows with 0 minutes and a count, kept at the box score's count: 1 \(fga 0, fta 0, tov 1\)\n$/);
  });
});

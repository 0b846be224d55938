// --save-worlds streams (issue 16 item 8): every chunk goes to a spill file in the run's temporary folder and the
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the reference writer below indexes fixed slates by construction */
// Parquet files are written from it a row group at a time. Tested against the whole-table writer it replaced (the
// same bytes, over several row groups, chunks and worker threads) and for memory that does not grow with worlds
// (peak RSS of a child at 6,000 and 20,000 worlds of one game, both past a row group; the old writer held ~600 MB more at the larger).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.ts';
import { runSim } from '../src/cli/run-sim.ts';
import { TEAM_WORLDS_SCHEMA, WORLDS_SCHEMA } from '../src/cli/save-worlds.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameToParquet } from '../src/data/parquet.ts';
import { frameFromRows, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { cpuBackend } from '../engine/core/cpu-workers.ts';
import type { WorldRows } from '../engine/core/backend.ts';
import { simulate } from '../engine/core/simulate.ts';
import { STATS, NSTAT } from '../engine/kernels/kernels.ts';
import { loadProfile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { EMBEDDED_LAKE, oneGameDkCsv, peakRss, tempDir } from './helpers.ts';

const DATE = '2024-01-31';

/** The writer --save-worlds had: one JS row per player-world, one table, one Parquet write. */
function wholeTableWorlds(s: Slate, worlds: number, parts: (WorldRows | undefined)[]): [Uint8Array, Uint8Array] {
  const wr: Record<string, Value>[] = [];
  const tr: Record<string, Value>[] = [];
  parts.forEach((rows, g) => {
    if (rows === undefined) return;
    const p0 = s.playerStart[2 * g]!;
    const nP = s.playerEnd[2 * g + 1]! - p0;
    for (let w = 0; w < worlds; w++) {
      for (let j = 0; j < nP; j++) {
        const i = p0 + j;
        const r: Record<string, Value> = {
          world: w,
          game_id: s.gameId[g]!,
          team_id: s.teamId[s.playerTeam[i]!]!,
          player_id: s.playerId[i]!,
          minutes: rows.minutes[w * nP + j]!,
          dk_fpts: rows.dk[w * nP + j]!,
        };
        for (const [k, name] of STATS.entries()) r[name] = rows.stats[(w * nP + j) * NSTAT + k]!;
        wr.push(r);
      }
      for (let team = 0; team < 2; team++)
        tr.push({
          world: w,
          game_id: s.gameId[g]!,
          team_id: s.teamId[2 * g + team]!,
          fga_total: rows.totals[(w * 2 + team) * 3]!,
          fta_total: rows.totals[(w * 2 + team) * 3 + 1]!,
          tov_total: rows.totals[(w * 2 + team) * 3 + 2]!,
          pts: rows.teamPts[w * 2 + team]!,
          pace_factor: rows.pace[w]!,
        });
    }
  });
  return [frameToParquet(frameFromRows(WORLDS_SCHEMA, wr)), frameToParquet(frameFromRows(TEAM_WORLDS_SCHEMA, tr))];
}

describe('--save-worlds', () => {
  it('streams the same bytes the whole-table writer gave, over row groups, chunks and worker threads', async () => {
    await initParquetNode();
    const lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
    const profile = await loadProfile('usage_shares_v1');
    const worlds = 600; // 600 x 258 players: two row groups of worlds.parquet
    const r = await runSim({
      lake,
      date: DATE,
      profile,
      profileName: 'usage_shares_v1',
      worlds,
      seed: 5,
      chunk: 256,
      workers: 2,
      out: await tempDir('save-worlds'),
      run: 's',
      saveWorlds: true,
      progress: silentProgress,
    });
    const slate = await loadSlate(lake, DATE, undefined, undefined);
    const kept = await simulate(slate, profile, cpuBackend({ workers: 1, chunk: 256 }), { seed: 5, worlds, saveWorlds: true });
    const [w, t] = wholeTableWorlds(
      slate,
      worlds,
      kept.games.map((x) => x.worldRows),
    );
    expect(Buffer.from(w).equals(await readFile(join(r.dir, 'worlds.parquet'))), 'worlds.parquet').toBe(true);
    expect(Buffer.from(t).equals(await readFile(join(r.dir, 'team_worlds.parquet'))), 'team_worlds.parquet').toBe(true);
  }, 120_000);

  it('keeps memory bounded whatever the number of worlds', async () => {
    const dir = await tempDir('save-worlds-rss');
    const dk = await oneGameDkCsv(dir);
    const run = (worlds: number): Promise<number> =>
      peakRss(dir, [
        'sim',
        '--dk-csv',
        dk,
        '--worlds',
        String(worlds),
        '--backend',
        'cpu',
        '--save-worlds',
        '--out',
        join(dir, `o${worlds}`),
      ]);
    const small = await run(6_000);
    const large = await run(20_000);
    console.log(
      `peak RSS with --save-worlds, one game: ${Math.round(small / 1024)} MB at 6,000 worlds, ${Math.round(large / 1024)} MB at 20,000`,
    );
    // 14,000 more worlds x 36 players held as rows would be over half a gigabyte; streamed they cost nothing
    expect(large - small).toBeLessThan(100 * 1024);
  }, 180_000);
});

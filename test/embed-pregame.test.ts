// The embedded pregame slice (public/data/pregame): rebuilding its lake from the committed source slice gives
// the committed bytes (file list included), and the slice holds only history strictly before its slate.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { EMBEDDED_PREGAME_DIR, PREGAME_EMBEDDED_DATE, PREGAME_EMBEDDED_INPUTS, buildPregameLake } from '../src/lake/embed.ts';
import { ROOT, filesBelow, tempDir } from './helpers.ts';

const PREGAME = join(ROOT, EMBEDDED_PREGAME_DIR);
let built: string;

beforeAll(async () => {
  await initParquetNode();
  built = join(await tempDir('pregame-lake'), 'lake');
  await buildPregameLake({ source: join(PREGAME, 'source'), lake: built, progress: silentProgress });
}, 120_000);

describe('the embedded pregame slice', () => {
  it('rebuilds to exactly the committed lake, byte for byte', async () => {
    const mine = await filesBelow(built);
    const committed = await filesBelow(join(PREGAME, 'lake'));
    expect(mine).toEqual(committed);
    expect(committed).toContain('_files.json');
    expect(committed.some((f) => f.startsWith('gold/'))).toBe(false);
    for (const f of mine) {
      const a = await readFile(join(built, f));
      const b = await readFile(join(PREGAME, 'lake', f));
      expect(a.equals(b), `${f} differs: rerun "npm run embed" after changing the builder`).toBe(true);
    }
  });

  it('holds the 2025-26 rows before the slate and the slate files', async () => {
    const text = gunzipSync(await readFile(join(PREGAME, 'source/box_scores_2026.csv.gz'))).toString('utf8');
    const lines = text.trimEnd().split('\n');
    const header = (lines[0] ?? '').split(',');
    const di = header.indexOf('game_date');
    const dates = lines.slice(1).map((l) => l.split(',')[di]!);
    expect(dates.length).toBeGreaterThan(20_000);
    expect(dates.every((d) => d >= '2025-10-21' && d < PREGAME_EMBEDDED_DATE)).toBe(true);
    expect(dates).toContain('2026-03-14');
    const listed = JSON.parse(await readFile(join(PREGAME, 'lake/_files.json'), 'utf8')) as string[];
    expect(listed.filter((f) => f.startsWith('silver/player_games/')).length).toBe(new Set(dates).size);
    const slate = await filesBelow(join(PREGAME, `game_date=${PREGAME_EMBEDDED_DATE}`));
    expect(slate).toEqual([...PREGAME_EMBEDDED_INPUTS].sort());
  });
});

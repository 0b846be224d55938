// `slatesim lake info`: a path that is not a lake is one line and exit 2, and a lake built with --end-date
// reports the games and rows it holds, not the whole season's of its source file.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake } from '../src/lake/build.ts';
import { lakeSummary } from '../src/lake/info.ts';
import { FIXTURES, slatesim, tempDir } from './helpers.ts';

const FIX = join(FIXTURES, 'dk-2023-01-18');
const END = '2022-11-15';

let cutDir: string;

beforeAll(async () => {
  await initParquetNode();
  cutDir = await tempDir('lakeinfo-cut');
  await buildLake({ source: FIX, lake: cutDir, endDate: END, progress: silentProgress });
});

describe('lake info', () => {
  it('counts the games and rows a lake cut with --end-date holds', async () => {
    const rows = parse<Record<string, string>>(gunzipSync(await readFile(join(FIX, 'box_scores_2023.csv.gz'))).toString('utf8'), {
      columns: true,
    }).filter((r) => (r.game_date ?? '') <= END);
    const games = new Set(rows.map((r) => r.game_id)).size;
    const summary = await lakeSummary(new Lake(new NodeFileStore(cutDir)));
    const m = /season 2023: 2022-10-18 \.\. 2022-11-15 \((\d+) dates\), (\d+) games, (\d+) player-game rows \((\d+) available\)/.exec(
      summary,
    );
    expect(m, summary).not.toBeNull();
    const [, , g, n, avail] = (m ?? []).map(Number);
    expect(g).toBe(games);
    expect(n).toBe(rows.length);
    expect(avail).toBeLessThanOrEqual(n ?? 0);
    // The whole file holds far more: these would be the old (whole-season) counts.
    expect(g).toBeLessThan(300);
  });

  it('lake build --end-date prints the rows and games it kept, not those of the whole file', async () => {
    const lake = await tempDir('lakebuild-cut');
    const r = await slatesim('lake', 'build', '--source', FIX, '--lake', lake, '--end-date', END);
    expect(r.code, r.stderr).toBe(0);
    const rows = parse<Record<string, string>>(gunzipSync(await readFile(join(FIX, 'box_scores_2023.csv.gz'))).toString('utf8'), {
      columns: true,
    }).filter((x) => (x.game_date ?? '') <= END);
    const m = /season 2023: (\d+) player-game rows, (\d+) games, \d+ dates; available (\d+), unavailable (\d+);/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [, n, g, avail, unavail] = (m ?? []).map(Number);
    expect(n).toBe(rows.length);
    expect(g).toBe(new Set(rows.map((x) => x.game_id)).size);
    expect((avail ?? 0) + (unavail ?? 0)).toBe(n);
  });

  it('reports the same counts through the CLI, exit 0', async () => {
    const r = await slatesim('lake', 'info', '--lake', cutDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(await lakeSummary(new Lake(new NodeFileStore(cutDir))));
  });

  const notLakes: [string, () => Promise<string>, RegExp][] = [
    ['a missing path', () => Promise.resolve('/nonexistent/lake'), /^slatesim: --lake \/nonexistent\/lake: no such folder\n$/],
    [
      'a file',
      async () => {
        const f = join(await tempDir('lakeinfo-file'), 'x.txt');
        await writeFile(f, 'hi');
        return f;
      },
      /^slatesim: --lake .*x\.txt: not a folder\n$/,
    ],
    [
      'an empty folder',
      async () => {
        const d = join(await tempDir('lakeinfo-empty'), 'empty');
        await mkdir(d);
        return d;
      },
      /^slatesim: --lake .*empty: not a lake \(no _lake_manifest\.json and no table files\)\n$/,
    ],
    [
      'a folder whose manifest is not JSON',
      async () => {
        const d = await tempDir('lakeinfo-badjson');
        await writeFile(join(d, '_lake_manifest.json'), '{not json');
        return d;
      },
      /^slatesim: lake .*: _lake_manifest\.json is not valid JSON \(.*\)\n$/,
    ],
  ];
  for (const [what, path, message] of notLakes) {
    it(`refuses ${what}: one line, exit 2, nothing on stdout`, async () => {
      const r = await slatesim('lake', 'info', '--lake', await path());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }
});

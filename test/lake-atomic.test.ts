// `lake build` is all-or-nothing per layer, and readers refuse a lake that does not match its manifest (issue 16
// item 3). A build that fails part-way (a full disk, injected as ENOSPC in the staging store; a failed rename
// while swapping; kill -9 of a build child at a random point) leaves the previous lake byte for byte, readable,
// with no partial layer visible; a truncated, removed, added or altered file, or a build stopped mid-swap, makes
// every reader (Node, HTTP, the CLI) refuse with one line naming the lake and the file; `lake build` repairs it.
// The lake is the embedded 2023-24 source cut to its first two weeks, so each build takes seconds.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the lakes below are built by the test itself, and
   every index or lookup is one the test has just made; a miss fails the test either way. */

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { HttpFileStore } from '../src/data/store-http.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES, RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { buildLake, type BuildOptions } from '../src/lake/build.ts';
import { writeFileList } from '../src/lake/embed.ts';
import { EMBEDDED_SOURCE, ROOT, filesBelow, tempDir } from './helpers.ts';

const CUT = { startDate: '2023-10-24', endDate: '2023-11-06' };
const FILE = 'silver/player_games/season=2024/game_date=2023-10-30/player_games.parquet';
const RERUN = 'the lake does not match its manifest, rerun `slatesim lake build`';
let base: string;
let baseRows: number;

const build = (lake: string, more: Partial<BuildOptions> = {}) =>
  buildLake({ source: EMBEDDED_SOURCE, lake, progress: silentProgress, ...CUT, ...more });

/** The manifest's file lists (what readers check), without the build's counts of files written. */
const layersOf = async (dir: string): Promise<unknown> =>
  (JSON.parse(await readFile(join(dir, '_lake_manifest.json'), 'utf8')) as { layers: unknown }).layers;

/** The data files below dir with their SHA-256 (the manifest apart: its gold block counts the files a build wrote). */
const dataOf = async (dir: string): Promise<Record<string, string>> =>
  Object.fromEntries(Object.entries(await snapshot(dir)).filter(([f]) => f !== '_lake_manifest.json'));

/** Every file below dir with its SHA-256: what a lake holds, byte for byte. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await filesBelow(dir))
    out[f] = createHash('sha256')
      .update(await readFile(join(dir, f)))
      .digest('hex');
  return out;
}

async function copyOfBase(label: string): Promise<string> {
  const dir = join(await tempDir(label), 'lake');
  await cp(base, dir, { recursive: true });
  return dir;
}

const readRows = async (dir: string): Promise<number> => (await new Lake(new NodeFileStore(dir)).read(PLAYER_GAMES)).numRows;

beforeAll(async () => {
  await initParquetNode();
  base = join(await tempDir('atomic-base'), 'lake');
  await build(base);
  baseRows = await readRows(base);
  expect(baseRows).toBeGreaterThan(2000);
}, 120_000);

describe('a build that fails part-way leaves the previous lake as it was', () => {
  for (const n of [1, 9, 25]) {
    it(`a full disk at the ${n}th staged write (injected ENOSPC): same files and bytes, readable, no partial layer`, async () => {
      const lake = await copyOfBase(`enospc-${n}`);
      const before = await snapshot(lake);
      process.env.SLATESIM_FAULT_LAKE_WRITE = String(n);
      const err = await build(lake, { force: true })
        .catch((e: unknown) => e)
        .finally(() => delete process.env.SLATESIM_FAULT_LAKE_WRITE);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^lake build: cannot write ${lake}/\\.lake-build-\\d+/\\S+\\.parquet: no space left on device \\(ENOSPC\\); the lake at ${lake} is unchanged$`,
        ),
      );
      expect(await snapshot(lake)).toEqual(before); // nothing added, removed or changed: no staging folder, no lock
      expect(await readRows(lake)).toBe(baseRows);
    });
  }

  it('a first build that fails leaves no lake folder', async () => {
    const lake = join(await tempDir('enospc-first'), 'lake');
    process.env.SLATESIM_FAULT_LAKE_WRITE = '3';
    const err = await build(lake)
      .catch((e: unknown) => e)
      .finally(() => delete process.env.SLATESIM_FAULT_LAKE_WRITE);
    expect((err as Error).message).toMatch(/no space left on device \(ENOSPC\); nothing was written to /);
    expect(await readdir(lake).catch((e: unknown) => (e as NodeJS.ErrnoException).code)).toBe('ENOENT');
  });

  it('a rename that fails while swapping is rolled back: same files and bytes', async () => {
    const lake = await copyOfBase('swap-fail');
    const before = await snapshot(lake);
    for (const at of ['4']) {
      process.env.SLATESIM_FAULT_LAKE_SWAP = at;
      const err = await build(lake, { force: true })
        .catch((e: unknown) => e)
        .finally(() => delete process.env.SLATESIM_FAULT_LAKE_SWAP);
      expect((err as Error).message).toBe(
        `lake build: cannot write ${lake}: input/output error (EIO); nothing was swapped in, the lake at ${lake} is unchanged`,
      );
      expect(await snapshot(lake)).toEqual(before);
    }
    expect(await readRows(lake)).toBe(baseRows);
  });

  it('kill -9 of a build child at a random point while it stages: the lake reads as before; the next build clears what it left', async () => {
    for (let round = 0; round < 2; round++) {
      const lake = await copyOfBase(`kill-${round}`);
      const before = await snapshot(lake);
      // A longer range than the base's, so the child has a season to rebuild and a longer write.
      const child = spawn(
        'node',
        [join(ROOT, 'bin/slatesim.js'), 'lake', 'build', '--source', EMBEDDED_SOURCE, '--lake', lake, '--end-date', '2023-12-31'],
        { stdio: 'ignore' },
      );
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
      const staging = join(lake, `.lake-build-${child.pid}`);
      const threshold = 5 + Math.floor(Math.random() * 120);
      let seen = 0;
      for (let t = 0; t < 1200 && seen < threshold && child.exitCode === null; t++) {
        seen = (await filesBelow(staging)).length;
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill('SIGKILL');
      expect(await exited, `killed after ${seen} staged files (threshold ${threshold})`).toBe('SIGKILL');
      expect(seen).toBeGreaterThan(0);
      // What any reader or glob sees: the table folders and the manifest exactly as before.
      const visible = Object.fromEntries(Object.entries(await snapshot(lake)).filter(([f]) => !f.startsWith('.')));
      expect(visible).toEqual(before);
      expect(await readRows(lake)).toBe(baseRows);
      // The next build (same inputs as the lake's) has nothing to do and removes the dead build's leftovers.
      const logs: string[] = [];
      const again = await build(lake, { progress: { ...silentProgress, log: (m) => logs.push(m) } });
      expect(again).toMatchObject({ built: [], filesWritten: 0 });
      expect(logs.some((l) => l.startsWith(`lake build: removed .lake-build-${child.pid}`))).toBe(true);
      expect(await snapshot(lake)).toEqual(before);
    }
  }, 120_000);

  it('is still incremental: an unchanged source writes nothing, and a finished rebuild leaves no staging behind', async () => {
    const lake = await copyOfBase('incremental');
    const before = await snapshot(lake);
    expect(await build(lake)).toMatchObject({ built: [], filesWritten: 0, gold: null });
    expect(await snapshot(lake)).toEqual(before);
    const forced = await build(lake, { force: true });
    expect(forced.built).toEqual([2024]);
    expect(await dataOf(lake)).toEqual(await dataOf(base)); // the same bytes again, and nothing left beside them
    expect(await layersOf(lake)).toEqual(await layersOf(base));
  });
});

describe('readers refuse a lake whose files differ from its manifest, in one line', () => {
  const bytesOf = async (dir: string): Promise<number> => (await readFile(join(dir, FILE))).length;
  const cases: [string, (dir: string) => Promise<void>, (dir: string, size: number) => string][] = [
    ['a truncated file', (dir) => truncate(join(dir, FILE), 100), (_, size) => `${FILE} is 100 bytes, the manifest says ${size}`],
    ['a removed file', (dir) => rm(join(dir, FILE)), () => `${FILE} is missing`],
    [
      'a file the manifest does not list',
      (dir) => cp(join(dir, FILE), join(dir, FILE.replace('2023-10-30', '2023-11-30'))),
      () => `${FILE.replace('2023-10-30', '2023-11-30')} is not in the manifest (a partial write, or a file added by hand)`,
    ],
    [
      'a build stopped while swapping its layers in',
      async (dir) => {
        const m = JSON.parse(await readFile(join(dir, '_lake_manifest.json'), 'utf8')) as Record<string, unknown>;
        await writeFile(join(dir, '_lake_manifest.json'), JSON.stringify({ ...m, swap_in_progress: '.lake-build-12345' }));
      },
      () => 'a lake build stopped while swapping its new files in (.lake-build-12345)',
    ],
  ];
  for (const [what, tamper, problem] of cases) {
    it(`${what}: refused before any data is read`, async () => {
      const dir = await copyOfBase('tamper');
      const size = await bytesOf(dir);
      await tamper(dir);
      const err = await new Lake(new NodeFileStore(dir)).read(RATES_TRAINING_BASE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(`lake ${dir}: ${problem(dir, size)}; ${RERUN}`);
    });
  }

  it('a file altered in place (same size): refused when it is read', async () => {
    const dir = await copyOfBase('flip');
    const bytes = await readFile(join(dir, FILE));
    bytes[200] = bytes[200]! ^ 0xff;
    await writeFile(join(dir, FILE), bytes);
    const lake = new Lake(new NodeFileStore(dir));
    expect((await lake.read(PLAYER_GAMES, { startDate: '2023-10-24', endDate: '2023-10-29' })).numRows).toBeGreaterThan(0);
    const err = await lake.read(PLAYER_GAMES, { startDate: '2023-10-30', endDate: '2023-10-30' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^lake ${dir}: ${FILE} has SHA-256 [0-9a-f]{12}\\.\\.\\., the manifest says [0-9a-f]{12}\\.\\.\\.; the lake does not match`,
      ),
    );
  });

  it('the CLI prints the one line and exits 2 (lake info, shares build-base)', async () => {
    const dir = await copyOfBase('tamper-cli');
    const size = await bytesOf(dir);
    await truncate(join(dir, FILE), 100);
    const run = promisify(execFile);
    for (const args of [
      ['lake', 'info', '--lake', dir],
      ['shares', 'build-base', '--lake', dir, '--start-date', '2023-10-24', '--end-date', '2023-11-06'],
    ]) {
      const err = (await run('node', [join(ROOT, 'bin/slatesim.js'), ...args]).catch((e: unknown) => e)) as {
        code: number;
        stderr: string;
      };
      expect(err.code, args.join(' ')).toBe(2);
      expect(err.stderr).toBe(`slatesim: lake ${dir}: ${FILE} is 100 bytes, the manifest says ${size}; ${RERUN}\n`);
    }
    expect(await filesBelow(join(dir, 'gold/usage_shares_training_base'))).toEqual([]);
  });

  it('lake build repairs what readers refuse: every season is rebuilt, and the lake reads again', async () => {
    const dir = await copyOfBase('repair');
    const bytes = await readFile(join(dir, FILE));
    bytes[200] = bytes[200]! ^ 0xff;
    await writeFile(join(dir, FILE), bytes);
    const logs: string[] = [];
    const r = await build(dir, { progress: { ...silentProgress, log: (m) => logs.push(m) } });
    expect(logs[0]).toBe(`lake ${dir}: ${FILE} differs from its manifest; rebuilding every season`);
    expect(r.built).toEqual([2024]);
    expect(await dataOf(dir)).toEqual(await dataOf(base));
    expect(await layersOf(dir)).toEqual(await layersOf(base));
    expect((await new Lake(new NodeFileStore(dir)).read(PLAYER_GAMES)).numRows).toBe(baseRows);
  });
});

describe('writing through the library', () => {
  it('Lake.write into a table the build owns records the file in the manifest, so every reader still accepts the lake', async () => {
    const dir = await copyOfBase('write');
    const writer = new Lake(new NodeFileStore(dir));
    const day = await writer.read(PLAYER_GAMES, { startDate: '2023-10-30', endDate: '2023-10-30' });
    const half = { ...day, numRows: 5, columns: Object.fromEntries(Object.entries(day.columns).map(([k, v]) => [k, v.slice(0, 5)])) };
    await writer.write(PLAYER_GAMES, { season: '2024', game_date: '2023-10-30' }, half);
    await writer.write(PLAYER_GAMES, { season: '2024', game_date: '2023-11-30' }, half);
    const reader = new Lake(new NodeFileStore(dir));
    for (const d of ['2023-10-30', '2023-11-30']) expect((await reader.read(PLAYER_GAMES, { startDate: d, endDate: d })).numRows).toBe(5);
    expect((await writer.read(PLAYER_GAMES, { startDate: '2023-10-30', endDate: '2023-10-30' })).numRows).toBe(5);
    const layers = (await layersOf(dir)) as { silver: { files: Record<string, { bytes: number }> } };
    expect(layers.silver.files[FILE]!.bytes).toBe((await readFile(join(dir, FILE))).length);
  });
});

describe('over HTTP (the browser path)', () => {
  let server: Server;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = await copyOfBase('http');
    await writeFileList(new NodeFileStore(dir));
    server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
      readFile(join(dir, path))
        // The server sends a truncated copy of one file, as a broken upload or a cut transfer would.
        .then((b) => res.writeHead(200).end(path === `/${FILE}` ? b.subarray(0, 100) : b))
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the files that match and refuses the one that does not, naming it', async () => {
    const lake = new Lake(new HttpFileStore(url));
    expect((await lake.read(PLAYER_GAMES, { startDate: '2023-10-24', endDate: '2023-10-29' })).numRows).toBeGreaterThan(0);
    const size = (await readFile(join(dir, FILE))).length;
    await expect(lake.read(PLAYER_GAMES)).rejects.toThrow(`lake ${url}: ${FILE} is 100 bytes, the manifest says ${size}; ${RERUN}`);
  });
});

describe('a lake without a file manifest', () => {
  it('is read, with one warning per lake (hand-written, or built before manifests)', async () => {
    const dir = join(await tempDir('no-manifest'), 'lake');
    const writer = new Lake(new NodeFileStore(dir));
    const frame = await new Lake(new NodeFileStore(base)).read(PLAYER_GAMES, { startDate: '2023-10-24', endDate: '2023-10-24' });
    await writer.write(PLAYER_GAMES, { season: '2024', game_date: '2023-10-24' }, frame);
    const warnings: string[] = [];
    const lake = new Lake(new NodeFileStore(dir), { warn: (l) => warnings.push(l) });
    expect((await lake.read(PLAYER_GAMES)).numRows).toBe(frame.numRows);
    expect((await lake.read(PLAYER_GAMES)).numRows).toBe(frame.numRows);
    expect(warnings).toEqual([
      `warning: lake ${dir} has no file manifest (built before \`lake build\` wrote one, or written by hand): its files are read unchecked; rerun \`slatesim lake build\` to add one`,
    ]);
    // An older builder's manifest (no file list) reads the same way.
    await writeFile(join(dir, '_lake_manifest.json'), JSON.stringify({ builder_version: 4, seasons: {} }));
    const older: string[] = [];
    expect((await new Lake(new NodeFileStore(dir), { warn: (l) => older.push(l) }).read(PLAYER_GAMES)).numRows).toBe(frame.numRows);
    expect(older.length).toBe(1);
  });
});

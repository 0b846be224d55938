import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { GpuUnavailableError, requestGpuDevice, type GpuContext } from '../engine/gpu/device.ts';
import { poolOfDkRows } from '../src/lineups/pool.ts';
import { CLASSIC, lineupViolation, type PoolPlayer } from '../src/lineups/rules.ts';
import { parseDkSalaries } from '../src/pregame/dk.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const EMBEDDED = join(ROOT, 'public/data');
export const EMBEDDED_LAKE = join(EMBEDDED, 'lake');
export const EMBEDDED_SOURCE = join(EMBEDDED, 'source');
export const FIXTURES = join(ROOT, 'test/fixtures');
export const SHARED_DATA = resolve(ROOT, process.env.SLATESIM_SHARED_DATA ?? '../shared/data');

/** In CI (or when asked), a missing WebGPU adapter is a failure, never a skip. */
export const REQUIRE_GPU = process.env.CI === 'true' || process.env.CI === '1' || process.env.SLATESIM_REQUIRE_GPU === '1';

const made: string[] = [];

/** A fresh temporary directory, removed after the file's tests. */
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `slatesim-${label}-`));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Every file below dir (recursive, relative, sorted). */
export async function filesBelow(dir: string): Promise<string[]> {
  try {
    const ents = await readdir(dir, { recursive: true, withFileTypes: true });
    return ents
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A WebGPU device for a test file, or the reason there is none. Only a missing adapter outside CI becomes a
 * reason (the tests then skip, saying why); in CI, or on any other failure, this throws.
 */
export async function gpuForTests(): Promise<{ ctx?: GpuContext; reason: string }> {
  try {
    return { ctx: await requestGpuDevice(), reason: '' };
  } catch (e) {
    if (!(e instanceof GpuUnavailableError) || REQUIRE_GPU) throw e;
    return { reason: e.message };
  }
}

/**
 * The WebGPU device of a test file, opened before its tests and destroyed after them (see gpuForTests):
 * `ctx` is undefined only off CI on a machine with no adapter, and `skipReason` then says why.
 */
export function useGpuDevice(): { ctx?: GpuContext; skipReason: string } {
  const gpu: { ctx?: GpuContext; skipReason: string } = { skipReason: '' };
  beforeAll(async () => {
    const got = await gpuForTests();
    if (got.ctx !== undefined) gpu.ctx = got.ctx;
    gpu.skipReason = `${got.reason}; CI requires one`;
  });
  afterAll(() => gpu.ctx?.device.destroy());
  return gpu;
}

const execFileAsync = promisify(execFile);

/** The CLI as a user runs it (node bin/slatesim.js), from `cwd`: its exit code and both streams, never a throw. */
export async function slatesimAt(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [join(ROOT, 'bin/slatesim.js'), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The CLI run from the package root (see slatesimAt). */
export const slatesim = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => slatesimAt(ROOT, args);

/** Peak RSS (kB) of the CLI run in a child with these arguments. */
export async function peakRss(cwd: string, args: readonly string[]): Promise<number> {
  const runner = join(cwd, 'maxrss.mjs');
  await writeFile(
    runner,
    `import { register } from ${JSON.stringify(
      pathToFileURL(
        createRequire(join(ROOT, 'package.json'))
          .resolve('tsx/esm/api')
          .replace(/\.cjs$/, '.mjs'),
      ).href,
    )};
register();
const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/cli/main.ts')).href)});
const code = await main(['node', 'slatesim', ...process.argv.slice(2)]);
process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;
`,
  );
  const child = spawn(process.execPath, [runner, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const m = /maxrss (\d+)/.exec(err);
  if (code !== 0 || m === null) throw new Error(`slatesim ${args.join(' ')} failed (exit ${String(code)}): ${err}`);
  return Number(m[1]);
}

/** A DraftKings salary file of one game of the embedded pregame slate (POR@PHI), written into dir. */
export async function oneGameDkCsv(dir: string): Promise<string> {
  const dk = join(dir, 'DKSalaries.csv');
  const text = await readFile(join(EMBEDDED, 'pregame/game_date=2026-03-15/DKSalaries.csv'), 'utf8');
  const lines = text.trimEnd().split('\n');
  await writeFile(dk, `${[lines[0], ...lines.filter((l) => l.includes('POR@PHI'))].join('\n')}\n`);
  return dk;
}

/** mulberry32: a small seeded generator in [0, 1), so random fixtures and fuzz cases are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Valid classic lineups of the pregame slate folder `slate` by a fixed search (for lineup k, the k-th cheapest
 * eligible player per slot), written as a DraftKings upload CSV into dir.
 */
export async function lineupsFile(slate: string, dir: string, n: number): Promise<{ path: string; lineups: PoolPlayer[][] }> {
  const dkFile = join(slate, 'DKSalaries.csv');
  const pool = poolOfDkRows(parseDkSalaries(await readFile(dkFile, 'utf8'), dkFile));
  const bySalary = [...pool.players].sort((a, b) => a.salary - b.salary || a.dkId - b.dkId);
  const lineups: PoolPlayer[][] = [];
  for (let k = 0; lineups.length < n; k++) {
    const used = new Set<number>();
    const l = CLASSIC.slots.map((slot) => {
      const p = bySalary.filter((x) => !used.has(x.dkId) && x.rosterPositions.includes(slot))[k % 5];
      if (p === undefined) throw new Error(`no player left for ${slot}`);
      used.add(p.dkId);
      return p;
    });
    if (lineupViolation(CLASSIC, l) === null) lineups.push(l);
  }
  const path = join(dir, 'lineups.csv');
  await writeFile(path, `${CLASSIC.slots.join(',')}\n${lineups.map((l) => l.map((p) => `${p.name} (${p.dkId})`).join(',')).join('\n')}\n`);
  return { path, lineups };
}

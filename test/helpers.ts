import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { GpuUnavailableError, requestGpuDevice, type GpuContext } from '../engine/gpu/device.ts';

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

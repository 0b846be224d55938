// What the GPU library says is not the user's business (issue 16 item 12): Dawn's own warnings, printed by the native
// module with its build paths (a Vulkan loader with no driver, limits "artificially reduced"), reach stderr only
// with --verbose, and a missing adapter is one plain line, not "no WebGPU adapter (no WebGPU adapter found (...))".
// No driver is made here by pointing the Vulkan loader at a driver list that does not exist.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.ts';

/** The CLI with no Vulkan driver, stderr into a file as a shell's `2>file` gives it (a pipe or terminal works alike; a
 * socket, as Node's own child_process pipes are, cannot be reopened, and there Dawn's lines still pass). */
async function noDriver(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const dir = await tempDir('noise');
  const errFile = join(dir, 'stderr.txt');
  const fd = openSync(errFile, 'w');
  const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' };
  try {
    const child = spawn(process.execPath, [join(ROOT, 'bin/slatesim.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', fd] });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    return { code, stderr: await readFile(errFile, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

const MISSING = 'no WebGPU adapter found (in Node, Dawn needs a Vulkan driver: see .ci/install-system-deps.sh)';

describe('the GPU library in user output', () => {
  it('--backend gpu without an adapter: one plain line, no Dawn warnings, exit 2', async () => {
    const out = await tempDir('noise-gpu');
    const r = await noDriver(['sim', '--worlds', '10', '--backend', 'gpu', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`slatesim: ${MISSING}\n`);
  });

  it('--backend auto falls back in one plain line; --verbose shows what Dawn said', async () => {
    const out = await tempDir('noise-auto');
    const r = await noDriver(['sim', '--worlds', '10', '--backend', 'auto', '--workers', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`slatesim: ${MISSING}; running the CPU path\n`);
    expect(r.stderr).not.toMatch(/Warning:|^\s+at /m);
    const v = await noDriver(['sim', '--worlds', '10', '--backend', 'gpu', '--out', out, '--verbose']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/Warning:/);
    expect(v.stderr.trimEnd().split('\n').at(-1)).toBe(`slatesim: ${MISSING}`);
  });
});

// The built demo site for a browser test file: vite builds it into a temporary directory and a static server
// serves it; without chromium the tests skip with the reason, except in CI where that is a failure.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { REQUIRE_GPU, ROOT, tempDir } from '../helpers.ts';
import { CHROMIUM, chromiumAvailable } from './chromium.ts';
import { serveStatic } from './static-server.ts';

export const SHOTS = join(ROOT, 'test-output');
export const missingChromium = chromiumAvailable() ? undefined : `no chromium at ${CHROMIUM} (bash .ci/install-system-deps.sh installs it)`;

/** Registers the build-and-serve hooks; `current()` is the served site, or undefined when chromium is missing. */
export function useBuiltSite(label: string): { current: () => { url: string } | undefined } {
  let site: { url: string; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    if (missingChromium !== undefined) {
      if (REQUIRE_GPU) throw new Error(missingChromium);
      return;
    }
    const outDir = await tempDir(label);
    await build({ root: ROOT, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    site = await serveStatic(outDir);
    await mkdir(SHOTS, { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await site?.close();
  });
  return { current: () => site };
}

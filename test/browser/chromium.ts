// Debian's chromium driven by playwright-core (never a browser downloaded by a tool), with the flags that give
// a SwiftShader WebGPU adapter headless and keep it off the network.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.SLATESIM_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(opts: { webgpu: boolean }): Promise<BrowserContext> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'slatesim-chromium-'));
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(opts.webgpu ? ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] : ['--disable-webgpu', '--disable-features=WebGPU']),
  ];
  let ctx: BrowserContext;
  try {
    ctx = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true /* playwright adds --headless (the new headless mode) */,
      args,
      viewport: { width: 1280, height: 800 },
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  // The profile directory is this launch's own: closing the context removes it (each was ~8 MB left in the temp
  // directory per launch).
  const close = ctx.close.bind(ctx);
  ctx.close = async (options) => {
    try {
      await close(options);
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  };
  return ctx;
}

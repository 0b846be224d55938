// The built page in real headless Chromium: the same lake loader reads the embedded Parquet over HTTP through
// parquet-wasm, and the same WebGPU device code runs the smoke kernel on navigator.gpu (SwiftShader here).
// With WebGPU disabled the page says so and still reads the lake. In CI a missing chromium fails the test.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.ts';
import { SHOTS, missingChromium, useBuiltSite } from './site.ts';

const built = useBuiltSite('site');

describe('the lake page in Chromium', () => {
  it('reads a date of the embedded lake and runs the kernel on WebGPU', async (t) => {
    const site = built.current();
    if (site === undefined) return t.skip(missingChromium ?? 'no site');
    const ctx = await launchChromium({ webgpu: true });
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${site.url}?date=2024-01-05`);
      await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
      await page.waitForSelector('#gpu:not([data-state="pending"])', { timeout: 60_000 });
      const status = await page.locator('#status').getAttribute('data-games');
      expect(status).toBe('14');
      expect(await page.locator('#games tbody tr').count()).toBe(14);
      const gpu = page.locator('#gpu');
      expect(await gpu.getAttribute('data-state'), (await gpu.textContent()) ?? '').toBe('webgpu');
      // Changing the date reads other partitions through the same store.
      await page.selectOption('#date', '2023-10-24');
      await page.waitForFunction(() => document.querySelector('#status')?.textContent.startsWith('2023-10-24:'));
      expect(await page.locator('#games tbody tr').count()).toBe(2);
      expect(await page.locator('#games tbody tr').first().textContent()).toContain('LAL @ DEN');
      await page.screenshot({ path: join(SHOTS, 'lake-page-webgpu.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('still reads the lake with WebGPU disabled, and says the CPU path will be used', async (t) => {
    const site = built.current();
    if (site === undefined) return t.skip(missingChromium ?? 'no site');
    const ctx = await launchChromium({ webgpu: false });
    try {
      const page = await ctx.newPage();
      await page.goto(`${site.url}?date=2024-01-05`);
      await page.waitForSelector('#status[data-state="done"]', { timeout: 60_000 });
      await page.waitForSelector('#gpu:not([data-state="pending"])', { timeout: 60_000 });
      expect(await page.locator('#gpu').getAttribute('data-state')).toBe('cpu');
      expect(await page.locator('#games tbody tr').count()).toBe(14);
    } finally {
      await ctx.close();
    }
  });
});

// The usage demo in real headless Chromium, from the built site: the engine runs on WebGPU through navigator.gpu
// (SwiftShader here), a temperature change flattens the shares, ruling a player out raises every teammate's
// share, and the page is screenshotted at laptop and phone width. A second run with WebGPU disabled takes the
// CPU path in a web worker and must agree with the WebGPU run. In CI a missing chromium or adapter fails.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { defined } from '../../src/data/checked.ts';
import { launchChromium } from './chromium.ts';
import { SHOTS, missingChromium, useBuiltSite } from './site.ts';
import { REQUIRE_GPU } from '../helpers.ts';

const built = useBuiltSite('demo-site');
// SwiftShader is slow: a few thousand worlds keep the test quick; the page allows up to 100,000.
const WORLDS = 3000;
const PAGE = `?date=2024-01-31&worlds=${WORLDS}`;
/** Shares of the first run (as listed, default knobs) on WebGPU, for the CPU run to compare with. */
let webgpuShares: Map<number, number> | undefined;

interface EffectRow {
  id: number;
  before: number;
  after: number | null;
  out: boolean;
}

/** Waits for the page's n-th finished run; a run that ends in an error fails with the page's message. */
async function waitForRun(page: Page, n: number): Promise<void> {
  await page.waitForSelector(`#run[data-state="done"][data-runs="${n}"], #run[data-state="error"], #status[data-state="error"]`, {
    timeout: 100_000,
  });
  const state = await page.locator('#run').getAttribute('data-state');
  expect(state, `${(await page.locator('#message').textContent()) ?? ''} ${(await page.locator('#status').textContent()) ?? ''}`).toBe(
    'done',
  );
}

async function effectRows(page: Page): Promise<EffectRow[]> {
  return page.$$eval('#effect tbody tr', (trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      return {
        id: Number(d.playerId),
        before: Number(d.shareBefore),
        after: d.shareAfter === undefined ? null : Number(d.shareAfter),
        out: tr.classList.contains('out'),
      };
    }),
  );
}

async function setSlider(page: Page, id: string, value: string): Promise<void> {
  await page.locator(`#${id}`).evaluate((e, v) => {
    (e as HTMLInputElement).value = v;
    e.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Rules out the team's most-used player and checks that every teammate's share rose and they still sum to 1. */
async function ruleOutTopPlayer(page: Page, run: number): Promise<EffectRow[]> {
  const before = await effectRows(page);
  const top = before.reduce((a, b) => (b.before > a.before ? b : a));
  await page.locator(`#roster input[data-player-id="${top.id}"]`).check();
  await waitForRun(page, run);
  const rows = await effectRows(page);
  expect(rows.map((r) => r.id)).toEqual(before.map((r) => r.id));
  const gone = defined(
    rows.find((r) => r.id === top.id),
    `player ${top.id} in the effect table`,
  );
  expect(gone.out).toBe(true);
  expect(gone.after).toBe(0);
  const mates = rows.filter((r) => r.id !== top.id);
  for (const r of mates) expect(defined(r.after, `player ${r.id}'s share after`), `player ${r.id}`).toBeGreaterThan(r.before);
  expect(mates.reduce((a, r) => a + defined(r.after, `player ${r.id}'s share after`), 0)).toBeCloseTo(1, 5);
  return rows;
}

/** Picks the game's first `n` players as a lineup: its mean across worlds is the sum of their means (two kernels). */
async function scoreLineup(page: Page, run: number, n: number): Promise<void> {
  const ids = await page.$$eval('#lineup-pick option', (os, k) => os.slice(0, k).map((o) => (o as HTMLOptionElement).value), n);
  await page.locator('#lineup-pick').selectOption(ids);
  await waitForRun(page, run);
  await page.waitForSelector('#lineup-summary[data-state="done"]');
  const d = await page.locator('#lineup-summary').evaluate((e) => Object.fromEntries(Object.entries((e as HTMLElement).dataset)));
  expect(Number(d.worlds)).toBe(WORLDS);
  expect(Number(d.playersMean)).toBeGreaterThan(0);
  expect(Number(d.mean)).toBeCloseTo(Number(d.playersMean), 5);
  expect(await page.locator('#chart-lineup').evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0);
}

async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // Nothing may push the page sideways at phone width (wide tables scroll inside their own box). The charts
  // follow their boxes through a ResizeObserver, so give them a moment.
  await page.waitForFunction(() => document.documentElement.scrollWidth <= 390, null, { timeout: 10_000 }).catch(() => undefined);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(SHOTS, `${name}-390.png`), fullPage: true });
}

describe('the usage demo in Chromium', () => {
  it('runs on a WebGPU adapter; temperature flattens the shares; ruling a player out raises his teammates', async (t) => {
    const site = built.current();
    if (site === undefined) return t.skip(missingChromium ?? 'no site');
    const ctx = await launchChromium({ webgpu: true });
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${site.url}${PAGE}`);
      await page.waitForSelector('#gpu:not([data-state="pending"])', { timeout: 60_000 });
      const gpu = page.locator('#gpu');
      if ((await gpu.getAttribute('data-state')) === 'cpu' && !REQUIRE_GPU)
        return t.skip(`Chromium has no WebGPU adapter here: ${(await gpu.textContent()) ?? ''}`);
      expect(await gpu.getAttribute('data-state'), (await gpu.textContent()) ?? '').toBe('webgpu');
      await waitForRun(page, 1);
      const run = page.locator('#run');
      expect(await run.getAttribute('data-backend')).toBe('webgpu');
      expect(await run.getAttribute('data-cpu-chunks'), 'chunks rerun on the CPU after a GPU failure').toBe('0');
      expect(await run.getAttribute('data-worlds')).toBe(String(WORLDS));
      expect(Number(await run.getAttribute('data-ms'))).toBeGreaterThan(0);
      expect(await run.textContent()).toMatch(/worlds per run in \d+\.\d\d s/);

      // Default knobs: the team's shares are a distribution.
      const listed = await effectRows(page);
      expect(listed.length).toBeGreaterThanOrEqual(8);
      expect(listed.reduce((a, r) => a + r.before, 0)).toBeCloseTo(1, 5);
      webgpuShares = new Map(listed.map((r) => [r.id, r.before]));

      // A hotter softmax flattens the shares: the top share falls, the smallest rises.
      await setSlider(page, 'temperature', '2');
      await waitForRun(page, 2);
      expect(await page.locator('#temperature-value').textContent()).toBe('2.00');
      const hot = await effectRows(page);
      const top = listed.reduce((a, b) => (b.before > a.before ? b : a));
      const bottom = listed.reduce((a, b) => (b.before < a.before ? b : a));
      expect(
        defined(
          hot.find((r) => r.id === top.id),
          `player ${top.id} when hot`,
        ).before,
      ).toBeLessThan(top.before);
      expect(
        defined(
          hot.find((r) => r.id === bottom.id),
          `player ${bottom.id} when hot`,
        ).before,
      ).toBeGreaterThan(bottom.before);

      await ruleOutTopPlayer(page, 3);
      expect(await run.getAttribute('data-backend')).toBe('webgpu');
      await scoreLineup(page, 4, 6);
      expect(await run.getAttribute('data-backend')).toBe('webgpu');
      // The charts drew: the share chart has a series for the rule-out.
      expect(await page.locator('#chart-shares').evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0);
      await screenshots(page, 'demo-webgpu');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('with WebGPU disabled runs the CPU kernels in a web worker, with the same results', async (t) => {
    const site = built.current();
    if (site === undefined) return t.skip(missingChromium ?? 'no site');
    const ctx = await launchChromium({ webgpu: false });
    try {
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${site.url}${PAGE}`);
      await waitForRun(page, 1);
      expect(await page.locator('#gpu').getAttribute('data-state')).toBe('cpu');
      const run = page.locator('#run');
      expect(await run.getAttribute('data-backend')).toBe('cpu-worker');
      expect(await run.textContent()).toContain('web worker');
      // Same seed and counters as the WebGPU run: the shares agree (f32 against f64 at CDF steps only).
      const listed = await effectRows(page);
      if (webgpuShares !== undefined) {
        for (const r of listed)
          expect(Math.abs(r.before - defined(webgpuShares.get(r.id), `player ${r.id} in the WebGPU run`)), `player ${r.id}`).toBeLessThan(
            0.002,
          );
      }
      await ruleOutTopPlayer(page, 2);
      await scoreLineup(page, 3, 5);
      // a pasted lineup by names; a name not in the game is one line
      const names = await page.$$eval('#lineup-pick option', (os) => os.slice(0, 2).map((o) => o.textContent));
      await page.locator('#lineup-paste').fill(names.join(', '));
      await page.locator('#lineup-paste').dispatchEvent('change');
      await waitForRun(page, 4);
      expect(await page.locator('#lineup-pick').evaluate((e) => [...(e as HTMLSelectElement).selectedOptions].length)).toBe(2);
      await page.locator('#lineup-paste').fill('Nobody Here');
      await page.locator('#lineup-paste').dispatchEvent('change');
      await page.waitForSelector('#message[data-state="error"]');
      expect(await page.locator('#message').textContent()).toBe('lineup: "Nobody Here" is not a player id or name of this game');
      await screenshots(page, 'demo-cpu');

      // Bad input: one line on the page, nothing rerun.
      await page.locator('#worlds').fill('250000');
      await page.locator('#worlds').dispatchEvent('change');
      await page.waitForSelector('#message[data-state="error"]');
      expect(await page.locator('#message').textContent()).toBe('worlds must be a whole number from 100 to 100,000, got "250000"');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('names a bad date, game or player in the address in one line', async (t) => {
    const site = built.current();
    if (site === undefined) return t.skip(missingChromium ?? 'no site');
    const ctx = await launchChromium({ webgpu: false });
    try {
      const page = await ctx.newPage();
      for (const [query, message] of [
        ['?date=1999-01-01', 'date 1999-01-01: not in the embedded lake (2023-10-24 .. 2024-01-31)'],
        ['?date=2024-01-31&game=0022300999', 'game 0022300999: no game with available players on 2024-01-31 (pick one from the list)'],
        ['?date=2024-01-31&game=0022300674&out=Vucevic', 'out "Vucevic": expected player ids separated by commas'],
        ['?date=2024-01-31&game=0022300674&out=1', 'out 1: no available player with that id in game 0022300674'],
      ]) {
        await page.goto(`${site.url}${query}`);
        await page.waitForSelector('#status[data-state="error"]', { timeout: 60_000 });
        expect(await page.locator('#status').textContent()).toBe(`Failed: ${message}`);
      }
    } finally {
      await ctx.close();
    }
  });
});

import { defineConfig } from 'vitest/config';

// One config for the demo build (vite) and the tests (vitest).
// Test groups: `default` runs on the real slice embedded in public/data and needs nothing else;
// `full` needs the seven seasons in ../shared/data and runs in CI (.ci/run) where that folder exists.
export default defineConfig({
  publicDir: 'public',
  build: { outDir: 'dist', target: 'es2022', emptyOutDir: true },
  // The demo's CPU path runs in a module worker (src/web/sim-worker.ts) that imports the engine's modules.
  worker: { format: 'es' },
  test: {
    testTimeout: 120_000,
    // the default reporter, then one line naming what was skipped and why (a missing adapter or chromium)
    reporters: ['default', './test/skip-summary-reporter.ts'],
    hookTimeout: 300_000,
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'], exclude: ['test/full/**'] } },
      { extends: true, test: { name: 'full', include: ['test/full/**/*.test.ts'] } },
    ],
  },
});

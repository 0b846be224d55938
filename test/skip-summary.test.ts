// `npm test` ends with one line naming the tests skipped and why (issue 16 item 13), checked on a fixture
// run through the same reporter.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers.ts';

it('names the skipped tests and their reason in one line at the end of the run', async () => {
  const dir = join(FIXTURES, 'skip');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.ts')],
    {
      cwd: dir,
      env: { ...process.env, CI: '', NO_COLOR: '1' },
    },
  );
  const lines = stdout.split('\n').filter((l) => l.startsWith('skipped '));
  expect(lines).toEqual(['skipped 2 tests: skips.fixture.ts (no WebGPU adapter (here for the test))']);
});

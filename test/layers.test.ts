// The import direction (data, then features/models/shares, then the engine, then the apps) as
// scripts/check-layers.mjs enforces it in `npm run lint`: this tree passes, and a tree with an upward import,
// or an app importing the CLI, fails with the file, line and both ends named.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.ts';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts/check-layers.mjs');

async function check(root: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('node', [SCRIPT, root]);
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

async function tree(files: Record<string, string>): Promise<string> {
  const root = await tempDir('layers');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('scripts/check-layers.mjs', () => {
  it('passes this repository', async () => {
    expect(await check(ROOT)).toEqual({ code: 0, stderr: '' });
  });

  it('fails an engine file that imports the lake builders, naming file, line and both ends', async () => {
    const root = await tree({
      'src/data/a.ts': 'export const a = 1;\n',
      'src/lake/salaries.ts': "import { a } from '../data/a.ts';\nexport const b = a;\n",
      'engine/sim.ts':
        "import { a } from '../src/data/a.ts';\n// the parser\nimport {\n  b,\n} from '../src/lake/salaries.ts';\nexport const c = a + b;\n",
    });
    const r = await check(root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('engine/sim.ts:3: engine/sim.ts -> src/lake/salaries.ts (layer engine imports layer apps above it)');
    expect(r.stderr).not.toContain('src/lake/salaries.ts:1');
    expect(r.stderr).toMatch(/check-layers: 1 upward import\(s\)/);
  });

  it('fails type-only and dynamic upward imports, and any import of the CLI from outside it', async () => {
    const root = await tree({
      'src/cli/progress.ts': 'export interface P { n: number }\n',
      'src/shares/base.ts': "import type { E } from '../../engine/e.ts';\nexport type X = E;\n",
      'src/data/lake.ts': "export const load = () => import('../features/f.ts');\n",
      'src/lake/build.ts': "import type { P } from '../cli/progress.ts';\nexport type Q = P;\n",
      'src/cli/main.ts': "import type { P } from './progress.ts';\nexport type R = P;\n",
    });
    const r = await check(root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'src/shares/base.ts:1: src/shares/base.ts -> engine/e.ts (layer features/models/shares imports layer engine above it)',
    );
    expect(r.stderr).toContain(
      'src/data/lake.ts:1: src/data/lake.ts -> src/features/f.ts (layer data imports layer features/models/shares above it)',
    );
    expect(r.stderr).toContain('src/lake/build.ts:1: src/lake/build.ts -> src/cli/progress.ts (only the CLI imports the CLI)');
    expect(r.stderr).not.toContain('src/cli/main.ts');
    expect(r.stderr).toMatch(/check-layers: 3 upward import\(s\)/);
  });
});

// Paths that cannot take a run are named before any world (issue 16 item 4): --out under a file, --out that is a
// file, --lake that is a file; and what the disk refuses while writing (a full disk, here an injected ENOSPC) is one
// line naming the place, with nothing left behind. (A read-only folder cannot be shown as root, which this machine
// runs tests as: root writes anywhere.)
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunDir } from '../src/cli/run-sim.ts';
import { isUserError } from '../src/data/errors.ts';
import { slatesimAt, tempDir } from './helpers.ts';

describe('paths a run cannot use', () => {
  it('are named before any world is drawn, in one line', async () => {
    const dir = await tempDir('cli-paths');
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const [args, message] of [
      [
        ['sim', '--worlds', '100', '--backend', 'cpu', '--out', join(file, 'sub')],
        `--out ${join(file, 'sub')}: a part of the path is a file, not a folder`,
      ],
      [['sim', '--worlds', '100', '--backend', 'cpu', '--out', file], `--out ${file}: is a file, not a folder`],
      [['sim', '--worlds', '100', '--backend', 'cpu', '--lake', file], `--lake ${file}: is a file, not a lake folder`],
      [['sim', '--worlds', '100', '--backend', 'cpu', '--lake', join(dir, 'nowhere')], `--lake ${join(dir, 'nowhere')}: no such folder`],
    ] as const) {
      const r = await slatesimAt(dir, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`slatesim: ${message}\n`);
    }
    expect((await readdir(dir)).sort()).toEqual(['a-file']);
  });

  it('turns a full disk while writing into one line naming the place, and removes its temporary folder', async () => {
    const out = await tempDir('cli-enospc');
    const full = (): Uint8Array => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const err = await writeRunDir(out, '2024-01-31', 'r', [
      ['projections.csv', () => new Uint8Array([1])],
      ['projections.parquet', full],
    ]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toBe(`--out ${out}: cannot write the run in ${join(out, 'game_date=2024-01-31')} (ENOSPC)`);
    // the temporary folder, the lock and the date folder the run made are gone
    expect(await readdir(out)).toEqual([]);
    expect(existsSync(join(out, 'game_date=2024-01-31', 'run=r'))).toBe(false);
  });
});

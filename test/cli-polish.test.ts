// `slatesim --version`, and "did you mean" for a mistyped command or flag, kept to one line on stderr, exit 2.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneLineError, tidyMessage } from '../src/cli/main.ts';
import { ROOT, slatesim } from './helpers.ts';

function oneLine(stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
}

describe('slatesim --version and suggestions', () => {
  it('prints package.json version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await slatesim('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toBe('');
  });

  it('suggests the command for a mistyped one, on one line, exit 2', async () => {
    const r = await slatesim('smi');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r.stderr);
    expect(r.stderr).toBe("slatesim: unknown command 'smi' (did you mean sim?)\n");
  });

  it('suggests the subcommand for a mistyped one under a group', async () => {
    const r = await slatesim('lake', 'infoo');
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toContain('(did you mean info?)');
  });

  it('suggests the flag for a mistyped one, on one line, exit 2, before any work', async () => {
    const r = await slatesim('sim', '--wrlds', '10');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r.stderr);
    expect(r.stderr).toBe("slatesim: unknown option '--wrlds' (did you mean --worlds?)\n");
  });

  it('joins commander multi-line messages into one line', () => {
    expect(oneLineError("error: unknown option '--lak'\n(Did you mean --lake?)\n")).toBe("unknown option '--lak' (did you mean --lake?)");
    expect(oneLineError("error: missing required argument 'x'\n")).toBe("missing required argument 'x'");
  });

  it('names the commands of a group given none, on one line (it printed the whole help)', async () => {
    const r = await slatesim('lake');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('slatesim: slatesim lake needs a command: build, salaries, info, embed (slatesim lake --help)\n');
  });

  it('escapes control characters and cuts junk in any message (found by the fuzz test)', async () => {
    const r = await slatesim('lake', 'info', '--lake', `\u0001\u0002${'x'.repeat(300)}`);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toBe(`slatesim: --lake \\x01\\x02${'x'.repeat(92)}... no such folder\n`);
    expect(tidyMessage(`--run got "${'y'.repeat(90)}"`)).toBe(`--run got "${'y'.repeat(40)}..."`);
    expect(tidyMessage('a "\u0000\ufffd" b')).toBe('a "\\x00\\uFFFD" b');
  });
});

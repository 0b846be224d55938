// Every command fed random and mutated inputs (issue 16, "done when"): flags dropped, repeated, unknown or given junk
// values; CSVs truncated, cut into binary junk, cells replaced, lines lost or repeated; JSON profiles and models with
// a field set to nonsense; Parquet with flipped bytes. A seeded generator, so a failure names a case that replays.
// Each case runs through the CLI's main() in this process (a spawned CLI costs a second of start-up each) and must
// end with exit 0 or 2; a failure is one line on stderr with no stack trace and no control characters, and leaves
// no new file anywhere the case may write.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes into the case's own short arrays, in range by construction */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { EMBEDDED, FIXTURES, ROOT, tempDir, seededRandom as rng } from './helpers.ts';

const SEED = 1616;
const CASES = Number(process.env.SLATESIM_FUZZ_CASES ?? 160);

const JUNK = [
  '',
  '-1',
  '0',
  'NaN',
  '1e309',
  'abc',
  '3.5',
  ' 7',
  '99999999999999999999',
  '\u0000\u0001\u0002',
  '"',
  '2024-13-45',
  'x'.repeat(500),
  '../../etc',
  ',,,',
  '\u00ff\u00fe\ufffd',
];

interface Ctx {
  dir: string;
  inputs: string;
  savedRun: string;
  lineups: string;
  smallSource: string;
  lakeCopy: string;
}

let ctx: Ctx;

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string; thrown?: unknown }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  process.stdout.write = (chunk: string | Uint8Array) => ((stdout += text(chunk)), true);
  process.stderr.write = (chunk: string | Uint8Array) => ((stderr += text(chunk)), true);
  try {
    const code = await main(['node', 'slatesim', ...args]);
    return { code, stdout, stderr };
  } catch (e) {
    return { code: -1, stdout, stderr, thrown: e };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** Every file below dir with its size and mtime, for "nothing new or changed on failure". */
function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  if (!existsSync(dir)) return m;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    const st = statSync(p);
    m.set(relative(dir, p), e.isDirectory() ? 'dir' : `${st.size}:${st.mtimeMs}`);
  }
  return m;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  const x = xs[Math.floor(r() * xs.length)];
  if (x === undefined) throw new Error('empty choice');
  return x;
}

/** A text file's mutation: truncated, junk bytes, a cell replaced, a line lost or repeated, the header gone, empty. */
function mutateText(r: () => number, text: string): string {
  const lines = text.split('\n');
  switch (Math.floor(r() * 8)) {
    case 0:
      return text.slice(0, Math.floor(r() * text.length));
    case 1: {
      const b = Buffer.from(text, 'latin1');
      for (let k = 0; k < 1 + Math.floor(r() * 20); k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b.toString('latin1');
    }
    case 2: {
      const i = 1 + Math.floor(r() * Math.max(1, lines.length - 2));
      const cells = (lines[i] ?? '').split(',');
      cells[Math.floor(r() * cells.length)] = pick(r, JUNK);
      lines[i] = cells.join(',');
      return lines.join('\n');
    }
    case 3:
      lines.splice(Math.floor(r() * lines.length), 1);
      return lines.join('\n');
    case 4: {
      const i = Math.floor(r() * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 5:
      return lines.slice(1).join('\n');
    case 6:
      return '';
    default:
      return Array.from({ length: 300 }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
  }
}

/** A JSON document with one field (at any depth) set to nonsense, or its text mutated. */
function mutateJson(r: () => number, text: string): string {
  if (r() < 0.3) return mutateText(r, text);
  const doc = JSON.parse(text) as unknown;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(v)) v.slice(0, 5).forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(doc, []);
  const path = pick(r, paths);
  let at = doc as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] ?? 0;
  at[last] = pick(r, [null, -1, 0, 'x', [], {}, 1e308, true, Number.NaN]);
  return JSON.stringify(doc);
}

/** A binary file with a few bytes flipped, or cut short. */
function mutateBytes(r: () => number, bytes: Buffer): Buffer {
  const b = Buffer.from(bytes);
  if (r() < 0.3) return b.subarray(0, Math.floor(r() * b.length));
  for (let k = 0; k < 1 + Math.floor(r() * 8); k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
  return b;
}

/** A flag list with one thing wrong (or nothing, a tenth of the time). */
function mutateFlags(r: () => number, args: string[], files: string[]): string[] {
  const a = [...args];
  const flagAt = a.map((x, i) => (x.startsWith('--') ? i : -1)).filter((i) => i >= 0);
  switch (Math.floor(r() * 7)) {
    case 0: {
      const i = pick(r, flagAt);
      const hasValue = a[i + 1] !== undefined && !a[i + 1]!.startsWith('--');
      a.splice(i, hasValue ? 2 : 1);
      return a;
    }
    case 1: {
      const i = pick(r, flagAt);
      if (a[i + 1] !== undefined && !a[i + 1]!.startsWith('--')) a[i + 1] = pick(r, JUNK);
      return a;
    }
    case 2: {
      const i = pick(r, flagAt);
      if (a[i + 1] !== undefined && !a[i + 1]!.startsWith('--')) a[i + 1] = pick(r, [...files, join(ctx.dir, 'nowhere.csv'), ctx.dir]);
      return a;
    }
    case 3:
      return [...a, pick(r, ['--wat', '--worlds', '--seed=1', '-x', '--run', '--out'])];
    case 4:
      return [...a, ...a.slice(1, 3)];
    case 5:
      return a.slice(0, Math.max(1, Math.floor(r() * a.length)));
    default:
      return a;
  }
}

interface Scenario {
  name: string;
  /** the arguments and the folders the case may write */
  make: (r: () => number, caseDir: string) => { args: string[]; writes: string[] };
}

const SLATE_FILES = ['DKSalaries.csv', 'injuries.csv', 'lines.csv', 'starters.csv'];
const cpu = ['--backend', 'cpu', '--workers', '1'];

function mutatedInputs(r: () => number, caseDir: string): string {
  const inputs = join(caseDir, 'inputs');
  cpSync(ctx.inputs, inputs, { recursive: true });
  const f = join(inputs, pick(r, SLATE_FILES));
  if (existsSync(f)) writeFileSync(f, mutateText(r, readFileSync(f, 'latin1')), 'latin1');
  return inputs;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'sim (box score)',
    make: (r, d) => ({
      args: mutateFlags(r, ['sim', '--worlds', '12', '--seed', '3', ...cpu, '--out', join(d, 'out'), '--run', 'f'], []),
      writes: [join(d, 'out')],
    }),
  },
  {
    name: 'sim (pregame, a file mutated)',
    make: (r, d) => ({
      args: ['sim', '--inputs', mutatedInputs(r, d), '--worlds', '12', ...cpu, '--out', join(d, 'out'), '--export-dk', join(d, 'dk.csv')],
      writes: [join(d, 'out'), join(d, 'dk.csv')],
    }),
  },
  {
    name: 'sim (pregame, flags mutated)',
    make: (r, d) => ({
      args: mutateFlags(
        r,
        ['sim', '--inputs', ctx.inputs, '--worlds', '12', ...cpu, '--out', join(d, 'out'), '--lineups', ctx.lineups, '--thresholds', '100'],
        [ctx.lineups, join(ctx.inputs, 'DKSalaries.csv')],
      ),
      writes: [join(d, 'out')],
    }),
  },
  {
    name: 'sim (profiles, shares model mutated)',
    make: (r, d) => {
      const which = r() < 0.5 ? 'profiles' : 'model';
      const src = which === 'profiles' ? join(ROOT, 'config/profiles.json') : join(EMBEDDED, 'models/shares_v1.json');
      const f = join(d, `${which}.json`);
      writeFileSync(f, mutateJson(r, readFileSync(src, 'utf8')));
      return {
        args: [
          'sim',
          '--worlds',
          '12',
          ...cpu,
          '--out',
          join(d, 'out'),
          ...(which === 'profiles' ? ['--profiles', f] : ['--shares-model', f]),
        ],
        writes: [join(d, 'out')],
      };
    },
  },
  {
    name: 'lineups score (lineups or worlds mutated)',
    make: (r, d) => {
      const run = join(d, 'run');
      cpSync(ctx.savedRun, run, { recursive: true });
      const lineups = join(d, 'lineups.csv');
      writeFileSync(
        lineups,
        r() < 0.5 ? mutateText(r, readFileSync(ctx.lineups, 'latin1')) : readFileSync(ctx.lineups, 'latin1'),
        'latin1',
      );
      if (r() < 0.5) {
        const f = join(run, pick(r, ['worlds.parquet', 'projections.parquet', 'metrics.json', 'team_worlds.parquet']));
        writeFileSync(f, mutateBytes(r, readFileSync(f)));
      }
      return { args: mutateFlags(r, ['lineups', 'score', '--run', run, '--lineups', lineups], [lineups]), writes: [run] };
    },
  },
  {
    name: 'lineups build',
    make: (r, d) => ({
      args: mutateFlags(
        r,
        [
          'lineups',
          'build',
          '--inputs',
          r() < 0.5 ? mutatedInputs(r, d) : ctx.inputs,
          '--worlds',
          '12',
          ...cpu,
          '--out',
          join(d, 'out'),
          '--n',
          '2',
        ].concat(r() < 0.5 ? ['--max-exposure', pick(r, ['0.5', ...JUNK])] : ['--min-salary', pick(r, ['40000', ...JUNK])]),
        [],
      ),
      writes: [join(d, 'out')],
    }),
  },
  {
    name: 'lineups value',
    make: (r, d) => ({
      args: mutateFlags(
        r,
        [
          'lineups',
          'value',
          '--inputs',
          join(d, 'none'),
          '--lake',
          ctx.lakeCopy,
          '--n',
          '2',
          '--worlds',
          '12',
          '--json',
          join(d, 'v.json'),
        ],
        [],
      ),
      writes: [join(d, 'v.json')],
    }),
  },
  {
    name: 'lake build (source mutated)',
    make: (r, d) => {
      const src = join(d, 'source');
      cpSync(ctx.smallSource, src, { recursive: true });
      const f = join(src, 'box_scores_2023.csv');
      writeFileSync(f, mutateText(r, readFileSync(f, 'latin1')), 'latin1');
      return { args: mutateFlags(r, ['lake', 'build', '--source', src, '--lake', join(d, 'lake')], []), writes: [join(d, 'lake')] };
    },
  },
  {
    name: 'lake info (a file of the lake mutated)',
    make: (r, d) => {
      const lake = join(d, 'lake');
      cpSync(ctx.lakeCopy, lake, { recursive: true });
      const files = readdirSync(lake, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      const f = pick(r, files);
      const p = join(f.parentPath, f.name);
      writeFileSync(p, f.name.endsWith('.json') ? mutateJson(r, readFileSync(p, 'utf8')) : mutateBytes(r, readFileSync(p)));
      return { args: mutateFlags(r, ['lake', 'info', '--lake', lake], []), writes: [] };
    },
  },
  {
    name: 'lake salaries, lake embed',
    make: (r, d) => ({
      args: mutateFlags(
        r,
        r() < 0.5
          ? ['lake', 'salaries', '--lake', join(d, 'nolake'), '--dk-csv', join(ctx.inputs, 'DKSalaries.csv'), '--date', '2026-03-15']
          : ['lake', 'embed', '--source', join(d, 'none'), '--out', join(d, 'embed')],
        [],
      ),
      writes: [join(d, 'embed')],
    }),
  },
  {
    name: 'shares build-base, train, eval',
    make: (r, d) => {
      const model = join(d, 'model.json');
      writeFileSync(model, mutateJson(r, readFileSync(join(EMBEDDED, 'models/shares_v1.json'), 'utf8')));
      const range = ['--start-date', '2024-01-30', '--end-date', '2024-01-31'];
      const which = pick(r, [
        ['shares', 'build-base', '--lake', join(d, 'nolake'), ...range],
        ['shares', 'train', '--lake', join(d, 'nolake'), ...range, '--out', join(d, 'm.json')],
        ['shares', 'eval', '--lake', ctx.lakeCopy, '--model', model, ...range, '--resamples', '5', '--json', join(d, 'e.json')],
      ]);
      return { args: mutateFlags(r, which, [model]), writes: [join(d, 'm.json'), join(d, 'e.json')] };
    },
  },
  {
    name: 'backtest, diagnostics',
    make: (r, d) => ({
      args: mutateFlags(
        r,
        r() < 0.5
          ? [
              'backtest',
              '--lake',
              ctx.lakeCopy,
              '--start-date',
              '2024-01-31',
              '--end-date',
              '2024-01-31',
              '--worlds',
              '12',
              ...cpu,
              '--json',
              join(d, 'b.json'),
            ]
          : [
              'diagnostics',
              pick(r, ['minutes-vacancy', 'usage-share-prep']),
              '--lake',
              ctx.lakeCopy,
              '--start-date',
              '2024-01-25',
              '--end-date',
              '2024-01-31',
              ...(r() < 0.5 ? ['--json', join(d, 'd.json')] : ['--max-days', '2']),
            ],
        [],
      ),
      writes: [join(d, 'b.json'), join(d, 'd.json')],
    }),
  },
];

beforeAll(async () => {
  await initParquetNode();
  const dir = await tempDir('fuzz');
  const inputs = join(dir, 'inputs');
  cpSync(join(EMBEDDED, 'pregame/game_date=2026-03-15'), inputs, { recursive: true });
  const lakeCopy = join(dir, 'lake');
  cpSync(join(EMBEDDED, 'lake'), lakeCopy, { recursive: true });
  // a valid lineups file and a run saved with its worlds, for lineups score
  const lineups = join(dir, 'upload.csv');
  const built = await cli([
    'lineups',
    'build',
    '--inputs',
    inputs,
    '--worlds',
    '20',
    ...cpu,
    '--out',
    join(dir, 'b'),
    '--n',
    '3',
    '--export-upload',
    lineups,
  ]);
  expect(built.code, built.stderr).toBe(0);
  const saved = await cli([
    'sim',
    '--inputs',
    inputs,
    '--worlds',
    '20',
    ...cpu,
    '--out',
    join(dir, 's'),
    '--run',
    'saved',
    '--save-worlds',
  ]);
  expect(saved.code, saved.stderr).toBe(0);
  // a small box-score source: the first games of the 2023 fixture
  const smallSource = join(dir, 'source');
  cpSync(join(FIXTURES, 'dk-2023-01-18'), smallSource, { recursive: true, filter: (p) => !p.endsWith('.gz') || p.includes('lines') });
  const { gunzipSync } = await import('node:zlib');
  const box = gunzipSync(readFileSync(join(FIXTURES, 'dk-2023-01-18/box_scores_2023.csv.gz')))
    .toString('utf8')
    .split('\n');
  writeFileSync(join(smallSource, 'box_scores_2023.csv'), `${box.slice(0, 400).join('\n')}\n`);
  ctx = { dir, inputs, savedRun: join(dir, 's/game_date=2026-03-15/run=saved'), lineups, smallSource, lakeCopy };
}, 300_000);

describe('every command under random and mutated inputs', () => {
  it(`ends with 0 or 2, one clean line on failure and nothing left behind (${CASES} cases, seed ${SEED})`, async () => {
    const r = rng(SEED);
    const problems: string[] = [];
    const tally = new Map<string, number>();
    const before = snapshot(ctx.inputs);
    const gitStatus = (): string =>
      execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' });
    const repoBefore = gitStatus();
    const started = Date.now();
    for (let k = 0; k < CASES; k++) {
      const scenario = SCENARIOS[k % SCENARIOS.length]!;
      const caseDir = join(ctx.dir, `case-${k}`);
      mkdirSync(caseDir, { recursive: true });
      const made = scenario.make(r, caseDir);
      const { args } = made;
      const writes = [...made.writes, caseDir];
      const snaps = writes.map((w) => snapshot(w));
      // a flag's value mutated into a relative path lands in the case's folder, never in the checkout
      const cwd = process.cwd();
      process.chdir(caseDir);
      const res = await cli(args).finally(() => process.chdir(cwd));
      const label = `case ${k} (${scenario.name}): slatesim ${args.map((a) => JSON.stringify(a)).join(' ')}`;
      tally.set(`${scenario.name} exit ${res.code}`, (tally.get(`${scenario.name} exit ${res.code}`) ?? 0) + 1);
      if (process.env.SLATESIM_FUZZ_SHOW === '1')
        console.log(`${label.slice(0, 300)}\n  -> ${res.code} ${res.stderr.trimEnd().split('\n').at(-1) ?? ''}`);
      if (res.thrown !== undefined) {
        problems.push(
          `${label}\n  threw ${res.thrown instanceof Error ? (res.thrown.stack ?? res.thrown.message) : JSON.stringify(res.thrown)}`,
        );
        continue;
      }
      if (res.code !== 0 && res.code !== 2) problems.push(`${label}\n  exit ${res.code}`);
      if (/^\s+at /m.test(res.stderr)) problems.push(`${label}\n  a stack trace on stderr: ${res.stderr}`);
      if (res.code === 2) {
        const lines = res.stderr
          .trimEnd()
          .split('\n')
          .filter((l) => !/ \d+\/\d+ [a-z-]+ \(\d+%, [\d.]+s\)$/.test(l)); // progress lines on a pipe
        if (lines.length !== 1) problems.push(`${label}\n  ${lines.length} lines on stderr: ${JSON.stringify(res.stderr.slice(0, 600))}`);
        const line = lines[lines.length - 1] ?? '';
        // eslint-disable-next-line no-control-regex -- control characters are what must not reach the terminal
        if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line)) problems.push(`${label}\n  control characters in: ${JSON.stringify(line)}`);
        if (line.length > 400) problems.push(`${label}\n  a ${line.length}-character line: ${JSON.stringify(line.slice(0, 400))}`);
        writes.forEach((w, i) => {
          const now = snapshot(w);
          const was = snaps[i]!;
          const added = [...now.keys()].filter((p) => !was.has(p) || was.get(p) !== now.get(p));
          if (added.length > 0) problems.push(`${label}\n  left behind in ${w}: ${added.slice(0, 5).join(', ')}`);
        });
      }
    }
    expect([...snapshot(ctx.inputs)]).toEqual([...before]);
    expect(gitStatus(), 'the checkout gained or changed files').toBe(repoBefore);
    console.log(
      `fuzz: ${CASES} cases in ${((Date.now() - started) / 1000).toFixed(1)}s, seed ${SEED}: ${[...tally]
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
    );
    expect(problems, problems.join('\n\n')).toEqual([]);
  }, 600_000);
});

// The DraftKings join of box-score mode (`sim --mode box-score --dk-csv`) on the real 2023-01-18 slate: it says
// how many rows matched and which did not (stderr and metrics.json), refuses a file that matches under half of
// the date's rows, and refuses a player listed twice, naming both lines.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { dkJoinLine } from '../src/data/dk-salaries.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { runSim } from '../src/cli/run-sim.ts';
import { buildLake } from '../src/lake/build.ts';
import { loadProfile } from '../engine/profile.ts';
import { FIXTURES, filesBelow, slatesim, tempDir } from './helpers.ts';

const FIX = join(FIXTURES, 'dk-2023-01-18');
const DK_CSV = join(FIX, 'dk_salaries_2023-01-18.csv');
let lakeDir: string;
let csv: string;

const simArgs = (dk: string, out: string): string[] => [
  'sim',
  '--lake',
  lakeDir,
  '--date',
  '2023-01-18',
  '--mode',
  'box-score',
  '--dk-csv',
  dk,
  '--worlds',
  '64',
  '--backend',
  'cpu', // no adapter probe: Dawn's warnings are another item's
  '--out',
  out,
  '--run',
  't',
];

beforeAll(async () => {
  await initParquetNode();
  lakeDir = await tempDir('dkjoin-lake');
  await buildLake({ source: FIX, lake: lakeDir, progress: silentProgress });
  csv = await readFile(DK_CSV, 'utf8');
});

async function simInProcess(text: string, file: string): Promise<unknown> {
  const profile = await loadProfile('usage_shares_v1');
  return runSim({
    lake: new Lake(new NodeFileStore(lakeDir)),
    date: '2023-01-18',
    profile: { ...profile, vegas_anchoring: { ...profile.vegas_anchoring, pilot_worlds: 64 } },
    profileName: 'usage_shares_v1',
    worlds: 64,
    seed: 1,
    chunk: 64,
    workers: 1,
    out: await tempDir('dkjoin-out'),
    run: 't',
    saveWorlds: false,
    dkCsv: { text, file },
    progress: silentProgress,
  });
}

describe('DraftKings join in box-score mode', () => {
  it('reports matches and misses on stderr and in metrics.json', async () => {
    const out = await tempDir('dkjoin-ok');
    const r = await slatesim(...simArgs(DK_CSV, out));
    expect(r.code).toBe(0);
    const line = r.stderr.split('\n').find((l) => l.includes('DraftKings rows matched'));
    // The box score lists who played or sat on the bench; the night's inactive players (Sabonis, Leonard, ...)
    // are not in it, so they stay unmatched here.
    expect(line).toMatch(/^slatesim: 229 of 293 DraftKings rows matched; unmatched: Domantas Sabonis \(SAC\), .*, and 52 more$/);
    const metrics = JSON.parse(await readFile(join(out, 'game_date=2023-01-18/run=t/metrics.json'), 'utf8')) as {
      dk_join: { rows: number; matched: number; unmatched: { name: string; team: string; line: number }[] };
    };
    expect(metrics.dk_join.rows).toBe(293);
    expect(metrics.dk_join.matched).toBe(229);
    expect(metrics.dk_join.unmatched).toHaveLength(64);
    expect(metrics.dk_join.unmatched[0]).toEqual({ name: 'Domantas Sabonis', team: 'SAC', line: 4 });
  });

  it('refuses a file whose names match nothing: exit 2, one line with the counts, nothing written', async () => {
    const dir = await tempDir('dkjoin-mangled');
    const lines = csv.split('\n');
    // Mangle the name column (the third) of every data row.
    const mangled = [
      lines[0],
      ...lines.slice(1).map((l) => {
        if (l.trim() === '') return l;
        const cells = l.split(',');
        cells[2] = `Zz${cells[2]}Qq`;
        return cells.join(',');
      }),
    ].join('\n');
    const file = join(dir, 'mangled.csv');
    await writeFile(file, mangled);
    const out = join(dir, 'out');
    const r = await slatesim(...simArgs(file, out));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const errLines = r.stderr.trimEnd().split('\n');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toBe(
      "slatesim: --dk-csv mangled.csv: only 0 of 293 DraftKings rows on 2023-01-18 matched a player of the box score (under half; is it the right date's file?)",
    );
    expect(await filesBelow(out)).toEqual([]);
  });

  it('refuses the same DraftKings name and team listed twice, naming both lines', async () => {
    const jokic = csv.split('\n')[2] ?? '';
    expect(jokic).toContain('Nikola Jokic');
    const text = `${csv.trimEnd()}\n${jokic.replace(',11400,', ',9000,')}\n`;
    await expect(simInProcess(text, '/x/dup.csv')).rejects.toThrow(
      '--dk-csv dup.csv: Nikola Jokic (DEN) is listed twice, line 3 (salary 11400) and line 295 (salary 9000)',
    );
  });

  it('refuses two rows that match the same player, naming both lines', async () => {
    const jokic = csv.split('\n')[2] ?? '';
    // Another spelling on another team: it still joins to Jokic (the date's only player of that name).
    const other = jokic.replaceAll('Nikola Jokic', 'Nikola Jokić').replace(/,DEN,/g, ',MIN,');
    const text = `${csv.trimEnd()}\n${other}\n`;
    await expect(simInProcess(text, 'dup2.csv')).rejects.toThrow(
      '--dk-csv dup2.csv: line 3 (Nikola Jokic, DEN) and line 295 (Nikola Jokić, MIN) both match player 203999 (Nikola Jokić)',
    );
  });

  it('clips the stderr list', () => {
    const unmatched = Array.from({ length: 30 }, (_, i) => ({ name: `P${i}`, team: 'DEN', line: i + 2 }));
    const line = dkJoinLine({ file: 'f.csv', date: '2023-01-18', rows: 100, matched: 70, unmatched });
    expect(line).toBe(
      `70 of 100 DraftKings rows matched; unmatched: ${unmatched
        .slice(0, 12)
        .map((u) => `${u.name} (${u.team})`)
        .join(', ')}, and 18 more`,
    );
    expect(dkJoinLine({ file: 'f.csv', date: 'd', rows: 3, matched: 3, unmatched: [] })).toBe('3 of 3 DraftKings rows matched');
  });
});

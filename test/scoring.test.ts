// The one DraftKings table (engine/kernels/scoring/scoring.ts) against DraftKings' published points on real
// box-score lines, a mutation of each of its entries caught by those known answers, and both scoring kernels
// (the CPU twin and the WGSL generated from the table) equal to the table's scoring of the same integer stat
// lines, for every stat, on real worlds and under each mutated table.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { beforeAll, describe, expect, it } from 'vitest';
import {
  DK_CLASSIC,
  SCORED_STATS,
  dkPoints,
  profileTable,
  scoringKernel,
  statLineAt,
  type DkTable,
  type StatLine,
} from '../engine/kernels/scoring/scoring.ts';
import { NSTAT, newBatch, runKernels, type GameBatch } from '../engine/kernels/kernels.ts';
import { preludeWgsl } from '../engine/kernels/prelude.ts';
import { CounterRng } from '../engine/rng.ts';
import { runStagesOnBatch } from '../engine/gpu/game.ts';
import { runKernel } from '../engine/gpu/runner.ts';
import { registerShaderSource } from '../engine/gpu/shader-source.ts';
import { loadProfile, type Profile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES } from '../src/data/tables.ts';
import { EMBEDDED_LAKE, useGpuDevice } from './helpers.ts';

const webgpu = useGpuDevice();

/** DraftKings' published Classic points for real lines of 2023-10-24 (the lake's box scores). */
const KNOWN: { name: string; dk: number }[] = [
  { name: 'Kentavious Caldwell-Pope', dk: 31.5 }, // 20 pts, 2 3PM, 2 reb, 1 ast, 3 stl, 1 blk, 3 tov
  { name: 'Michael Porter Jr.', dk: 36.5 }, // 12 pts, 12 reb: a double-double
  { name: 'Nikola Jokić', dk: 70.75 }, // 29/13/11: a triple-double with both bonuses
];

let lines: Map<string, StatLine>;
let slate: Slate;
let prof: Profile;

beforeAll(async () => {
  await initParquetNode();
  const lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  const rows = frameRows(await lake.read(PLAYER_GAMES, { startDate: '2023-10-24', endDate: '2023-10-24' }));
  lines = new Map(
    KNOWN.map(({ name }) => {
      const r = rows.find((x) => x.player_name === name)!;
      return [name, Object.fromEntries(SCORED_STATS.map((st) => [st, r[st] as number])) as unknown as StatLine];
    }),
  );
  slate = await loadSlate(lake, '2024-01-31');
  prof = await loadProfile('usage_shares_v1');
});

/** Names of the known lines the table scores differently from DraftKings. */
const wrongAnswers = (table: DkTable): string[] =>
  KNOWN.filter(({ name, dk }) => dkPoints(lines.get(name)!, table) !== dk).map((k) => k.name);

/** The table with one entry changed, for every entry (each weight, each bonus, the rule, the multiplier). */
function mutations(): { what: string; table: DkTable }[] {
  const out: { what: string; table: DkTable }[] = SCORED_STATS.map((st) => ({
    what: `points.${st}`,
    table: { ...DK_CLASSIC, points: { ...DK_CLASSIC.points, [st]: DK_CLASSIC.points[st] + 0.25 } },
  }));
  out.push({ what: 'doubleDoubleBonus', table: { ...DK_CLASSIC, doubleDoubleBonus: DK_CLASSIC.doubleDoubleBonus + 0.25 } });
  out.push({ what: 'tripleDoubleBonus', table: { ...DK_CLASSIC, tripleDoubleBonus: DK_CLASSIC.tripleDoubleBonus + 0.25 } });
  out.push({ what: 'tripleAlsoEarnsDouble', table: { ...DK_CLASSIC, tripleAlsoEarnsDouble: !DK_CLASSIC.tripleAlsoEarnsDouble } });
  out.push({ what: 'multiplier', table: { ...DK_CLASSIC, multiplier: 1.5 } });
  for (const cat of DK_CLASSIC.doubleCategories)
    out.push({
      what: `doubleCategories -${cat}`,
      table: { ...DK_CLASSIC, doubleCategories: DK_CLASSIC.doubleCategories.filter((c) => c !== cat) },
    });
  return out;
}

describe('the DraftKings table on real box scores', () => {
  it('scores every known line as DraftKings published it', () => {
    expect(wrongAnswers(DK_CLASSIC)).toEqual([]);
    expect(dkPoints(lines.get('Nikola Jokić')!, { ...DK_CLASSIC, tripleAlsoEarnsDouble: false })).toBe(69.25);
    // Showdown's captain: the same table, the whole score x 1.5.
    expect(dkPoints(lines.get('Kentavious Caldwell-Pope')!, { ...DK_CLASSIC, multiplier: 1.5 })).toBe(47.25);
  });

  it('fails the known answers when any one entry of the table changes', () => {
    const survivors = mutations().filter((m) => wrongAnswers(m.table).length === 0 && !m.what.startsWith('doubleCategories'));
    expect(survivors.map((m) => m.what)).toEqual([]);
    // Dropping a double category changes the known answers only where that category made the double.
    for (const cat of ['pts', 'reb', 'ast'] as const) {
      expect(wrongAnswers({ ...DK_CLASSIC, doubleCategories: DK_CLASSIC.doubleCategories.filter((c) => c !== cat) })).not.toEqual([]);
    }
  });
});

/** Asserts that b.dk is the table's scoring of b's own stat lines in every player-world; returns the count. */
function expectTableScoring(b: GameBatch, table: DkTable): number {
  const line: StatLine = { pts: 0, fg3m: 0, reb: 0, ast: 0, stl: 0, blk: 0, tov: 0 };
  let wrong = 0;
  for (let x = 0; x < b.worlds * b.nP; x++) if (b.dk[x] !== dkPoints(statLineAt(b.stats, x * NSTAT, line), table)) wrong++;
  expect(wrong).toBe(0);
  return b.worlds * b.nP;
}

/** Every scored stat is non-zero somewhere in the batch and some lines earn each bonus (so each weight counts). */
function expectEveryStat(b: GameBatch): void {
  const line: StatLine = { pts: 0, fg3m: 0, reb: 0, ast: 0, stl: 0, blk: 0, tov: 0 };
  const seen = new Set<string>();
  let dd = 0;
  for (let x = 0; x < b.worlds * b.nP; x++) {
    statLineAt(b.stats, x * NSTAT, line);
    for (const st of SCORED_STATS) if (line[st] > 0) seen.add(st);
    if (DK_CLASSIC.doubleCategories.filter((c) => line[c] >= 10).length >= 2) dd++;
  }
  expect([...seen].sort()).toEqual([...SCORED_STATS].sort());
  expect(dd).toBeGreaterThan(0);
}

describe('the scoring kernels against the table', () => {
  const W = 2048;
  it('CPU: every player-world scores as the table scores its stat line, under the table and each mutation', () => {
    const b = newBatch(slate, 0, W);
    runKernels(slate, prof, new CounterRng(11), b, 0, new Float64Array(slate.nTeams).fill(1));
    expectEveryStat(b);
    expectTableScoring(b, profileTable(prof));
    const classic = Float64Array.from(b.dk);
    for (const m of mutations()) {
      scoringKernel(prof, b, m.table);
      expectTableScoring(b, profileTable(prof, m.table));
      // Each weight, the double-double bonus and the multiplier move some real world's points (triple-doubles
      // are too rare in one game's worlds to require; the triple-double rule is the profile's, not the table's).
      if (/^(points|doubleDoubleBonus|multiplier)/.test(m.what))
        expect(
          b.dk.some((v, x) => v !== classic[x]),
          m.what,
        ).toBe(true);
    }
  });

  it('GPU: the stat-line kernel scores as the table, and the WGSL generated from each mutated table follows it', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const device = webgpu.ctx.device;
    const b = newBatch(slate, 0, W);
    runKernels(slate, prof, new CounterRng(11), b, 0, new Float64Array(slate.nTeams).fill(1));
    const gpu = newBatch(slate, 0, W);
    await runStagesOnBatch(device, slate, prof, 11, b, 0, [1, 1], ['statline'], { fromBatch: true, out: gpu });
    expectEveryStat(gpu);
    const n = expectTableScoring(gpu, profileTable(prof));
    // dk_points alone, generated from each table, on the device's stat lines and the known real lines.
    const line: StatLine = { pts: 0, fg3m: 0, reb: 0, ast: 0, stl: 0, blk: 0, tov: 0 };
    const all: StatLine[] = [...lines.values()];
    for (let x = 0; x < n; x++) all.push({ ...statLineAt(gpu.stats, x * NSTAT, line) });
    const words = Uint32Array.from(all.flatMap((l) => SCORED_STATS.map((st) => l[st])));
    registerShaderSource(
      'dk_check',
      `struct CheckParams { n: u32, triple: u32, _a: u32, _b: u32 };
@group(0) @binding(0) var<uniform> params: CheckParams;
@group(0) @binding(1) var<storage, read> lines: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, 64u);
  if (i >= params.n) { return; }
  let a = i * ${SCORED_STATS.length}u;
  out[i] = dk_points(DkLine(${SCORED_STATS.map((_, k) => `lines[a + ${k}u]`).join(', ')}), params.triple == 1u);
}
`,
    );
    const cases = [{ what: 'classic', table: DK_CLASSIC }, ...mutations()];
    for (const [k, m] of cases.entries()) {
      registerShaderSource(`contract_dk_${k}`, preludeWgsl({ table: m.table }));
      const [out] = await runKernel(
        device,
        { sources: [`contract_dk_${k}`, 'dk_check'] },
        {
          uniform: new Uint32Array([all.length, m.table.tripleAlsoEarnsDouble ? 1 : 0, 0, 0]).buffer,
          inputs: [words],
          outputBytes: [4 * all.length],
          invocations: all.length,
          workgroupSize: 64,
        },
      );
      const dk = new Float32Array(out!);
      const wrong = all.filter((l, i) => dk[i] !== dkPoints(l, m.table)).length;
      expect(wrong, m.what).toBe(0);
    }
  });
});

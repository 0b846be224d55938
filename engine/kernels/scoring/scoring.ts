// DraftKings NBA scoring as one declared table: it scores the real box-score lines of the tests (dkPoints), the
// CPU scoring kernel of every player-world (scoringKernel) and, through scoringWgsl(), generates the WGSL
// `dk_points` every GPU kernel calls. Classic now; showdown's captain is the same table with a multiplier.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: at is the
   start of one statline in the [world][player][stat] array, so at + STAT_INDEX.x < (w * nP + j + 1) * N_STATS. */

import type { Profile } from '../../profile.ts';
import { NSTAT, STAT_INDEX } from '../contract.ts';
import { wgslFloat } from '../layout.ts';
import type { GameBatch } from '../batch.ts';

export interface StatLine {
  pts: number;
  fg3m: number;
  reb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
}
export type ScoredStat = keyof StatLine;
/** The order of dk_points' arguments in WGSL. */
export const SCORED_STATS = ['pts', 'fg3m', 'reb', 'ast', 'stl', 'blk', 'tov'] as const satisfies readonly ScoredStat[];

export interface DkTable {
  /** points per unit of each stat */
  points: Readonly<Record<ScoredStat, number>>;
  /** Categories that count toward double- and triple-doubles. */
  doubleCategories: readonly ScoredStat[];
  doubleDoubleBonus: number;
  tripleDoubleBonus: number;
  /** DraftKings pays a triple-double both bonuses (+1.5 and +3). */
  tripleAlsoEarnsDouble: boolean;
  /** the whole score times this (1 in classic; showdown's captain slot is 1.5) */
  multiplier: number;
}

export const DK_CLASSIC: DkTable = {
  points: { pts: 1, fg3m: 0.5, reb: 1.25, ast: 1.5, stl: 2, blk: 2, tov: -0.5 },
  doubleCategories: ['pts', 'reb', 'ast', 'stl', 'blk'],
  doubleDoubleBonus: 1.5,
  tripleDoubleBonus: 3,
  tripleAlsoEarnsDouble: true,
  multiplier: 1,
};

export type DkRules = DkTable;

export function doubles(s: StatLine, rules: { doubleCategories: readonly ScoredStat[] } = DK_CLASSIC): number {
  let n = 0;
  for (const c of rules.doubleCategories) if (s[c] >= 10) n++;
  return n;
}

export function dkPoints(s: StatLine, rules: DkTable = DK_CLASSIC): number {
  let total = 0;
  for (const st of SCORED_STATS) total += s[st] * rules.points[st];
  const d = doubles(s, rules);
  if (d >= 3) total += rules.tripleDoubleBonus + (rules.tripleAlsoEarnsDouble ? rules.doubleDoubleBonus : 0);
  else if (d >= 2) total += rules.doubleDoubleBonus;
  return total * rules.multiplier;
}

/** A player-world's scored stats from its stat line (rebounds are offensive + defensive). */
export function statLineAt(stats: Int32Array | Uint32Array, at: number, out: StatLine): StatLine {
  out.pts = stats[at + STAT_INDEX.pts]!;
  out.fg3m = stats[at + STAT_INDEX.fg3m]!;
  out.reb = stats[at + STAT_INDEX.oreb]! + stats[at + STAT_INDEX.dreb]!;
  out.ast = stats[at + STAT_INDEX.ast]!;
  out.stl = stats[at + STAT_INDEX.stl]!;
  out.blk = stats[at + STAT_INDEX.blk]!;
  out.tov = stats[at + STAT_INDEX.tov]!;
  return out;
}

/** The table a profile scores with: the classic table under the profile's triple-double rule. */
export function profileTable(prof: Profile, table: DkTable = DK_CLASSIC): DkTable {
  return { ...table, tripleAlsoEarnsDouble: prof.scoring.triple_also_earns_double };
}

/** A table's double-double categories as 0/1 flags in SCORED_STATS order (what doublesAt reads). */
export function doubleFlags(rules: { doubleCategories: readonly ScoredStat[] } = DK_CLASSIC): Uint8Array {
  return Uint8Array.from(SCORED_STATS, (st) => (rules.doubleCategories.includes(st) ? 1 : 0));
}

/** doubles() of the stat line at `at` of a [..][stat] array, without building a StatLine (the kernels' hot loop). */
export function doublesAt(stats: Int32Array | Uint32Array, at: number, flags: Uint8Array): number {
  return (
    (flags[0] === 1 && stats[at + STAT_INDEX.pts]! >= 10 ? 1 : 0) +
    (flags[1] === 1 && stats[at + STAT_INDEX.fg3m]! >= 10 ? 1 : 0) +
    (flags[2] === 1 && stats[at + STAT_INDEX.oreb]! + stats[at + STAT_INDEX.dreb]! >= 10 ? 1 : 0) +
    (flags[3] === 1 && stats[at + STAT_INDEX.ast]! >= 10 ? 1 : 0) +
    (flags[4] === 1 && stats[at + STAT_INDEX.stl]! >= 10 ? 1 : 0) +
    (flags[5] === 1 && stats[at + STAT_INDEX.blk]! >= 10 ? 1 : 0) +
    (flags[6] === 1 && stats[at + STAT_INDEX.tov]! >= 10 ? 1 : 0)
  );
}

/** Kernel 5, DraftKings scoring of every player-world (every value a multiple of 0.25: exact in f32 and f64). */
export function scoringKernel(prof: Profile, b: GameBatch, table: DkTable = DK_CLASSIC): void {
  const rules = profileTable(prof, table);
  // dkPoints unrolled over the stat array: every term is a multiple of 0.25 and every sum exact, so the order of
  // the additions cannot change a score.
  const w = rules.points;
  const flags = doubleFlags(rules);
  const triple = rules.tripleDoubleBonus + (rules.tripleAlsoEarnsDouble ? rules.doubleDoubleBonus : 0);
  const double = rules.doubleDoubleBonus;
  const stats = b.stats;
  const n = b.worlds * b.nP;
  for (let x = 0; x < n; x++) {
    const at = x * NSTAT;
    const reb = stats[at + STAT_INDEX.oreb]! + stats[at + STAT_INDEX.dreb]!;
    let total =
      stats[at + STAT_INDEX.pts]! * w.pts +
      stats[at + STAT_INDEX.fg3m]! * w.fg3m +
      reb * w.reb +
      stats[at + STAT_INDEX.ast]! * w.ast +
      stats[at + STAT_INDEX.stl]! * w.stl +
      stats[at + STAT_INDEX.blk]! * w.blk +
      stats[at + STAT_INDEX.tov]! * w.tov;
    const d = doublesAt(stats, at, flags);
    if (d >= 3) total += triple;
    else if (d >= 2) total += double;
    b.dk[x] = total * rules.multiplier;
  }
}

/**
 * The table as WGSL: its weights and bonuses as constants and `dk_points(line, triple_also_double)`, the twin
 * of dkPoints. The profile's triple-double rule stays a uniform; everything else comes from the table.
 */
export function scoringWgsl(table: DkTable = DK_CLASSIC): string {
  const c = (name: string, v: number): string => `const ${name}: f32 = ${wgslFloat(v)};`;
  const lines = [
    ...SCORED_STATS.map((st) => c(`DK_${st.toUpperCase()}`, table.points[st])),
    c('DK_DOUBLE_DOUBLE', table.doubleDoubleBonus),
    c('DK_TRIPLE_DOUBLE', table.tripleDoubleBonus),
    c('DK_MULTIPLIER', table.multiplier),
    '',
    "// A player-world's scored stats, in SCORED_STATS order.",
    'struct DkLine {',
    ...SCORED_STATS.map((st) => `  ${st}: u32,`),
    '};',
    '',
    '// Categories of the line at 10 or more (2: a double-double, 3 or more: a triple-double).',
    'fn dk_doubles(l: DkLine) -> u32 {',
    `  return ${table.doubleCategories.map((st) => `select(0u, 1u, l.${st} >= 10u)`).join(' + ') || '0u'};`,
    '}',
    '',
    'fn dk_points(l: DkLine, triple_also_double: bool) -> f32 {',
    `  var score = ${SCORED_STATS.map((st) => `DK_${st.toUpperCase()} * f32(l.${st})`).join(' + ')};`,
    '  let doubles = dk_doubles(l);',
    '  if (doubles >= 3u) {',
    '    score = score + DK_TRIPLE_DOUBLE + select(0.0, DK_DOUBLE_DOUBLE, triple_also_double);',
    '  } else if (doubles == 2u) {',
    '    score = score + DK_DOUBLE_DOUBLE;',
    '  }',
    '  return score * DK_MULTIPLIER;',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

// DraftKings NBA Classic scoring as one declared table, tested against real box scores.

export interface StatLine {
  pts: number;
  fg3m: number;
  reb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
}

export const DK_CLASSIC = {
  points: { pts: 1, fg3m: 0.5, reb: 1.25, ast: 1.5, stl: 2, blk: 2, tov: -0.5 },
  /** Categories that count toward double- and triple-doubles. */
  doubleCategories: ['pts', 'reb', 'ast', 'stl', 'blk'] as const,
  doubleDoubleBonus: 1.5,
  tripleDoubleBonus: 3,
  /** DraftKings pays a triple-double both bonuses (+1.5 and +3). */
  tripleAlsoEarnsDouble: true,
} as const;

export type DkRules = typeof DK_CLASSIC;

export function doubles(s: StatLine, rules: { doubleCategories: readonly (keyof StatLine)[] } = DK_CLASSIC): number {
  let n = 0;
  for (const c of rules.doubleCategories) if (s[c] >= 10) n++;
  return n;
}

export function dkPoints(s: StatLine, rules: DkRules | (Omit<DkRules, 'tripleAlsoEarnsDouble'> & { tripleAlsoEarnsDouble: boolean }) = DK_CLASSIC): number {
  const p = rules.points;
  let total = s.pts * p.pts + s.fg3m * p.fg3m + s.reb * p.reb + s.ast * p.ast + s.stl * p.stl + s.blk * p.blk + s.tov * p.tov;
  const d = doubles(s, rules);
  if (d >= 3) total += rules.tripleDoubleBonus + (rules.tripleAlsoEarnsDouble ? rules.doubleDoubleBonus : 0);
  else if (d >= 2) total += rules.doubleDoubleBonus;
  return total;
}

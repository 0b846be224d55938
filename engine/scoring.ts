// DraftKings scoring: the one table and its kernels live in engine/kernels/scoring/ (this path stays for callers).
export { DK_CLASSIC, SCORED_STATS, doubles, dkPoints, type DkRules, type DkTable, type StatLine } from './kernels/scoring/scoring.ts';

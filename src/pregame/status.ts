// Injury status -> probability that the player plays tonight. Out and Suspension remove the player (his
// minutes become vacancy); the others keep him on the slate with a play probability. Domain facts as data,
// with the evidence each number rests on, so a reader can redo the arithmetic.
//
// How the numbers were set: on the 15 shared slates of 2026-03 (../shared/pregame), every injuries.csv entry
// was checked against box_scores_2026 (did the player log minutes for that team that date?), reading a
// Day-To-Day entry's comment for its finer status (`finerStatus` below). The entries of the three defective
// team-games of 2026-03-11 (ORL, NYK, UTA: partial box scores) were left out (two entries: a Doubtful and a
// Questionable). test/full/pregame-status.test.ts recomputes these counts from the shared data. With n
// this small each rate is shrunk toward a prior worth 10 games: p = (played + 10 * prior) / (n + 10),
// rounded to 0.01. The priors are judgement (what DFS practice expects of each tag), not estimates.
import { UserError } from '../data/errors.ts';

export type InjuryStatus = 'Out' | 'Suspension' | 'Doubtful' | 'Questionable' | 'Probable' | 'GTD' | 'Day-To-Day' | 'Available';

export interface StatusRule {
  readonly status: InjuryStatus;
  /** Probability he plays; 0 means removed from the slate and counted as vacancy. */
  readonly playProb: number;
  /** Shared-slate entries with this (finer) status that could be checked, and how many of them played. */
  readonly n: number;
  readonly played: number;
  /** The prior the observed rate was shrunk toward (null: fixed by rule, not estimated). */
  readonly prior: number | null;
}

/** Weight of the prior, in games, when the observed rate is shrunk toward it. */
export const PRIOR_WEIGHT = 10;

export const STATUS_TABLE: readonly StatusRule[] = [
  // By rule: the user says he is not playing. (On the shared slates 5 of 150 Out entries played anyway:
  // a stale feed entry; the user's file is taken at its word.)
  { status: 'Out', playProb: 0, n: 150, played: 5, prior: null },
  { status: 'Suspension', playProb: 0, n: 2, played: 0, prior: null },
  // (0 + 10 * 0.10) / 14
  { status: 'Doubtful', playProb: 0.07, n: 4, played: 0, prior: 0.1 },
  // (17 + 10 * 0.55) / 39
  { status: 'Questionable', playProb: 0.58, n: 29, played: 17, prior: 0.55 },
  // (8 + 10 * 0.93) / 19
  { status: 'Probable', playProb: 0.91, n: 9, played: 8, prior: 0.93 },
  // No GTD entry on the shared slates: the prior alone.
  { status: 'GTD', playProb: 0.6, n: 0, played: 0, prior: 0.6 },
  // Day-To-Day whose comment names no finer status: (1 + 10 * 0.55) / 13
  { status: 'Day-To-Day', playProb: 0.5, n: 3, played: 1, prior: 0.55 },
  // (1 + 10 * 0.98) / 11
  { status: 'Available', playProb: 0.98, n: 1, played: 1, prior: 0.98 },
];

const RULE = new Map(STATUS_TABLE.map((r) => [r.status, r]));

/** Spellings accepted in a status column (case, spaces, hyphens and underscores ignored). */
const STATUS_WORDS: Readonly<Record<string, InjuryStatus>> = {
  out: 'Out',
  o: 'Out',
  suspension: 'Suspension',
  suspended: 'Suspension',
  doubtful: 'Doubtful',
  d: 'Doubtful',
  questionable: 'Questionable',
  q: 'Questionable',
  probable: 'Probable',
  p: 'Probable',
  gtd: 'GTD',
  gametimedecision: 'GTD',
  daytoday: 'Day-To-Day',
  dtd: 'Day-To-Day',
  available: 'Available',
  active: 'Available',
};

function statusWord(raw: string): string {
  return raw.toLowerCase().replace(/[\s\-_.]+/g, '');
}

/** The status a cell names, or null when the tool does not know it. */
export function parseStatus(raw: string): InjuryStatus | null {
  return STATUS_WORDS[statusWord(raw)] ?? null;
}

export const KNOWN_STATUSES: readonly InjuryStatus[] = STATUS_TABLE.map((r) => r.status);

/** Words of a news comment that name a finer status, and the status each names. */
const COMMENT_WORDS: readonly [RegExp, InjuryStatus][] = [
  [/\bdoubtful\b/g, 'Doubtful'],
  [/\bquestionable\b/g, 'Questionable'],
  [/\b50\/50\b/g, 'Questionable'],
  [/\bprobable\b/g, 'Probable'],
  [/\bgame[- ]time decision\b/g, 'GTD'],
  [/\bavailable\b/g, 'Available'],
];

/**
 * The status a Day-To-Day entry really carries: the status word its comment names last (so "upgraded from
 * questionable to probable" reads Probable), or Day-To-Day when it names none. Other statuses are kept.
 */
export function finerStatus(status: InjuryStatus, comment: string): InjuryStatus {
  if (status !== 'Day-To-Day') return status;
  const text = comment.toLowerCase();
  let best: InjuryStatus = 'Day-To-Day';
  let bestAt = -1;
  for (const [re, s] of COMMENT_WORDS) {
    for (const m of text.matchAll(re)) {
      if (m.index > bestAt) {
        bestAt = m.index;
        best = s;
      }
    }
  }
  return best;
}

export function statusRule(status: InjuryStatus): StatusRule {
  const rule = RULE.get(status);
  if (rule === undefined) throw new UserError(`unknown injury status ${status}`);
  return rule;
}

/** Out and Suspension: off the slate, and their minutes are the team's vacancy. */
export function removesPlayer(status: InjuryStatus): boolean {
  return statusRule(status).playProb === 0;
}

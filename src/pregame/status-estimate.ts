// The evidence behind the injury status table (status.ts): how many injury-report entries of each (finer)
// status there were on past slates, and how many of those players then logged minutes that night. Kept as
// code so the counts in STATUS_TABLE can be recomputed (test/full/pregame-status.test.ts does, on the shared
// 2026-03 slates) and re-estimated when more slates are collected.
import { normaliseName } from '../data/names.ts';
import { finerStatus, PRIOR_WEIGHT, type InjuryStatus } from './status.ts';

export interface ReportedInjury {
  readonly gameDate: string;
  readonly teamId: number;
  readonly playerName: string;
  readonly status: InjuryStatus;
  readonly comment: string;
}

/** One box-score row: who logged minutes for which team on which date. */
export interface PlayedRow {
  readonly gameDate: string;
  readonly teamId: number;
  readonly playerName: string;
  readonly minutes: number | null;
}

export interface StatusCount {
  n: number;
  played: number;
}

/**
 * Per finer status: entries whose team played that date (box-score rows exist for it, and the team-game is
 * not in `unreliable`, `date|teamId` keys of partial box scores), and how many of them logged minutes > 0.
 */
export function countStatusOutcomes(
  injuries: readonly ReportedInjury[],
  box: readonly PlayedRow[],
  unreliable: ReadonlySet<string> = new Set(),
): Map<InjuryStatus, StatusCount> {
  const teamGames = new Set<string>();
  const played = new Set<string>();
  for (const r of box) {
    teamGames.add(`${r.gameDate}|${r.teamId}`);
    if (r.minutes !== null && r.minutes > 0) played.add(`${r.gameDate}|${r.teamId}|${normaliseName(r.playerName)}`);
  }
  const out = new Map<InjuryStatus, StatusCount>();
  for (const e of injuries) {
    const game = `${e.gameDate}|${e.teamId}`;
    if (!teamGames.has(game) || unreliable.has(game)) continue;
    const status = finerStatus(e.status, e.comment);
    const c = out.get(status) ?? { n: 0, played: 0 };
    c.n++;
    if (played.has(`${game}|${normaliseName(e.playerName)}`)) c.played++;
    out.set(status, c);
  }
  return out;
}

/** The observed rate shrunk toward `prior` with PRIOR_WEIGHT games, rounded to 0.01 (status.ts's rule). */
export function shrunkRate(count: StatusCount, prior: number): number {
  return Math.round(((count.played + PRIOR_WEIGHT * prior) / (count.n + PRIOR_WEIGHT)) * 100) / 100;
}

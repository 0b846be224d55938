// Tonight's slate, resolved: the validated inputs (inputs.ts) joined to the lake (players matched to nba.com
// ids, lines with their fallback) into one typed description the feature layer and the `sim` command read:
// one player per DraftKings row, with injury status, play probability, projected-starter flag and minutes
// override, plus the per-team starter counts and the metrics that go to metrics.json.
import type { Lake } from '../data/lake.ts';
import { teamById } from '../data/teams.ts';
import type { SlateGame } from './dk.ts';
import type { InjuryEntry, PregameInputs } from './inputs.ts';
import { resolveGameLines, type FallbackTotal, type GameLine } from './lines.ts';
import { matchPregamePlayers, type MatchMethod, type PlayerMatch } from './match.ts';
import { noHistoryPrior, type NoHistoryPrior } from './no-history.ts';
import type { InjuryStatus } from './status.ts';

export interface PregamePlayer extends PlayerMatch {
  readonly game: SlateGame;
  readonly opponentTeamId: number;
  /** `active`, or the injury file's status refined by its comment (Day-To-Day -> Questionable, ...). */
  readonly status: 'active' | InjuryStatus;
  /** Probability he plays (1 without an injury entry, 0 when removed). */
  readonly playProb: number;
  /** Out or Suspension: zero minutes, and his minutes are the team's vacancy. */
  readonly removed: boolean;
  /** Listed in the starters file and not removed. */
  readonly isStarter: boolean;
  /** The user's minutes projection (replaces p50; p10 and p90 move with it), or null. */
  readonly minutesOverride: number | null;
  /** With `noHistory`: the documented prior by salary and position (no-history.ts); otherwise null. */
  readonly noHistoryPrior: NoHistoryPrior | null;
}

export interface TeamStarters {
  readonly teamId: number;
  readonly team: string;
  /** Projected starters after Out/Suspended ones are dropped (DraftKings ids, file order). */
  readonly dkIds: readonly number[];
  /** Listed starters who were removed by the injury report. */
  readonly droppedOut: readonly string[];
}

export interface PregameMetrics {
  readonly date: string;
  readonly players: number;
  readonly matched: number;
  readonly match_rate: number;
  readonly match_methods: Record<MatchMethod, number>;
  readonly unmatched: readonly string[];
  readonly no_history: number;
  readonly traded: number;
  readonly removed: number;
  readonly injury_statuses: Record<string, number>;
  readonly line_fallback_games: readonly string[];
  readonly line_fallback_total: FallbackTotal | null;
  /** Teams whose starters (after drops) are not five, and teams with none listed (null without a file). */
  readonly starters_not_five: readonly string[] | null;
  readonly starters_dropped_out: number;
  readonly minutes_overrides: number;
  readonly warnings: readonly string[];
}

export interface PregameSlate {
  readonly date: string;
  readonly games: readonly GameLine[];
  /** One per DraftKings row, in file order. */
  readonly players: readonly PregamePlayer[];
  /** Per team on the slate, in game order (home, away); null without a starters file. */
  readonly starters: readonly TeamStarters[] | null;
  readonly metrics: PregameMetrics;
}

export async function resolvePregameSlate(lake: Lake, inputs: PregameInputs): Promise<PregameSlate> {
  const summary = await matchPregamePlayers(lake, inputs.date, inputs.dkRows);
  const { lines, fallback } = await resolveGameLines(lake, inputs.date, inputs.games, inputs.lines);
  const injuryOf = new Map<number, InjuryEntry>();
  for (const e of inputs.injuries) if (e.dkRow !== null) injuryOf.set(e.dkRow.dkId, e);
  const minutesOf = new Map<number, number>();
  for (const e of inputs.minutes) if (e.dkRow !== null) minutesOf.set(e.dkRow.dkId, e.minutes);
  const starterIds = new Set<number>();
  for (const e of inputs.starters ?? []) if (e.dkRow !== null) starterIds.add(e.dkRow.dkId);

  const players = summary.matches.map((m): PregamePlayer => {
    const injury = injuryOf.get(m.dkRow.dkId);
    const removed = injury?.removed ?? false;
    return {
      ...m,
      game: m.dkRow.game,
      opponentTeamId: m.dkRow.opponentTeamId,
      status: injury?.finerStatus ?? 'active',
      playProb: injury?.playProb ?? 1,
      removed,
      isStarter: starterIds.has(m.dkRow.dkId) && !removed,
      minutesOverride: removed ? null : (minutesOf.get(m.dkRow.dkId) ?? null),
      noHistoryPrior: m.noHistory ? noHistoryPrior(m.dkRow.position, m.dkRow.salary) : null,
    };
  });

  let starters: TeamStarters[] | null = null;
  if (inputs.starters !== null) {
    const removedIds = new Set(players.filter((p) => p.removed).map((p) => p.dkRow.dkId));
    starters = inputs.games.flatMap((g) =>
      [g.homeTeamId, g.awayTeamId].map((teamId): TeamStarters => {
        const listed = (inputs.starters ?? []).filter((e) => e.teamId === teamId && e.dkRow !== null);
        return {
          teamId,
          team: teamById(teamId)?.abbreviation ?? String(teamId),
          dkIds: listed.filter((e) => !removedIds.has(e.dkRow?.dkId ?? -1)).map((e) => e.dkRow?.dkId ?? -1),
          droppedOut: listed.filter((e) => removedIds.has(e.dkRow?.dkId ?? -1)).map((e) => e.playerName),
        };
      }),
    );
  }

  const statuses: Record<string, number> = {};
  for (const p of players) if (p.status !== 'active') statuses[p.status] = (statuses[p.status] ?? 0) + 1;
  const metrics: PregameMetrics = {
    date: inputs.date,
    players: players.length,
    matched: summary.matched,
    match_rate: summary.total === 0 ? 0 : summary.matched / summary.total,
    match_methods: summary.byMethod,
    unmatched: summary.unmatched,
    no_history: players.filter((p) => p.noHistory).length,
    traded: players.filter((p) => p.traded).length,
    removed: players.filter((p) => p.removed).length,
    injury_statuses: statuses,
    line_fallback_games: lines.filter((l) => l.lineFallback).map((l) => l.game.key),
    line_fallback_total: fallback,
    starters_not_five: starters === null ? null : starters.filter((t) => t.dkIds.length !== 5).map((t) => `${t.team}:${t.dkIds.length}`),
    starters_dropped_out: starters === null ? 0 : starters.reduce((n, t) => n + t.droppedOut.length, 0),
    minutes_overrides: minutesOf.size,
    warnings: [...inputs.warnings, ...summary.warnings],
  };
  return { date: inputs.date, games: lines, players, starters, metrics };
}

/**
 * What the user should read on stderr about the slate (one line each): unmatched players with their count,
 * games on the fallback line, starters not five, and the inputs' warnings. Never an error.
 */
export function pregameNotices(slate: PregameSlate): string[] {
  const m = slate.metrics;
  const out: string[] = [];
  if (m.unmatched.length > 0) {
    out.push(
      `warning: ${m.unmatched.length} of ${m.players} DraftKings players not matched to nba.com ids (no-history prior used): ${m.unmatched.join('; ')}`,
    );
  }
  if (m.line_fallback_games.length > 0 && m.line_fallback_total !== null) {
    out.push(
      `warning: ${m.line_fallback_games.length} game(s) without a line use spread 0 and total ${m.line_fallback_total.total} (${m.line_fallback_total.source}): ${m.line_fallback_games.join(', ')}`,
    );
  }
  if (m.starters_not_five !== null && m.starters_not_five.length > 0) {
    out.push(`note: ${m.starters_not_five.length} team(s) without five projected starters (team:count): ${m.starters_not_five.join(', ')}`);
  }
  for (const w of m.warnings) out.push(`warning: ${w}`);
  return out;
}

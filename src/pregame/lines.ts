// A spread and total for every game of the slate: the user's lines file where it has the game, otherwise a
// fallback flagged `lineFallback: true`: spread 0 and the league's recent mean total, from the lake's lines
// (silver/odds_snapshot) of the 30 days before D; if the lake has none in those days (an offseason, or a
// season whose lines were never loaded), its latest 30 days of lines before D; with no lines at all, the
// 2024-25 regular-season mean. Reads only partitions dated before D.
import type { Lake } from '../data/lake.ts';
import { ODDS_SNAPSHOT } from '../data/tables.ts';
import type { SlateGame } from './dk.ts';
import type { LineEntry } from './inputs.ts';
import { dayBefore } from './match.ts';
import { defined } from '../data/checked.ts';

/** Mean closing total of the 2024-25 regular season (1,237 games of ../shared/recent/lines_2025.csv.gz). */
export const LEAGUE_TOTAL_DEFAULT = 226.9;

/** Days of lines the fallback total averages. */
export const FALLBACK_WINDOW_DAYS = 30;

export interface GameLine {
  readonly game: SlateGame;
  readonly homeSpread: number;
  readonly total: number;
  readonly lineFallback: boolean;
}

export interface FallbackTotal {
  readonly total: number;
  /** Where the figure came from, for metrics.json: the window and number of games, or the constant. */
  readonly source: string;
  readonly games: number;
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function meanTotal(lake: Lake, startDate: string, endDate: string): Promise<{ total: number; games: number } | null> {
  const f = await lake.read(ODDS_SNAPSHOT, { startDate, endDate }, { columns: ['total'] });
  let sum = 0;
  let n = 0;
  for (const t of f.columns.total ?? []) {
    if (typeof t === 'number' && Number.isFinite(t)) {
      sum += t;
      n++;
    }
  }
  // One decimal, as lines are quoted; the mean of many games has no meaningful second decimal.
  return n === 0 ? null : { total: Math.round((sum / n) * 10) / 10, games: n };
}

/** The fallback total for a game with no line on date D (see the file header for the order of sources). */
export async function fallbackTotal(lake: Lake, date: string): Promise<FallbackTotal> {
  const end = dayBefore(date);
  const start = shiftDays(date, -FALLBACK_WINDOW_DAYS);
  const recent = await meanTotal(lake, start, end);
  if (recent !== null) return { total: recent.total, games: recent.games, source: `lake lines ${start}..${end}` };
  const parts = await lake.partitions(ODDS_SNAPSHOT, { endDate: end });
  const latest = parts.map((p) => p.partition.game_date ?? '').reduce((a, b) => (b > a ? b : a), '');
  if (latest !== '') {
    const from = shiftDays(latest, -(FALLBACK_WINDOW_DAYS - 1));
    const older = await meanTotal(lake, from, latest);
    if (older !== null) return { total: older.total, games: older.games, source: `lake lines ${from}..${latest} (latest before ${date})` };
  }
  return { total: LEAGUE_TOTAL_DEFAULT, games: 0, source: 'constant: 2024-25 regular-season mean total' };
}

/** Every game's line, the given one or the fallback; the fallback is read only when some game needs it. */
export async function resolveGameLines(
  lake: Lake,
  date: string,
  games: readonly SlateGame[],
  given: ReadonlyMap<string, LineEntry>,
): Promise<{ lines: GameLine[]; fallback: FallbackTotal | null }> {
  const needFallback = games.some((g) => !given.has(g.key));
  const fallback = needFallback ? await fallbackTotal(lake, date) : null;
  const lines = games.map((game): GameLine => {
    const line = given.get(game.key);
    if (line !== undefined) return { game, homeSpread: line.homeSpread, total: line.total, lineFallback: false };
    return { game, homeSpread: 0, total: defined(fallback, `the fallback total for ${date}`).total, lineFallback: true };
  });
  return { lines, fallback };
}

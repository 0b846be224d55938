// `slatesim shares build-base`: gold/usage_shares_training_base from rates_training_base. Counts come from the
// per-minute labels x minutes (the seed's reconstruction) and must equal the box score's own counts, which
// rates_training_base carries: a mismatch stops the build.
//
// Except at 0 minutes. Real box scores credit a few players with a count in 0.0 minutes (on the floor for a
// second or two; nba.com then marks them as not played): Justin James, SAC, 2019-12-26, one turnover; Bol Bol,
// DEN, 2021-11-08, two free-throw attempts. No per-minute label exists at 0 minutes, so the label check cannot
// apply; the count is the box score's, kept, and counted in the report. Kept rather than left out because the
// base's team totals are the team's real totals (the turnover happened, and the team's FTA in the box score
// include Bol Bol's two): dropping the row would make every teammate's share of that total too large. The
// share model's softmax with actual minutes still leaves 0-minute players out (src/shares/model.ts eligible).

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: counts
   has one entry per player with a count for every SHARE_TARGET, and totals/invalid get every target before they are
   read. */

import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { frameFromRows, frameRows, type Value } from '../data/schema.ts';
import { RATES_TRAINING_BASE, USAGE_SHARES_TRAINING_BASE } from '../data/tables.ts';
import type { Progress } from '../data/progress.ts';
import { reconstruct } from './reconstruct.ts';
import { SHARE_TARGETS } from './features.ts';
import { groupByTeamGame } from './model.ts';

/** Player rows whose counts come from the box score because they played 0 minutes (see the file's comment). */
export interface ZeroMinuteCounts {
  /** Rows with 0 minutes and a nonzero FGA, FTA or TOV. */
  rows: number;
  /** Their summed counts per target. */
  fga: number;
  fta: number;
  tov: number;
  /** The first such row, e.g. "2019-12-26 game 0021900464 player 1629713 (tov 1)". */
  first: string | null;
}

export function emptyZeroMinuteCounts(): ZeroMinuteCounts {
  return { rows: 0, fga: 0, fta: 0, tov: 0, first: null };
}

/** A box-score count: a non-negative integer, or null read as 0 (a row without stats). */
function boxCount(r: Record<string, Value>, t: string): number | null {
  const v = r[t];
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
}

export function usageShareRows(
  rows: readonly Record<string, Value>[],
  zeroMinutes: ZeroMinuteCounts = emptyZeroMinuteCounts(),
): Record<string, Value>[] {
  const out: Record<string, Value>[] = [];
  for (const players of groupByTeamGame(rows)) {
    const counts = players.map((r) => {
      const c: Record<string, number> = {};
      if (r.minutes_actual === 0) {
        const said: string[] = [];
        for (const t of SHARE_TARGETS) {
          const n = boxCount(r, t);
          if (n === null) throw new UserError(`${rowLabel(r)}: ${t} in the box score is ${String(r[t])}, not a count`);
          c[t] = n;
          if (n > 0) {
            zeroMinutes[t] += n;
            said.push(`${t} ${n}`);
          }
        }
        if (said.length > 0) {
          zeroMinutes.rows++;
          zeroMinutes.first ??= `${rowLabel(r)} (${said.join(', ')})`;
        }
        return c;
      }
      for (const t of SHARE_TARGETS) {
        const rec = reconstruct(r, t);
        const n = Math.round(rec);
        if (Math.abs(rec - n) > 1e-6 || n !== r[t]) {
          throw new UserError(`${rowLabel(r)}: ${t} from per-minute labels is ${rec}, the box score says ${String(r[t])}`);
        }
        c[t] = n;
      }
      return c;
    });
    const totals: Record<string, number> = {};
    for (const t of SHARE_TARGETS) totals[t] = counts.reduce((a, c) => a + c[t]!, 0);
    players.forEach((r, i) => {
      const row: Record<string, Value> = {};
      for (const c of USAGE_SHARES_TRAINING_BASE.schema.columns) row[c.name] = r[c.name] ?? null;
      for (const t of SHARE_TARGETS) {
        const total = totals[t]!;
        row[t] = counts[i]![t]!;
        row[`${t}_team`] = total;
        row[`${t}_share_valid`] = total > 0;
        row[`${t}_share`] = total > 0 ? counts[i]![t]! / total : null;
      }
      out.push(row);
    });
  }
  return out;
}

function rowLabel(r: Record<string, Value>): string {
  return `${String(r.game_date)} game ${String(r.game_id)} player ${String(r.player_id)}`;
}

export async function buildUsageSharesBase(
  lake: Lake,
  startDate: string,
  endDate: string,
  progress: Progress,
): Promise<{ dates: number; rows: number; invalid: Record<string, number>; zeroMinutes: ZeroMinuteCounts }> {
  const parts = await lake.partitions(RATES_TRAINING_BASE, { startDate, endDate });
  if (parts.length === 0)
    throw new UserError(`no gold/rates_training_base between ${startDate} and ${endDate} in ${lake.store.root} (run slatesim lake build)`);
  let rows = 0;
  const invalid: Record<string, number> = { fga: 0, fta: 0, tov: 0 };
  const zeroMinutes = emptyZeroMinuteCounts();
  progress.start('shares build-base', parts.length, 'dates');
  for (const [k, part] of parts.entries()) {
    const out = usageShareRows(frameRows(await lake.readFile(RATES_TRAINING_BASE, part.path)), zeroMinutes);
    for (const t of SHARE_TARGETS)
      invalid[t] =
        invalid[t]! +
        new Set(out.filter((r) => r[`${t}_share_valid`] === false).map((r) => `${String(r.game_id)}|${String(r.team_id)}`)).size;
    await lake.write(
      USAGE_SHARES_TRAINING_BASE,
      { season: String(part.partition.season), game_date: part.partition.game_date! },
      frameFromRows(USAGE_SHARES_TRAINING_BASE.schema, out),
    );
    rows += out.length;
    progress.update(k + 1);
  }
  progress.stop();
  if (zeroMinutes.rows > 0) progress.log(zeroMinutesLine(zeroMinutes));
  return { dates: parts.length, rows, invalid, zeroMinutes };
}

/** The report's line for rows whose counts came from the box score at 0 minutes. */
export function zeroMinutesLine(z: ZeroMinuteCounts): string {
  return `shares build-base: ${z.rows} player row(s) with 0 minutes and a count (fga ${z.fga}, fta ${z.fta}, tov ${z.tov}) keep the box score's count (no per-minute label exists at 0 minutes); first: ${z.first ?? 'none'}`;
}

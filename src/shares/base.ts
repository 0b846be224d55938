// `slatesim shares build-base`: gold/usage_shares_training_base from rates_training_base. Counts come from the
// per-minute labels x minutes (the seed's reconstruction) and must equal the box score's own counts, which
// rates_training_base carries: a mismatch stops the build.

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

export function usageShareRows(rows: readonly Record<string, Value>[]): Record<string, Value>[] {
  const out: Record<string, Value>[] = [];
  for (const players of groupByTeamGame(rows)) {
    const counts = players.map((r) => {
      const c: Record<string, number> = {};
      for (const t of SHARE_TARGETS) {
        const rec = reconstruct(r, t);
        const n = Math.round(rec);
        if (Math.abs(rec - n) > 1e-6 || n !== r[t]) {
          throw new UserError(
            `${String(r.game_date)} game ${String(r.game_id)} player ${String(r.player_id)}: ${t} from per-minute labels is ${rec}, the box score says ${String(r[t])}`,
          );
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

export async function buildUsageSharesBase(
  lake: Lake,
  startDate: string,
  endDate: string,
  progress: Progress,
): Promise<{ dates: number; rows: number; invalid: Record<string, number> }> {
  const parts = await lake.partitions(RATES_TRAINING_BASE, { startDate, endDate });
  if (parts.length === 0)
    throw new UserError(`no gold/rates_training_base between ${startDate} and ${endDate} in ${lake.store.root} (run slatesim lake build)`);
  let rows = 0;
  const invalid: Record<string, number> = { fga: 0, fta: 0, tov: 0 };
  progress.start('shares build-base', parts.length, 'dates');
  for (const [k, part] of parts.entries()) {
    const out = usageShareRows(frameRows(await lake.readFile(RATES_TRAINING_BASE, part.path)));
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
  return { dates: parts.length, rows, invalid };
}

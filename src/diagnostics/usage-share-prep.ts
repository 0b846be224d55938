// `slatesim diagnostics usage-share-prep` (the seed's usage_share_prep): for each date, rebuild FGA, FTA and
// TOV from rates_training_base's per-minute labels x minutes_actual, check them against the box score in
// silver/player_games (they must match exactly), and summarise the team shares the share model will learn.
import { defined } from '../data/checked.ts';
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { frameRows } from '../data/schema.ts';
import { PLAYER_GAMES, RATES_TRAINING_BASE } from '../data/tables.ts';
import { reconstruct } from '../shares/reconstruct.ts';

export const SHARE_TARGETS = ['fga', 'fta', 'tov'] as const;
export type ShareTarget = (typeof SHARE_TARGETS)[number];

export interface DateDiagnostics {
  date: string;
  teamGames: number;
  players: number;
  mismatches: Record<ShareTarget, number>;
  /** Largest |rate x minutes - count| seen: float error, far below the 0.5 that rounding forgives. */
  maxFloatError: number;
  missingFeatureCells: number;
  zeroTotalTeamGames: Record<ShareTarget, number>;
  topShareMean: Record<ShareTarget, number>;
  over10pctMean: Record<ShareTarget, number>;
}

const LABEL_COLUMNS = new Set([
  'minutes_actual',
  'played',
  'fga2_per_min',
  'fga3_per_min',
  'fta_per_min',
  'tov_per_min',
  'oreb_per_min',
  'dreb_per_min',
  'ast_per_min',
  'stl_per_min',
  'blk_per_min',
  'fg2_pct',
  'fg3_pct',
  'ft_pct',
  'fgm',
  'fga',
  'fg3m',
  'fg3a',
  'ftm',
  'fta',
  'oreb',
  'dreb',
  'ast',
  'stl',
  'blk',
  'tov',
  'pts',
]);
/** Features allowed to be null by meaning (no history yet), not counted as missing. */
const NULLABLE_BY_MEANING = new Set([
  'recent_minutes',
  'recent_minutes_played',
  'last_minutes',
  'minutes_last5',
  'minutes_szn',
  'minutes_prev_season',
  'start_rate_recent',
  'played_rate_recent',
  'days_since_played',
]);

export async function usageSharePrep(lake: Lake, startDate: string, endDate: string, maxDays?: number): Promise<DateDiagnostics[]> {
  const parts = await lake.partitions(RATES_TRAINING_BASE, { startDate, endDate });
  if (parts.length === 0)
    throw new UserError(
      `no gold/rates_training_base partitions between ${startDate} and ${endDate} in ${lake.store.root} (run slatesim lake build)`,
    );
  const chosen = maxDays === undefined ? parts : parts.slice(0, maxDays);
  // One listing of the box-score partitions, not one per date.
  const boxPaths = new Map(
    (await lake.partitions(PLAYER_GAMES, { startDate, endDate })).map((p) => [
      defined(p.partition.game_date, `game_date of ${p.path}`),
      p.path,
    ]),
  );
  const out: DateDiagnostics[] = [];
  for (const part of chosen) {
    const date = defined(part.partition.game_date, `game_date of ${part.path}`);
    const rows = frameRows(await lake.readFile(RATES_TRAINING_BASE, part.path));
    const boxPath = boxPaths.get(date);
    if (boxPath === undefined)
      throw new UserError(`${date}: gold/rates_training_base has a partition but silver/player_games does not (rebuild the lake)`);
    const box = await lake.readFile(PLAYER_GAMES, boxPath, ['game_id', 'player_id', 'fga', 'fta', 'tov']);
    const truth = new Map<string, Record<ShareTarget, number>>();
    for (const r of frameRows(box)) {
      truth.set(`${r.game_id}|${r.player_id}`, {
        fga: (r.fga as number | null) ?? 0,
        fta: (r.fta as number | null) ?? 0,
        tov: (r.tov as number | null) ?? 0,
      });
    }
    const d: DateDiagnostics = {
      date,
      teamGames: 0,
      players: rows.length,
      mismatches: { fga: 0, fta: 0, tov: 0 },
      maxFloatError: 0,
      missingFeatureCells: 0,
      zeroTotalTeamGames: { fga: 0, fta: 0, tov: 0 },
      topShareMean: { fga: 0, fta: 0, tov: 0 },
      over10pctMean: { fga: 0, fta: 0, tov: 0 },
    };
    const teams = new Map<string, Record<ShareTarget, number[]>>();
    for (const r of rows) {
      const t = truth.get(`${r.game_id}|${r.player_id}`);
      const k = `${r.game_id}|${r.team_id}`;
      const team = teams.get(k) ?? { fga: [], fta: [], tov: [] };
      teams.set(k, team);
      for (const target of SHARE_TARGETS) {
        const rec = reconstruct(r, target);
        const count = Math.round(rec);
        d.maxFloatError = Math.max(d.maxFloatError, Math.abs(rec - count));
        if (t === undefined || count !== t[target] || Math.abs(rec - count) > 1e-6) d.mismatches[target]++;
        team[target].push(count);
      }
      for (const [name, v] of Object.entries(r))
        if (v === null && !LABEL_COLUMNS.has(name) && !NULLABLE_BY_MEANING.has(name)) d.missingFeatureCells++;
    }
    d.teamGames = teams.size;
    for (const target of SHARE_TARGETS) {
      let top = 0;
      let over = 0;
      let valid = 0;
      for (const team of teams.values()) {
        const total = team[target].reduce((a, b) => a + b, 0);
        if (total === 0) {
          d.zeroTotalTeamGames[target]++;
          continue;
        }
        valid++;
        top += Math.max(...team[target]) / total;
        over += team[target].filter((c) => c / total > 0.1).length;
      }
      d.topShareMean[target] = valid > 0 ? top / valid : 0;
      d.over10pctMean[target] = valid > 0 ? over / valid : 0;
    }
    out.push(d);
  }
  return out;
}

export function formatUsageSharePrep(rows: readonly DateDiagnostics[]): string {
  const lines = ['date        team-games players  mismatch fga/fta/tov  missing  top share fga/fta/tov  players >10% fga/fta/tov'];
  for (const d of rows) {
    const f = (r: Record<ShareTarget, number>, digits: number): string => SHARE_TARGETS.map((t) => r[t].toFixed(digits)).join('/');
    lines.push(
      `${d.date}  ${String(d.teamGames).padStart(10)} ${String(d.players).padStart(7)}  ${f(d.mismatches, 0).padStart(19)}  ${String(d.missingFeatureCells).padStart(7)}  ${f(d.topShareMean, 3).padStart(21)}  ${f(d.over10pctMean, 1).padStart(24)}`,
    );
  }
  const mism = rows.reduce((a, d) => a + d.mismatches.fga + d.mismatches.fta + d.mismatches.tov, 0);
  const maxErr = rows.reduce((a, d) => Math.max(a, d.maxFloatError), 0);
  lines.push(
    `${rows.length} date(s): ${mism} reconstruction mismatches against the box score; largest float error ${maxErr.toExponential(2)}`,
  );
  return lines.join('\n');
}

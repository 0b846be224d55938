// `slatesim lake info`: what a lake holds, from its manifest and its partition paths (no data file is read).
import type { Lake } from '../data/lake.ts';
import { LAKE_TABLES } from '../data/tables.ts';
import { MANIFEST, type LakeManifest } from './build.ts';

export async function lakeSummary(lake: Lake): Promise<string> {
  const out: string[] = [`lake ${lake.store.root}`];
  if (await lake.store.exists(MANIFEST)) {
    const m = JSON.parse(new TextDecoder().decode(await lake.store.readFile(MANIFEST))) as LakeManifest;
    for (const [season, s] of Object.entries(m.seasons).sort()) {
      const b = s.box_scores;
      out.push(
        `  season ${season}: ${s.dates[0]} .. ${s.dates[s.dates.length - 1]} (${s.dates.length} dates), ${b.games} games, ` +
          `${s.rows.player_games} player-game rows (${b.available} available), ${s.rows.odds_snapshot} lines`,
      );
    }
  }
  for (const t of LAKE_TABLES) {
    const parts = await lake.partitions(t);
    if (parts.length === 0) continue;
    const dates = parts.map((p) => p.partition.game_date).filter((d): d is string => d !== undefined).sort();
    const span = dates.length > 0 ? `, ${dates[0]} .. ${dates[dates.length - 1]}` : '';
    out.push(`  ${t.dir}: ${parts.length} file(s)${span}`);
  }
  return out.join('\n');
}

// `slatesim lake salaries`: a DraftKings salary export joined to nba.com ids, written as gold/dk_salaries.
import type { Command } from 'commander';
import { readCsvBytes } from '../../data/csv.ts';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { importSalaries } from '../../lake/salaries.ts';
import { parseDate } from '../args.ts';
import { defined } from '../../data/checked.ts';

export function registerLakeSalaries(parent: Command): void {
  parent
    .command('salaries')
    .description('join a DraftKings salary export to nba.com player ids and write gold/dk_salaries')
    .requiredOption('--lake <dir>', "lake root (must hold that date's box scores)")
    .requiredOption('--dk-csv <file>', 'DKSalaries.csv as exported by DraftKings (or the shared samples file)')
    .requiredOption('--date <date>', 'slate date YYYY-MM-DD')
    .option('--draft-group-id <id>', "DraftKings draft group id (default: derived from the slate's player ids)")
    .action(async (o: { lake: string; dkCsv: string; date: string; draftGroupId?: string }) => {
      const date = defined(parseDate('--date', o.date), '--date');
      await initParquetNode();
      const result = await importSalaries({
        lake: new Lake(new NodeFileStore(o.lake)),
        csvText: await readCsvBytes(o.dkCsv),
        csvFile: o.dkCsv,
        date,
        ...(o.draftGroupId !== undefined ? { draftGroupId: o.draftGroupId } : {}),
      });
      const pct = ((100 * result.matched) / result.total).toFixed(1);
      console.log(
        `dk salaries ${date} (draft group ${result.draftGroupId}): matched ${result.matched}/${result.total} (${pct}%) by player_id`,
      );
      const byMethod = new Map<string, number>();
      for (const m of result.matches) byMethod.set(m.method, (byMethod.get(m.method) ?? 0) + 1);
      console.log(`  by method: ${[...byMethod].map(([k, v]) => `${k} ${v}`).join(', ')}`);
      for (const m of result.matches.filter((x) => x.candidate === null)) {
        console.log(`  unmatched: ${m.row.name} (${m.row.teamAbbrev}, DK id ${m.row.dkId}, salary ${m.row.salary})`);
      }
      console.log(`wrote ${o.lake}/${result.path}`);
    });
}

// `slatesim shares build-base`: writes gold/usage_shares_training_base for a date range.
import type { Command } from 'commander';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { consoleProgress } from '../progress.ts';
import { buildUsageSharesBase } from '../../shares/base.ts';
import { dateRange } from '../args.ts';

export function registerSharesBuildBase(parent: Command): void {
  parent
    .command('build-base')
    .description('write gold/usage_shares_training_base (counts, team totals, shares, pregame features)')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .action(async (o: { lake: string; startDate: string; endDate: string }) => {
      const [start, end] = dateRange(o.startDate, o.endDate);
      await initParquetNode();
      const r = await buildUsageSharesBase(new Lake(new NodeFileStore(o.lake)), start, end, consoleProgress());
      console.log(
        `usage_shares_training_base: ${r.rows} player rows over ${r.dates} dates; team-games with a zero total (shares invalid): fga ${r.invalid.fga}, fta ${r.invalid.fta}, tov ${r.invalid.tov}; ` +
          `rows with 0 minutes and a count, kept at the box score's count: ${r.zeroMinutes.rows} (fga ${r.zeroMinutes.fga}, fta ${r.zeroMinutes.fta}, tov ${r.zeroMinutes.tov})`,
      );
    });
}

// `slatesim diagnostics usage-share-prep`: the usage-share data checks; `minutes-vacancy`: where minutes go when
// players sit, measured on real box scores.
import type { Command } from 'commander';
import { UserError } from '../../data/errors.ts';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { formatUsageSharePrep, usageSharePrep } from '../../diagnostics/usage-share-prep.ts';
import { checkOutputFile, parseDate } from '../args.ts';
import { defined } from '../../data/checked.ts';
import { formatMinutesVacancy, minutesVacancy, readMinutesRows } from '../../diagnostics/minutes-vacancy.ts';
import { consoleProgress } from '../progress.ts';
import { basename, dirname } from 'node:path';

export function registerDiagnostics(parent: Command): void {
  const diagnostics = parent.command('diagnostics').description('data checks and measurements');
  diagnostics
    .command('minutes-vacancy')
    .description('where minutes go when players sit: gains by minutes rank and position, rotation size and top minutes by vacancy')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .option('--json <file>', 'also write the report as JSON')
    .action(async (o: { lake: string; startDate: string; endDate: string; json?: string }) => {
      const start = defined(parseDate('--start-date', o.startDate), '--start-date');
      const end = defined(parseDate('--end-date', o.endDate), '--end-date');
      if (start > end) throw new UserError(`--start-date ${start} is after --end-date ${end}`);
      if (o.json !== undefined) await checkOutputFile(o.json, '--json');
      await initParquetNode();
      const rows = await readMinutesRows(new Lake(new NodeFileStore(o.lake)), start, end, consoleProgress());
      const report = minutesVacancy(rows);
      if (o.json !== undefined)
        await new NodeFileStore(dirname(o.json)).writeFileAtomic(
          basename(o.json),
          new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`),
        );
      console.log(formatMinutesVacancy(report));
    });
  diagnostics
    .command('usage-share-prep')
    .description('rebuild FGA/FTA/TOV from per-minute labels x minutes, check them against the box score, summarise shares')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .option('--max-days <n>', 'at most this many dates')
    .action(async (o: { lake: string; startDate: string; endDate: string; maxDays?: string }) => {
      const start = defined(parseDate('--start-date', o.startDate), '--start-date');
      const end = defined(parseDate('--end-date', o.endDate), '--end-date');
      let maxDays: number | undefined;
      if (o.maxDays !== undefined) {
        maxDays = Number(o.maxDays);
        if (!Number.isInteger(maxDays) || maxDays < 1)
          throw new UserError(`--max-days must be a positive integer, got ${JSON.stringify(o.maxDays)}`);
      }
      await initParquetNode();
      const rows = await usageSharePrep(new Lake(new NodeFileStore(o.lake)), start, end, maxDays);
      console.log(formatUsageSharePrep(rows));
      if (rows.some((d) => d.mismatches.fga + d.mismatches.fta + d.mismatches.tov > 0)) process.exitCode = 1;
    });
}

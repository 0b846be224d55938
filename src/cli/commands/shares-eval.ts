// `slatesim shares eval`: share metrics of a model against rate_weighted, with bootstrap intervals.
import type { Command } from 'commander';
import { basename, dirname, resolve } from 'node:path';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { consoleProgress } from '../progress.ts';
import { parseShareModel } from '../../shares/model.ts';
import { evaluateShareModel, formatEval, loadTeamGames } from '../../shares/train.ts';
import { checkOutputFile, dateRange, positiveInt, readTextFile } from '../args.ts';

export function registerSharesEval(parent: Command): void {
  parent
    .command('eval')
    .description('share metrics of the model against rate_weighted, overall and by vacancy quartile, actual and pregame minutes')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--model <file>', 'model JSON from shares train')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .requiredOption('--json <file>', 'report to write')
    .option('--resamples <n>', 'bootstrap resamples over team-games', '1000')
    .action(async (o: { lake: string; model: string; startDate: string; endDate: string; json: string; resamples: string }) => {
      const [start, end] = dateRange(o.startDate, o.endDate);
      await checkOutputFile(o.json, '--json');
      const resamples = positiveInt('--resamples', o.resamples, 100_000);
      await initParquetNode();
      const model = parseShareModel(await readTextFile(o.model, '--model'), o.model);
      const tgs = await loadTeamGames(new Lake(new NodeFileStore(o.lake)), start, end, consoleProgress());
      const report = evaluateShareModel(model, tgs, start, end, { resamples });
      await new NodeFileStore(dirname(resolve(o.json))).writeFileAtomic(
        basename(o.json),
        new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`),
      );
      console.log(formatEval(report));
      console.log(`wrote ${o.json}`);
    });
}

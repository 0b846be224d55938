// `slatesim shares train`: fits the usage-share model and writes its JSON.
import type { Command } from 'commander';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../../data/errors.ts';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { consoleProgress } from '../progress.ts';
import { loadTeamGames, trainShareModel } from '../../shares/train.ts';
import { checkOutputFile, dateRange } from '../args.ts';

export function registerSharesTrain(parent: Command): void {
  parent
    .command('train')
    .description("fit the share model (softmax with a log-minutes offset, and the seed's log-count form) and write its JSON")
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first training date')
    .requiredOption('--end-date <date>', 'last training date')
    .option('--targets <list>', 'fga,fta,tov', 'fga,fta,tov')
    .requiredOption('--out <file>', 'model JSON to write')
    .action(async (o: { lake: string; startDate: string; endDate: string; targets: string; out: string }) => {
      const [start, end] = dateRange(o.startDate, o.endDate);
      await checkOutputFile(o.out, '--out');
      const targets = o.targets.split(',').map((x) => x.trim());
      for (const t of targets)
        if (!['fga', 'fta', 'tov'].includes(t)) throw new UserError(`--targets must be a list of fga, fta, tov; got ${JSON.stringify(t)}`);
      if (new Set(targets).size < 3)
        throw new UserError(
          `--targets: one model file holds all of fga, fta, tov (the simulator needs each), got ${JSON.stringify(o.targets)}`,
        );
      await initParquetNode();
      const progress = consoleProgress();
      const tgs = await loadTeamGames(new Lake(new NodeFileStore(o.lake)), start, end, progress);
      const model = trainShareModel(tgs, start, end, targets as ('fga' | 'fta' | 'tov')[], progress);
      await new NodeFileStore(dirname(resolve(o.out))).writeFileAtomic(
        basename(o.out),
        new TextEncoder().encode(`${JSON.stringify(model, null, 1)}\n`),
      );
      console.log(`share model: ${tgs.length} team-games, seasons ${model.training.seasons.join(', ')}; wrote ${o.out}`);
    });
}

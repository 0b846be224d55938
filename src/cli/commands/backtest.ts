// `slatesim backtest`: every slate in a range simulated with pregame information and scored against real DK points.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { consoleProgress } from '../progress.ts';
import { defaultWorkers } from '../../../engine/cpu/pool.ts';
import { DEFAULT_PROFILES_FILE, loadProfile } from '../../../engine/profile.ts';
import { formatBacktest, writeBacktest } from '../../backtest/report.ts';
import { runBacktest } from '../../backtest/run.ts';
import { parseShareModel } from '../../shares/model.ts';
import { DEFAULT_SHARE_MODEL, dateRange, positiveInt, readTextFile } from '../args.ts';

export function registerBacktest(parent: Command): void {
  parent
    .command('backtest')
    .description('simulate every slate in a range with pregame information and score real DK points against the worlds')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .option('--profile <name>', 'profile to test', 'usage_shares_v1')
    .option('--profiles <file>', 'profiles file (default: config/profiles.json)')
    .option('--worlds <n>', 'worlds per game', '2000')
    .option('--seed <n>', 'random seed', '1')
    .option('--max-dates <n>', 'an even sample of at most this many dates')
    .option('--workers <n>', 'CPU worker threads (default: all cores)')
    .option('--shares-model <file>', 'share model (used only for dates after its training; default: the shipped one)')
    .requiredOption('--json <file>', 'report to write; plots are written beside it')
    .action(async (o: { lake: string; startDate: string; endDate: string; profile: string; profiles?: string; worlds: string; seed: string; maxDates?: string; workers?: string; sharesModel?: string; json: string }) => {
      const [start, end] = dateRange(o.startDate, o.endDate);
      await initParquetNode();
      const profilesFile = o.profiles ?? DEFAULT_PROFILES_FILE;
      const profile = await loadProfile(o.profile, profilesFile);
      const baseline = await loadProfile('baseline', profilesFile);
      const modelFile = o.sharesModel ?? (existsSync(DEFAULT_SHARE_MODEL) ? DEFAULT_SHARE_MODEL : undefined);
      const model = modelFile === undefined ? undefined : parseShareModel(await readTextFile(modelFile, '--shares-model'), modelFile);
      const report = await runBacktest({
        lake: new Lake(new NodeFileStore(o.lake)),
        startDate: start,
        endDate: end,
        profile,
        profileName: o.profile,
        baselineProfile: baseline,
        worlds: positiveInt('--worlds', o.worlds, 1_000_000),
        seed: positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true),
        workers: o.workers === undefined ? defaultWorkers() : positiveInt('--workers', o.workers, 256),
        chunk: 2048,
        ...(o.maxDates !== undefined ? { maxDates: positiveInt('--max-dates', o.maxDates, 100_000) } : {}),
        // A model never simulates a date it was trained on.
        shareModelFor: (date) => (model !== undefined && model.training.end_date < date ? model : undefined),
        progress: consoleProgress(),
      });
      const written = await writeBacktest(o.json, report);
      console.log(formatBacktest(report));
      console.log(`wrote ${written.join(', ')}`);
    });
}

// `slatesim backtest`: every slate in a range simulated with pregame information and scored against real DK
// points; with --inputs DIR, every night of DIR/game_date=D/ in pregame mode from the user's files, every
// DraftKings-listed player scored, beside the box-score mode on the same dates.
import { defined } from '../../data/checked.ts';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { UserError } from '../../data/errors.ts';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { consoleProgress } from '../progress.ts';
import { defaultWorkers } from '../../../engine/cpu/pool.ts';
import { gpuBackend, type Backend } from '../../../engine/core/backend.ts';
import { describeAdapter, requestGpuDevice } from '../../../engine/gpu/device.ts';
import { DEFAULT_PROFILES_FILE, loadProfile } from '../../../engine/profile.ts';
import { formatBacktest, formatPregameBacktest, writeBacktest } from '../../backtest/report.ts';
import { pregameFolders, runPregameBacktest } from '../../backtest/pregame.ts';
import { runBacktest } from '../../backtest/run.ts';
import { parseShareModel } from '../../shares/model.ts';
import { DEFAULT_SHARD_WORLDS, redisBackend } from '../../distributed/backend.ts';
import { checkResultsDir } from '../../distributed/results-dir.ts';
import { DEFAULT_SHARE_MODEL, checkOutputFile, dateRange, positiveInt, readTextFile } from '../args.ts';

interface BacktestCliOptions {
  lake: string;
  startDate?: string;
  endDate?: string;
  inputs?: string;
  profile: string;
  profiles?: string;
  worlds: string;
  seed: string;
  maxDates?: string;
  workers?: string;
  sharesModel?: string;
  backend: string;
  json: string;
  redis?: string;
  shardWorlds?: string;
  resultsDir?: string;
}

export function registerBacktest(parent: Command): void {
  parent
    .command('backtest')
    .description(
      'simulate every slate in a range (or every night of --inputs DIR in pregame mode) and score real DK points against the worlds',
    )
    .requiredOption('--lake <dir>', 'lake root')
    .option('--start-date <date>', 'first date (box-score mode)')
    .option('--end-date <date>', 'last date (box-score mode)')
    .option(
      '--inputs <dir>',
      'pregame mode: a folder of game_date=YYYY-MM-DD/ folders, each with DKSalaries.csv and any of injuries.csv, lines.csv, starters.csv, minutes.csv',
    )
    .option('--profile <name>', 'profile to test', 'usage_shares_v1')
    .option('--profiles <file>', 'profiles file (default: config/profiles.json)')
    .option('--worlds <n>', 'worlds per game', '2000')
    .option('--seed <n>', 'random seed', '1')
    .option('--max-dates <n>', 'an even sample of at most this many dates (box-score mode)')
    .option('--workers <n>', 'CPU worker threads (default: all cores)')
    .option('--backend <name>', 'cpu | gpu (with --redis: the workers of that path)', 'cpu')
    .option('--shares-model <file>', 'share model (used only for dates after its training; default: the shipped one)')
    .requiredOption('--json <file>', 'report to write; plots are written beside it')
    .option('--redis <url>', "many machines: every slate's worlds go as shards to the `slatesim worker`s on this Redis (same report)")
    .option('--shard-worlds <n>', `with --redis: worlds per shard (default ${DEFAULT_SHARD_WORLDS})`)
    .option('--results-dir <dir>', 'with --redis: a folder shared with every worker: shard results go there, not into Redis')
    .action(async (o: BacktestCliOptions) => {
      if (!['cpu', 'gpu'].includes(o.backend)) throw new UserError(`--backend must be cpu or gpu, got ${JSON.stringify(o.backend)}`);
      await checkOutputFile(o.json, '--json');
      if (o.inputs !== undefined) {
        if (o.startDate !== undefined || o.endDate !== undefined)
          throw new UserError('--inputs takes its dates from its game_date=D folders: drop --start-date/--end-date');
        if (o.maxDates !== undefined) throw new UserError('--max-dates is for the box-score mode, not --inputs');
        pregameFolders(o.inputs); // a bad DIR is refused before anything loads
      } else if (o.startDate === undefined || o.endDate === undefined) {
        throw new UserError('backtest needs --start-date and --end-date, or --inputs DIR');
      }
      await initParquetNode();
      const profilesFile = o.profiles ?? DEFAULT_PROFILES_FILE;
      const profile = await loadProfile(o.profile, profilesFile);
      const baseline = await loadProfile('baseline', profilesFile);
      const modelFile = o.sharesModel ?? (existsSync(DEFAULT_SHARE_MODEL) ? DEFAULT_SHARE_MODEL : undefined);
      const model = modelFile === undefined ? undefined : parseShareModel(await readTextFile(modelFile, '--shares-model'), modelFile);
      const common = {
        lake: new Lake(new NodeFileStore(o.lake)),
        profile,
        profileName: o.profile,
        baselineProfile: baseline,
        worlds: positiveInt('--worlds', o.worlds, 1_000_000),
        seed: positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true),
        workers: o.workers === undefined ? defaultWorkers() : positiveInt('--workers', o.workers, 256),
        chunk: 2048,
        // A model never simulates a date it was trained on.
        shareModelFor: (date: string) => (model !== undefined && model.training.end_date < date ? model : undefined),
        progress: consoleProgress(),
      };
      let device: GPUDevice | undefined;
      let backend: Backend | undefined;
      if (o.redis !== undefined) {
        const shardWorlds = o.shardWorlds === undefined ? undefined : positiveInt('--shard-worlds', o.shardWorlds, 10_000_000);
        if (o.resultsDir !== undefined) await checkResultsDir(o.resultsDir);
        // GPU shards: the device batch as a single-process GPU backtest sizes it (the CPU's chunk is 2048)
        backend = await redisBackend({
          url: o.redis,
          backend: o.backend === 'gpu' ? 'gpu' : 'cpu',
          ...(o.backend === 'gpu' ? {} : { chunk: common.chunk }),
          ...(shardWorlds !== undefined ? { shardWorlds } : {}),
          ...(o.resultsDir !== undefined ? { resultsDir: o.resultsDir } : {}),
        });
      } else if (o.shardWorlds !== undefined) throw new UserError('--shard-worlds needs --redis URL');
      else if (o.resultsDir !== undefined) throw new UserError('--results-dir needs --redis URL');
      if (o.backend === 'gpu' && backend === undefined) {
        const ctx = await requestGpuDevice();
        device = ctx.device;
        backend = gpuBackend(device, { adapter: describeAdapter(ctx.adapter) });
      }
      try {
        if (o.inputs !== undefined) {
          const report = await runPregameBacktest({ ...common, inputsDir: o.inputs, ...(backend !== undefined ? { backend } : {}) });
          const written = await writeBacktest(o.json, report);
          console.log(formatPregameBacktest(report));
          console.log(`wrote ${written.join(', ')}`);
          return;
        }
        const [start, end] = dateRange(defined(o.startDate, '--start-date'), defined(o.endDate, '--end-date'));
        const report = await runBacktest({
          ...common,
          startDate: start,
          endDate: end,
          ...(o.maxDates !== undefined ? { maxDates: positiveInt('--max-dates', o.maxDates, 100_000) } : {}),
          ...(backend !== undefined ? { backend } : {}),
        });
        const written = await writeBacktest(o.json, report);
        console.log(formatBacktest(report));
        console.log(`wrote ${written.join(', ')}`);
      } finally {
        device?.destroy();
      }
    });
}

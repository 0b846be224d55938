// `slatesim bench`: pipeline throughput, CPU against WebGPU, each configuration in its own process.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { initParquetNode } from '../../data/parquet-node.ts';
import { EMBEDDED_LAKE_DIR } from '../../lake/embed.ts';
import { requestGpuDevice } from '../../../engine/gpu/device.ts';
import { loadProfile } from '../../../engine/profile.ts';
import { runBench, type Scope } from '../../../bench/bench.ts';
import { openLake } from '../../index.ts';
import { UserError } from '../../data/errors.ts';
import { PACKAGE_ROOT, checkOutputFile, parseList, positiveInt, shippedShareModel, slateDate } from '../args.ts';

export function registerBench(parent: Command): void {
  parent
    .command('bench')
    .description('throughput of the whole pipeline on a real slate: CPU (1 and all workers) against WebGPU, with a per-kernel breakdown')
    .requiredOption('--json <file>', 'output JSON (a markdown table and an SVG plot are written beside it)')
    .option('--lake <dir>', 'lake root (default: the embedded 2023-24 slice)')
    .option('--date <date>', 'slate date (default: the last date in the lake)')
    .option('--profile <name>', 'profile in config/profiles.json', 'usage_shares_v1')
    .option('--worlds <list>', 'worlds per game, comma-separated', '1000,10000,100000')
    .option('--backends <list>', 'cpu, gpu or both', 'cpu,gpu')
    .option('--scopes <list>', 'slate (every game), game (the largest game), or both', 'slate,game')
    .option('--reps <n>', 'timed repetitions after the warm-up (the median is reported)', '3')
    .option('--seed <n>', 'random seed', '1')
    .option(
      '--lineups <list>',
      'also score this many lineups in every world (comma-separated counts, e.g. 150,10000), timed against the same runs without them',
    )
    .option('--quick', 'CI mode: 1,000 worlds, one repetition, the full slate only')
    .option(
      '--gpu-dispatch <mode>',
      'WebGPU: slate (every game in one dispatch per kernel) or game (game by game); default: game on a software adapter, else slate',
    )
    .action(
      async (o: {
        json: string;
        lake?: string;
        date?: string;
        profile: string;
        worlds: string;
        backends: string;
        scopes: string;
        reps: string;
        seed: string;
        quick?: boolean;
        lineups?: string;
        gpuDispatch?: string;
      }) => {
        await checkOutputFile(o.json, '--json');
        await initParquetNode();
        const lakeDir = o.lake ?? resolve(PACKAGE_ROOT, EMBEDDED_LAKE_DIR);
        const lakeObj = await openLake(lakeDir);
        const worlds = o.quick === true ? [1000] : o.worlds.split(',').map((w) => positiveInt('--worlds', w.trim(), 10_000_000));
        const backends = parseList('--backends', o.backends, ['cpu', 'gpu']) as ('cpu' | 'gpu')[];
        const scopes = (o.quick === true ? ['slate'] : parseList('--scopes', o.scopes, ['slate', 'game'])) as Scope[];
        const reps = o.quick === true ? 1 : positiveInt('--reps', o.reps, 100);
        if (o.gpuDispatch !== undefined && o.gpuDispatch !== 'slate' && o.gpuDispatch !== 'game')
          throw new UserError(`--gpu-dispatch must be slate or game, got ${JSON.stringify(o.gpuDispatch)}`);
        const seed = positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true);
        const date = await slateDate(lakeObj, lakeDir, o.date);
        const profile = await loadProfile(o.profile);
        const shareModel = await shippedShareModel(profile.usage_shares.enabled, date);
        if (backends.includes('gpu')) {
          // Fail here, once and clearly, rather than in every child.
          const ctx = await requestGpuDevice();
          ctx.device.destroy();
        }
        await runBench({
          lake: lakeObj,
          lakeDir,
          date,
          profile,
          profileName: o.profile,
          ...(shareModel !== undefined ? { shareModel } : {}),
          worlds,
          backends,
          scopes,
          ...(o.lineups !== undefined ? { lineups: o.lineups.split(',').map((x) => positiveInt('--lineups', x.trim(), 1_000_000)) } : {}),
          reps,
          seed,
          ...(o.gpuDispatch !== undefined ? { gpuDispatch: o.gpuDispatch } : {}),
          json: o.json,
          binPath: resolve(PACKAGE_ROOT, 'bin/slatesim.js'),
          log: (line) => process.stderr.write(`${line}\n`),
        });
      },
    );
}

// `slatesim sim`: one date's slate through N worlds on the chosen backend; run-sim.ts writes the files.
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { UserError } from '../../data/errors.ts';
import { readCsvBytes } from '../../data/csv.ts';
import { RATES_TRAINING_BASE } from '../../data/tables.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { EMBEDDED_LAKE_DIR } from '../../lake/embed.ts';
import { consoleProgress } from '../progress.ts';
import { GpuUnavailableError, describeAdapter, requestGpuDevice } from '../../../engine/gpu/device.ts';
import { defaultWorkers } from '../../../engine/cpu/pool.ts';
import { DEFAULT_PROFILES_FILE, loadProfile } from '../../../engine/profile.ts';
import { runSim } from '../run-sim.ts';
import { parseShareModel, type ShareModel } from '../../shares/model.ts';
import { openLake } from '../../index.ts';
import { PACKAGE_ROOT, positiveInt, readTextFile, shippedShareModel, slateDate } from '../args.ts';

interface SimCliOptions {
  lake?: string;
  date?: string;
  profile: string;
  profiles?: string;
  worlds: string;
  seed: string;
  backend: string;
  workers?: string;
  chunk?: string;
  out?: string;
  run?: string;
  saveWorlds?: boolean;
  dkCsv?: string;
  playerOut?: string;
  sharesModel?: string;
}

export function registerSim(parent: Command): void {
  parent
    .command('sim')
    .description('simulate a date\'s slate: N worlds per game, per-player DraftKings distributions')
    .option('--lake <dir>', 'lake root (default: the embedded 2023-24 slice)')
    .option('--date <date>', 'slate date (default: the last date in the lake)')
    .option('--profile <name>', 'profile in config/profiles.json', 'usage_shares_v1')
    .option('--profiles <file>', 'profiles file (default: config/profiles.json)')
    .option('--worlds <n>', 'worlds per game', '10000')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '1')
    .option('--backend <name>', 'auto | cpu | gpu', 'auto')
    .option('--workers <n>', 'CPU worker threads (default: all cores)')
    .option('--chunk <n>', 'worlds per kernel batch (default: 2048 on the CPU; on the GPU as many as the adapter\'s limits allow, up to 65536)')
    .option('--out <dir>', 'output root (default: <lake>/artifacts/sim/projections, or out/sim/projections for the embedded lake)')
    .option('--run <name>', 'run name (default: <profile>-s<seed>-w<worlds>)')
    .option('--save-worlds', 'also write every world (worlds.parquet, team_worlds.parquet)')
    .option('--dk-csv <file>', 'DraftKings salary export: adds salary and dk_position')
    .option('--player-out <ids>', 'comma-separated player ids to rule out (their minutes and usage move to teammates)')
    .option('--shares-model <file>', 'share model JSON (default: the shipped one when it was trained before the date; else rate_weighted)')
    .action(async (o: SimCliOptions) => {
      await initParquetNode();
      const embedded = o.lake === undefined;
      const lakeDir = o.lake ?? resolve(PACKAGE_ROOT, EMBEDDED_LAKE_DIR);
      const lakeObj = await openLake(lakeDir);
      const worlds = positiveInt('--worlds', o.worlds, 10_000_000);
      const seed = positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true);
      const chunk = o.chunk === undefined ? undefined : positiveInt('--chunk', o.chunk, 1 << 20);
      const workers = o.workers === undefined ? defaultWorkers() : positiveInt('--workers', o.workers, 256);
      if (!['auto', 'cpu', 'gpu'].includes(o.backend)) throw new UserError(`--backend must be auto, cpu or gpu, got ${JSON.stringify(o.backend)}`);
      const date = await slateDate(lakeObj, lakeDir, o.date);
      const playerOut = new Set<number>();
      for (const id of (o.playerOut ?? '').split(',').filter((x) => x.trim() !== '')) {
        if (!/^\d+$/.test(id.trim())) throw new UserError(`--player-out must be comma-separated player ids, got ${JSON.stringify(o.playerOut)}`);
        playerOut.add(Number(id.trim()));
      }
      const profile = await loadProfile(o.profile, o.profiles ?? DEFAULT_PROFILES_FILE);
      let shareModel: ShareModel | undefined;
      if (o.sharesModel !== undefined) shareModel = parseShareModel(await readTextFile(o.sharesModel, '--shares-model'), o.sharesModel);
      else shareModel = await shippedShareModel(profile.usage_shares.enabled, date);
      if ((await lakeObj.partitions(RATES_TRAINING_BASE, { startDate: date, endDate: date })).length === 0) {
        throw new UserError(`--date ${date}: no available players in gold/rates_training_base for that date`);
      }
      // The device last, after every input is validated: a user mistake never waits on (or prints from) Dawn.
      let gpu: { device: GPUDevice; adapter: string } | undefined;
      if (o.backend !== 'cpu') {
        try {
          const ctx = await requestGpuDevice();
          gpu = { device: ctx.device, adapter: describeAdapter(ctx.adapter) };
        } catch (e) {
          if (o.backend === 'gpu' || !(e instanceof GpuUnavailableError)) throw e;
          process.stderr.write(`slatesim: no WebGPU adapter (${e.message}); running the CPU path\n`);
        }
      }
      const out = o.out ?? (embedded ? resolve('out/sim/projections') : join(lakeDir, 'artifacts/sim/projections'));
      const result = await runSim({
        lake: lakeObj,
        date,
        profile,
        profileName: o.profile,
        worlds,
        seed,
        ...(chunk !== undefined ? { chunk } : {}),
        workers,
        out,
        run: o.run ?? `${o.profile}-s${seed}-w${worlds}${playerOut.size > 0 ? `-out${[...playerOut].join('_')}` : ''}`,
        saveWorlds: o.saveWorlds === true,
        ...(o.dkCsv !== undefined ? { dkCsv: { text: await readCsvBytes(o.dkCsv), file: o.dkCsv } } : {}),
        playerOut,
        ...(shareModel !== undefined ? { shareModel } : {}),
        ...(gpu !== undefined ? { gpu } : {}),
        progress: consoleProgress(),
      });
      gpu?.device.destroy();
      const m = result.metrics as { runtime_s: number; player_worlds_per_s: number; conservation: { target_violations: number }; vegas_anchoring: { max_abs_relative_error: number } };
      const top = [...result.rows].sort((a, b) => (b.dk_fpts_mean as number) - (a.dk_fpts_mean as number)).slice(0, 8);
      const backend = gpu === undefined ? `cpu (${workers} workers)` : `gpu (${gpu.adapter.replace(/^WebGPU adapter: /, '').split(';')[0]})`;
      console.log(`sim ${date}: ${worlds} worlds x ${new Set(result.rows.map((r) => r.game_id)).size} games, ${result.rows.length} players, profile ${o.profile}, backend ${backend}`);
      console.log(`  usage-share base: ${String(result.metrics.share_base)}`);
      console.log(`  ${m.runtime_s.toFixed(1)}s, ${(m.player_worlds_per_s / 1e6).toFixed(2)}M player-worlds/s; conservation violations ${m.conservation.target_violations}; team points vs implied within ${(100 * m.vegas_anchoring.max_abs_relative_error).toFixed(2)}%`);
      console.log('  top projections (DK points mean / p10 / p90):');
      for (const r of top) console.log(`    ${String(r.player_name).padEnd(26)} ${(r.dk_fpts_mean as number).toFixed(1).padStart(6)} ${(r.dk_fpts_p10 as number).toFixed(1).padStart(6)} ${(r.dk_fpts_p90 as number).toFixed(1).padStart(6)}  min ${(r.minutes_mean as number).toFixed(1)}`);
      console.log(`wrote ${result.dir}/{projections.parquet,projections.csv,metrics.json}${o.saveWorlds === true ? ' + worlds' : ''}`);
    });
}

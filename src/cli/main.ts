// The slatesim command line. Every user mistake ends as one line on stderr and a non-zero exit; results go
// to stdout, progress to stderr.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { UserError, isUserError } from '../data/errors.ts';
import { readCsvBytes } from '../data/csv.ts';
import { Lake } from '../data/lake.ts';
import { initParquetNode } from '../data/parquet-node.ts';
import { NodeFileStore } from '../data/store-node.ts';
import { buildLake } from '../lake/build.ts';
import { embedSlice, EMBEDDED_LAKE_DIR } from '../lake/embed.ts';
import { feedReportLines, formatMinutesMetrics, lakeSummary } from '../lake/info.ts';
import { importSalaries } from '../lake/salaries.ts';
import { consoleProgress } from './progress.ts';
import { formatUsageSharePrep, usageSharePrep } from '../diagnostics/usage-share-prep.ts';
import { GpuUnavailableError, describeAdapter, requestGpuDevice } from '../../engine/gpu/device.ts';
import { defaultWorkers } from '../../engine/cpu/pool.ts';
import { DEFAULT_PROFILES_FILE, loadProfile } from '../../engine/profile.ts';
import { runSim } from '../../engine/sim.ts';
import { RATES_TRAINING_BASE } from '../data/tables.ts';
import { buildUsageSharesBase } from '../shares/base.ts';
import { formatBacktest, writeBacktest } from '../backtest/report.ts';
import { runBacktest } from '../backtest/run.ts';
import { parseShareModel, type ShareModel } from '../shares/model.ts';
import { evaluateShareModel, formatEval, loadTeamGames, trainShareModel } from '../shares/train.ts';
import { runSmokeAffine } from '../../engine/gpu/smoke.ts';
import { runBench, runChild, type ChildConfig, type Scope } from '../../bench/bench.ts';

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

function dateRange(start: string, end: string): [string, string] {
  const a = parseDate('--start-date', start) as string;
  const b = parseDate('--end-date', end) as string;
  if (a > b) throw new UserError(`--start-date ${a} is after --end-date ${b}`);
  return [a, b];
}

async function readTextFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${flag} ${path}: file not found`);
  }
}

function positiveInt(flag: string, value: string, max: number, allowZero = false): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max || (!allowZero && n < 1)) {
    throw new UserError(`${flag} must be an integer in ${allowZero ? 0 : 1}..${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export const PACKAGE_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const DEFAULT_SHARE_MODEL = resolve(PACKAGE_ROOT, 'public/data/models/shares_v1.json');

/** The shipped share model, when shares are on and it was trained before `date` (a model never sees its date). */
async function shippedShareModel(sharesOn: boolean, date: string): Promise<ShareModel | undefined> {
  if (!sharesOn || !existsSync(DEFAULT_SHARE_MODEL)) return undefined;
  const shipped = parseShareModel(await readFile(DEFAULT_SHARE_MODEL, 'utf8'), DEFAULT_SHARE_MODEL);
  return shipped.training.end_date < date ? shipped : undefined;
}

function parseSeasons(value: string): number[] {
  const seasons = value.split(',').map((s) => s.trim());
  for (const s of seasons) {
    if (!/^\d{4}$/.test(s)) throw new UserError(`--seasons must be comma-separated years like 2023,2024, got ${JSON.stringify(value)}`);
  }
  return seasons.map(Number);
}

function parseDate(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!ok) throw new UserError(`${flag} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

function program(): Command {
  const cli = new Command('slatesim')
    .description('NBA daily-fantasy world simulator: conserved team usage, WebGPU and CPU paths')
    .showHelpAfterError(false)
    .exitOverride() // set before the subcommands exist, so they inherit it
    .configureOutput({ outputError: (str, write) => write(`slatesim: ${(str.split('\n')[0] ?? '').replace(/^error: /, '')}\n`) });

  const lake = cli.command('lake').description('build and inspect the Parquet lake');

  lake
    .command('build')
    .description('ingest box-score and lines CSVs into bronze and silver tables')
    .requiredOption(
      '--source <dir>',
      'folder with box_scores_<season>.csv(.gz) and lines*.csv(.gz); repeat the flag or give a comma list for several',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').filter((d) => d !== '')],
    )
    .requiredOption('--lake <dir>', 'lake root to write')
    .option('--seasons <list>', 'seasons (end years) to build, e.g. 2023,2024')
    .option('--start-date <date>', 'keep only games on or after this date')
    .option('--end-date <date>', 'keep only games on or before this date')
    .option('--force', 'rebuild seasons whose inputs did not change')
    .option('--strict', 'refuse a season with a partial or repeated game instead of quarantining the game')
    .option('--minutes-model <file>', 'minutes model for seasons with no earlier season in the lake (default: the shipped one)')
    .action(async (o: { source: string[]; lake: string; seasons?: string; startDate?: string; endDate?: string; force?: boolean; strict?: boolean; minutesModel?: string }) => {
      const started = Date.now();
      const startDate = parseDate('--start-date', o.startDate);
      const endDate = parseDate('--end-date', o.endDate);
      const result = await buildLake({
        source: o.source,
        lake: o.lake,
        ...(o.seasons !== undefined ? { seasons: parseSeasons(o.seasons) } : {}),
        ...(startDate !== undefined ? { startDate } : {}),
        ...(endDate !== undefined ? { endDate } : {}),
        force: o.force === true,
        strict: o.strict === true,
        ...(o.minutesModel !== undefined ? { minutesModelFile: o.minutesModel } : {}),
        progress: consoleProgress(),
      });
      for (const s of result.built) {
        const m = result.manifest.seasons[String(s)];
        if (m === undefined) continue;
        const b = m.box_scores;
        const l = m.lines;
        console.log(
          `season ${s}: ${b.rows} player-game rows, ${b.games} games, ${m.dates.length} dates; available ${b.available}, unavailable ${b.unavailable}; ` +
            `overtime team-games ${b.overtimeTeamGames}; team minutes off 240(+25/OT) by >1.5: ${b.minutesWarnings}; ` +
            (l === null ? 'no lines file' : `lines matched ${l.matchedGames}, games without line ${l.gamesWithoutLine}, lines without game ${l.linesWithoutGame}`),
        );
        for (const line of feedReportLines(b)) console.log(`  ${line}`);
      }
      if (result.gold !== null) console.log(formatMinutesMetrics(result.gold.minutes_metrics));
      console.log(
        `lake ${o.lake}: built ${result.built.length} season(s), skipped ${result.skipped.length} unchanged, ${result.filesWritten} files written in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      );
    });

  lake
    .command('salaries')
    .description('join a DraftKings salary export to nba.com player ids and write gold/dk_salaries')
    .requiredOption('--lake <dir>', 'lake root (must hold that date\'s box scores)')
    .requiredOption('--dk-csv <file>', 'DKSalaries.csv as exported by DraftKings (or the shared samples file)')
    .requiredOption('--date <date>', 'slate date YYYY-MM-DD')
    .option('--draft-group-id <id>', 'DraftKings draft group id (default: derived from the slate\'s player ids)')
    .action(async (o: { lake: string; dkCsv: string; date: string; draftGroupId?: string }) => {
      const date = parseDate('--date', o.date) as string;
      await initParquetNode();
      const result = await importSalaries({
        lake: new Lake(new NodeFileStore(o.lake)),
        csvText: await readCsvBytes(o.dkCsv),
        csvFile: o.dkCsv,
        date,
        ...(o.draftGroupId !== undefined ? { draftGroupId: o.draftGroupId } : {}),
      });
      const pct = ((100 * result.matched) / result.total).toFixed(1);
      console.log(`dk salaries ${date} (draft group ${result.draftGroupId}): matched ${result.matched}/${result.total} (${pct}%) by player_id`);
      const byMethod = new Map<string, number>();
      for (const m of result.matches) byMethod.set(m.method, (byMethod.get(m.method) ?? 0) + 1);
      console.log(`  by method: ${[...byMethod].map(([k, v]) => `${k} ${v}`).join(', ')}`);
      for (const m of result.matches.filter((x) => x.candidate === null)) {
        console.log(`  unmatched: ${m.row.name} (${m.row.teamAbbrev}, DK id ${m.row.dkId}, salary ${m.row.salary})`);
      }
      console.log(`wrote ${o.lake}/${result.path}`);
    });

  lake
    .command('info')
    .description('summarise a lake (default: the embedded slice shipped with slatesim)')
    .option('--lake <dir>', 'lake root', resolve(PACKAGE_ROOT, EMBEDDED_LAKE_DIR))
    .action(async (o: { lake: string }) => {
      await initParquetNode();
      console.log(await lakeSummary(new Lake(new NodeFileStore(o.lake))));
    });

  lake
    .command('embed')
    .description('rebuild the embedded default slice (public/data) from the full source CSVs')
    .requiredOption('--source <dir>', 'directory with the full box-score and lines CSVs')
    .option('--out <dir>', 'output directory', resolve(PACKAGE_ROOT, 'public/data'))
    .action(async (o: { source: string; out: string }) => {
      const r = await embedSlice({ source: o.source, out: o.out, progress: consoleProgress() });
      console.log(`embedded slice: ${r.files} files, ${(r.bytes / 1e6).toFixed(2)} MB in ${o.out}`);
    });

  const shares = cli.command('shares').description('the usage-share model: training base, training, evaluation');

  shares
    .command('build-base')
    .description('write gold/usage_shares_training_base (counts, team totals, shares, pregame features)')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .action(async (o: { lake: string; startDate: string; endDate: string }) => {
      const [start, end] = dateRange(o.startDate, o.endDate);
      await initParquetNode();
      const r = await buildUsageSharesBase(new Lake(new NodeFileStore(o.lake)), start, end, consoleProgress());
      console.log(`usage_shares_training_base: ${r.rows} player rows over ${r.dates} dates; team-games with a zero total (shares invalid): fga ${r.invalid.fga}, fta ${r.invalid.fta}, tov ${r.invalid.tov}`);
    });

  shares
    .command('train')
    .description('fit the share model (softmax with a log-minutes offset, and the seed\'s log-count form) and write its JSON')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first training date')
    .requiredOption('--end-date <date>', 'last training date')
    .option('--targets <list>', 'fga,fta,tov', 'fga,fta,tov')
    .requiredOption('--out <file>', 'model JSON to write')
    .action(async (o: { lake: string; startDate: string; endDate: string; targets: string; out: string }) => {
      const [start, end] = dateRange(o.startDate, o.endDate);
      const targets = o.targets.split(',').map((x) => x.trim());
      for (const t of targets) if (!['fga', 'fta', 'tov'].includes(t)) throw new UserError(`--targets must be a list of fga, fta, tov; got ${JSON.stringify(t)}`);
      if (new Set(targets).size < 3) throw new UserError(`--targets: one model file holds all of fga, fta, tov (the simulator needs each), got ${JSON.stringify(o.targets)}`);
      await initParquetNode();
      const progress = consoleProgress();
      const tgs = await loadTeamGames(new Lake(new NodeFileStore(o.lake)), start, end, progress);
      const model = trainShareModel(tgs, start, end, targets as ('fga' | 'fta' | 'tov')[], progress);
      await new NodeFileStore(dirname(resolve(o.out))).writeFileAtomic(basename(o.out), new TextEncoder().encode(`${JSON.stringify(model, null, 1)}\n`));
      console.log(`share model: ${tgs.length} team-games, seasons ${model.training.seasons.join(', ')}; wrote ${o.out}`);
    });

  shares
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
      const resamples = positiveInt('--resamples', o.resamples, 100_000);
      await initParquetNode();
      const model = parseShareModel(await readTextFile(o.model, '--model'), o.model);
      const tgs = await loadTeamGames(new Lake(new NodeFileStore(o.lake)), start, end, consoleProgress());
      const report = evaluateShareModel(model, tgs, start, end, { resamples });
      await new NodeFileStore(dirname(resolve(o.json))).writeFileAtomic(basename(o.json), new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
      console.log(formatEval(report));
      console.log(`wrote ${o.json}`);
    });

  cli
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
      const lakeObj = new Lake(new NodeFileStore(lakeDir));
      const worlds = positiveInt('--worlds', o.worlds, 10_000_000);
      const seed = positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true);
      const chunk = o.chunk === undefined ? undefined : positiveInt('--chunk', o.chunk, 1 << 20);
      const workers = o.workers === undefined ? defaultWorkers() : positiveInt('--workers', o.workers, 256);
      if (!['auto', 'cpu', 'gpu'].includes(o.backend)) throw new UserError(`--backend must be auto, cpu or gpu, got ${JSON.stringify(o.backend)}`);
      let date = parseDate('--date', o.date);
      if (date === undefined) {
        const parts = await lakeObj.partitions(RATES_TRAINING_BASE);
        date = parts[parts.length - 1]?.partition.game_date;
        if (date === undefined) throw new UserError(`${lakeDir}: no gold/rates_training_base (run slatesim lake build)`);
      }
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

  cli
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

  cli
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
    .option('--quick', 'CI mode: 1,000 worlds, one repetition, the full slate only')
    .action(async (o: { json: string; lake?: string; date?: string; profile: string; worlds: string; backends: string; scopes: string; reps: string; seed: string; quick?: boolean }) => {
      await initParquetNode();
      const lakeDir = o.lake ?? resolve(PACKAGE_ROOT, EMBEDDED_LAKE_DIR);
      const lakeObj = new Lake(new NodeFileStore(lakeDir));
      const list = (flag: string, v: string, allowed: readonly string[]): string[] => {
        const items = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
        const badItem = items.find((x) => !allowed.includes(x));
        if (items.length === 0 || badItem !== undefined) throw new UserError(`${flag} must list ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
        return items;
      };
      const worlds = o.quick === true ? [1000] : o.worlds.split(',').map((w) => positiveInt('--worlds', w.trim(), 10_000_000));
      const backends = list('--backends', o.backends, ['cpu', 'gpu']) as ('cpu' | 'gpu')[];
      const scopes = (o.quick === true ? ['slate'] : list('--scopes', o.scopes, ['slate', 'game'])) as Scope[];
      const reps = o.quick === true ? 1 : positiveInt('--reps', o.reps, 100);
      const seed = positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true);
      let date = parseDate('--date', o.date);
      if (date === undefined) {
        const parts = await lakeObj.partitions(RATES_TRAINING_BASE);
        date = parts[parts.length - 1]?.partition.game_date;
        if (date === undefined) throw new UserError(`${lakeDir}: no gold/rates_training_base (run slatesim lake build)`);
      }
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
        reps,
        seed,
        json: o.json,
        binPath: resolve(PACKAGE_ROOT, 'bin/slatesim.js'),
        log: (line) => process.stderr.write(`${line}\n`),
      });
    });

  cli
    .command('bench-child', { hidden: true })
    .description('one bench configuration (JSON on stdin, result JSON on stdout)')
    .action(async () => {
      let input = '';
      for await (const chunk of process.stdin) input += String(chunk);
      const cfg = JSON.parse(input) as ChildConfig;
      await initParquetNode();
      const result = await runChild(cfg, new Lake(new NodeFileStore(cfg.lake)));
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  cli
    .command('diagnostics')
    .description('data checks')
    .command('usage-share-prep')
    .description('rebuild FGA/FTA/TOV from per-minute labels x minutes, check them against the box score, summarise shares')
    .requiredOption('--lake <dir>', 'lake root')
    .requiredOption('--start-date <date>', 'first date')
    .requiredOption('--end-date <date>', 'last date')
    .option('--max-days <n>', 'at most this many dates')
    .action(async (o: { lake: string; startDate: string; endDate: string; maxDays?: string }) => {
      const start = parseDate('--start-date', o.startDate) as string;
      const end = parseDate('--end-date', o.endDate) as string;
      let maxDays: number | undefined;
      if (o.maxDays !== undefined) {
        maxDays = Number(o.maxDays);
        if (!Number.isInteger(maxDays) || maxDays < 1) throw new UserError(`--max-days must be a positive integer, got ${JSON.stringify(o.maxDays)}`);
      }
      await initParquetNode();
      const rows = await usageSharePrep(new Lake(new NodeFileStore(o.lake)), start, end, maxDays);
      console.log(formatUsageSharePrep(rows));
      if (rows.some((d) => d.mismatches.fga + d.mismatches.fta + d.mismatches.tov > 0)) process.exitCode = 1;
    });

  cli
    .command('gpu')
    .description('report the WebGPU adapter (Dawn in Node) and check it computes exactly')
    .action(async () => {
      const { adapter, device } = await requestGpuDevice();
      try {
        console.log(describeAdapter(adapter));
        const n = 1 << 20;
        const input = new Uint32Array(n);
        for (let i = 0; i < n; i++) input[i] = Math.imul(i, 2654435761) >>> 0;
        const a = 1664525;
        const b = 1013904223;
        const out = await runSmokeAffine(device, a, b, input);
        let wrong = 0;
        for (let i = 0; i < n; i++) if (out[i] !== ((Math.imul(a, input[i] as number) + b) >>> 0)) wrong++;
        if (wrong > 0) throw new Error(`smoke kernel: ${wrong} of ${n} values differ from the CPU`);
        console.log(`smoke kernel: ${n} u32 values computed on the adapter equal the CPU's`);
      } finally {
        device.destroy();
      }
    });

  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isUserError(e)) {
      process.stderr.write(`slatesim: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}


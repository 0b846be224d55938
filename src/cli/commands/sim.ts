// `slatesim sim`: one date's slate through N worlds on the chosen backend; run-sim.ts writes the files.
import { loadShippedModel } from '../../features/pregame.ts';
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../data/errors.ts';
import { readCsvBytes } from '../../data/csv.ts';
import { RATES_TRAINING_BASE } from '../../data/tables.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { EMBEDDED_LAKE_DIR, EMBEDDED_PREGAME_LAKE_DIR } from '../../lake/embed.ts';
import { consoleProgress } from '../progress.ts';
import { GpuUnavailableError, describeAdapter, requestGpuDevice } from '../../../engine/gpu/device.ts';
import { defaultWorkers } from '../../../engine/cpu/pool.ts';
import { DEFAULT_PROFILES_FILE, loadProfile } from '../../../engine/profile.ts';
import { runSim } from '../run-sim.ts';
import { runPregameSim } from '../run-pregame.ts';
import { gpuBackend, type Backend } from '../../../engine/core/backend.ts';
import { DEFAULT_SHARD_WORLDS, redisBackend } from '../../distributed/backend.ts';
import { checkResultsDir } from '../../distributed/results-dir.ts';
import { cpuBackend } from '../../../engine/core/cpu-workers.ts';
import type { Lake } from '../../data/lake.ts';
import { pregameFolderFiles, readPregameInputs, type PregameFiles, type PregameInputs } from '../../pregame/inputs.ts';
import { scoreStage, type ContestFlags, type LineupStage } from '../../lineups/stage.ts';
import { parseShareModel, type ShareModel } from '../../shares/model.ts';
import { openLake } from '../../index.ts';
import {
  PACKAGE_ROOT,
  checkLakeFolder,
  checkRunName,
  checkWritableFolder,
  positiveInt,
  readTextFile,
  shippedShareModel,
  slateDate,
} from '../args.ts';

export interface SimCliOptions {
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
  /** the run name when --run is not given (a command's own default; it takes a free -2, -3... when taken) */
  defaultRun?: string;
  overwrite?: boolean;
  saveWorlds?: boolean;
  dkCsv?: string;
  injuries?: string;
  lines?: string;
  starters?: string;
  minutes?: string;
  inputs?: string;
  mode?: string;
  exportDk?: string;
  playerOut?: string;
  sharesModel?: string;
  lineups?: string;
  thresholds?: string;
  payouts?: string;
  entryFee?: string;
  entries?: string;
  field?: string;
  ownership?: string;
  fieldSeed?: string;
  exportUpload?: string;
  redis?: string;
  shardWorlds?: string;
  resultsDir?: string;
}

export function registerSim(parent: Command): void {
  const cmd = parent.command('sim').description("simulate a date's slate: N worlds per game, per-player DraftKings distributions");
  addRunOptions(cmd);
  cmd
    .option('--save-worlds', 'also write every world (worlds.parquet, team_worlds.parquet)')
    .option('--export-dk <file>', 'pregame: also write a DKSalaries-shaped CSV with our mean, floor (p10) and ceiling (p90)')
    .option(
      '--mode <mode>',
      "pregame (default with --dk-csv or --inputs: history strictly before the date) | box-score (research: the slate from the date's box score)",
    )
    .option('--player-out <ids>', 'comma-separated player ids to rule out (their minutes and usage move to teammates)')
    .option(
      '--lineups <file>',
      'pregame: lineups to score in every world (DraftKings upload CSV: PG,SG,SF,PF,C,G,F,UTIL or CPT,UTIL x5; or DraftKings ids, one lineup per line): writes lineups.parquet/.csv and lineups_set.json',
    )
    .option(
      '--thresholds <points>',
      'with --lineups: comma-separated scores X for the P(score >= X) columns (default 250,300,350; showdown 150,200,250)',
    )
    .option('--export-upload <file>', "with --lineups: DraftKings' bulk upload CSV of the lineups")
    .option(
      '--redis <url>',
      'many machines: put the worlds on this Redis as shards for `slatesim worker`s, merge their results (same bytes)',
    )
    .option(
      '--shard-worlds <n>',
      `with --redis: worlds per shard (default ${DEFAULT_SHARD_WORLDS}; on the CPU rounded up to a multiple of --chunk)`,
    )
    .option(
      '--results-dir <dir>',
      'with --redis: a folder shared with every worker (each names it with its own --results-dir): shard results go there, not into Redis (for --save-worlds and large lineup sets)',
    );
  addContestOptions(cmd);
  cmd.action(async (o: SimCliOptions) => {
    await initParquetNode();
    const { files, prepared } = await prepareRun(o);
    const { lakeObj, lakeDir, embedded, worlds, seed, chunk, workers } = prepared;
    if (files !== undefined) {
      await runPregame(o, files, prepared);
      return;
    }
    const date = await slateDate(lakeObj, lakeDir, o.date);
    const playerOut = new Set<number>();
    for (const id of (o.playerOut ?? '').split(',').filter((x) => x.trim() !== '')) {
      if (!/^\d+$/.test(id.trim()))
        throw new UserError(`--player-out must be comma-separated player ids, got ${JSON.stringify(o.playerOut)}`);
      playerOut.add(Number(id.trim()));
    }
    const profile = await loadProfile(o.profile, o.profiles ?? DEFAULT_PROFILES_FILE);
    let shareModel: ShareModel | undefined;
    if (o.sharesModel !== undefined) shareModel = parseShareModel(await readTextFile(o.sharesModel, '--shares-model'), o.sharesModel);
    else shareModel = await shippedShareModel(profile.usage_shares.enabled, date);
    if ((await lakeObj.partitions(RATES_TRAINING_BASE, { startDate: date, endDate: date })).length === 0) {
      throw new UserError(`--date ${date}: no available players in gold/rates_training_base for that date`);
    }
    const out = o.out ?? (embedded ? resolve('out/sim/projections') : join(lakeDir, 'artifacts/sim/projections'));
    await checkWritableFolder(out, '--out');
    const remote = await remoteBackend(o, chunk);
    // The device last, after every input is validated: a user mistake never waits on (or prints from) Dawn.
    const gpu = remote === undefined ? await openGpu(o.backend) : undefined;
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
      runExplicit: o.run !== undefined,
      overwrite: o.overwrite === true,
      saveWorlds: o.saveWorlds === true,
      ...(o.dkCsv !== undefined ? { dkCsv: { text: await readCsvBytes(o.dkCsv), file: o.dkCsv } } : {}),
      playerOut,
      ...(shareModel !== undefined ? { shareModel } : {}),
      ...(playerOut.size > 0 ? { minutesModel: await loadShippedModel() } : {}),
      ...(gpu !== undefined ? { gpu } : {}),
      ...(remote !== undefined ? { backend: remote } : {}),
      progress: consoleProgress(),
    });
    gpu?.device.destroy();
    const m = result.metrics as {
      runtime_s: number;
      player_worlds_per_s: number;
      conservation: { target_violations: number };
      vegas_anchoring: { max_abs_relative_error: number };
    };
    const top = [...result.rows].sort((a, b) => (b.dk_fpts_mean as number) - (a.dk_fpts_mean as number)).slice(0, 8);
    const backend =
      remote !== undefined
        ? remote.label
        : gpu === undefined
          ? `cpu (${workers} workers)`
          : `gpu (${gpu.adapter.replace(/^WebGPU adapter: /, '').split(';')[0]})`;
    console.log(
      `sim ${date}: ${worlds} worlds x ${new Set(result.rows.map((r) => r.game_id)).size} games, ${result.rows.length} players, profile ${o.profile}, backend ${backend}`,
    );
    console.log(`  usage-share base: ${String(result.metrics.share_base)}`);
    console.log(
      `  ${m.runtime_s.toFixed(1)}s, ${(m.player_worlds_per_s / 1e6).toFixed(2)}M player-worlds/s; conservation violations ${m.conservation.target_violations}; team points vs implied within ${(100 * m.vegas_anchoring.max_abs_relative_error).toFixed(2)}%`,
    );
    console.log('  top projections (DK points mean / p10 / p90):');
    for (const r of top)
      console.log(
        `    ${String(r.player_name).padEnd(26)} ${(r.dk_fpts_mean as number).toFixed(1).padStart(6)} ${(r.dk_fpts_p10 as number).toFixed(1).padStart(6)} ${(r.dk_fpts_p90 as number).toFixed(1).padStart(6)}  min ${(r.minutes_mean as number).toFixed(1)}`,
      );
    console.log(`wrote ${result.dir}/{projections.parquet,projections.csv,metrics.json}${o.saveWorlds === true ? ' + worlds' : ''}`);
  });
}

/** The flags every simulating command shares: the lake, the slate's files, the worlds and where they go. */
export function addRunOptions(cmd: Command): void {
  cmd
    .option(
      '--lake <dir>',
      'lake root (default: the embedded 2023-24 slice; in pregame mode the embedded 2025-26 history before 2026-03-15)',
    )
    .option('--date <date>', 'slate date (default: the last date in the lake)')
    .option('--profile <name>', 'profile in config/profiles.json', 'usage_shares_v1')
    .option('--profiles <file>', 'profiles file (default: config/profiles.json)')
    .option('--worlds <n>', 'worlds per game', '10000')
    .option('--seed <n>', 'random seed (same seed, same bytes)', '1')
    .option('--backend <name>', 'auto | cpu | gpu', 'auto')
    .option('--workers <n>', 'CPU worker threads (default: all cores)')
    .option(
      '--chunk <n>',
      "worlds per kernel batch (default: 2048 on the CPU; on the GPU as many as the adapter's limits allow, up to 65536)",
    )
    .option('--out <dir>', 'output root (default: <lake>/artifacts/sim/projections, or out/sim/projections for the embedded lake)')
    .option('--run <name>', 'run name (default: <profile>-s<seed>-w<worlds>, with -2, -3... when that run exists)')
    .option('--overwrite', 'replace the run folder when it exists (without it an existing --run is an error)')
    .option(
      '--dk-csv <file>',
      "tonight's DraftKings salary export (DKSalaries.csv): the slate is its players (pregame mode); with --mode box-score it only adds salary and dk_position",
    )
    .option('--injuries <file>', 'pregame: injury report (player_name,team,status[,comment,...])')
    .option('--lines <file>', 'pregame: lines (game_date,home_team,away_team,home_spread,total)')
    .option('--starters <file>', 'pregame: projected starters (player_name,team); without it starters are predicted')
    .option('--minutes <file>', 'pregame: minutes overrides (player_name,team,minutes): they replace p50')
    .option('--inputs <dir>', 'pregame: a folder holding DKSalaries.csv and any of injuries.csv, lines.csv, starters.csv, minutes.csv')
    .option('--shares-model <file>', 'share model JSON (default: the shipped one when it was trained before the date; else rate_weighted)');
}

/** What every run checks and opens first: the numeric flags, the run name, the pregame files, the lake. */
export async function prepareRun(o: SimCliOptions): Promise<{ files: PregameFiles | undefined; prepared: Prepared }> {
  checkRemoteFlags(o);
  const worlds = positiveInt('--worlds', o.worlds, 10_000_000);
  const seed = positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true);
  const chunk = o.chunk === undefined ? undefined : positiveInt('--chunk', o.chunk, 1 << 20);
  const workers = o.workers === undefined ? defaultWorkers() : positiveInt('--workers', o.workers, 256);
  if (!['auto', 'cpu', 'gpu'].includes(o.backend))
    throw new UserError(`--backend must be auto, cpu or gpu, got ${JSON.stringify(o.backend)}`);
  // a run name is a folder name: checked before any work (it once climbed out of --out)
  if (o.run !== undefined) checkRunName('--run', o.run);
  const files = await pregameFiles(o);
  // Without --lake, pregame mode reads the embedded pregame lake (the 2025-26 history before its slate),
  // box-score mode the embedded 2023-24 slice.
  const embedded = o.lake === undefined;
  if (o.lake !== undefined) checkLakeFolder(o.lake);
  const lakeDir = o.lake ?? resolve(PACKAGE_ROOT, files !== undefined ? EMBEDDED_PREGAME_LAKE_DIR : EMBEDDED_LAKE_DIR);
  const lakeObj = await openLake(lakeDir);
  return { files, prepared: { lakeObj, lakeDir, embedded, worlds, seed, chunk, workers } };
}

/** The contest flags of sim --lineups and lineups build. */
export function addContestOptions(cmd: Command): void {
  cmd
    .option(
      '--payouts <file>',
      'with lineups: the contest payout table (rank_min,rank_max,prize), for win %, cash %, expected payout and ROI',
    )
    .option('--entry-fee <dollars>', 'with --payouts: the entry fee', '0')
    .option('--entries <n>', "with --payouts: the contest's size, every entry (yours included)")
    .option('--field <file>', "with --payouts: the other entries' lineups (same layouts as --lineups)")
    .option('--ownership <file>', 'with --payouts: player,ownership to draw the other entries from (instead of --field)')
    .option('--field-seed <n>', 'with --ownership: seed of the drawn field (default: --seed)');
}

/** The contest's files and terms, read before any work; undefined without --payouts. */
export async function readContestFlags(o: SimCliOptions, seed: number): Promise<ContestFlags | undefined> {
  const contestOnly = (['field', 'ownership', 'entries', 'fieldSeed'] as const).filter((k) => o[k] !== undefined);
  if (o.payouts === undefined) {
    const first = contestOnly[0];
    if (first !== undefined) throw new UserError(`--${first.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --payouts FILE`);
    return undefined;
  }
  if (o.entries === undefined) throw new UserError("--payouts needs --entries N (the contest's size)");
  if (o.field !== undefined && o.ownership !== undefined)
    throw new UserError('--field and --ownership: give one (the field, or ownership to draw it from)');
  const fee = Number(o.entryFee ?? '0');
  if (!/^\d+(\.\d{1,2})?$/.test(o.entryFee ?? '0') || !Number.isFinite(fee))
    throw new UserError(`--entry-fee must be dollars (e.g. 20 or 3.50), got ${JSON.stringify(o.entryFee)}`);
  return {
    payouts: { text: await readTextFile(o.payouts, '--payouts'), file: o.payouts },
    entryFee: fee,
    entries: positiveInt('--entries', o.entries, 10_000_000),
    ...(o.field !== undefined ? { field: { text: await readTextFile(o.field, '--field'), file: o.field } } : {}),
    ...(o.ownership !== undefined ? { ownership: { text: await readTextFile(o.ownership, '--ownership'), file: o.ownership } } : {}),
    seed: o.fieldSeed !== undefined ? positiveInt('--field-seed', o.fieldSeed, Number.MAX_SAFE_INTEGER, true) : seed,
  };
}

/** --thresholds: comma-separated DraftKings scores. */
export function parseThresholds(v: string): number[] {
  const xs = v.split(',').map((x) => x.trim());
  for (const x of xs)
    if (!/^-?\d+(\.\d+)?$/.test(x))
      throw new UserError(`--thresholds must be comma-separated scores, got ${JSON.stringify(x)} in ${JSON.stringify(v)}`);
  return xs.map(Number);
}

/** The flags that need --redis, or do not go with it, refused before any work (one line naming the flag). */
export function checkRemoteFlags(o: SimCliOptions): void {
  if (o.redis === undefined) {
    if (o.shardWorlds !== undefined) throw new UserError('--shard-worlds needs --redis URL');
    if (o.resultsDir !== undefined) throw new UserError('--results-dir needs --redis URL');
    return;
  }
  if (o.payouts !== undefined)
    throw new UserError(
      "--payouts with --redis: a contest ranks every world's lineup scores in one process, and the workers send back counts; run it without --redis",
    );
}

/**
 * With --redis: the queue backend (workers on other machines run the shards: GPU workers with --backend gpu,
 * CPU workers otherwise), after the flags that do not go with it are refused; an unreachable Redis is one line
 * naming the URL. Without: undefined.
 */
export async function remoteBackend(o: SimCliOptions, chunk: number | undefined): Promise<Backend | undefined> {
  checkRemoteFlags(o);
  if (o.redis === undefined) return undefined;
  const shardWorlds = o.shardWorlds === undefined ? undefined : positiveInt('--shard-worlds', o.shardWorlds, 10_000_000);
  if (o.resultsDir !== undefined) await checkResultsDir(o.resultsDir);
  return redisBackend({
    url: o.redis,
    backend: o.backend === 'gpu' ? 'gpu' : 'cpu',
    ...(shardWorlds !== undefined ? { shardWorlds } : {}),
    ...(chunk !== undefined ? { chunk } : {}),
    ...(o.resultsDir !== undefined ? { resultsDir: o.resultsDir } : {}),
  });
}

/** The WebGPU device for `--backend auto|gpu` (undefined: the CPU path; auto says why on stderr). */
export async function openGpu(backend: string): Promise<{ device: GPUDevice; adapter: string } | undefined> {
  if (backend === 'cpu') return undefined;
  try {
    const ctx = await requestGpuDevice();
    return { device: ctx.device, adapter: describeAdapter(ctx.adapter) };
  } catch (e) {
    if (backend === 'gpu' || !(e instanceof GpuUnavailableError)) throw e;
    process.stderr.write(`slatesim: ${e.message}; running the CPU path\n`);
    return undefined;
  }
}

/** The pregame files of the flags (`--inputs DIR` supplies those not given), or undefined in box-score mode. */
// eslint-disable-next-line @typescript-eslint/require-await -- async so that its UserErrors reach the caller's await as rejections
export async function pregameFiles(o: SimCliOptions): Promise<PregameFiles | undefined> {
  const mode = o.mode ?? (o.dkCsv !== undefined || o.inputs !== undefined ? 'pregame' : 'box-score');
  if (mode !== 'pregame' && mode !== 'box-score') throw new UserError(`--mode must be pregame or box-score, got ${JSON.stringify(o.mode)}`);
  const pregameOnly = (
    ['injuries', 'lines', 'starters', 'minutes', 'inputs', 'exportDk', 'lineups', 'thresholds', 'payouts', 'exportUpload'] as const
  ).filter((k) => o[k] !== undefined);
  if (mode === 'box-score') {
    const first = pregameOnly[0];
    if (first !== undefined)
      throw new UserError(
        `--${first.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is a pregame flag: it needs --dk-csv or --inputs, not --mode box-score`,
      );
    return undefined;
  }
  if (o.playerOut !== undefined)
    throw new UserError('--player-out is for the box-score mode; in pregame mode list the players as Out in --injuries');
  // --inputs DIR supplies the files its flags do not name; a flag wins over the folder's file.
  let folder: Partial<PregameFiles> = {};
  if (o.inputs !== undefined) {
    if (!existsSync(o.inputs) || !statSync(o.inputs).isDirectory()) throw new UserError(`--inputs ${o.inputs}: not a folder`);
    folder = pregameFolderFiles(o.inputs);
  }
  const named = { dkCsv: o.dkCsv, injuries: o.injuries, lines: o.lines, starters: o.starters, minutes: o.minutes };
  const files: Partial<PregameFiles> = { ...folder };
  for (const [k, v] of Object.entries(named) as [keyof PregameFiles, string | undefined][]) if (v !== undefined) files[k] = v;
  const { dkCsv, ...optional } = files;
  if (dkCsv === undefined) {
    throw new UserError(
      o.inputs !== undefined ? `--inputs ${o.inputs}: no DKSalaries.csv` : 'pregame mode needs --dk-csv FILE or --inputs DIR',
    );
  }
  return { dkCsv, ...optional };
}

export interface Prepared {
  lakeObj: Lake;
  lakeDir: string;
  embedded: boolean;
  worlds: number;
  seed: number;
  chunk: number | undefined;
  workers: number;
}

export async function runPregame(
  o: SimCliOptions,
  files: PregameFiles,
  p: Prepared,
  stageOf?: (inputs: PregameInputs) => LineupStage | Promise<LineupStage>,
): Promise<void> {
  const profile = await loadProfile(o.profile, o.profiles ?? DEFAULT_PROFILES_FILE);
  const date = o.date === undefined ? undefined : o.date;
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new UserError(`--date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  // Every input is read and checked before the model, the device or a world.
  const inputs = await readPregameInputs(files, date);
  let lineupStage = stageOf;
  if (lineupStage === undefined && o.lineups !== undefined) {
    const lineupsFile = o.lineups;
    const text = await readTextFile(lineupsFile, '--lineups');
    const thresholds = o.thresholds !== undefined ? parseThresholds(o.thresholds) : undefined;
    const contest = await readContestFlags(o, p.seed);
    lineupStage = (ins) =>
      scoreStage([...ins.dkRows, ...ins.captainRows], {
        text,
        file: lineupsFile,
        ...(thresholds !== undefined ? { thresholds } : {}),
        ...(contest !== undefined ? { contest } : {}),
      });
  } else if (o.payouts !== undefined && stageOf === undefined)
    throw new UserError('--payouts needs lineups: --lineups FILE (or lineups build)');
  let shareModel: ShareModel | undefined;
  if (o.sharesModel !== undefined) shareModel = parseShareModel(await readTextFile(o.sharesModel, '--shares-model'), o.sharesModel);
  else shareModel = await shippedShareModel(profile.usage_shares.enabled, inputs.date);
  const out = o.out ?? (p.embedded ? resolve('out/sim/projections') : join(p.lakeDir, 'artifacts/sim/projections'));
  await checkWritableFolder(out, '--out');
  const remote = await remoteBackend(o, p.chunk);
  const gpu = remote === undefined ? await openGpu(o.backend) : undefined;
  const backend =
    remote ??
    (gpu !== undefined
      ? gpuBackend(gpu.device, { adapter: gpu.adapter, ...(p.chunk !== undefined ? { chunk: p.chunk } : {}) })
      : cpuBackend({ workers: p.workers, ...(p.chunk !== undefined ? { chunk: p.chunk } : {}) }));
  try {
    const r = await runPregameSim({
      lake: p.lakeObj,
      inputs,
      profile,
      profileName: o.profile,
      worlds: p.worlds,
      seed: p.seed,
      backend,
      out,
      ...(o.run !== undefined ? { run: o.run } : {}),
      ...(o.defaultRun !== undefined ? { defaultRun: o.defaultRun } : {}),
      ...(o.overwrite === true ? { overwrite: true } : {}),
      ...(o.exportDk !== undefined ? { exportDk: o.exportDk } : {}),
      ...(shareModel !== undefined ? { shareModel } : {}),
      ...(lineupStage !== undefined ? { lineupStage } : {}),
      ...(o.exportUpload !== undefined ? { exportUpload: o.exportUpload } : {}),
      ...(o.saveWorlds === true ? { saveWorlds: true } : {}),
      progress: consoleProgress(),
    });
    const { sim } = r;
    const m = sim.metrics as {
      matched: number;
      players: number;
      removed: number;
      slate_build_s: number;
      line_fallback_games: readonly string[];
    };
    console.log(
      `sim ${sim.date} (pregame): ${p.worlds} worlds x ${sim.slate.nGames} games, ${sim.dkRows.length} DraftKings rows (${m.matched} matched, ${m.removed} out), backend ${backend.label}`,
    );
    console.log(
      `  slate built from history before ${sim.date} in ${m.slate_build_s.toFixed(1)}s; games on the fallback line: ${m.line_fallback_games.length}`,
    );
    console.log(`  usage-share base: ${sim.slate.shareSource}; team points vs implied within ${(100 * sim.maxAnchorError).toFixed(2)}%`);
    console.log('  top projections (DK points mean / p10 / p90, salary):');
    const top = sim.dkRows
      .filter((r) => r.roster_position !== 'CPT')
      .sort((a, b) => (b.dk_fpts_mean as number) - (a.dk_fpts_mean as number))
      .slice(0, 8);
    for (const row of top)
      console.log(
        `    ${String(row.player_name).padEnd(26)} ${(row.dk_fpts_mean as number).toFixed(1).padStart(6)} ${(row.dk_fpts_p10 as number).toFixed(1).padStart(6)} ${(row.dk_fpts_p90 as number).toFixed(1).padStart(6)}  $${String(row.salary)}`,
      );
    for (const line of r.lineupSummary ?? []) console.log(line);
    const also = [o.exportDk, r.lineupSummary !== undefined ? o.exportUpload : undefined].filter((x) => x !== undefined);
    console.log(
      `wrote ${r.dir}/{projections.parquet,projections.csv,${r.lineupSummary !== undefined ? 'lineups.parquet,lineups.csv,lineups_set.json,' : ''}metrics.json}${also.length > 0 ? ` and ${also.join(', ')}` : ''}`,
    );
  } finally {
    gpu?.device.destroy();
  }
}

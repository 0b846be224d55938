// `slatesim lineups score`: lineups scored over a run saved with its worlds, written beside its projections
// (lineups.parquet, lineups.csv, lineups_set.json), each file by temporary name and rename.
import type { Command } from 'commander';
import { initParquetNode } from '../../data/parquet-node.ts';
import { frameToParquet } from '../../data/parquet.ts';
import { frameFromRows } from '../../data/schema.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { defaultThresholds, lineupRows, lineupsSchema, setSummary } from '../../lineups/report.ts';
import { savedRun, scoreSavedRun } from '../../lineups/saved-run.ts';
import { checkOutputFile, positiveInt, readTextFile, shippedShareModel } from '../args.ts';
import { writeFile } from 'node:fs/promises';
import { openLake } from '../../index.ts';
import { loadProfile, DEFAULT_PROFILES_FILE } from '../../../engine/profile.ts';
import { gpuBackend } from '../../../engine/core/backend.ts';
import { cpuBackend } from '../../../engine/core/cpu-workers.ts';
import type { ShareModel } from '../../shares/model.ts';
import { pregameFolders } from '../../backtest/pregame.ts';
import { runLineupValue } from '../../lineups/value.ts';
import { consoleProgress } from '../progress.ts';
import { toCsv } from '../run-sim.ts';
import {
  addContestOptions,
  addRunOptions,
  openGpu,
  parseThresholds,
  prepareRun,
  readContestFlags,
  runPregame,
  type SimCliOptions,
} from './sim.ts';
import { UserError } from '../../data/errors.ts';
import { headeredCsv } from '../../pregame/files.ts';
import { idOfCell, readLineups } from '../../lineups/read.ts';
import type { Objective } from '../../lineups/build.ts';
import { buildStage, type ConstraintFlags } from '../../lineups/stage.ts';

interface BuildCliOptions extends SimCliOptions {
  n: string;
  objective: string;
  candidates: string;
  maxExposure?: string;
  exposures?: string;
  minSalary?: string;
  lock?: string;
  exclude?: string;
  maxPerTeam?: string;
  teamStack?: string;
  gameStack?: string;
  minUnique?: string;
}

const ids = (flag: string, v: string | undefined): number[] | undefined => {
  if (v === undefined) return undefined;
  const out = v.split(',').map((x) => idOfCell(x));
  const bad = out.findIndex((x) => x === null);
  if (bad >= 0) throw new UserError(`${flag} must be comma-separated DraftKings ids, got ${JSON.stringify(v.split(',')[bad])}`);
  return out as number[];
};

const fraction = (flag: string, v: string): number => {
  const x = Number(v.replace(/%$/, '')) / (v.endsWith('%') ? 100 : 1);
  if (!/^\d+(\.\d+)?%?$/.test(v.trim()) || !(x >= 0 && x <= 1))
    throw new UserError(`${flag} must be a fraction 0..1 or a percent, got ${JSON.stringify(v)}`);
  return x;
};

/** --objective mean | p<NN> (each player's NN-th percentile) | sim (optimal in sampled worlds, then best-of-set). */
function objectiveOf(v: string, candidates: number): Objective {
  if (v === 'mean') return { kind: 'mean' };
  if (v === 'sim') return { kind: 'sim', candidates };
  const m = /^p(\d{1,2})$/.exec(v);
  if (m !== null && Number(m[1]) >= 1) return { kind: 'quantile', q: Number(m[1]) / 100 };
  throw new UserError(`--objective must be mean, sim or a percentile such as p75 or p90, got ${JSON.stringify(v)}`);
}

/** --team-stack 3 | 3,2 | PHI:3 ; --game-stack 4 | 4:1 | POR@PHI:4:1 (min, then bring-back from each team). */
function stacksOf(o: BuildCliOptions): Pick<ConstraintFlags, 'teamStacks' | 'gameStacks'> {
  const teamStacks = o.teamStack?.split(',').map((x) => {
    const m = /^(?:([A-Za-z]{2,4}):)?(\d)$/.exec(x.trim());
    if (m === null) throw new UserError(`--team-stack must be counts such as 3 or 3,2 or PHI:3, got ${JSON.stringify(x)}`);
    return { min: Number(m[2]), ...(m[1] !== undefined ? { team: m[1].toUpperCase() } : {}) };
  });
  const gameStacks = o.gameStack?.split(',').map((x) => {
    const m = /^(?:([A-Za-z]{2,4}@[A-Za-z]{2,4}):)?(\d)(?::(\d))?$/.exec(x.trim());
    if (m === null)
      throw new UserError(
        `--game-stack must be a count with an optional bring-back, such as 4 or 4:1 or POR@PHI:4:1, got ${JSON.stringify(x)}`,
      );
    return {
      min: Number(m[2]),
      ...(m[3] !== undefined ? { bringBack: Number(m[3]) } : {}),
      ...(m[1] !== undefined ? { game: m[1].toUpperCase() } : {}),
    };
  });
  return { ...(teamStacks !== undefined ? { teamStacks } : {}), ...(gameStacks !== undefined ? { gameStacks } : {}) };
}

/** --exposures FILE: player,min,max (ids or "Name (ID)"; fractions or percents; a blank side is unlimited). */
function exposuresOf(text: string, file: string): NonNullable<ConstraintFlags['exposures']> {
  const csv = headeredCsv(text, file, ['player']);
  return csv.rows.map((r) => {
    const id = idOfCell(csv.cell(r, 'player'));
    if (id === null)
      throw new UserError(
        `${file} line ${r.line}, column "player": ${JSON.stringify(csv.cell(r, 'player'))} is not a DraftKings id or "Name (ID)"`,
      );
    const side = (c: string): number | undefined =>
      csv.cell(r, c) === '' ? undefined : fraction(`${file} line ${r.line}, column "${c}"`, csv.cell(r, c));
    const min = side('min');
    const max = side('max');
    return { dkId: id, where: `${file} line ${r.line}`, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  });
}

export function registerLineups(parent: Command): void {
  const lineups = parent.command('lineups').description('lineups judged across the worlds: score them, build them');
  lineups
    .command('value')
    .description(
      'over real slates (DIR/game_date=D/ as at lock): the sim-aware set of N against the set by mean, scored by what really happened',
    )
    .requiredOption('--inputs <dir>', 'folders game_date=D/ with DKSalaries.csv and the injuries, lines and starters of lock')
    .requiredOption('--lake <dir>', "a lake holding the slates' history and their box scores")
    .option('--n <n>', 'lineups per set', '20')
    .option('--max-exposure <x>', 'the exposure cap of both sets', '0.5')
    .option('--worlds <n>', 'worlds per game', '2000')
    .option('--candidates <k>', "the sim-aware set's sampled worlds", '200')
    .option('--seed <n>', 'random seed', '1')
    .option('--backend <name>', 'cpu | gpu', 'cpu')
    .option('--profile <name>', 'profile in config/profiles.json', 'usage_shares_v1')
    .requiredOption('--json <file>', 'the report')
    .action(
      async (o: {
        inputs: string;
        lake: string;
        n: string;
        maxExposure: string;
        worlds: string;
        candidates: string;
        seed: string;
        backend: string;
        profile: string;
        json: string;
      }) => {
        await initParquetNode();
        if (!['cpu', 'gpu'].includes(o.backend)) throw new UserError(`--backend must be cpu or gpu, got ${JSON.stringify(o.backend)}`);
        await checkOutputFile(o.json, '--json');
        const lake = await openLake(o.lake);
        const profile = await loadProfile(o.profile, DEFAULT_PROFILES_FILE);
        const gpu = o.backend === 'gpu' ? await openGpu('gpu') : undefined;
        const models = new Map<string, ShareModel | undefined>();
        const pendingDates = pregameFolders(o.inputs).map((f) => f.date);
        for (const d of pendingDates) models.set(d, await shippedShareModel(profile.usage_shares.enabled, d));
        const report = await runLineupValue({
          lake,
          inputsDir: o.inputs,
          profile,
          backend: gpu !== undefined ? gpuBackend(gpu.device, { adapter: gpu.adapter }) : cpuBackend({}),
          worlds: positiveInt('--worlds', o.worlds, 1_000_000),
          seed: positiveInt('--seed', o.seed, Number.MAX_SAFE_INTEGER, true),
          n: positiveInt('--n', o.n, 150),
          maxExposure: fraction('--max-exposure', o.maxExposure),
          candidates: positiveInt('--candidates', o.candidates, 100_000),
          shareModelFor: (d) => models.get(d),
          progress: consoleProgress(),
        });
        gpu?.device.destroy();
        await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
        const f = (x: number): string => x.toFixed(1);
        console.log(
          `lineups value over ${report.slates} slates (${report.n} lineups a set, exposure cap ${report.max_exposure}, ${report.worlds} worlds): best real score a slate, mean set ${f(report.mean_set.best_real_avg)}, sim-aware set ${f(report.sim_set.best_real_avg)}; sim-aware higher on ${(100 * report.sim_set.slates_higher).toFixed(0)}% of slates, mean higher on ${(100 * report.mean_set.slates_higher).toFixed(0)}%; difference ${f(report.best_real_diff.mean)} +- ${f(report.best_real_diff.se)}${report.best_real_diff.within_noise ? ' (inside the noise)' : ''}`,
        );
      },
    );
  const build = lineups
    .command('build')
    .description("simulate tonight's slate (the sim's pregame flags) and build N DraftKings lineups from the worlds with a MIP (HiGHS)");
  addRunOptions(build);
  build
    .requiredOption('--n <n>', 'lineups to build')
    .option(
      '--objective <kind>',
      'mean | p75, p90, ... (each player at that percentile) | sim (optimal lineups of sampled worlds, chosen greedily for the best expected best-of-set score)',
      'mean',
    )
    .option('--candidates <k>', 'with --objective sim: worlds whose optimal lineup joins the candidates', '200')
    .option('--max-exposure <x>', 'every player in at most this share of the lineups (0..1 or a percent)')
    .option('--exposures <file>', 'per-player limits: player,min,max (DraftKings ids; shares or percents)')
    .option('--min-salary <s>', 'every lineup spends at least this')
    .option('--lock <ids>', 'DraftKings ids in every lineup')
    .option('--exclude <ids>', 'DraftKings ids in none')
    .option('--max-per-team <k>', 'at most k players from one team')
    .option('--team-stack <spec>', 'at least k from one team: 3, or 3,2 (two teams), or PHI:3')
    .option('--game-stack <spec>', 'at least k from one game with a bring-back: 4, 4:1, or POR@PHI:4:1')
    .option('--min-unique <u>', 'every two lineups differ in at least u players', '1')
    .option('--thresholds <points>', 'comma-separated scores X for the P(score >= X) columns (default 250,300,350; showdown 150,200,250)')
    .option('--export-upload <file>', "DraftKings' bulk upload CSV of the built lineups");
  addContestOptions(build);
  build.action(async (o: BuildCliOptions) => {
    await initParquetNode();
    const n = positiveInt('--n', o.n, 10_000);
    const objective = objectiveOf(o.objective, positiveInt('--candidates', o.candidates, 100_000));
    const constraints: ConstraintFlags = {
      n,
      ...(o.maxExposure !== undefined ? { maxExposure: fraction('--max-exposure', o.maxExposure) } : {}),
      ...(o.minSalary !== undefined ? { minSalary: positiveInt('--min-salary', o.minSalary, 100_000, true) } : {}),
      ...(o.maxPerTeam !== undefined ? { maxPerTeam: positiveInt('--max-per-team', o.maxPerTeam, 8) } : {}),
      minUnique: positiveInt('--min-unique', o.minUnique ?? '1', 8),
      ...(o.exposures !== undefined ? { exposures: exposuresOf(await readTextFile(o.exposures, '--exposures'), o.exposures) } : {}),
      ...stacksOf(o),
    };
    const locks = ids('--lock', o.lock);
    const excludes = ids('--exclude', o.exclude);
    if (locks !== undefined) constraints.locks = locks;
    if (excludes !== undefined) constraints.excludes = excludes;
    const thresholds = o.thresholds !== undefined ? parseThresholds(o.thresholds) : undefined;
    const { files, prepared } = await prepareRun(o);
    if (files === undefined) throw new UserError("lineups build needs tonight's slate: --dk-csv FILE or --inputs DIR");
    const contest = await readContestFlags(o, prepared.seed);
    await runPregame(
      { ...o, defaultRun: `${o.profile}-s${prepared.seed}-w${prepared.worlds}-build${n}-${o.objective}` },
      files,
      prepared,
      (inputs) =>
        buildStage([...inputs.dkRows, ...inputs.captainRows], {
          worlds: prepared.worlds,
          objective,
          constraints,
          ...(thresholds !== undefined ? { thresholds } : {}),
          ...(contest !== undefined ? { contest } : {}),
        }),
    );
  });

  lineups
    .command('score')
    .description('score lineups over a run saved with --save-worlds (pregame mode, so its rows carry DraftKings ids)')
    .requiredOption('--run <dir>', 'the run folder (…/game_date=D/run=R) holding projections.parquet and worlds.parquet')
    .requiredOption(
      '--lineups <file>',
      'DraftKings upload CSV (PG,SG,SF,PF,C,G,F,UTIL or CPT,UTIL x5) or DraftKings ids, one lineup per line',
    )
    .option('--thresholds <points>', 'comma-separated scores X for the P(score >= X) columns (default 250,300,350; showdown 150,200,250)')
    .action(async (o: { run: string; lineups: string; thresholds?: string }) => {
      await initParquetNode();
      const text = await readTextFile(o.lineups, '--lineups');
      const thresholdsAsked = o.thresholds !== undefined ? parseThresholds(o.thresholds) : undefined;
      const run = await savedRun(o.run);
      const lineupsRead = readLineups(text, o.lineups, run.pool.rules, run.pool.players);
      const acc = scoreSavedRun(run, lineupsRead);
      const thresholds = thresholdsAsked ?? defaultThresholds(run.pool.rules);
      const schema = lineupsSchema(run.pool.rules, thresholds, false);
      const rows = lineupRows(run.pool, lineupsRead, acc, thresholds);
      const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
      const store = new NodeFileStore(o.run);
      await store.writeFileAtomic('lineups.parquet', frameToParquet(frameFromRows(schema, rows)));
      await store.writeFileAtomic('lineups.csv', enc(toCsv(schema, rows)));
      await store.writeFileAtomic('lineups_set.json', enc(`${JSON.stringify(setSummary(run.pool, lineupsRead, acc), null, 2)}\n`));
      console.log(
        `lineups score: ${lineupsRead.length} lineups x ${run.worlds} worlds; wrote ${o.run}/{lineups.parquet,lineups.csv,lineups_set.json}`,
      );
    });
}

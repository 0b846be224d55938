// `slatesim sim --dk-csv ...` (pregame mode): tonight's slate from the user's files (src/pregame/simulate.ts),
// written atomically as <out>/game_date=D/run=R/{projections.parquet, projections.csv, metrics.json}, one row per
// DraftKings row, and with --export-dk a DKSalaries-shaped CSV that lineup optimizers read.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { frameToParquet } from '../data/parquet.ts';
import { frameFromRows } from '../data/schema.ts';
import type { Progress } from '../data/progress.ts';
import type { ShareModel } from '../shares/model.ts';
import type { Backend } from '../../engine/core/backend.ts';
import type { Profile } from '../../engine/profile.ts';
import type { PregameInputs } from '../pregame/inputs.ts';
import { pregameNotices } from '../pregame/slate.ts';
import { PREGAME_PROJECTIONS_SCHEMA, simulatePregame, type PregameSimulation } from '../pregame/simulate.ts';
import { refuseBrokenInvariants, toCsv } from './run-sim.ts';
import { worldSpill, writeSavedWorlds } from './save-worlds.ts';
import { openRunDir, type OpenRun } from './run-dir.ts';
import { at } from '../data/checked.ts';
import type { LineupStage } from '../lineups/stage.ts';

export interface PregameRunOptions {
  lake: Lake;
  /** the user's files, read and checked (src/pregame/inputs.ts) */
  inputs: PregameInputs;
  profile: Profile;
  profileName: string;
  worlds: number;
  seed: number;
  backend: Backend;
  out: string;
  /** run name; default <profile>-s<seed>-w<worlds>-pregame (with -2, -3... when that run exists) */
  run?: string;
  /** the run name without --run, in place of the one above (it too takes a free -2, -3... when taken) */
  defaultRun?: string;
  /** replace an existing run folder of that name (else a named run that exists is an error) */
  overwrite?: boolean;
  exportDk?: string;
  shareModel?: ShareModel;
  progress: Progress;
  /** lineups scored or built from the worlds (src/lineups/stage.ts), made before the run from the user's files */
  lineupStage?: (inputs: PregameInputs) => LineupStage | Promise<LineupStage>;
  /** with lineups: DraftKings' bulk upload CSV of them */
  exportUpload?: string;
  /** also write every world (worlds.parquet, team_worlds.parquet), for `lineups score` and the user's own analysis */
  saveWorlds?: boolean;
}

export interface PregameRunResult {
  dir: string;
  sim: PregameSimulation;
  metrics: Record<string, unknown>;
  /** with lineups: what the console says about them */
  lineupSummary?: string[];
}

/** DraftKings' nine export columns, then our floor and ceiling (pydfs-lineup-optimizer reads both by name). */
const EXPORT_HEADER = [
  'Position',
  'Name + ID',
  'Name',
  'ID',
  'Roster Position',
  'Salary',
  'Game Info',
  'TeamAbbrev',
  'AvgPointsPerGame',
  'Projection Floor',
  'Projection Ceil',
];

const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * The DKSalaries-shaped export: AvgPointsPerGame = our mean DK points, Projection Floor = our p10, Projection Ceil
 * = our p90 (0 for OUT players), two decimals; rows in the DraftKings file's order.
 */
export function exportDkCsv(sim: PregameSimulation): string {
  const lines = [EXPORT_HEADER.join(',')];
  const rows = [...sim.pregame.players.map((p) => p.dkRow), ...sim.captainRows];
  rows.forEach((d, i) => {
    const r = at(sim.dkRows, i);
    const f = (k: string): string => (r[k] as number).toFixed(2);
    lines.push(
      [
        d.position,
        d.nameId,
        d.name,
        String(d.dkId),
        d.rosterPosition,
        String(d.salary),
        d.gameInfo,
        d.teamAbbrev,
        f('dk_fpts_mean'),
        f('dk_fpts_p10'),
        f('dk_fpts_p90'),
      ]
        .map(cell)
        .join(','),
    );
  });
  return `${lines.join('\n')}\n`;
}

/** Checks, before any work, that --export-dk names a file that can be written (its folder exists or can be made). */
export async function checkExportPath(path: string, flag = '--export-dk'): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw new UserError(`${flag} ${path}: cannot create its folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export async function runPregameSim(o: PregameRunOptions): Promise<PregameRunResult> {
  if (o.exportDk !== undefined) await checkExportPath(o.exportDk);
  if (o.exportUpload !== undefined) await checkExportPath(o.exportUpload, '--export-upload');
  // lineups (and a contest's files) are read and checked against the salary file before any world is made
  const stage = o.lineupStage !== undefined ? await o.lineupStage(o.inputs) : undefined;
  // the run's place is taken before any world: an existing run or a live writer of it is refused now
  const target = await openRunDir({
    out: o.out,
    date: o.inputs.date,
    run: o.run ?? o.defaultRun ?? `${o.profileName}-s${o.seed}-w${o.worlds}-pregame`,
    explicit: o.run !== undefined,
    overwrite: o.overwrite === true,
  });
  try {
    return await simulateInto(o, stage, target);
  } catch (e) {
    await target.abort();
    throw e;
  }
}

async function simulateInto(o: PregameRunOptions, stage: LineupStage | undefined, target: OpenRun): Promise<PregameRunResult> {
  // saved worlds stream to spill files in the run's temporary folder as they are made (bounded memory)
  const spill = o.saveWorlds === true ? await worldSpill(target.tmp) : undefined;
  const sim = await simulatePregame({
    lake: o.lake,
    inputs: o.inputs,
    profile: o.profile,
    backend: o.backend,
    worlds: o.worlds,
    seed: o.seed,
    ...(o.shareModel !== undefined ? { shareModel: o.shareModel } : {}),
    progress: o.progress,
    ...(spill !== undefined ? { spill } : {}),
    ...(stage !== undefined ? { lineups: (pregame, slate) => stage.request(pregame, slate) } : {}),
  });
  for (const line of pregameNotices(sim.pregame)) process.stderr.write(`slatesim: ${line}\n`);
  const { run, slate } = sim;
  if (run.warning !== undefined) process.stderr.write(`slatesim: ${run.warning}\n`);
  const metrics = {
    date: sim.date,
    mode: 'pregame',
    profile: o.profileName,
    seed: o.seed,
    worlds: o.worlds,
    backend: o.backend.kind,
    ...run.backendMetrics,
    chunk_worlds: run.chunkWorlds,
    runtime_s: run.seconds,
    player_worlds_per_s: (slate.nPlayers * o.worlds) / Math.max(run.seconds, 1e-9),
    slate: { players: slate.nPlayers, teams: slate.nTeams, games: slate.nGames, dk_rows: sim.dkRows.length },
    pregame: sim.metrics,
    conservation: {
      team_worlds_checked: slate.nTeams * o.worlds,
      target_violations: sim.conservationViolations,
      minutes_violations: sim.minutesViolations,
    },
    fallbacks: { team_worlds_with_no_eligible_player: sim.fallbacks, fallback: o.profile.usage_shares.fallback },
    share_base: slate.shareSource,
    overtime_rate: sim.overtimeWorlds / (slate.nGames * o.worlds),
    vegas_anchoring: { enabled: o.profile.vegas_anchoring.enabled, max_abs_relative_error: sim.maxAnchorError },
    teams: sim.teams,
    profile_settings: o.profile,
  };
  refuseBrokenInvariants(sim.date, sim);
  const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
  const files: [string, () => Uint8Array][] = [
    ['projections.parquet', () => frameToParquet(frameFromRows(PREGAME_PROJECTIONS_SCHEMA, sim.dkRows))],
    ['projections.csv', () => enc(toCsv(PREGAME_PROJECTIONS_SCHEMA, sim.dkRows))],
  ];
  const lineupOut = stage !== undefined ? await stage.finish(run) : undefined;
  if (lineupOut !== undefined) {
    files.push(...lineupOut.files);
    Object.assign(metrics, { lineups: lineupOut.metrics });
  }
  if (spill !== undefined) await writeSavedWorlds(slate, spill, target.tmp);
  files.push(['metrics.json', () => enc(`${JSON.stringify(metrics, null, 2)}\n`)]);
  const dir = await target.commit(files);
  if (o.exportDk !== undefined) await writeExport(o.exportDk, '--export-dk', exportDkCsv(sim));
  if (o.exportUpload !== undefined && lineupOut !== undefined) await writeExport(o.exportUpload, '--export-upload', lineupOut.upload);
  return { dir, sim, metrics, ...(lineupOut !== undefined ? { lineupSummary: lineupOut.summary } : {}) };
}

/** A file beside the run, written by temporary name and rename. */
async function writeExport(path: string, flag: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new UserError(`${flag} ${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

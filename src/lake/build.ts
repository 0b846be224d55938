// `slatesim lake build`: source CSVs -> bronze (typed copies, per season) -> silver (per season and date).
// Sources are one or more folders: box_scores_<season> files (each season in one folder only) and any number
// of lines files.
//
// Order of work, so corrupt input leaves nothing behind: every requested season is read and validated first;
// only then is anything written, and then into a staging folder, swapped in layer by layer with the manifest
// (every file's size and digest) written last (src/lake/stage.ts), so a full disk or a kill leaves the previous
// lake as it was. A season whose inputs (box-score file, lines file, builder version) hash the same as last time
// is skipped: the build is incremental; a lake whose files no longer match its manifest is rebuilt in full.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../data/errors.ts';
import { Lake } from '../data/lake.ts';
import { initParquetNode } from '../data/parquet-node.ts';
import { checkLake, LAKE_MANIFEST, LAYER_NAMES, type FileEntry, type LayerFiles, type LayerName } from '../data/manifest.ts';
import { takeRows, type Frame, type Value } from '../data/schema.ts';
import { NodeFileStore } from '../data/store-node.ts';
import { BRONZE_BOX_SCORES, BRONZE_LINES, ODDS_SNAPSHOT, PLAYER_GAMES, RATES_TRAINING_BASE } from '../data/tables.ts';
import { parseMinutesModel } from '../features/minutes-model.ts';
import { computeGold, writeGold, type MinutesSeasonMetrics } from './gold.ts';
import { readCsvBytes } from '../data/csv.ts';
import type { Progress } from '../data/progress.ts';
import { parseBoxScores, type BoxScoreReport } from './boxscores.ts';
import { buildOddsSnapshot, mergeLines, parseLines, type GameKey, type LinesReport, type ParsedLines } from './lines.ts';
import { at, defined } from '../data/checked.ts';
import { acquireLock, entryOf, fsUserError, removeDeadBuilds, removeIfEmpty, Staging } from './stage.ts';

/** Bump when the builder's output changes, so incremental builds redo every season. 5: the manifest lists every file. */
export const BUILDER_VERSION = 5;
export const DEFAULT_MINUTES_MODEL = resolve(fileURLToPath(import.meta.url), '../../../public/data/models/minutes_v1.json');
export const MANIFEST = LAKE_MANIFEST;

export interface BuildOptions {
  /** Folder(s) holding box_scores_<season>.csv(.gz) and lines*.csv(.gz) files. */
  source: string | readonly string[];
  /** Refuse a season with a partial or repeated game instead of quarantining the game. */
  strict?: boolean;
  lake: string;
  seasons?: readonly number[];
  /** Keep only games in this inclusive date range (used to cut the embedded slice). */
  startDate?: string;
  endDate?: string;
  force?: boolean;
  /** Build silver only (gold needs every season's silver; used while cutting slices). */
  skipGold?: boolean;
  /**
   * Minutes model for seasons with no earlier season in the lake (default: the model shipped in
   * public/data/models, trained on 2018-2023). Used only for seasons after all of its training seasons.
   */
  minutesModelFile?: string;
  progress: Progress;
}

export interface SeasonManifest {
  inputs_sha256: string;
  box_file: string;
  /** The lines files read (comma-separated), or null when the sources hold none. */
  lines_file: string | null;
  dates: string[];
  rows: { player_games: number; odds_snapshot: number };
  box_scores: BoxScoreReport;
  lines: LinesReport | null;
}

export interface GoldManifest {
  inputs_sha256: string;
  minutes_fallback_model: string | null;
  files_written: number;
  files_unchanged: number;
  minutes_metrics: MinutesSeasonMetrics[];
}

export interface LakeManifest {
  builder_version: number;
  seasons: Record<string, SeasonManifest>;
  gold?: GoldManifest;
  /** Every file of the tables the build owns, per layer, with its size and SHA-256 (checked by readers). */
  layers?: Partial<Record<LayerName, LayerFiles>>;
  /** Present only while a build swaps its layers in (readers refuse the lake meanwhile). */
  swap_in_progress?: string;
}

export interface BuildResult {
  built: number[];
  skipped: number[];
  manifest: LakeManifest;
  filesWritten: number;
  /** Null when gold was up to date (or skipped). */
  gold: GoldManifest | null;
}

interface SourceFiles {
  box: Map<number, string>;
  lines: string[];
}

async function discoverSources(folders: readonly string[]): Promise<SourceFiles> {
  const box = new Map<number, string>();
  const lines: string[] = [];
  for (const source of folders) {
    let names: string[];
    try {
      names = await readdir(source);
    } catch {
      throw new UserError(`--source ${source}: directory not found`);
    }
    let found = 0;
    for (const name of names.sort()) {
      const m = /^box_scores_(\d{4})\.csv(\.gz)?$/.exec(name);
      if (m !== null) {
        const season = Number(m[1]);
        const other = box.get(season);
        if (other !== undefined)
          throw new UserError(`--source ${source}: season ${season} is in two files (${other}, ${join(source, name)})`);
        box.set(season, join(source, name));
        found++;
      }
      if (/^lines.*\.csv(\.gz)?$/.test(name)) {
        lines.push(join(source, name));
        found++;
      }
    }
    if (found === 0) throw new UserError(`--source ${source}: no box_scores_<season>.csv(.gz) or lines*.csv(.gz) files`);
  }
  if (box.size === 0) throw new UserError(`--source ${folders.join(', ')}: no box_scores_<season>.csv(.gz) files`);
  return { box, lines };
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** The manifest's text, or null when there is none. */
async function manifestText(store: NodeFileStore): Promise<string | null> {
  return (await store.exists(MANIFEST)) ? new TextDecoder().decode(await store.readFile(MANIFEST)) : null;
}

function parseManifest(text: string | null): LakeManifest | null {
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as LakeManifest;
    return m.builder_version === BUILDER_VERSION && m.swap_in_progress === undefined ? m : null;
  } catch {
    return null; // an unreadable manifest only costs a full rebuild
  }
}

/**
 * The live lake against its manifest: the same files, sizes and digests. Returns every file's entry, or why the
 * lake does not match (then every season is rebuilt, so `lake build` repairs what readers refuse).
 */
async function checkLive(store: NodeFileStore, text: string): Promise<{ known: Map<string, FileEntry> } | { problem: string }> {
  let checked;
  try {
    checked = await checkLake(store, text);
  } catch (e) {
    if (e instanceof UserError) return { problem: e.message.replace(/; the lake does not match its manifest.*$/, '') };
    throw e;
  }
  if (checked === null) return { problem: `lake ${store.root}: no file list in ${MANIFEST}` };
  const files = checked.files;
  for (const [path, want] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (entryOf(await store.readFile(path)).sha256 !== want.sha256)
      return { problem: `lake ${store.root}: ${path} differs from its manifest` };
  }
  return { known: files };
}

function filterDates(frame: Frame, startDate: string | undefined, endDate: string | undefined): Frame {
  if (startDate === undefined && endDate === undefined) return frame;
  const dates = frame.columns.game_date as string[];
  const keep: number[] = [];
  for (let i = 0; i < frame.numRows; i++) {
    const d = at(dates, i);
    if ((startDate === undefined || d >= startDate) && (endDate === undefined || d <= endDate)) keep.push(i);
  }
  return takeRows(frame, keep);
}

function groupBy(values: readonly Value[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < values.length; i++) {
    const k = String(values[i]);
    const g = out.get(k);
    if (g === undefined) out.set(k, [i]);
    else g.push(i);
  }
  return out;
}

function gamesOf(frame: Frame): Map<string, GameKey> {
  const c = frame.columns;
  const games = new Map<string, GameKey>();
  for (let i = 0; i < frame.numRows; i++) {
    const gid = c.game_id?.[i] as string;
    let g = games.get(gid);
    if (g === undefined) {
      g = {
        gameId: gid,
        season: c.season?.[i] as number,
        seasonType: c.season_type?.[i] as string,
        gameDate: c.game_date?.[i] as string,
        homeTeamId: 0,
        awayTeamId: 0,
        tipTimeLocal: (c.tip_time_local?.[i] as string | null) ?? null,
      };
      games.set(gid, g);
    }
    if (c.home_away?.[i] === 'home') g.homeTeamId = c.team_id?.[i] as number;
    else g.awayTeamId = c.team_id?.[i] as number;
  }
  return games;
}

interface PreparedSeason {
  season: number;
  inputsSha: string;
  playerGames: Frame;
  bronzeBox: Frame;
  bronzeLines: Frame | null;
  odds: Frame | null;
  boxReport: BoxScoreReport;
  linesReport: LinesReport | null;
  boxFile: string;
}

/** Seasons to build: those whose inputs (box file, every lines file, builder, date range) hashed differently last time. */
async function planSeasons(
  opts: BuildOptions,
  sources: SourceFiles,
  store: NodeFileStore,
  previous: LakeManifest | null,
): Promise<{ toBuild: { season: number; inputsSha: string }[]; skipped: number[] }> {
  const wanted = opts.seasons ?? [...sources.box.keys()];
  for (const s of wanted) {
    if (!sources.box.has(s)) throw new UserError(`--seasons ${s}: no box_scores_${s}.csv(.gz) in ${[opts.source].flat().join(', ')}`);
  }
  const linesShas: string[] = [];
  for (const f of [...sources.lines].sort()) linesShas.push(`${basename(f)}:${await sha256File(f)}`);
  const linesSha = linesShas.length === 0 ? 'none' : linesShas.join(',');
  const range = `${opts.startDate ?? ''}..${opts.endDate ?? ''}`;
  const toBuild: { season: number; inputsSha: string }[] = [];
  const skipped: number[] = [];
  for (const season of [...wanted].sort()) {
    const boxSha = await sha256File(defined(sources.box.get(season), `the box-score file of season ${season}`));
    const inputsSha = createHash('sha256').update(`${BUILDER_VERSION}|${boxSha}|${linesSha}|${range}`).digest('hex');
    const prev = previous?.seasons[String(season)];
    // A season built with quarantined games is redone under --strict, so strict refuses it as it would fresh.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the manifest of an older builder lacks `quarantined`
    const refusedByStrict = opts.strict === true && (prev?.box_scores.quarantined?.length ?? 0) > 0;
    if (
      prev !== undefined &&
      prev.inputs_sha256 === inputsSha &&
      !refusedByStrict &&
      (await store.exists(`${PLAYER_GAMES.dir}/season=${season}`))
    ) {
      skipped.push(season);
    } else {
      toBuild.push({ season, inputsSha });
    }
  }
  return { toBuild, skipped };
}

function inRange(d: string, opts: BuildOptions): boolean {
  return (opts.startDate === undefined || d >= opts.startDate) && (opts.endDate === undefined || d <= opts.endDate);
}

/** Reads and validates one season's box scores and joins its lines; writes nothing. */
async function prepareSeason(
  season: number,
  inputsSha: string,
  file: string,
  lines: ParsedLines | null,
  opts: BuildOptions,
): Promise<PreparedSeason> {
  const { frame, all, report } = parseBoxScores(await readCsvBytes(file), file, { strict: opts.strict === true });
  const otherSeasons = report.seasons.filter((s) => s !== season);
  if (otherSeasons.length > 0) {
    throw new UserError(`${report.file}: column "season" holds ${otherSeasons.join(', ')}, but the file name says ${season}`);
  }
  const playerGames = filterDates(frame, opts.startDate, opts.endDate);
  const bronzeAll = filterDates(all, opts.startDate, opts.endDate);
  const bronzeBox: Frame = { schema: BRONZE_BOX_SCORES.schema, numRows: bronzeAll.numRows, columns: bronzeAll.columns };
  if (lines === null)
    return {
      season,
      inputsSha,
      playerGames,
      bronzeBox,
      bronzeLines: null,
      odds: null,
      boxReport: report,
      linesReport: null,
      boxFile: file,
    };
  const built = buildOddsSnapshot(lines, gamesOf(playerGames), new Set([season]));
  const seasonCol = lines.frame.columns.season as number[];
  const dateCol = lines.frame.columns.game_date as string[];
  const keep: number[] = [];
  for (let i = 0; i < lines.frame.numRows; i++) if (seasonCol[i] === season && inRange(at(dateCol, i), opts)) keep.push(i);
  const bronzeLines = takeRows(lines.frame, keep);
  return {
    season,
    inputsSha,
    playerGames,
    bronzeBox,
    bronzeLines,
    odds: built.frame,
    boxReport: report,
    linesReport: built.report,
    boxFile: file,
  };
}

/** Writes one prepared season (bronze, then silver by date), replacing its old partitions; returns files written. */
async function writeSeason(
  lake: Lake,
  store: NodeFileStore,
  p: PreparedSeason,
  onDate: () => void,
): Promise<{ files: number; entry: SeasonManifest }> {
  const season = String(p.season);
  let files = 0;
  for (const t of [PLAYER_GAMES, ODDS_SNAPSHOT, BRONZE_BOX_SCORES, BRONZE_LINES]) await store.remove(`${t.dir}/season=${season}`);
  await lake.write(BRONZE_BOX_SCORES, { season }, p.bronzeBox);
  files++;
  if (p.bronzeLines !== null) {
    await lake.write(BRONZE_LINES, { season }, p.bronzeLines);
    files++;
  }
  const byDate = groupBy(defined(p.playerGames.columns.game_date, 'column game_date of player_games'));
  const oddsByDate =
    p.odds === null ? new Map<string, number[]>() : groupBy(defined(p.odds.columns.game_date, 'column game_date of the odds'));
  for (const [date, idx] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    await lake.write(PLAYER_GAMES, { season, game_date: date }, takeRows(p.playerGames, idx));
    files++;
    const oddsIdx = oddsByDate.get(date);
    if (p.odds !== null && oddsIdx !== undefined) {
      await lake.write(ODDS_SNAPSHOT, { season, game_date: date }, takeRows(p.odds, oddsIdx));
      files++;
    }
    onDate();
  }
  const entry: SeasonManifest = {
    inputs_sha256: p.inputsSha,
    box_file: p.boxReport.file,
    lines_file: p.linesReport?.file ?? null,
    dates: [...byDate.keys()].sort(),
    rows: { player_games: p.playerGames.numRows, odds_snapshot: p.odds?.numRows ?? 0 },
    box_scores: p.boxReport,
    lines: p.linesReport,
  };
  return { files, entry };
}

interface GoldPlan {
  sha: string;
  modelFile: string;
  modelText: string | null;
}

/** What gold is computed from: every season's inputs and the fallback minutes model. */
async function planGold(opts: BuildOptions, seasons: Record<string, string>): Promise<GoldPlan> {
  const modelFile = opts.minutesModelFile ?? DEFAULT_MINUTES_MODEL;
  const modelText = existsSync(modelFile) ? await readFile(modelFile, 'utf8') : null;
  const seasonKeys = Object.entries(seasons)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, sha]) => `${s}:${sha}`);
  const sha = createHash('sha256')
    .update(
      `${BUILDER_VERSION}|${seasonKeys.join(',')}|${modelText === null ? 'none' : createHash('sha256').update(modelText).digest('hex')}`,
    )
    .digest('hex');
  return { sha, modelFile, modelText };
}

/** Gold (features and minutes projections over every season in the lake), into the staged lake. */
async function buildGold(lake: Lake, opts: BuildOptions, plan: GoldPlan): Promise<GoldManifest> {
  const fallbackModel = plan.modelText === null ? undefined : parseMinutesModel(plan.modelText, plan.modelFile);
  const computed = await computeGold(lake, opts.progress, fallbackModel === undefined ? {} : { fallbackModel });
  const w = await writeGold(lake, computed.rows, opts.progress);
  return {
    inputs_sha256: plan.sha,
    minutes_fallback_model: plan.modelText === null ? null : basename(plan.modelFile),
    files_written: w.written,
    files_unchanged: w.unchanged,
    minutes_metrics: computed.metrics,
  };
}

export async function buildLake(opts: BuildOptions): Promise<BuildResult> {
  const { progress } = opts;
  const sources = await discoverSources([opts.source].flat());
  await initParquetNode();
  const store = new NodeFileStore(opts.lake);
  const dead = await removeDeadBuilds(opts.lake);
  if (dead.length > 0) progress.log(`lake build: removed ${dead.join(', ')}, left by a build that did not finish`);
  const textAtStart = await manifestText(store);
  let previous = opts.force === true ? null : parseManifest(textAtStart);
  let known = new Map<string, FileEntry>();
  if (previous !== null && textAtStart !== null) {
    const live = await checkLive(store, textAtStart);
    if ('problem' in live) {
      progress.log(`${live.problem}; rebuilding every season`);
      previous = null;
    } else {
      known = live.known;
    }
  }

  // 1. Decide what to rebuild from input hashes alone.
  const { toBuild, skipped } = await planSeasons(opts, sources, store, previous);
  if (skipped.length > 0) progress.log(`lake build: seasons ${skipped.join(', ')} unchanged, skipped`);

  // 2. Read and validate everything before writing anything.
  let parsedLines: ParsedLines | null = null;
  if (sources.lines.length > 0 && toBuild.length > 0) {
    const parts: ParsedLines[] = [];
    for (const f of sources.lines) parts.push(parseLines(await readCsvBytes(f), f));
    parsedLines = mergeLines(parts);
  }
  const prepared: PreparedSeason[] = [];
  progress.start('validate box scores', toBuild.length, 'seasons');
  for (const [k, { season, inputsSha }] of toBuild.entries()) {
    prepared.push(
      await prepareSeason(season, inputsSha, defined(sources.box.get(season), `the box-score file of season ${season}`), parsedLines, opts),
    );
    progress.update(k + 1);
  }
  progress.stop();

  const manifest: LakeManifest = { builder_version: BUILDER_VERSION, seasons: { ...(previous?.seasons ?? {}) } };
  const seasonShas: Record<string, string> = {};
  for (const [s, m] of Object.entries(manifest.seasons)) seasonShas[s] = m.inputs_sha256;
  for (const p of prepared) seasonShas[String(p.season)] = p.inputsSha;
  const goldPlan = opts.skipGold === true ? null : await planGold(opts, seasonShas);
  const goldFresh =
    goldPlan !== null &&
    !(previous?.gold?.inputs_sha256 === goldPlan.sha && prepared.length === 0 && (await store.exists(RATES_TRAINING_BASE.dir)));
  if (prepared.length === 0 && !goldFresh) {
    if (goldPlan !== null) progress.log('lake build: gold unchanged, skipped');
    return { built: [], skipped, manifest: previous ?? manifest, filesWritten: 0, gold: null };
  }

  // 3. Write into a staging folder beside the live tables, then swap the touched layers in (src/lake/stage.ts).
  const madeRoot = !existsSync(opts.lake);
  if (!madeRoot && !statSync(opts.lake).isDirectory()) throw new UserError(`--lake ${opts.lake}: not a folder`);
  await mkdir(opts.lake, { recursive: true }).catch((e: unknown) => {
    throw fsUserError(e, opts.lake, 'nothing was written') ?? e;
  });
  let release: (() => Promise<void>) | null = null;
  let staging: Staging | null = null;
  let failed = true;
  try {
    release = await acquireLock(opts.lake);
    if ((await manifestText(store)) !== textAtStart) {
      throw new UserError(`--lake ${opts.lake}: the lake changed while this build read its sources (another lake build?); rerun it`);
    }
    staging = await Staging.create(opts.lake);
    const lake = new Lake(staging.store, { verify: false });

    const totalDates = prepared.reduce((a, p) => a + new Set(p.playerGames.columns.game_date as string[]).size, 0);
    progress.start('write lake', totalDates, 'dates');
    let datesDone = 0;
    for (const p of prepared) {
      const { entry } = await writeSeason(lake, staging.store, p, () => progress.update(++datesDone));
      manifest.seasons[String(p.season)] = entry;
    }
    progress.stop();

    let gold: GoldManifest | null = null;
    if (goldFresh) {
      gold = await buildGold(lake, opts, goldPlan);
      manifest.gold = gold;
    } else if (previous?.gold !== undefined) {
      manifest.gold = previous.gold;
    }

    const touched = LAYER_NAMES.filter((l) => (l === 'gold' ? goldFresh : prepared.length > 0));
    const layers: Partial<Record<LayerName, LayerFiles>> = {};
    for (const l of LAYER_NAMES) {
      const kept = previous?.layers?.[l];
      if (touched.includes(l)) layers[l] = await staging.layerFiles(l, known);
      else if (kept !== undefined) layers[l] = kept;
    }
    manifest.layers = layers;

    const marked = { ...(parseJson(textAtStart) ?? { builder_version: BUILDER_VERSION, seasons: {} }), swap_in_progress: staging.name };
    await staging.swapIn(
      touched,
      () => store.writeFileAtomic(MANIFEST, jsonBytes(marked)),
      () => (textAtStart === null ? store.remove(MANIFEST) : store.writeFileAtomic(MANIFEST, new TextEncoder().encode(textAtStart))),
    );
    await store.writeFileAtomic(MANIFEST, jsonBytes(manifest));
    failed = false;
    return { built: prepared.map((p) => p.season), skipped, manifest, filesWritten: staging.store.written.size, gold };
  } catch (e) {
    const after = madeRoot ? `nothing was written to ${opts.lake}` : `the lake at ${opts.lake} is unchanged`;
    throw fsUserError(e, (e as NodeJS.ErrnoException).path ?? opts.lake, after) ?? e;
  } finally {
    if (staging !== null && !staging.keep) await staging.cleanUp();
    if (release !== null) await release();
    if (failed && madeRoot) await removeIfEmpty(opts.lake);
  }
}

function parseJson(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function jsonBytes(v: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
}

// `slatesim lake build`: source CSVs -> bronze (typed copies, per season) -> silver (per season and date).
// Sources are one or more folders: box_scores_<season> files (each season in one folder only) and any number
// of lines files.
//
// Order of work, so corrupt input leaves nothing behind: every requested season is read and validated first;
// only then is anything written, each file through a temporary name. A season whose inputs (box-score file,
// lines file, builder version) hash the same as last time is skipped: the build is incremental.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../data/errors.ts';
import { Lake } from '../data/lake.ts';
import { initParquetNode } from '../data/parquet-node.ts';
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

/** Bump when the builder's output changes, so incremental builds redo every season. */
export const BUILDER_VERSION = 4;
export const DEFAULT_MINUTES_MODEL = resolve(fileURLToPath(import.meta.url), '../../../public/data/models/minutes_v1.json');
export const MANIFEST = '_lake_manifest.json';

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

async function readManifest(store: NodeFileStore): Promise<LakeManifest | null> {
  if (!(await store.exists(MANIFEST))) return null;
  try {
    const m = JSON.parse(new TextDecoder().decode(await store.readFile(MANIFEST))) as LakeManifest;
    return m.builder_version === BUILDER_VERSION ? m : null;
  } catch {
    return null; // an unreadable manifest only costs a full rebuild
  }
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

/** Gold (features and minutes projections over every season in the lake), skipped when nothing it reads changed. */
async function buildGold(
  lake: Lake,
  store: NodeFileStore,
  opts: BuildOptions,
  manifest: LakeManifest,
  previous: LakeManifest | null,
  rebuiltAny: boolean,
): Promise<{ gold: GoldManifest; fresh: boolean }> {
  const modelFile = opts.minutesModelFile ?? DEFAULT_MINUTES_MODEL;
  const modelText = existsSync(modelFile) ? await readFile(modelFile, 'utf8') : null;
  const seasonKeys = Object.entries(manifest.seasons)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, m]) => `${s}:${m.inputs_sha256}`);
  const goldSha = createHash('sha256')
    .update(
      `${BUILDER_VERSION}|${seasonKeys.join(',')}|${modelText === null ? 'none' : createHash('sha256').update(modelText).digest('hex')}`,
    )
    .digest('hex');
  if (previous?.gold?.inputs_sha256 === goldSha && !rebuiltAny && (await store.exists(RATES_TRAINING_BASE.dir))) {
    opts.progress.log('lake build: gold unchanged, skipped');
    return { gold: previous.gold, fresh: false };
  }
  const fallbackModel = modelText === null ? undefined : parseMinutesModel(modelText, modelFile);
  const computed = await computeGold(lake, opts.progress, fallbackModel === undefined ? {} : { fallbackModel });
  const w = await writeGold(lake, computed.rows, opts.progress);
  return {
    gold: {
      inputs_sha256: goldSha,
      minutes_fallback_model: modelText === null ? null : basename(modelFile),
      files_written: w.written,
      files_unchanged: w.unchanged,
      minutes_metrics: computed.metrics,
    },
    fresh: true,
  };
}

export async function buildLake(opts: BuildOptions): Promise<BuildResult> {
  const { progress } = opts;
  const sources = await discoverSources([opts.source].flat());
  await initParquetNode();
  const store = new NodeFileStore(opts.lake);
  const lake = new Lake(store);
  const previous = opts.force === true ? null : await readManifest(store);

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

  // 3. Write. Partitions of a rebuilt season that no longer exist in its input are removed.
  const manifest: LakeManifest = { builder_version: BUILDER_VERSION, seasons: { ...(previous?.seasons ?? {}) } };
  let filesWritten = 0;
  const totalDates = prepared.reduce((a, p) => a + new Set(p.playerGames.columns.game_date as string[]).size, 0);
  progress.start('write lake', totalDates, 'dates');
  let datesDone = 0;
  for (const p of prepared) {
    const { files, entry } = await writeSeason(lake, store, p, () => progress.update(++datesDone));
    filesWritten += files;
    manifest.seasons[String(p.season)] = entry;
  }
  progress.stop();

  // 4. Gold.
  let gold: GoldManifest | null = null;
  if (opts.skipGold !== true) {
    const g = await buildGold(lake, store, opts, manifest, previous, prepared.length > 0);
    manifest.gold = g.gold;
    if (g.fresh) {
      gold = g.gold;
      filesWritten += g.gold.files_written;
    }
  }
  await store.writeFileAtomic(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { built: prepared.map((p) => p.season), skipped, manifest, filesWritten, gold };
}

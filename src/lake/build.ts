// `slatesim lake build`: source CSVs -> bronze (typed copies, per season) -> silver (per season and date).
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
import { buildOddsSnapshot, parseLines, type GameKey, type LinesReport } from './lines.ts';

/** Bump when the builder's output changes, so incremental builds redo every season. */
export const BUILDER_VERSION = 3;
export const DEFAULT_MINUTES_MODEL = resolve(fileURLToPath(import.meta.url), '../../../public/data/models/minutes_v1.json');
export const MANIFEST = '_lake_manifest.json';

export interface BuildOptions {
  source: string;
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
  lines: string | null;
}

async function discoverSources(source: string): Promise<SourceFiles> {
  let names: string[];
  try {
    names = await readdir(source);
  } catch {
    throw new UserError(`--source ${source}: directory not found`);
  }
  const box = new Map<number, string>();
  let lines: string | null = null;
  for (const name of names.sort()) {
    const m = /^box_scores_(\d{4})\.csv(\.gz)?$/.exec(name);
    if (m !== null) box.set(Number(m[1]), join(source, name));
    if (/^lines.*\.csv(\.gz)?$/.test(name)) {
      if (lines !== null) throw new UserError(`--source ${source}: more than one lines file (${lines}, ${name})`);
      lines = join(source, name);
    }
  }
  if (box.size === 0) throw new UserError(`--source ${source}: no box_scores_<season>.csv(.gz) files`);
  return { box, lines };
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
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
    const d = dates[i] as string;
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

export async function buildLake(opts: BuildOptions): Promise<BuildResult> {
  const { progress } = opts;
  const sources = await discoverSources(opts.source);
  const wanted = opts.seasons ?? [...sources.box.keys()];
  for (const s of wanted) {
    if (!sources.box.has(s)) throw new UserError(`--seasons ${s}: no box_scores_${s}.csv(.gz) in ${opts.source}`);
  }
  await initParquetNode();
  const store = new NodeFileStore(opts.lake);
  const lake = new Lake(store);
  const previous = opts.force === true ? null : await readManifest(store);
  const linesSha = sources.lines === null ? 'none' : await sha256File(sources.lines);
  const range = `${opts.startDate ?? ''}..${opts.endDate ?? ''}`;

  // 1. Decide what to rebuild from input hashes alone.
  const toBuild: { season: number; inputsSha: string }[] = [];
  const skipped: number[] = [];
  for (const season of [...wanted].sort()) {
    const boxSha = await sha256File(sources.box.get(season) as string);
    const inputsSha = createHash('sha256').update(`${BUILDER_VERSION}|${boxSha}|${linesSha}|${range}`).digest('hex');
    const prev = previous?.seasons[String(season)];
    if (prev !== undefined && prev.inputs_sha256 === inputsSha && (await store.exists(`${PLAYER_GAMES.dir}/season=${season}`))) {
      skipped.push(season);
    } else {
      toBuild.push({ season, inputsSha });
    }
  }
  if (skipped.length > 0) progress.log(`lake build: seasons ${skipped.join(', ')} unchanged, skipped`);

  // 2. Read and validate everything before writing anything.
  const parsedLines =
    sources.lines !== null && toBuild.length > 0 ? parseLines(await readCsvBytes(sources.lines), sources.lines) : null;
  const prepared: PreparedSeason[] = [];
  progress.start('validate box scores', toBuild.length, 'seasons');
  for (const [k, { season, inputsSha }] of toBuild.entries()) {
    const file = sources.box.get(season) as string;
    const { frame, report } = parseBoxScores(await readCsvBytes(file), file);
    const otherSeasons = report.seasons.filter((s) => s !== season);
    if (otherSeasons.length > 0) {
      throw new UserError(`${report.file}: column "season" holds ${otherSeasons.join(', ')}, but the file name says ${season}`);
    }
    const playerGames = filterDates(frame, opts.startDate, opts.endDate);
    const bronzeBox: Frame = { schema: BRONZE_BOX_SCORES.schema, numRows: playerGames.numRows, columns: playerGames.columns };
    let odds: Frame | null = null;
    let linesReport: LinesReport | null = null;
    let bronzeLines: Frame | null = null;
    if (parsedLines !== null) {
      const built = buildOddsSnapshot(parsedLines, gamesOf(playerGames), new Set([season]));
      odds = built.frame;
      linesReport = built.report;
      const seasonCol = parsedLines.frame.columns.season as number[];
      const dateCol = parsedLines.frame.columns.game_date as string[];
      const keep: number[] = [];
      for (let i = 0; i < parsedLines.frame.numRows; i++) {
        const d = dateCol[i] as string;
        if (seasonCol[i] === season && (opts.startDate === undefined || d >= opts.startDate) && (opts.endDate === undefined || d <= opts.endDate)) keep.push(i);
      }
      bronzeLines = takeRows(parsedLines.frame, keep);
    }
    prepared.push({ season, inputsSha, playerGames, bronzeBox, bronzeLines, odds, boxReport: report, linesReport, boxFile: file });
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
    const season = String(p.season);
    for (const t of [PLAYER_GAMES, ODDS_SNAPSHOT, BRONZE_BOX_SCORES, BRONZE_LINES]) await store.remove(`${t.dir}/season=${season}`);
    await lake.write(BRONZE_BOX_SCORES, { season }, p.bronzeBox);
    filesWritten++;
    if (p.bronzeLines !== null) {
      await lake.write(BRONZE_LINES, { season }, p.bronzeLines);
      filesWritten++;
    }
    const byDate = groupBy(p.playerGames.columns.game_date as Value[]);
    const oddsByDate = p.odds === null ? new Map<string, number[]>() : groupBy(p.odds.columns.game_date as Value[]);
    for (const [date, idx] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
      await lake.write(PLAYER_GAMES, { season, game_date: date }, takeRows(p.playerGames, idx));
      filesWritten++;
      const oddsIdx = oddsByDate.get(date);
      if (p.odds !== null && oddsIdx !== undefined) {
        await lake.write(ODDS_SNAPSHOT, { season, game_date: date }, takeRows(p.odds, oddsIdx));
        filesWritten++;
      }
      progress.update(++datesDone);
    }
    manifest.seasons[season] = {
      inputs_sha256: p.inputsSha,
      box_file: p.boxReport.file,
      lines_file: p.linesReport?.file ?? null,
      dates: [...byDate.keys()].sort(),
      rows: { player_games: p.playerGames.numRows, odds_snapshot: p.odds?.numRows ?? 0 },
      box_scores: p.boxReport,
      lines: p.linesReport,
    };
  }
  progress.stop();

  // 4. Gold: features and minutes projections over every season in the lake.
  let gold: GoldManifest | null = null;
  if (opts.skipGold !== true) {
    const modelFile = opts.minutesModelFile ?? DEFAULT_MINUTES_MODEL;
    const modelText = existsSync(modelFile) ? await readFile(modelFile, 'utf8') : null;
    const seasonKeys = Object.entries(manifest.seasons)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, m]) => `${s}:${m.inputs_sha256}`);
    const goldSha = createHash('sha256')
      .update(`${BUILDER_VERSION}|${seasonKeys.join(',')}|${modelText === null ? 'none' : createHash('sha256').update(modelText).digest('hex')}`)
      .digest('hex');
    if (previous?.gold?.inputs_sha256 === goldSha && prepared.length === 0 && (await store.exists(RATES_TRAINING_BASE.dir))) {
      manifest.gold = previous.gold;
      progress.log('lake build: gold unchanged, skipped');
    } else {
      const fallbackModel = modelText === null ? undefined : parseMinutesModel(modelText, modelFile);
      const computed = await computeGold(lake, progress, fallbackModel === undefined ? {} : { fallbackModel });
      const w = await writeGold(lake, computed.rows, progress);
      filesWritten += w.written;
      gold = {
        inputs_sha256: goldSha,
        minutes_fallback_model: modelText === null ? null : basename(modelFile),
        files_written: w.written,
        files_unchanged: w.unchanged,
        minutes_metrics: computed.metrics,
      };
      manifest.gold = gold;
    }
  }
  await store.writeFileAtomic(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { built: prepared.map((p) => p.season), skipped, manifest, filesWritten, gold };
}


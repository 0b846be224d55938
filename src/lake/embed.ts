// The embedded default: a small real slice of the lake shipped in public/data, so the README's commands and
// the default test suite run on a fresh clone with no ../shared, and the browser demo can fetch it.
// It holds the 2023-24 season from opening night to the end of January: the source CSV rows (to rebuild it)
// and the lake built from them by the same `lake build` a user runs. Beside it, public/data/pregame holds one
// real pregame slate (2026-03-15: DraftKings salaries, injuries, lines, starters) with the 2025-26 history
// before it, so pregame mode runs and is tested on a fresh clone too.
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { UserError } from '../data/errors.ts';
import { readCsvBytes } from '../data/csv.ts';
import { Lake } from '../data/lake.ts';
import { NodeFileStore } from '../data/store-node.ts';
import { FILE_LIST } from '../data/store-http.ts';
import type { Progress } from '../data/progress.ts';
import { buildLake } from './build.ts';
import type { Value } from '../data/schema.ts';
import { teamGamesOf } from '../shares/model.ts';
import { trainShareModel } from '../shares/train.ts';
import { computeGold } from './gold.ts';
import { at } from '../data/checked.ts';

export const EMBEDDED_SEASON = 2024;
export const EMBEDDED_START = '2023-10-24';
export const EMBEDDED_END = '2024-01-31';
export const EMBEDDED_LAKE_DIR = 'public/data/lake';

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Keeps the header and the rows whose `game_date` is in range (and `season` matches), as CSV text. */
export function sliceCsv(text: string, file: string, season: number, start: string, end: string): string {
  const records = parse(text, { relax_column_count: false, skip_empty_lines: true });
  const header = records[0];
  if (header === undefined) throw new UserError(`${file}: empty file`);
  const di = header.indexOf('game_date');
  const si = header.indexOf('season');
  if (di < 0 || si < 0) throw new UserError(`${file}: missing column "${di < 0 ? 'game_date' : 'season'}"`);
  const kept = records.filter((r, i) => i === 0 || (r[si] === String(season) && at(r, di) >= start && at(r, di) <= end));
  return `${kept.map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

export async function writeFileList(store: NodeFileStore): Promise<string[]> {
  const files = (await store.listFiles('')).filter((f) => f !== FILE_LIST);
  await store.writeFileAtomic(FILE_LIST, new TextEncoder().encode(`${JSON.stringify(files, null, 1)}\n`));
  return files;
}

export async function embedSlice(opts: { source: string; out: string; progress: Progress }): Promise<{ files: number; bytes: number }> {
  const boxFile = join(opts.source, `box_scores_${EMBEDDED_SEASON}.csv.gz`);
  const linesFile = join(opts.source, 'lines_2008_2024.csv.gz');
  const sourceOut = new NodeFileStore(join(opts.out, 'source'));
  const box = sliceCsv(await readCsvBytes(boxFile), boxFile, EMBEDDED_SEASON, EMBEDDED_START, EMBEDDED_END);
  const lines = sliceCsv(await readCsvBytes(linesFile), linesFile, EMBEDDED_SEASON, EMBEDDED_START, EMBEDDED_END);
  const lakeDir = join(opts.out, 'lake');
  await rm(lakeDir, { recursive: true, force: true });
  await mkdir(opts.out, { recursive: true });

  // The minutes model shipped beside the slice: fitted on every season before the slice's, from the full
  // source, so a lake holding one season still gets trained projections.
  const fullLake = await mkdtemp(join(tmpdir(), 'slatesim-embed-'));
  try {
    const full = await buildLake({ source: opts.source, lake: fullLake, progress: opts.progress, skipGold: true });
    const train = full.built.filter((s) => s < EMBEDDED_SEASON);
    if (train.length === 0)
      throw new UserError(`--source ${opts.source}: no season before ${EMBEDDED_SEASON} to train the minutes model on`);
    const gold = await computeGold(new Lake(new NodeFileStore(fullLake)), opts.progress);
    const model = gold.models.get(EMBEDDED_SEASON);
    if (model === undefined) throw new Error(`no minutes model for ${EMBEDDED_SEASON}`);
    // The usage-share model, on the same earlier seasons (their rows carry leak-free minutes projections).
    const before = gold.rows.filter((r) => (r.season as number) < EMBEDDED_SEASON) as Record<string, Value>[];
    const dates = before.map((r) => r.game_date as string).sort();
    const shares = trainShareModel(teamGamesOf(before), at(dates, 0), at(dates, dates.length - 1), ['fga', 'fta', 'tov'], opts.progress);
    await new NodeFileStore(opts.out).writeFileAtomic(
      'models/shares_v1.json',
      new TextEncoder().encode(`${JSON.stringify(shares, null, 1)}\n`),
    );
    await new NodeFileStore(opts.out).writeFileAtomic(
      'models/minutes_v1.json',
      new TextEncoder().encode(`${JSON.stringify(model, null, 1)}\n`),
    );
    opts.progress.log(`minutes and share models for ${EMBEDDED_SEASON} trained on ${model.trained_seasons.join(', ')}`);
  } finally {
    await rm(fullLake, { recursive: true, force: true });
  }

  await sourceOut.writeFileAtomic(`box_scores_${EMBEDDED_SEASON}.csv.gz`, gzipSync(box, { level: 9 }));
  await sourceOut.writeFileAtomic(`lines_${EMBEDDED_SEASON}.csv.gz`, gzipSync(lines, { level: 9 }));
  await buildLake({
    source: join(opts.out, 'source'),
    lake: lakeDir,
    progress: opts.progress,
    minutesModelFile: join(opts.out, 'models/minutes_v1.json'),
  });
  const files = await writeFileList(new NodeFileStore(lakeDir));
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(lakeDir, f))).size;
  for (const f of ['box_scores_2024.csv.gz', 'lines_2024.csv.gz']) bytes += (await readFile(join(opts.out, 'source', f))).length;
  return { files: files.length + 2, bytes };
}

export const PREGAME_EMBEDDED_DATE = '2026-03-15';
export const PREGAME_EMBEDDED_SEASON = 2026;
/** The embedded pregame slice (relative to the package root): source/, lake/ and game_date=D/. */
export const EMBEDDED_PREGAME_DIR = 'public/data/pregame';
export const EMBEDDED_PREGAME_LAKE_DIR = `${EMBEDDED_PREGAME_DIR}/lake`;
/** The slate's input files, copied byte for byte from the shared pregame folder. */
export const PREGAME_EMBEDDED_INPUTS = ['DKSalaries.csv', 'injuries.csv', 'lines.csv', 'starters.csv'] as const;

/** The day before an ISO date (the last day of history pregame mode may read). */
function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Builds the pregame slice's lake from its committed source (silver only: pregame mode reads player_games
 * and odds_snapshot, never gold), with the file list the browser's HTTP store reads. The test that guards
 * the committed bytes calls this too.
 */
export async function buildPregameLake(opts: { source: string; lake: string; progress: Progress }): Promise<string[]> {
  await rm(opts.lake, { recursive: true, force: true });
  await buildLake({ source: opts.source, lake: opts.lake, progress: opts.progress, skipGold: true });
  return writeFileList(new NodeFileStore(opts.lake));
}

/**
 * Rebuilds public/data/pregame from the shared folders: the real 2025-26 box-score rows dated before the
 * slate (`recent`/box_scores_2026.csv.gz; 2026 has no lines file, so the slate's own lines.csv is the only
 * line), the lake built from them, and the slate's input files from `pregame`/game_date=D.
 */
export async function embedPregameSlice(opts: {
  recent: string;
  pregame: string;
  out: string;
  progress: Progress;
}): Promise<{ files: number; bytes: number }> {
  const boxName = `box_scores_${PREGAME_EMBEDDED_SEASON}.csv.gz`;
  const boxFile = join(opts.recent, boxName);
  const slateIn = join(opts.pregame, `game_date=${PREGAME_EMBEDDED_DATE}`);
  // Everything is read and checked before anything is written.
  const box = sliceCsv(await readCsvBytes(boxFile), boxFile, PREGAME_EMBEDDED_SEASON, '0000-01-01', dayBefore(PREGAME_EMBEDDED_DATE));
  const inputs: [string, Buffer][] = [];
  for (const f of PREGAME_EMBEDDED_INPUTS) {
    const file = join(slateIn, f);
    try {
      inputs.push([f, await readFile(file)]);
    } catch {
      throw new UserError(`--pregame ${opts.pregame}: cannot read ${file}`);
    }
  }
  const root = join(opts.out, 'pregame');
  const slateOut = join(root, `game_date=${PREGAME_EMBEDDED_DATE}`);
  await rm(slateOut, { recursive: true, force: true });
  await mkdir(slateOut, { recursive: true });
  for (const [f, bytes] of inputs) await new NodeFileStore(slateOut).writeFileAtomic(f, bytes);
  await new NodeFileStore(join(root, 'source')).writeFileAtomic(boxName, gzipSync(box, { level: 9 }));
  const lakeFiles = await buildPregameLake({ source: join(root, 'source'), lake: join(root, 'lake'), progress: opts.progress });
  const all = [...lakeFiles.map((f) => join(root, 'lake', f)), join(root, 'source', boxName), ...inputs.map(([f]) => join(slateOut, f))];
  let bytes = 0;
  for (const f of all) bytes += (await stat(f)).size;
  return { files: all.length, bytes };
}

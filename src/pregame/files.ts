// Reading a user's pregame CSV (DraftKings salaries, injuries, lines, starters, minutes): text checks that
// come before any column is looked at (missing file, empty file, binary junk), CSV records with their real
// line numbers, and the one message form every bad value uses: file, line, column, value (quoted, clipped).
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { UserError } from '../data/errors.ts';
import { at as itemAt } from '../data/checked.ts';

export interface CsvRecord {
  /** 1-based line of the record in the file. */
  readonly line: number;
  readonly cells: readonly string[];
}

/** Longest part of a bad value a message repeats: enough to recognise it, never a wall of text. */
const QUOTE_MAX = 40;

/** A bad value for a message: JSON-quoted, control characters replaced, clipped to about 40 characters. */
export function quoteValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this replaces
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return JSON.stringify(clean.length > QUOTE_MAX ? `${clean.slice(0, QUOTE_MAX)}...` : clean);
}

/** `FILE line N, column "C": WHAT` — the one-line form of every bad-value error here. */
export function cellError(file: string, line: number, column: string, what: string): UserError {
  return new UserError(`${file} line ${line}, column "${column}": ${what}`);
}

/**
 * The file's text, refusing what is not a CSV before anything is parsed: a missing or empty file, and binary
 * data (a NUL byte, invalid UTF-8 or many control characters), which is named by byte offset and never echoed.
 */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: file not found`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected a CSV file`);
    throw e;
  }
  return textOfBytes(bytes, path);
}

export function textOfBytes(bytes: Uint8Array, path: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UserError(`${path}: binary data (a NUL byte at byte ${nul}), expected a CSV text file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${path}: not UTF-8 text (binary data?), expected a CSV text file`);
  }
  // Tabs, CR and LF are text; other C0 controls in any number mean a binary file that happens to decode.
  // eslint-disable-next-line no-control-regex -- counting control characters is how binary data is told
  const controls = text.match(/[\u0001-\u0008\u000b\u000c\u000e-\u001f]/g)?.length ?? 0;
  if (controls > 0) throw new UserError(`${path}: binary data (${controls} control characters), expected a CSV text file`);
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new UserError(`${path}: empty file, expected a CSV with a header row`);
  return text;
}

/** CSV records (blank lines skipped), each with its real line number; malformed CSV names the line. */
export function csvRecords(text: string, path: string): CsvRecord[] {
  try {
    const out = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return out.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (e) {
    // csv-parse's own message can quote the file's text; name the line and the kind of fault instead.
    const info = e as { code?: unknown; lines?: unknown };
    const line = typeof info.lines === 'number' ? ` line ${info.lines}` : '';
    const code = typeof info.code === 'string' ? info.code.replace(/^CSV_/, '').toLowerCase().replace(/_/g, ' ') : 'unreadable';
    throw new UserError(`${path}${line}: malformed CSV (${code})`);
  }
}

export interface HeaderedCsv {
  readonly header: readonly string[];
  readonly headerLine: number;
  readonly rows: readonly CsvRecord[];
  /** The column's index in the header, or undefined. */
  at(column: string): number | undefined;
  /** The row's trimmed cell in `column` ('' when absent or short). */
  cell(row: CsvRecord, column: string): string;
}

/**
 * A CSV whose first record is its header, with `required` columns checked by name (case-insensitive,
 * spaces and underscores alike), so a missing column is named before any row is read.
 */
export function headeredCsv(text: string, path: string, required: readonly string[]): HeaderedCsv {
  const records = csvRecords(text, path);
  const first = records[0];
  if (first === undefined) throw new UserError(`${path}: empty file, expected a CSV with a header row`);
  return withHeader(records, 0, path, required);
}

export function headerKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

export function withHeader(records: readonly CsvRecord[], headerAt: number, path: string, required: readonly string[]): HeaderedCsv {
  const head = itemAt(records, headerAt);
  const index = new Map<string, number>();
  head.cells.forEach((h, i) => {
    const k = headerKey(h);
    if (k !== '' && !index.has(k)) index.set(k, i);
  });
  for (const col of required) {
    if (!index.has(headerKey(col))) {
      throw new UserError(`${path} line ${head.line}: missing column "${col}" (header: ${quoteValue(head.cells.join(','))})`);
    }
  }
  const at = (column: string): number | undefined => index.get(headerKey(column));
  return {
    header: head.cells,
    headerLine: head.line,
    rows: records.slice(headerAt + 1).filter((r) => r.cells.some((c) => c.trim() !== '')),
    at,
    cell: (row, column) => {
      const i = at(column);
      return i === undefined ? '' : (row.cells[i] ?? '').trim();
    },
  };
}

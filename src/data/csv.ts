// Typed CSV input. Every value is checked against its declared column; a bad value stops the read with a
// one-line message naming the file, the line and the column.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   records[0] is the header, so a data row r of nRows is records[r + 1]; columns gets an array for every spec before
   the rows are read. */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { UserError } from './errors.ts';
import type { ColumnSpec, ColumnType, Frame, TableSchema, Value } from './schema.ts';

export interface TypedCsv {
  readonly frame: Frame;
  /** 1-based line number in the file of each row (header is line 1). */
  readonly lines: number[];
  readonly file: string;
}

export async function readCsvBytes(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${path}: file not found`);
    throw e;
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new UserError(`${path}: not a valid gzip file`);
    }
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

const INT_RE = /^[+-]?\d+(\.0+)?$/;

function parseValue(raw: string, type: ColumnType): Value | undefined {
  switch (type) {
    case 'utf8':
      return raw;
    case 'int32':
    case 'int64': {
      if (!INT_RE.test(raw)) return undefined;
      const n = Number(raw);
      if (type === 'int32' ? n < -2147483648 || n > 2147483647 : !Number.isSafeInteger(n)) return undefined;
      return n;
    }
    case 'float32':
    case 'float64': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'bool': {
      const l = raw.toLowerCase();
      if (l === 'true' || l === '1' || l === 't') return true;
      if (l === 'false' || l === '0' || l === 'f') return false;
      return undefined;
    }
  }
}

const TYPE_WORD: Record<ColumnType, string> = {
  int32: 'an integer',
  int64: 'an integer',
  float32: 'a number',
  float64: 'a number',
  bool: 'True or False',
  utf8: 'text',
};

/**
 * Parses CSV text into a frame of `schema`. Columns beyond the schema are ignored; a missing column, a value
 * of the wrong type or an empty required value is a UserError naming file, line and column.
 * Nullable columns listed in `optionalColumns` may be absent from the header; they read as nulls.
 */
export function parseTypedCsv(text: string, schema: TableSchema, file: string, optionalColumns: readonly string[] = []): TypedCsv {
  const name = basename(file);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // info: true gives each record's real line number, even with quoted newlines or skipped blank lines.
    records = parse(text, { relax_column_count: false, skip_empty_lines: true, trim: false, info: true }) as unknown as typeof records;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError(`${name}: malformed CSV (${msg})`);
  }
  const header = records[0]?.record;
  if (header === undefined) throw new UserError(`${name}: empty file, expected a header row`);
  const index = new Map(header.map((h, i) => [h.trim(), i]));
  const specs: { spec: ColumnSpec; at: number | undefined }[] = schema.columns.map((spec) => {
    const at = index.get(spec.name);
    if (at === undefined && !optionalColumns.includes(spec.name)) {
      throw new UserError(`${name}: missing column "${spec.name}"`);
    }
    return { spec, at };
  });
  const n = records.length - 1;
  const columns: Record<string, Value[]> = {};
  for (const { spec } of specs) columns[spec.name] = new Array<Value>(n);
  const lines = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    const { record: rec, info } = records[r + 1]!;
    const line = info.lines;
    lines[r] = line;
    for (const { spec, at } of specs) {
      const raw = at === undefined ? '' : (rec[at] ?? '');
      const out = columns[spec.name]!;
      if (raw === '') {
        if (!spec.nullable) throw new UserError(`${name} line ${line}: column "${spec.name}" is empty but required`);
        out[r] = null;
        continue;
      }
      const v = parseValue(raw, spec.type);
      if (v === undefined) {
        throw new UserError(`${name} line ${line}: column "${spec.name}" must be ${TYPE_WORD[spec.type]}, got ${JSON.stringify(raw)}`);
      }
      out[r] = v;
    }
  }
  return { frame: { schema, numRows: n, columns }, lines, file: name };
}

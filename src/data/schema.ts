// Column declarations and the in-memory column frame that every lake table is read into and written from.
//
// A Frame is columnar: `columns[name][row]`. Values are plain JS values so one representation serves
// Node and the browser; int64 ids are JS numbers (nba.com ids are far below 2^53) and become BigInt only
// at the Arrow boundary.
import * as arrow from 'apache-arrow';
import { defined } from './checked.ts';
import { UserError } from './errors.ts';

export type ColumnType = 'int32' | 'int64' | 'float32' | 'float64' | 'bool' | 'utf8';
export type Value = string | number | boolean | null;

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly doc?: string;
}

export interface TableSchema {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
}

export interface Frame {
  readonly schema: TableSchema;
  readonly numRows: number;
  readonly columns: Readonly<Record<string, Value[]>>;
}

export function col(name: string, type: ColumnType, nullable = false, doc?: string): ColumnSpec {
  return doc === undefined ? { name, type, nullable } : { name, type, nullable, doc };
}

/** Builds a frame from rows, checking every value against the schema (type and nullability). */
export function frameFromRows(schema: TableSchema, rows: readonly Record<string, Value>[]): Frame {
  const columns: Record<string, Value[]> = {};
  for (const spec of schema.columns) {
    columns[spec.name] = rows.map((row) => row[spec.name] ?? null);
  }
  const frame = { schema, numRows: rows.length, columns };
  validateFrame(frame, schema.name);
  return frame;
}

/** The values of column `name`; frames built here hold every column of their schema, so a miss is a bug. */
function columnOf(frame: Frame, name: string): Value[] {
  return defined(frame.columns[name], `column "${name}" of ${frame.schema.name}`);
}

export function frameRows(frame: Frame): Record<string, Value>[] {
  const rows = new Array<Record<string, Value>>(frame.numRows);
  const columns = frame.schema.columns.map((c) => [c.name, columnOf(frame, c.name)] as const);
  for (let i = 0; i < frame.numRows; i++) {
    const row: Record<string, Value> = {};
    for (const [name, values] of columns) row[name] = values[i] ?? null;
    rows[i] = row;
  }
  return rows;
}

/** Selects the rows at `indices` (in that order). */
export function takeRows(frame: Frame, indices: readonly number[]): Frame {
  const columns: Record<string, Value[]> = {};
  for (const spec of frame.schema.columns) {
    const src = columnOf(frame, spec.name);
    columns[spec.name] = indices.map((i) => src[i] ?? null);
  }
  return { schema: frame.schema, numRows: indices.length, columns };
}

export function concatFrames(schema: TableSchema, frames: readonly Frame[]): Frame {
  const columns: Record<string, Value[]> = {};
  let numRows = 0;
  for (const f of frames) numRows += f.numRows;
  for (const spec of schema.columns) {
    const out: Value[] = [];
    for (const f of frames) {
      const src = columnOf(f, spec.name);
      for (let i = 0; i < f.numRows; i++) out.push(src[i] ?? null);
    }
    columns[spec.name] = out;
  }
  return { schema, numRows, columns };
}

function valueFits(type: ColumnType, v: Value): boolean {
  switch (type) {
    case 'int32':
      return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    case 'int64':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'float32':
    case 'float64':
      return typeof v === 'number' && !Number.isNaN(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'utf8':
      return typeof v === 'string';
  }
}

/** Checks every value of a frame; the error names the table, column, row and bad value. */
export function validateFrame(frame: Frame, where: string): void {
  for (const spec of frame.schema.columns) {
    const values = frame.columns[spec.name];
    if (values === undefined) throw new UserError(`${where}: missing column "${spec.name}"`);
    if (values.length !== frame.numRows) {
      throw new UserError(`${where}: column "${spec.name}" has ${values.length} values, expected ${frame.numRows}`);
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? null;
      if (v === null) {
        if (!spec.nullable) throw new UserError(`${where}: column "${spec.name}" is null at row ${i} but is not nullable`);
        continue;
      }
      if (!valueFits(spec.type, v)) {
        throw new UserError(`${where}: column "${spec.name}" expects ${spec.type}, got ${JSON.stringify(v)} at row ${i}`);
      }
    }
  }
}

function arrowType(type: ColumnType): arrow.DataType {
  switch (type) {
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'float32':
      return new arrow.Float32();
    case 'float64':
      return new arrow.Float64();
    case 'bool':
      return new arrow.Bool();
    case 'utf8':
      return new arrow.Utf8();
  }
}

export function toArrowTable(frame: Frame): arrow.Table {
  const vectors: Record<string, arrow.Vector> = {};
  for (const spec of frame.schema.columns) {
    const values = columnOf(frame, spec.name);
    const data = spec.type === 'int64' ? values.map((v) => (v === null ? null : BigInt(v as number))) : values;
    vectors[spec.name] = arrow.vectorFromArray(data, arrowType(spec.type));
  }
  // Declare nullability in the Arrow schema so Parquet writes REQUIRED vs OPTIONAL fields faithfully.
  const fields = frame.schema.columns.map((s) => new arrow.Field(s.name, arrowType(s.type), s.nullable));
  const table = new arrow.Table(vectors);
  return new arrow.Table(
    new arrow.Schema(fields),
    table.batches.map((b) => new arrow.RecordBatch(new arrow.Schema(fields), b.data)),
  );
}

function describeArrowType(t: arrow.DataType): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- every concrete Arrow type has a toString ("Int32", "Utf8"); only the abstract base's declaration lacks it
  return String(t);
}

function expectedArrowTypeIds(type: ColumnType): (t: arrow.DataType) => boolean {
  switch (type) {
    case 'int32':
      return (t) => arrow.DataType.isInt(t) && t.bitWidth === 32 && t.isSigned;
    case 'int64':
      return (t) => arrow.DataType.isInt(t) && t.bitWidth === 64 && t.isSigned;
    case 'float32':
      return (t) => arrow.DataType.isFloat(t) && t.precision === arrow.Precision.SINGLE;
    case 'float64':
      return (t) => arrow.DataType.isFloat(t) && t.precision === arrow.Precision.DOUBLE;
    case 'bool':
      return (t) => arrow.DataType.isBool(t);
    case 'utf8':
      return (t) => arrow.DataType.isUtf8(t) || arrow.DataType.isLargeUtf8(t);
  }
}

/**
 * Converts an Arrow table to a frame of `schema`, checking that every declared column exists with the
 * declared type. Extra columns in the file are ignored. Errors name the file and the column.
 */
export function fromArrowTable(table: arrow.Table, schema: TableSchema, file: string): Frame {
  const columns: Record<string, Value[]> = {};
  const n = table.numRows;
  for (const spec of schema.columns) {
    const field = table.schema.fields.find((f) => f.name === spec.name);
    if (field === undefined) throw new UserError(`${file}: missing column "${spec.name}" (${spec.type})`);
    // A Table<any> (what parquet-wasm's IPC stream gives) types its fields' types as any: name the type once.
    const fieldType = field.type as arrow.DataType;
    if (!expectedArrowTypeIds(spec.type)(fieldType)) {
      throw new UserError(`${file}: column "${spec.name}" has type ${describeArrowType(fieldType)}, expected ${spec.type}`);
    }
    const vector = table.getChild(spec.name);
    if (vector === null) throw new UserError(`${file}: missing column "${spec.name}"`);
    let out: Value[];
    if (vector.nullCount === 0 && spec.type !== 'int64' && spec.type !== 'utf8' && spec.type !== 'bool') {
      // A null-free int32/float column: its typed values array is the column, one number per row.
      out = Array.from(vector.toArray() as ArrayLike<number>);
    } else {
      out = new Array<Value>(n);
      for (let i = 0; i < n; i++) {
        const v: unknown = vector.get(i);
        out[i] = v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : (v as Value);
      }
    }
    if (!spec.nullable && vector.nullCount > 0) {
      throw new UserError(`${file}: column "${spec.name}" has ${vector.nullCount} nulls but is not nullable`);
    }
    columns[spec.name] = out;
  }
  return { schema, numRows: n, columns };
}

function csvValue(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  // A float's binary residue is not part of its value (a bin edge summed as 44.050000000000004 is 44.05): CSV
  // numbers keep 15 significant digits, all that double arithmetic carries. Parquet keeps the full value.
  if (typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v)) return String(Number(v.toPrecision(15)));
  return String(v);
}

/** Rows as CSV text: the schema's columns in order, strings quoted when they must be, nulls empty. */
export function toCsv(schema: TableSchema, rows: readonly Record<string, Value>[]): string {
  const names = schema.columns.map((c) => c.name);
  return `${[names.join(','), ...rows.map((r) => names.map((n) => csvValue(r[n] ?? null)).join(','))].join('\n')}\n`;
}

// Parquet <-> Frame through parquet-wasm and apache-arrow. Runtime-neutral: the wasm bytes (or URL) are
// injected by `initParquet`, from the filesystem in Node (parquet-node.ts) or a bundled URL in the browser.
import * as arrow from 'apache-arrow';
import initWasm, * as pw from 'parquet-wasm/esm';
import { UserError } from './errors.ts';
import { fromArrowTable, toArrowTable, validateFrame, type Frame, type TableSchema } from './schema.ts';

let ready: Promise<void> | undefined;

/** Instantiates parquet-wasm once; later calls return the same promise. */
export function initParquet(wasm: () => Promise<BufferSource | URL | string>): Promise<void> {
  ready ??= (async () => {
    const source = await wasm();
    if (source instanceof URL || typeof source === 'string') await initWasm({ module_or_path: source });
    else pw.initSync({ module: source });
  })();
  return ready;
}

function assertReady(): void {
  if (ready === undefined) throw new Error('parquet-wasm is not initialised: call initParquet first');
}

/** Rows per row group of everything we write. */
const ROW_GROUP_ROWS = 128 * 1024;

/** Column compression for everything we write: zstd, which pyarrow, DuckDB and polars all read. */
function writerProperties(): pw.WriterProperties {
  return new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setCreatedBy('slatesim')
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .build();
}

export function frameToParquet(frame: Frame): Uint8Array {
  assertReady();
  validateFrame(frame, frame.schema.name);
  const ipc = arrow.tableToIPC(toArrowTable(frame), 'stream');
  // writeParquet takes ownership of the wasm table (and intoIPCStream below of its own): no free() after.
  return pw.writeParquet(pw.Table.fromIPCStream(ipc), writerProperties());
}

/**
 * Parquet written as its data comes (the same writer and settings as frameToParquet, so the same rows give the same
 * bytes): `next` gives the rows in order, an Arrow table at a time, then undefined; the writer holds at most a row
 * group, and the bytes come out as a stream.
 */
/** A table as one record batch (its columns made contiguous), as the writer would have been given it whole. */
function oneBatch(t: arrow.Table): arrow.Table {
  if (t.batches.length <= 1) return t;
  const columns: Record<string, arrow.Vector> = {};
  for (const f of t.schema.fields) {
    const v = t.getChild(f.name);
    if (v === null) throw new Error(`column ${f.name} is missing`);
    const type = f.type as arrow.DataType;
    const values: unknown = v.toArray();
    columns[f.name] = ArrayBuffer.isView(values) ? arrow.makeVector(values as Int32Array) : arrow.vectorFromArray(values as string[], type);
  }
  const fields = t.schema.fields;
  const whole = new arrow.Table(columns);
  return new arrow.Table(
    new arrow.Schema(fields),
    whole.batches.map((b) => new arrow.RecordBatch(new arrow.Schema(fields), b.data)),
  );
}

export async function parquetStream(next: () => arrow.Table | undefined): Promise<ReadableStream<Uint8Array>> {
  assertReady();
  // The writer is handed whole row groups, as frameToParquet's one table is cut into them: its pages then break
  // at the same rows, so the bytes are the same as writing the whole table at once.
  let held: arrow.Table | undefined;
  let ended = false;
  const rowGroup = (): arrow.Table | undefined => {
    while (!ended && (held?.numRows ?? 0) < ROW_GROUP_ROWS) {
      const t = next();
      if (t === undefined) ended = true;
      else held = held === undefined ? t : held.concat(t);
    }
    if (held === undefined || held.numRows === 0) return undefined;
    const group = held.numRows <= ROW_GROUP_ROWS ? held : held.slice(0, ROW_GROUP_ROWS);
    held = held.numRows <= ROW_GROUP_ROWS ? undefined : held.slice(ROW_GROUP_ROWS);
    return oneBatch(group);
  };
  const batches = new ReadableStream<pw.RecordBatch>(
    {
      pull(controller) {
        const table = rowGroup();
        if (table === undefined) {
          controller.close();
          return;
        }
        const wasm = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
        try {
          for (const b of wasm.recordBatches()) controller.enqueue(b);
        } finally {
          wasm.free();
        }
      },
    },
    { highWaterMark: 1 },
  );
  return (await pw.transformParquetStream(batches, writerProperties())) as ReadableStream<Uint8Array>;
}

export function parquetToArrow(bytes: Uint8Array, file: string, columns?: readonly string[]): arrow.Table {
  assertReady();
  let wasmTable: pw.Table;
  try {
    wasmTable = pw.readParquet(bytes, columns === undefined ? null : { columns: [...columns] });
  } catch (e) {
    throw new UserError(`${file}: not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
  }
  return arrow.tableFromIPC(wasmTable.intoIPCStream());
}

function hasField(schema: pw.Schema, name: string): boolean {
  try {
    return schema.indexOf(name) >= 0;
  } catch {
    return false; // arrow-rs reports an unknown field name as an error
  }
}

/** Reads a Parquet file into a frame of `schema`; a missing or mistyped column names the file and column. */
export function parquetToFrame(bytes: Uint8Array, schema: TableSchema, file: string): Frame {
  assertReady();
  let fileSchema: pw.Schema;
  try {
    fileSchema = pw.readSchema(bytes);
  } catch (e) {
    throw new UserError(`${file}: not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    for (const spec of schema.columns) {
      if (!hasField(fileSchema, spec.name)) throw new UserError(`${file}: missing column "${spec.name}" (${spec.type})`);
    }
  } finally {
    fileSchema.free();
  }
  const table = parquetToArrow(
    bytes,
    file,
    schema.columns.map((c) => c.name),
  );
  return fromArrowTable(table, schema, file);
}

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

/** Column compression for everything we write: zstd, which pyarrow, DuckDB and polars all read. */
function writerProperties(): pw.WriterProperties {
  return new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setCreatedBy('slatesim')
    .setMaxRowGroupSize(128 * 1024)
    .build();
}

export function frameToParquet(frame: Frame): Uint8Array {
  assertReady();
  validateFrame(frame, frame.schema.name);
  const ipc = arrow.tableToIPC(toArrowTable(frame), 'stream');
  // writeParquet takes ownership of the wasm table (and intoIPCStream below of its own): no free() after.
  return pw.writeParquet(pw.Table.fromIPCStream(ipc), writerProperties());
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

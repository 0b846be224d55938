// Node's way to hand parquet-wasm its wasm bytes: read them from the installed package.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { initParquet } from './parquet.ts';

const require = createRequire(import.meta.url);

export function initParquetNode(): Promise<void> {
  return initParquet(async () => new Uint8Array(await readFile(require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm'))));
}

// The Parquet layer on its own: every column type round-trips exactly (nulls, unicode, 64-bit ids), the
// files read back in an independent reader (DuckDB), and a missing or mistyped column is an error that
// names the file and the column.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { frameToParquet, parquetToFrame } from '../src/data/parquet.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { col, frameFromRows, frameRows, type TableSchema } from '../src/data/schema.ts';
import { tempDir } from './helpers.ts';

const SCHEMA: TableSchema = {
  name: 'edge_cases',
  columns: [
    col('player_id', 'int64'),
    col('season', 'int32'),
    col('player_name', 'utf8'),
    col('game_date', 'utf8'),
    col('minutes', 'float64', true),
    col('share', 'float32', true),
    col('starter', 'bool', true),
    col('comment', 'utf8', true),
  ],
};

const ROWS = [
  {
    player_id: 203999,
    season: 2024,
    player_name: 'Nikola Jokić',
    game_date: '2023-10-24',
    minutes: 36.25,
    share: 0.25,
    starter: true,
    comment: null,
  },
  {
    player_id: 9007199254740991,
    season: -1,
    player_name: "D'Angelo Russell",
    game_date: '2024-01-31',
    minutes: null,
    share: null,
    starter: null,
    comment: "DNP - Coach's Decision",
  },
  {
    player_id: 1,
    season: 2147483647,
    player_name: 'Luka Dončić, Jr. "quoted"',
    game_date: '2018-02-28',
    minutes: 0,
    share: 1,
    starter: false,
    comment: '',
  },
];

beforeAll(async () => {
  await initParquetNode();
});

describe('parquet round trip', () => {
  it('returns every value exactly, nulls included', () => {
    const frame = frameFromRows(SCHEMA, ROWS);
    const back = parquetToFrame(frameToParquet(frame), SCHEMA, 'mem.parquet');
    expect(frameRows(back)).toEqual(ROWS);
  });

  it('round-trips an empty table with its schema', () => {
    const frame = frameFromRows(SCHEMA, []);
    const back = parquetToFrame(frameToParquet(frame), SCHEMA, 'empty.parquet');
    expect(back.numRows).toBe(0);
  });

  it('writes the same bytes for the same data', () => {
    const a = frameToParquet(frameFromRows(SCHEMA, ROWS));
    const b = frameToParquet(frameFromRows(SCHEMA, ROWS));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('is read back by DuckDB with standard types and zstd compression', async () => {
    const dir = await tempDir('pq');
    const file = join(dir, 'edge.parquet');
    await writeFile(file, frameToParquet(frameFromRows(SCHEMA, ROWS)));
    const conn = await (await DuckDBInstance.create(':memory:')).connect();
    const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
    expect(Object.fromEntries(types.map((r) => [r.column_name, r.column_type]))).toEqual({
      player_id: 'BIGINT',
      season: 'INTEGER',
      player_name: 'VARCHAR',
      game_date: 'VARCHAR',
      minutes: 'DOUBLE',
      share: 'FLOAT',
      starter: 'BOOLEAN',
      comment: 'VARCHAR',
    });
    const rows = (
      await conn.runAndReadAll(`SELECT player_id::VARCHAR AS id, player_name, minutes FROM read_parquet('${file}') ORDER BY season`)
    ).getRowObjectsJson();
    expect(rows).toEqual([
      { id: '9007199254740991', player_name: "D'Angelo Russell", minutes: null },
      { id: '203999', player_name: 'Nikola Jokić', minutes: 36.25 },
      { id: '1', player_name: 'Luka Dončić, Jr. "quoted"', minutes: 0 },
    ]);
    const codecs = (await conn.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)).getRowObjectsJson();
    expect(codecs).toEqual([{ compression: 'ZSTD' }]);
  });
});

describe('schema checks on read', () => {
  const bytes = (): Uint8Array => frameToParquet(frameFromRows(SCHEMA, ROWS));

  it('names the file and the missing column', () => {
    const wanted: TableSchema = { name: 't', columns: [...SCHEMA.columns, col('fga', 'int32', true)] };
    expect(() => parquetToFrame(bytes(), wanted, 'lake/x.parquet')).toThrow(new UserError('lake/x.parquet: missing column "fga" (int32)'));
  });

  it('names the file and the mistyped column', () => {
    const wanted: TableSchema = {
      name: 't',
      columns: SCHEMA.columns.map((c) => (c.name === 'minutes' ? col('minutes', 'utf8', true) : c)),
    };
    expect(() => parquetToFrame(bytes(), wanted, 'lake/y.parquet')).toThrow(
      /^lake\/y\.parquet: column "minutes" has type Float64, expected utf8$/,
    );
  });

  it('refuses nulls in a column declared not nullable', () => {
    const wanted: TableSchema = { name: 't', columns: SCHEMA.columns.map((c) => (c.name === 'minutes' ? col('minutes', 'float64') : c)) };
    expect(() => parquetToFrame(bytes(), wanted, 'z.parquet')).toThrow(/z\.parquet: column "minutes" has 1 nulls but is not nullable/);
  });

  it('says a file that is not Parquet is not Parquet', async () => {
    const dir = await tempDir('pq');
    await writeFile(join(dir, 'bad.parquet'), 'not parquet at all');
    const junk = new Uint8Array(await readFile(join(dir, 'bad.parquet')));
    expect(() => parquetToFrame(junk, SCHEMA, 'bad.parquet')).toThrow(/^bad\.parquet: not a readable Parquet file/);
  });

  it('refuses to write a value of the wrong type, naming the column', () => {
    const bad = { ...ROWS[0], season: 2024.5 };
    expect(() => frameFromRows(SCHEMA, [bad])).toThrow(/column "season" expects int32, got 2024.5 at row 0/);
  });
});

// `--save-worlds` streamed (issue 16 item 8): the engine appends each game's chunks to spill files in the run's
// temporary folder as it makes them (engine/cpu/spill.ts), then worlds.parquet and team_worlds.parquet are written
// from them game by game, a chunk at a time, through parquet-wasm's streaming writer. Memory is bounded by a chunk
// and a row group whatever the number of worlds; the files are the bytes the whole-table writer gave (same rows,
// same order, same row groups). Once the columns were built as one JS object per player-world: 2.8 GB at 10,000
// worlds of the embedded slate, and a heap out of memory above ~30,000.
import * as arrow from 'apache-arrow';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetStream } from '../data/parquet.ts';
import { col, type TableSchema } from '../data/schema.ts';
import type { WorldSpill } from '../../engine/core/backend.ts';
import type { WorldRows } from '../../engine/cpu/simulate.ts';
import { readSpill, spillSink } from '../../engine/cpu/spill.ts';
import { NSTAT, STATS } from '../../engine/kernels/kernels.ts';
import type { Slate } from '../../engine/slate.ts';

export const WORLDS_SCHEMA: TableSchema = {
  name: 'worlds',
  columns: [
    col('world', 'int32'),
    col('game_id', 'utf8'),
    col('team_id', 'int64'),
    col('player_id', 'int64'),
    col('minutes', 'float32'),
    ...STATS.map((c) => col(c, 'int32')),
    col('dk_fpts', 'float32'),
  ],
};

export const TEAM_WORLDS_SCHEMA: TableSchema = {
  name: 'team_worlds',
  columns: [
    col('world', 'int32'),
    col('game_id', 'utf8'),
    col('team_id', 'int64'),
    col('fga_total', 'int32'),
    col('fta_total', 'int32'),
    col('tov_total', 'int32'),
    col('pts', 'int32'),
    col('pace_factor', 'float32'),
  ],
};

/** The spill folder inside a run's temporary folder, and the engine's sinks into it. */
export async function worldSpill(tmp: string): Promise<WorldSpill> {
  const dir = join(tmp, '.worlds-spill');
  await mkdir(dir, { recursive: true });
  return { dir, sink: (g) => spillSink(dir, g) };
}

/** Rows per table handed to the writer: its row group, so that each row group is written from one batch. */
const GROUP_ROWS = 128 * 1024;

type Column = Int32Array | Float32Array | BigInt64Array;

/**
 * Rows gathered column by column into row-group-sized tables. `game_id` is kept as an index into the slate's game
 * ids and made Utf8 when the table is cut; every other column is a typed array of the schema's type.
 */
class RowGroups {
  private readonly cols: Record<string, Column> = {};
  private readonly game = new Int32Array(GROUP_ROWS);
  private rows = 0;
  readonly ready: arrow.Table[] = [];

  constructor(
    private readonly schema: TableSchema,
    private readonly gameIds: readonly string[],
  ) {
    for (const c of schema.columns) {
      if (c.type === 'int32') this.cols[c.name] = new Int32Array(GROUP_ROWS);
      else if (c.type === 'float32') this.cols[c.name] = new Float32Array(GROUP_ROWS);
      else if (c.type === 'int64') this.cols[c.name] = new BigInt64Array(GROUP_ROWS);
    }
  }

  /** Appends n rows: `fill(cols, game, at, from, count)` writes rows from..from+count of the chunk at row `at`. */
  push(n: number, g: number, fill: (cols: Record<string, Column>, at: number, from: number, count: number) => void): void {
    for (let from = 0; from < n;) {
      const count = Math.min(n - from, GROUP_ROWS - this.rows);
      fill(this.cols, this.rows, from, count);
      this.game.fill(g, this.rows, this.rows + count);
      this.rows += count;
      from += count;
      if (this.rows === GROUP_ROWS) this.cut();
    }
  }

  cut(): void {
    if (this.rows === 0) return;
    const n = this.rows;
    const vectors: Record<string, arrow.Vector> = {};
    for (const c of this.schema.columns) {
      if (c.type === 'utf8') vectors[c.name] = this.gameColumn(n);
      else {
        const col = this.cols[c.name];
        if (col === undefined) throw new Error(`column ${c.name} has no array`);
        vectors[c.name] = arrow.makeVector(col.slice(0, n));
      }
    }
    // nullability declared as toArrowTable does, so the Parquet schema is the one frameToParquet writes
    const fields = this.schema.columns.map((c) => new arrow.Field(c.name, vectors[c.name]?.type as arrow.DataType, c.nullable));
    const t = new arrow.Table(vectors);
    this.ready.push(
      new arrow.Table(
        new arrow.Schema(fields),
        t.batches.map((b) => new arrow.RecordBatch(new arrow.Schema(fields), b.data)),
      ),
    );
    this.rows = 0;
  }

  private gameColumn(n: number): arrow.Vector {
    const enc = this.gameIds.map((id) => new TextEncoder().encode(id));
    const offsets = new Int32Array(n + 1);
    for (let r = 0; r < n; r++) offsets[r + 1] = (offsets[r] ?? 0) + (enc[this.game[r] ?? 0]?.length ?? 0);
    const data = new Uint8Array(offsets[n] ?? 0);
    for (let r = 0; r < n; r++) data.set(enc[this.game[r] ?? 0] ?? new Uint8Array(0), offsets[r]);
    return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data }));
  }
}

/** One chunk of game g as worlds rows: world-major, the game's players in slate order. */
function worldsChunk(s: Slate, g: number, rows: WorldRows, world0: number, out: RowGroups): void {
  const n = rows.pace.length;
  const p0 = s.playerStart[2 * g] ?? 0;
  const nP = n === 0 ? 0 : rows.minutes.length / n;
  const teams = BigInt64Array.from({ length: nP }, (_, j) => BigInt(s.teamId[s.playerTeam[p0 + j] ?? 0] ?? 0));
  const players = BigInt64Array.from({ length: nP }, (_, j) => BigInt(s.playerId[p0 + j] ?? 0));
  const statCols = STATS.map((name) => name);
  out.push(n * nP, g, (cols, at, from, count) => {
    const world = cols.world as Int32Array;
    const team = cols.team_id as BigInt64Array;
    const player = cols.player_id as BigInt64Array;
    for (let k = 0; k < count; k++) {
      const r = from + k;
      const j = r % nP;
      world[at + k] = world0 + (r - j) / nP;
      team[at + k] = teams[j] ?? 0n;
      player[at + k] = players[j] ?? 0n;
    }
    (cols.minutes as Float32Array).set(rows.minutes.subarray(from, from + count), at);
    (cols.dk_fpts as Float32Array).set(rows.dk.subarray(from, from + count), at);
    statCols.forEach((name, stat) => {
      const col = cols[name] as Int32Array;
      for (let k = 0; k < count; k++) col[at + k] = rows.stats[(from + k) * NSTAT + stat] ?? 0;
    });
  });
}

/** One chunk of game g as team_worlds rows: per world, home then away. */
function teamWorldsChunk(s: Slate, g: number, rows: WorldRows, world0: number, out: RowGroups): void {
  const n = rows.pace.length;
  const ids = [BigInt(s.teamId[2 * g] ?? 0), BigInt(s.teamId[2 * g + 1] ?? 0)];
  out.push(2 * n, g, (cols, at, from, count) => {
    const names = ['fga_total', 'fta_total', 'tov_total'] as const;
    for (let k = 0; k < count; k++) {
      const r = from + k;
      (cols.world as Int32Array)[at + k] = world0 + (r >> 1);
      (cols.team_id as BigInt64Array)[at + k] = ids[r & 1] ?? 0n;
      names.forEach((name, t) => ((cols[name] as Int32Array)[at + k] = rows.totals[r * 3 + t] ?? 0));
      (cols.pts as Int32Array)[at + k] = rows.teamPts[r] ?? 0;
      (cols.pace_factor as Float32Array)[at + k] = rows.pace[r >> 1] ?? 0;
    }
  });
}

/** Every spilled chunk of the slate as row-group tables, game by game in slate order. */
function chunks(
  s: Slate,
  spillDir: string,
  schema: TableSchema,
  add: (s: Slate, g: number, rows: WorldRows, world0: number, out: RowGroups) => void,
): () => arrow.Table | undefined {
  const groups = new RowGroups(schema, s.gameId);
  let g = 0;
  let world0 = 0;
  let it: Generator<WorldRows> | undefined;
  return () => {
    while (groups.ready.length === 0) {
      if (g >= s.nGames) {
        groups.cut();
        break;
      }
      it ??= readSpill(spillDir, g);
      const next = it.next();
      if (next.done !== true) {
        add(s, g, next.value, world0, groups);
        world0 += next.value.pace.length;
        continue;
      }
      it = undefined;
      world0 = 0;
      g++;
    }
    return groups.ready.shift();
  };
}

/** The stream's bytes into a new file, each part written as it comes (a piped Node stream held ~2x more). */
async function writeStream(path: string, bytes: ReadableStream<Uint8Array>): Promise<void> {
  const fd = openSync(path, 'wx');
  try {
    const reader = bytes.getReader();
    for (;;) {
      const part = await reader.read();
      if (part.done) break;
      for (let at = 0; at < part.value.length;) at += writeSync(fd, part.value, at);
    }
  } finally {
    closeSync(fd);
  }
}

/** worlds.parquet and team_worlds.parquet in `tmp` (the run's temporary folder) from the spill; the spill is removed. */
export async function writeSavedWorlds(s: Slate, spill: WorldSpill, tmp: string): Promise<void> {
  await writeStream(join(tmp, 'worlds.parquet'), await parquetStream(chunks(s, spill.dir, WORLDS_SCHEMA, worldsChunk)));
  await writeStream(join(tmp, 'team_worlds.parquet'), await parquetStream(chunks(s, spill.dir, TEAM_WORLDS_SCHEMA, teamWorldsChunk)));
  await rm(spill.dir, { recursive: true, force: true });
}

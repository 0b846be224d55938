// Saved worlds streamed to disk as they are made (Node only): each game's chunks are appended, in world order, to
// its own spill file, so neither the engine nor a worker thread holds more than a chunk whatever the number of
// worlds, and games made in any order (worker threads, the lineups' block-major run) are read back game by game.
// A chunk is [n, nP] (int32) then the chunk's WorldRows arrays as they lie in memory.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { newWorldRows, type ChunkSink, type WorldRows } from './simulate.ts';

export function spillPath(dir: string, g: number): string {
  return join(dir, `worlds-g${g}.bin`);
}

const arraysOf = (r: WorldRows): ArrayBufferView[] => [r.minutes, r.stats, r.dk, r.totals, r.teamPts, r.pace];

/** A sink appending game g's chunks to its spill file in `dir` (created empty now). */
export function spillSink(dir: string, g: number): ChunkSink {
  const path = spillPath(dir, g);
  closeSync(openSync(path, 'w'));
  let next = 0;
  return (rows, done) => {
    if (done !== next) throw new Error(`spill of game ${g}: chunk at world ${done}, expected ${next}`);
    const n = rows.pace.length;
    next += n;
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, new Uint8Array(Int32Array.of(n, n === 0 ? 0 : rows.minutes.length / n).buffer));
      for (const a of arraysOf(rows)) writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    } finally {
      closeSync(fd);
    }
  };
}

function readFully(fd: number, into: ArrayBufferView): boolean {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const got = readSync(fd, bytes, at, bytes.length - at, null);
    if (got === 0) {
      if (at === 0) return false;
      throw new Error('spill file ends inside a chunk');
    }
    at += got;
  }
  return true;
}

/** Game g's chunks from its spill file, in world order, one at a time. */
export function* readSpill(dir: string, g: number): Generator<WorldRows> {
  const fd = openSync(spillPath(dir, g), 'r');
  try {
    const head = new Int32Array(2);
    while (readFully(fd, head)) {
      const rows = newWorldRows(head[0] ?? 0, head[1] ?? 0);
      for (const a of arraysOf(rows)) readFully(fd, a);
      yield rows;
    }
  } finally {
    closeSync(fd);
  }
}

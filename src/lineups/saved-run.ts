// Lineups scored on a run saved with its worlds (`sim --inputs ... --save-worlds`): the pool from the run's
// projections (one row per DraftKings row: dk_id, roster position, salary, team, game, status), each world's
// points from worlds.parquet, and the same scoring and histograms the engine uses while it makes worlds
// (engine/kernels/lineups), so `lineups score` gives the bytes `sim --lineups` gives for the same run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { at } from '../data/checked.ts';
import { UserError } from '../data/errors.ts';
import { parquetToArrow } from '../data/parquet.ts';
import {
  lineupTable,
  newLineupAccumulator,
  reduceLineups,
  scoreLineups,
  type LineupAccumulator,
} from '../../engine/kernels/lineups/lineups.ts';
import { engineIdOf } from '../pregame/simulate.ts';
import type { Lineup } from './read.ts';
import { slotWeight, unitsPerPoint, type LineupPool } from './report.ts';
import { contestTypeOf, rulesOf, type PoolPlayer } from './rules.ts';

/** Worlds per scoring block: the engine's CPU chunk. */
const BLOCK = 2048;

async function readRunFile(dir: string, name: string, columns: readonly string[]): Promise<arrow.Table> {
  const path = join(dir, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && name === 'worlds.parquet')
      throw new UserError(
        `--run ${dir}: no worlds.parquet (run the sim with --save-worlds, or score lineups during the sim with --lineups)`,
      );
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`--run ${dir}: no ${name} (not a slatesim run folder)`);
    throw e;
  }
  const table = parquetToArrow(bytes, path);
  for (const c of columns)
    if (table.getChild(c) === null)
      throw new UserError(
        `${path}: no column ${c}${name === 'projections.parquet' ? ' (a pregame run has DraftKings ids; run the sim with --inputs or --dk-csv)' : ''}`,
      );
  return table;
}

const PROJECTION_COLUMNS = ['player_id', 'dk_id', 'dk_name_id', 'roster_position', 'salary', 'team', 'game_info', 'status'] as const;

/** The run's pool, and its players' worlds: per player-world DraftKings points, [player][world]. */
export async function savedRun(dir: string): Promise<{ pool: LineupPool; worlds: number; dk: Float32Array }> {
  const proj = await readRunFile(dir, 'projections.parquet', PROJECTION_COLUMNS);
  // .get(i) honours nulls (an unmatched row's player_id); toArray() would hand back whatever the buffer holds
  const cellOf = (name: string, i: number): unknown => proj.getChild(name)?.get(i) ?? null;
  const text = (name: string, i: number): string => {
    const v = cellOf(name, i);
    return typeof v === 'string' ? v : '';
  };
  const num = (name: string, i: number): number | null => {
    const v = cellOf(name, i);
    return v === null ? null : Number(v);
  };
  const players: PoolPlayer[] = [];
  const pid: (number | null)[] = [];
  const status: string[] = [];
  for (let i = 0; i < proj.numRows; i++) {
    const name = text('dk_name_id', i).replace(/\s*\(\d+\)\s*$/, '');
    const team = text('team', i);
    players.push({
      dkId: num('dk_id', i) ?? 0,
      name,
      rosterPositions: text('roster_position', i)
        .split('/')
        .map((x) => x.trim().toUpperCase()),
      salary: num('salary', i) ?? 0,
      team,
      game: text('game_info', i).split(/\s+/)[0] ?? '',
      personKey: `${team}:${name}`,
    });
    pid.push(num('player_id', i));
    status.push(text('status', i));
  }
  const worldsTable = await readRunFile(dir, 'worlds.parquet', ['world', 'player_id', 'dk_fpts']);
  const wCol = worldsTable.getChild('world')?.toArray() as Int32Array;
  const pCol = worldsTable.getChild('player_id')?.toArray() as BigInt64Array | Int32Array | Float64Array;
  const dkCol = worldsTable.getChild('dk_fpts')?.toArray() as Float32Array;
  let worlds = 0;
  for (const w of wCol) worlds = Math.max(worlds, w + 1);
  // every player with worlds gets a column of the matrix; his DraftKings rows point at it
  const column = new Map<number, number>();
  for (const p of pCol) if (!column.has(Number(p))) column.set(Number(p), column.size);
  const dk = new Float32Array(column.size * worlds);
  for (let r = 0; r < wCol.length; r++) dk[(column.get(Number(pCol[r])) ?? 0) * worlds + (wCol[r] ?? 0)] = dkCol[r] ?? 0;
  const slatePlayer = new Int32Array(players.length).fill(-1);
  players.forEach((_, i) => {
    // an unmatched row's worlds are under the synthetic id the simulation gave it
    const id = engineIdOf(pid[i] ?? null, at(players, i).dkId);
    if (at(status, i) !== 'OUT') slatePlayer[i] = column.get(id) ?? -1;
  });
  return { pool: { rules: rulesOf(contestTypeOf(players)), players, slatePlayer }, worlds, dk: transpose(dk, column.size, worlds) };
}

/** [player][world] -> the engine's block layout for one "game" holding every player: [world][player]. */
function transpose(byPlayer: Float32Array, nPlayers: number, worlds: number): Float32Array {
  const out = new Float32Array(byPlayer.length);
  for (let p = 0; p < nPlayers; p++) for (let w = 0; w < worlds; w++) out[w * nPlayers + p] = byPlayer[p * worlds + w] ?? 0;
  return out;
}

/** Scores lineups over a saved run's worlds, block by block in world order, as the engine does. */
export function scoreSavedRun(run: { pool: LineupPool; worlds: number; dk: Float32Array }, lineups: readonly Lineup[]): LineupAccumulator {
  const nPlayers = run.worlds > 0 ? run.dk.length / run.worlds : 0;
  // one pseudo-game holding every player: the engine's layout with p0 = 0 and nP = nPlayers
  const slate = { nGames: 1, playerStart: [0, nPlayers], playerEnd: [nPlayers, nPlayers] };
  const table = lineupTable(
    slate,
    lineups.map((l) => l.players.map((p, k) => ({ player: run.pool.slatePlayer[p] ?? -1, weight: slotWeight(run.pool.rules, k) }))),
    unitsPerPoint(run.pool.rules),
  );
  const acc = newLineupAccumulator(table);
  const scores = new Int32Array(table.nLineups * BLOCK);
  for (let w0 = 0; w0 < run.worlds; w0 += BLOCK) {
    const n = Math.min(BLOCK, run.worlds - w0);
    const block = run.dk.subarray(w0 * nPlayers, (w0 + n) * nPlayers);
    const s = scores.subarray(0, table.nLineups * n);
    scoreLineups(table, block, n, s);
    reduceLineups(acc, table, s, n);
  }
  return acc;
}

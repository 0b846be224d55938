// Shards of a run and their exact merge, for simulating one slate on many machines (src/distributed runs them
// on a job queue). A shard is one game's range of worlds [w0, w1) with everything that decides its bytes: the
// seed, the run's worlds per game (the anchoring pilot depends on it), the chunk, the anchor scales and the
// digest of the inputs (slate and profile). Randomness is counter-based, so a range of worlds is the same
// wherever it runs; the reduction is integer sums, fixed-point minutes and histograms, so the partials of a
// game's ranges add up, in any order or grouping, to the bytes of one process running the whole game.
// A partial travels as a compact binary with a version byte (encodePartial / decodePartial).
// Shards run on one path for the whole run, the CPU's or the GPU's (their worlds differ in the last bits: f64
// against f32 arithmetic, and each path's own anchor pilot), never a mix. With lineups a shard is a range of
// worlds of every game at once (a slate shard): a lineup's score needs all its games' points of the same world.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   parts of a game are checked to tile [0, worlds) before they are added, and every array of a partial is checked
   against its accumulator's length when decoded. */

import { CounterRng } from '../rng.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { NSTAT, newBatch, reuseBatch, runKernels, type GameBatch } from '../kernels/kernels.ts';
import { MINUTES_FIXED } from '../kernels/contract.ts';
import {
  anchorScales,
  fullAnchor,
  newAccumulator,
  newWorldRows,
  reduceBatch,
  simulateSlateRange,
  storeChunk,
  type GameAccumulator,
  type GameResult,
  type WorldRows,
} from '../cpu/simulate.ts';
import {
  LINEUP_BINS,
  mergeLineupAccumulators,
  newLineupAccumulator,
  type LineupAccumulator,
  type LineupTable,
} from '../kernels/lineups/lineups.ts';

/** The path that makes a run's worlds: every shard of a run names the same one. */
export type ShardBackend = 'cpu' | 'gpu';

/** One unit of work: game `game`'s worlds [w0, w1) of a run. */
export interface ShardSpec {
  /** "g<game>:w<w0>-<w1>", unique within a run */
  id: string;
  game: number;
  w0: number;
  w1: number;
  /** the run's worlds per game */
  worlds: number;
  seed: number;
  /** worlds per kernel batch */
  chunk: number;
  saveWorlds: boolean;
  /** the Vegas anchor scales of the game's two teams, computed once for the run on its path (exact through JSON) */
  anchor: [number, number];
  /** SHA-256 (hex) of the encoded inputs: the slate and the profile */
  inputs: string;
  backend: ShardBackend;
}

/** One unit of a lineup run: worlds [w0, w1) of every game, and the lineups scored on them. */
export interface SlateShardSpec {
  /** "s:w<w0>-<w1>", unique within a run */
  id: string;
  w0: number;
  w1: number;
  worlds: number;
  seed: number;
  chunk: number;
  saveWorlds: boolean;
  /** every game's anchor scales, in slate order */
  anchors: [number, number][];
  /** SHA-256 (hex) of the encoded inputs: the slate, the profile and the lineup table */
  inputs: string;
  backend: ShardBackend;
}

/** A shard's result: the game's accumulator over [w0, w1) and, with saveWorlds, those worlds' rows. */
export interface Partial {
  game: number;
  w0: number;
  w1: number;
  acc: GameAccumulator;
  rows?: WorldRows;
}

/** The anchor scales the single-process CPU run uses for game g (the pilot, once per game per run). */
export function runAnchor(s: Slate, prof: Profile, seed: number, g: number, chunk: number, worlds: number): [number, number] {
  const a = anchorScales(s, prof, seed, g, chunk, worlds);
  return [a[0]!, a[1]!];
}

export interface PlanOptions {
  worlds: number;
  seed: number;
  chunk: number;
  shardWorlds: number;
  saveWorlds: boolean;
  inputs: string;
  anchors: [number, number][];
  backend: ShardBackend;
}

/**
 * Worlds per shard: on the CPU a multiple of the chunk, so each shard batches its worlds as the single process
 * does; on the GPU `shardWorlds` as asked (its sums do not depend on where chunks fall: test/gpu-engine.test.ts).
 */
export function shardSize(o: { chunk: number; shardWorlds: number; backend: ShardBackend }): number {
  if (o.backend === 'gpu') return Math.max(1, o.shardWorlds);
  return Math.max(o.chunk, Math.ceil(o.shardWorlds / o.chunk) * o.chunk);
}

/**
 * A run's shards: every game's worlds cut into ranges of shardSize(), largest games first so the long ones
 * start early.
 */
export function planShards(s: Slate, opts: PlanOptions): ShardSpec[] {
  const size = shardSize(opts);
  const out: ShardSpec[] = [];
  for (let g = 0; g < s.nGames; g++) {
    for (let w0 = 0; w0 < opts.worlds; w0 += size) {
      const w1 = Math.min(opts.worlds, w0 + size);
      out.push({
        id: `g${g}:w${w0}-${w1}`,
        game: g,
        w0,
        w1,
        worlds: opts.worlds,
        seed: opts.seed,
        chunk: opts.chunk,
        saveWorlds: opts.saveWorlds,
        anchor: opts.anchors[g]!,
        inputs: opts.inputs,
        backend: opts.backend,
      });
    }
  }
  const players = (g: number): number => s.playerEnd[2 * g + 1]! - s.playerStart[2 * g]!;
  return out.sort((a, b) => players(b.game) - players(a.game) || a.game - b.game || a.w0 - b.w0);
}

/** A lineup run's shards: the slate's worlds cut into ranges of shardSize(), every game in each. */
export function planSlateShards(opts: PlanOptions): SlateShardSpec[] {
  const size = shardSize(opts);
  const out: SlateShardSpec[] = [];
  for (let w0 = 0; w0 < opts.worlds; w0 += size) {
    const w1 = Math.min(opts.worlds, w0 + size);
    out.push({
      id: `s:w${w0}-${w1}`,
      w0,
      w1,
      worlds: opts.worlds,
      seed: opts.seed,
      chunk: opts.chunk,
      saveWorlds: opts.saveWorlds,
      anchors: opts.anchors,
      inputs: opts.inputs,
      backend: opts.backend,
    });
  }
  return out;
}

/** One shard on the CPU path: the same kernels, world offsets and chunking as simulateGame. */
export function runShardCpu(s: Slate, prof: Profile, spec: ShardSpec, onChunk?: (n: number) => void): Partial {
  const g = spec.game;
  const anchor = Float64Array.from(spec.anchor);
  const full = fullAnchor(s, g, anchor);
  const rng = new CounterRng(spec.seed);
  const nP = newBatch(s, g, 0).nP;
  const acc = newAccumulator(g, nP, anchor);
  const rows = spec.saveWorlds ? newWorldRows(spec.w1 - spec.w0, nP) : undefined;
  let b: GameBatch | undefined;
  for (let done = spec.w0; done < spec.w1;) {
    const n = Math.min(spec.chunk, spec.w1 - done);
    b = reuseBatch(b, s, g, n);
    runKernels(s, prof, rng, b, done, full);
    reduceBatch(acc, b);
    if (rows !== undefined) storeChunk(rows, b, done - spec.w0);
    done += n;
    onChunk?.(n);
  }
  return { game: g, w0: spec.w0, w1: spec.w1, acc, ...(rows !== undefined ? { rows } : {}) };
}

/** A lineup shard's result: every game's partial over [w0, w1) and the lineups' counts over those worlds. */
export interface SlatePartial {
  w0: number;
  w1: number;
  games: Partial[];
  lineups: LineupAccumulator;
}

/** Games of a slate partial as Partials of their own. */
function slateParts(spec: SlateShardSpec, results: readonly GameResult[]): Partial[] {
  return results.map((r, g) => ({
    game: g,
    w0: spec.w0,
    w1: spec.w1,
    acc: r.acc,
    ...(r.worldRows !== undefined ? { rows: r.worldRows } : {}),
  }));
}

/** One lineup shard on the CPU path: the blocks simulateSlateBlocks makes, over the shard's worlds. */
export function runSlateShardCpu(
  s: Slate,
  prof: Profile,
  table: LineupTable,
  spec: SlateShardSpec,
  onChunk?: (n: number) => void,
): SlatePartial {
  const out = simulateSlateRange(
    s,
    prof,
    spec.seed,
    { w0: spec.w0, w1: spec.w1, chunk: spec.chunk, anchors: spec.anchors },
    spec.saveWorlds,
    { table },
    onChunk,
  );
  return { w0: spec.w0, w1: spec.w1, games: slateParts(spec, out.results), lineups: out.lineups };
}

/** The GameResults of a slate shard made elsewhere (the GPU path), as a SlatePartial. */
export function slatePartialOf(spec: SlateShardSpec, results: readonly GameResult[], lineups: LineupAccumulator): SlatePartial {
  return { w0: spec.w0, w1: spec.w1, games: slateParts(spec, results), lineups };
}

// ---- the binary form of a partial -------------------------------------------------------------------------

/** Bumped whenever the layout below changes; a reader refuses any other. */
export const PARTIAL_VERSION = 1;
const MAGIC = [0x53, 0x53, 0x50, 0x41]; // "SSPA"

type Typed = Float64Array | Float32Array | Uint32Array | Int32Array;
const ACC_ARRAYS = [
  'dkSum',
  'dkSumSq',
  'dkHist',
  'minSum',
  'minHist',
  'fgaHist',
  'teamTotalHist',
  'statSum',
  'activeCount',
  'doubleDouble',
  'tripleDouble',
  'teamPtsSum',
  'teamPtsSumSq',
  'anchor',
] as const;
const ROW_ARRAYS = ['minutes', 'stats', 'dk', 'totals', 'teamPts', 'pace'] as const;

interface Header {
  game: number;
  w0: number;
  w1: number;
  nP: number;
  worlds: number;
  conservationViolations: number;
  minutesViolations: number;
  fallbacks: number;
  overtimeWorlds: number;
  rows: boolean;
}

/**
 * A partial as bytes: "SSPA", the version byte, three zero bytes, the JSON header's length (u32 LE), the header,
 * zero padding to 8 bytes, then the accumulator's arrays (and the rows' with saveWorlds) in a fixed order,
 * each as its little-endian elements, padded to 8 bytes. The lengths follow from nP and the worlds.
 */
export function encodePartial(p: Partial): Uint8Array<ArrayBuffer> {
  const h: Header = {
    game: p.game,
    w0: p.w0,
    w1: p.w1,
    nP: p.acc.nP,
    worlds: p.acc.worlds,
    conservationViolations: p.acc.conservationViolations,
    minutesViolations: p.acc.minutesViolations,
    fallbacks: p.acc.fallbacks,
    overtimeWorlds: p.acc.overtimeWorlds,
    rows: p.rows !== undefined,
  };
  const head = new TextEncoder().encode(JSON.stringify(h));
  const arrays: Typed[] = ACC_ARRAYS.map((k) => p.acc[k]);
  if (p.rows !== undefined) for (const k of ROW_ARRAYS) arrays.push(p.rows[k]);
  const pad8 = (n: number): number => Math.ceil(n / 8) * 8;
  let size = pad8(12 + head.length);
  for (const a of arrays) size += pad8(a.byteLength);
  const out = new Uint8Array(size);
  out.set(MAGIC, 0);
  out[4] = PARTIAL_VERSION;
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  let at = pad8(12 + head.length);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += pad8(a.byteLength);
  }
  return out;
}

/** The partial encoded by encodePartial; a wrong magic, version or length is an error naming what is wrong. */
export function decodePartial(bytes: Uint8Array): Partial {
  if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not a slatesim partial (bad magic)');
  if (bytes[4] !== PARTIAL_VERSION) throw new Error(`partial version ${bytes[4]}, this slatesim reads version ${PARTIAL_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = view.getUint32(8, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen))) as Header;
  const acc = newAccumulator(h.game, h.nP, new Float64Array(2));
  const n = h.w1 - h.w0;
  const rows = h.rows ? newWorldRows(n, h.nP) : undefined;
  const targets: Typed[] = ACC_ARRAYS.map((k) => acc[k]);
  if (rows !== undefined) for (const k of ROW_ARRAYS) targets.push(rows[k]);
  const pad8 = (x: number): number => Math.ceil(x / 8) * 8;
  let at = pad8(12 + headLen);
  for (const t of targets) {
    if (at + t.byteLength > bytes.length) throw new Error(`partial of game ${h.game} worlds ${h.w0}-${h.w1} is truncated`);
    // copy (the source need not be aligned for the typed array)
    new Uint8Array(t.buffer, t.byteOffset, t.byteLength).set(bytes.subarray(at, at + t.byteLength));
    at += pad8(t.byteLength);
  }
  if (at !== bytes.length) throw new Error(`partial of game ${h.game} worlds ${h.w0}-${h.w1} has ${bytes.length - at} bytes too many`);
  acc.worlds = h.worlds;
  acc.conservationViolations = h.conservationViolations;
  acc.minutesViolations = h.minutesViolations;
  acc.fallbacks = h.fallbacks;
  acc.overtimeWorlds = h.overtimeWorlds;
  return { game: h.game, w0: h.w0, w1: h.w1, acc, ...(rows !== undefined ? { rows } : {}) };
}

/** Bumped whenever the layout below changes; a reader refuses any other. */
export const SLATE_PARTIAL_VERSION = 1;
const SLATE_MAGIC = [0x53, 0x53, 0x50, 0x4c]; // "SSPL"

interface SlateHeader {
  w0: number;
  w1: number;
  nLineups: number;
  worlds: number;
  clamped: number;
  /** bytes of each game's partial, in slate order */
  games: number[];
}

/**
 * A lineup shard's result as bytes: "SSPL", the version byte, three zero bytes, the JSON header's length (u32
 * LE), the header, zero padding to 8 bytes, then each game's partial as encodePartial writes it, then the
 * lineups' histograms, best-of-set histogram and best-of-set counts (u32 LE), each padded to 8 bytes. The
 * histograms are 16 KiB per lineup: a set of thousands of lineups is a partial for --results-dir, not Redis.
 */
export function encodeSlatePartial(p: SlatePartial): Uint8Array<ArrayBuffer> {
  const games = p.games.map(encodePartial);
  const h: SlateHeader = {
    w0: p.w0,
    w1: p.w1,
    nLineups: p.lineups.bestCount.length,
    worlds: p.lineups.worlds,
    clamped: p.lineups.clamped,
    games: games.map((b) => b.length),
  };
  const head = new TextEncoder().encode(JSON.stringify(h));
  const pad8 = (n: number): number => Math.ceil(n / 8) * 8;
  const arrays: Uint8Array[] = [
    ...games,
    ...[p.lineups.hist, p.lineups.bestHist, p.lineups.bestCount].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)),
  ];
  let size = pad8(12 + head.length);
  for (const a of arrays) size += pad8(a.byteLength);
  const out = new Uint8Array(size);
  out.set(SLATE_MAGIC, 0);
  out[4] = SLATE_PARTIAL_VERSION;
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  let at = pad8(12 + head.length);
  for (const a of arrays) {
    out.set(a, at);
    at += pad8(a.byteLength);
  }
  return out;
}

/** Whether `bytes` start as a lineup shard's result (encodeSlatePartial) rather than one game's. */
export const isSlatePartial = (bytes: Uint8Array): boolean => bytes.length >= 4 && SLATE_MAGIC.every((m, i) => bytes[i] === m);

/** The slate partial encoded by encodeSlatePartial; a wrong magic, version or length is an error naming it. */
export function decodeSlatePartial(bytes: Uint8Array): SlatePartial {
  if (bytes.length < 12 || !isSlatePartial(bytes)) throw new Error('not a slatesim lineup partial (bad magic)');
  if (bytes[4] !== SLATE_PARTIAL_VERSION)
    throw new Error(`lineup partial version ${bytes[4]}, this slatesim reads version ${SLATE_PARTIAL_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = view.getUint32(8, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen))) as SlateHeader;
  const pad8 = (x: number): number => Math.ceil(x / 8) * 8;
  const truncated = (): Error => new Error(`lineup partial of worlds ${h.w0}-${h.w1} is truncated`);
  let at = pad8(12 + headLen);
  const games = h.games.map((len) => {
    if (at + len > bytes.length) throw truncated();
    const p = decodePartial(bytes.subarray(at, at + len));
    at += pad8(len);
    return p;
  });
  const lineups = newLineupAccumulator({ nLineups: h.nLineups, nSlots: 0, slots: new Int32Array(0), unitsPerPoint: 4 });
  for (const t of [lineups.hist, lineups.bestHist, lineups.bestCount]) {
    if (at + t.byteLength > bytes.length) throw truncated();
    new Uint8Array(t.buffer, t.byteOffset, t.byteLength).set(bytes.subarray(at, at + t.byteLength));
    at += pad8(t.byteLength);
  }
  if (at !== bytes.length) throw new Error(`lineup partial of worlds ${h.w0}-${h.w1} has ${bytes.length - at} bytes too many`);
  lineups.worlds = h.worlds;
  lineups.clamped = h.clamped;
  return { w0: h.w0, w1: h.w1, games, lineups };
}

// ---- the merge ---------------------------------------------------------------------------------------------

const SUMMED = ACC_ARRAYS.filter((k) => k !== 'anchor');

/**
 * Every game's accumulator (and rows) from its partials, in slate order. The parts of each game must tile
 * [0, worlds) exactly once and agree on the anchor; they are added in world order, though every field is a sum
 * of integers (or of multiples of 1/MINUTES_FIXED) below 2^53, so any order gives the same bytes. A sum that
 * could have lost a bit is an error, never a silent difference.
 */
export function mergePartials(s: Slate, parts: readonly Partial[], worlds: number, saveWorlds: boolean): GameResult[] {
  const byGame: Partial[][] = Array.from({ length: s.nGames }, () => []);
  for (const p of parts) {
    if (!Number.isInteger(p.game) || p.game < 0 || p.game >= s.nGames)
      throw new Error(`partial names game ${p.game}, the slate has ${s.nGames}`);
    byGame[p.game]!.push(p);
  }
  return byGame.map((ps, g) => {
    ps.sort((a, b) => a.w0 - b.w0);
    let next = 0;
    for (const p of ps) {
      if (p.w0 !== next) throw new Error(`game ${g}: partials leave worlds ${next}-${p.w0} uncovered or covered twice`);
      if (p.acc.worlds !== p.w1 - p.w0) throw new Error(`game ${g}: partial ${p.w0}-${p.w1} holds ${p.acc.worlds} worlds`);
      next = p.w1;
    }
    if (next !== worlds) throw new Error(`game ${g}: partials cover worlds 0-${next} of ${worlds}`);
    const first = ps[0]!;
    const acc = newAccumulator(g, first.acc.nP, Float64Array.from(first.acc.anchor));
    const rows = saveWorlds ? newWorldRows(worlds, first.acc.nP) : undefined;
    for (const p of ps) {
      if (p.acc.nP !== acc.nP || p.acc.anchor[0] !== acc.anchor[0] || p.acc.anchor[1] !== acc.anchor[1])
        throw new Error(`game ${g}: partial ${p.w0}-${p.w1} disagrees with the others on players or anchor`);
      for (const k of SUMMED) {
        const into = acc[k];
        const from = p.acc[k];
        for (let i = 0; i < into.length; i++) into[i] = into[i]! + from[i]!;
      }
      acc.worlds += p.acc.worlds;
      acc.conservationViolations += p.acc.conservationViolations;
      acc.minutesViolations += p.acc.minutesViolations;
      acc.fallbacks += p.acc.fallbacks;
      acc.overtimeWorlds += p.acc.overtimeWorlds;
      if (rows !== undefined) {
        if (p.rows === undefined) throw new Error(`game ${g}: partial ${p.w0}-${p.w1} has no world rows`);
        placeRows(rows, p.rows, p.w0, acc.nP);
      }
    }
    checkExact(g, acc);
    return rows === undefined ? { acc } : { acc, worldRows: rows };
  });
}

/**
 * A lineup run from its slate partials: they must tile [0, worlds) exactly once; the games merge as
 * mergePartials does and the lineups' counts add (integers: any order gives the same bytes).
 */
export function mergeSlatePartials(
  s: Slate,
  parts: readonly SlatePartial[],
  worlds: number,
  saveWorlds: boolean,
  table: LineupTable,
): { results: GameResult[]; lineups: LineupAccumulator } {
  const sorted = [...parts].sort((a, b) => a.w0 - b.w0);
  let next = 0;
  const lineups = newLineupAccumulator(table);
  for (const p of sorted) {
    if (p.w0 !== next) throw new Error(`lineup partials leave worlds ${next}-${p.w0} uncovered or covered twice`);
    if (p.lineups.worlds !== p.w1 - p.w0) throw new Error(`lineup partial ${p.w0}-${p.w1} holds ${p.lineups.worlds} worlds`);
    if (p.lineups.bestCount.length !== table.nLineups || p.lineups.hist.length !== table.nLineups * LINEUP_BINS)
      throw new Error(`lineup partial ${p.w0}-${p.w1} has ${p.lineups.bestCount.length} lineups, the run ${table.nLineups}`);
    if (p.games.length !== s.nGames) throw new Error(`lineup partial ${p.w0}-${p.w1} has ${p.games.length} games, the slate ${s.nGames}`);
    mergeLineupAccumulators(lineups, p.lineups);
    next = p.w1;
  }
  if (next !== worlds) throw new Error(`lineup partials cover worlds 0-${next} of ${worlds}`);
  return {
    results: mergePartials(
      s,
      sorted.flatMap((p) => p.games),
      worlds,
      saveWorlds,
    ),
    lineups,
  };
}

function placeRows(into: WorldRows, from: WorldRows, w0: number, nP: number): void {
  into.minutes.set(from.minutes, w0 * nP);
  into.stats.set(from.stats, w0 * nP * NSTAT);
  into.dk.set(from.dk, w0 * nP);
  into.totals.set(from.totals, w0 * 6);
  into.teamPts.set(from.teamPts, w0 * 2);
  into.pace.set(from.pace, w0);
}

/** Every float sum of the merged accumulator is a whole number of its unit below 2^53, hence exact in any order. */
function checkExact(g: number, acc: GameAccumulator): void {
  const whole = (name: string, a: Float64Array, unit: number): void => {
    for (const v of a)
      if (!Number.isSafeInteger(v * unit))
        throw new Error(`game ${g}: ${name} sum ${v} is not exact; the merge cannot promise the same bytes`);
  };
  whole('dk', acc.dkSum, 1);
  whole('dk squared', acc.dkSumSq, 1);
  whole('stat', acc.statSum, 1);
  whole('team points', acc.teamPtsSum, 1);
  whole('team points squared', acc.teamPtsSumSq, 1);
  whole('minutes', acc.minSum, MINUTES_FIXED);
}

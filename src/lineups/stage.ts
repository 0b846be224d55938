// Lineups as a stage of a pregame run: everything the user gave is read and checked before any world (the
// lineups, the constraints, the contest's payouts and field), the engine is asked for what the stage needs while
// it makes the worlds, and afterwards the stage hands back its files for the run folder (lineups.parquet/.csv,
// lineups_set.json) and what metrics.json and the console should say.
//   score: the user's lineups, scored in the engine as the worlds are made (streamed; with a contest the field's
//          lineups ride along and every block of worlds is ranked as it arrives);
//   build: every player's points per world (players x worlds integers), then the MIP builds the set.
import { frameToParquet } from '../data/parquet.ts';
import { frameFromRows, toCsv, type TableSchema, type Value } from '../data/schema.ts';
import { UserError } from '../data/errors.ts';
import { newLineupAccumulator, reduceLineups, type LineupAccumulator, type LineupRequest } from '../../engine/kernels/lineups/lineups.ts';
import type { SimulationRun } from '../../engine/core/simulate.ts';
import type { Slate } from '../../engine/slate.ts';
import type { DkSlateRow } from '../pregame/dk.ts';
import type { PregameSlate } from '../pregame/slate.ts';
import { accumulate, buildSet, playerWorldsRequest, scoreMatrix, type BuiltSet, type Objective, type PlayerWorlds } from './build.ts';
import { ContestAccumulator, duplicatesOf, fieldPayout, parseOwnership, parsePayouts, sampleField, type Payouts } from './contest.ts';
import { InfeasibleError, buildLineups, type Constraints } from './optimize.ts';
import { placeOnSlate, poolOfDkRows } from './pool.ts';
import { readLineups, uploadCsv, type Lineup } from './read.ts';
import {
  defaultThresholds,
  lineupRequest,
  lineupRows,
  lineupsSchema,
  setSummary,
  unitsPerPoint,
  type ContestColumns,
  type LineupPool,
} from './report.ts';

export interface LineupStage {
  request(pregame: PregameSlate, slate: Slate): LineupRequest;
  finish(run: SimulationRun): Promise<StageOutput>;
}

export interface StageOutput {
  files: [string, () => Uint8Array][];
  metrics: Record<string, unknown>;
  /** lines for the console after the run */
  summary: string[];
  /** the lineups in DraftKings' bulk upload layout */
  upload: string;
}

export interface ContestFlags {
  payouts: { text: string; file: string };
  entryFee: number;
  entries: number;
  /** the other entries: a lineups file, or ownership to draw them from */
  field?: { text: string; file: string };
  ownership?: { text: string; file: string };
  /** field seed (default: the sim's) */
  seed: number;
}

/** The contest, read and checked against the pool before any world. */
interface Contest {
  payouts: Payouts;
  field: number[][];
  source: string;
}

function readContest(pool: LineupPool, flags: ContestFlags, nUser: number): Contest {
  const payouts = parsePayouts(flags.payouts.text, flags.payouts.file, { entryFee: flags.entryFee, entries: flags.entries });
  const size = flags.entries - nUser;
  if (size < 0) throw new UserError(`--entries ${flags.entries}: fewer than the ${nUser} lineups entered`);
  if (flags.field !== undefined) {
    const field = readLineups(flags.field.text, flags.field.file, pool.rules, pool.players).map((l) => l.players);
    if (field.length > size)
      throw new UserError(
        `--field ${flags.field.file}: ${field.length} lineups, but the contest has room for ${size} besides the ${nUser} entered`,
      );
    return { payouts, field, source: flags.field.file };
  }
  if (flags.ownership !== undefined) {
    const own = parseOwnership(flags.ownership.text, flags.ownership.file, pool.players);
    return {
      payouts,
      field: sampleField(pool.players, pool.rules, own, size, flags.seed),
      source: `${flags.ownership.file} (sampled, seed ${flags.seed})`,
    };
  }
  throw new UserError('--payouts needs the other entries: --field FILE or --ownership FILE');
}

/** The contest as metrics.json and lineups_set.json record it. */
const contestSummary = (c: Contest): Record<string, unknown> => ({
  field: c.field.length,
  field_source: c.source,
  entries: c.payouts.entries,
  entry_fee: c.payouts.entryFee,
});

const enc = (t: string): Uint8Array => new TextEncoder().encode(t);

function outputFiles(
  pool: LineupPool,
  lineups: readonly Lineup[],
  acc: LineupAccumulator,
  thresholds: readonly number[],
  contest: ContestColumns | undefined,
  extra: Record<string, unknown>,
): { files: [string, () => Uint8Array][]; rows: Record<string, Value>[]; set: Record<string, unknown> } {
  const schema: TableSchema = lineupsSchema(pool.rules, thresholds, contest !== undefined);
  const rows = lineupRows(pool, lineups, acc, thresholds, contest);
  const set = { ...setSummary(pool, lineups, acc), ...extra };
  return {
    rows,
    set,
    files: [
      ['lineups.parquet', () => frameToParquet(frameFromRows(schema, rows))],
      ['lineups.csv', () => enc(toCsv(schema, rows))],
      ['lineups_set.json', () => enc(`${JSON.stringify(set, null, 2)}\n`)],
    ],
  };
}

const contestColumns = (c: ContestAccumulator, user: readonly Lineup[], field: readonly number[][]): ContestColumns => ({
  ...c.result(),
  duplicates: duplicatesOf(
    user.map((l) => l.players),
    field,
  ),
});

function summaryLines(rows: readonly Record<string, Value>[], set: Record<string, unknown>, contest: boolean): string[] {
  const best = set.best_of_set as { mean: number; p10: number; p90: number };
  const top = [...rows].sort((a, b) => (contest ? Number(b.roi) - Number(a.roi) : Number(b.mean) - Number(a.mean))).slice(0, 5);
  return [
    `  lineups: ${rows.length}; best of the set per world mean ${best.mean.toFixed(1)} (p10 ${best.p10}, p90 ${best.p90}); top by ${contest ? 'ROI' : 'mean'}:`,
    ...top.map(
      (r) =>
        `    lineup ${String(r.lineup).padStart(4)}  mean ${Number(r.mean).toFixed(1).padStart(6)}  p90 ${Number(r.p90).toFixed(1).padStart(6)}  best of set ${(100 * Number(r.best_of_set_share)).toFixed(1)}%` +
        (contest
          ? `  win ${Number(r.win_pct).toFixed(2)}%  cash ${Number(r.cash_pct).toFixed(1)}%  ROI ${(100 * Number(r.roi)).toFixed(1)}%`
          : ''),
    ),
  ];
}

/** `sim --lineups`: the user's lineups scored in every world as the engine makes them. */
export function scoreStage(
  dkRows: readonly DkSlateRow[],
  o: { text: string; file: string; thresholds?: readonly number[]; contest?: ContestFlags },
): LineupStage {
  const pool = poolOfDkRows(dkRows);
  const lineups = readLineups(o.text, o.file, pool.rules, pool.players);
  const contest = o.contest !== undefined ? readContest(pool, o.contest, lineups.length) : undefined;
  const thresholds = o.thresholds ?? defaultThresholds(pool.rules);
  const nUser = lineups.length;
  let userAcc: LineupAccumulator | undefined;
  let ranked: ContestAccumulator | undefined;
  return {
    request(pregame, slate) {
      placeOnSlate(pool, pregame, slate);
      if (contest === undefined) return lineupRequest(pool, slate, lineups);
      // the field rides along in the same table; each block is split, the user's part reduced on its own so the
      // best-of-set counts are the user's set alone, and both parts ranked
      const all = [...lineups, ...contest.field.map((players) => ({ players, line: 0 }))];
      const base = lineupRequest(pool, slate, all);
      const userTable = { ...base.table, nLineups: nUser };
      userAcc = newLineupAccumulator(userTable);
      const acc = userAcc;
      const rank = new ContestAccumulator(nUser, contest.field.length, contest.payouts, unitsPerPoint(pool.rules));
      ranked = rank;
      return {
        table: base.table,
        onScores: (scores, _w0, n) => {
          const user = scores.subarray(0, nUser * n);
          reduceLineups(acc, userTable, user, n);
          rank.add(user, scores.subarray(nUser * n), n);
        },
      };
    },
    finish(run) {
      const acc = userAcc ?? run.lineups;
      if (acc === undefined) throw new Error('the run scored no lineups');
      const columns = ranked !== undefined && contest !== undefined ? contestColumns(ranked, lineups, contest.field) : undefined;
      const extra = contest !== undefined ? { contest: contestSummary(contest) } : {};
      const out = outputFiles(pool, lineups, acc, thresholds, columns, extra);
      return Promise.resolve({
        files: out.files,
        metrics: { file: o.file, lineups: nUser, contest_type: pool.rules.type, ...extra },
        summary: summaryLines(out.rows, out.set, columns !== undefined),
        upload: uploadCsv(pool.rules, pool.players, lineups),
      });
    },
  };
}

/** Constraints as the user names players: DraftKings ids (a showdown id stands for its person). */
export interface ConstraintFlags extends Omit<Constraints, 'locks' | 'excludes' | 'exposures'> {
  locks?: readonly number[];
  excludes?: readonly number[];
  exposures?: readonly { dkId: number; min?: number; max?: number; where: string }[];
}

export interface BuildFlags {
  /** the run's worlds per game */
  worlds: number;
  objective: Objective;
  constraints: ConstraintFlags;
  thresholds?: readonly number[];
  contest?: ContestFlags;
}

/** The optimizer's constraints from the user's ids, each unknown id named with its flag. */
function constraintsOf(pool: LineupPool, f: ConstraintFlags): Constraints {
  const keyOf = (id: number, flag: string): string => {
    const p = pool.players.find((x) => x.dkId === id);
    if (p === undefined) throw new UserError(`${flag}: DraftKings id ${id} is not on the slate`);
    return p.personKey;
  };
  const { locks, excludes, exposures, ...rest } = f;
  return {
    ...rest,
    ...(locks !== undefined ? { locks: locks.map((id) => keyOf(id, '--lock')) } : {}),
    ...(excludes !== undefined ? { excludes: excludes.map((id) => keyOf(id, '--exclude')) } : {}),
    ...(exposures !== undefined
      ? {
          exposures: new Map(
            exposures.map((e) => [
              keyOf(e.dkId, e.where),
              { ...(e.min !== undefined ? { min: e.min } : {}), ...(e.max !== undefined ? { max: e.max } : {}) },
            ]),
          ),
        }
      : {}),
  };
}

/** `lineups build`: every player's points per world from the engine, then the set built from them. */
export async function buildStage(dkRows: readonly DkSlateRow[], o: BuildFlags): Promise<LineupStage> {
  const pool = poolOfDkRows(dkRows);
  const constraints = constraintsOf(pool, o.constraints);
  // Constraints no lineup can meet are found before any world: one lineup by salary under all of them.
  try {
    await buildLineups(
      pool.players,
      pool.rules,
      Float64Array.from(pool.players, (p) => p.salary),
      { ...constraints, n: 1 },
    );
  } catch (e) {
    if (e instanceof InfeasibleError) throw new UserError(`lineups build: no lineup meets the constraints (${e.constraint}): ${e.message}`);
    if (e instanceof RangeError) throw new UserError(`lineups build: ${e.message}`);
    throw e;
  }
  const thresholds = o.thresholds ?? defaultThresholds(pool.rules);
  // the contest's files are checked now; its field is drawn once the set's size is known (it is c.n)
  const contest = o.contest !== undefined ? readContest(pool, o.contest, constraints.n) : undefined;
  let pw: PlayerWorlds | undefined;
  return {
    request(pregame, slate) {
      placeOnSlate(pool, pregame, slate);
      const { request, result } = playerWorldsRequest(slate, o.worlds);
      pw = result;
      return request;
    },
    async finish() {
      if (pw === undefined) throw new Error('the run kept no player worlds');
      let built: BuiltSet;
      const started = performance.now();
      try {
        // with a contest, the sim-aware set is chosen for its expected payout against the field, world by world
        const payout =
          contest !== undefined && o.objective.kind === 'sim'
            ? fieldPayout(contest.payouts, scoreMatrix(pool, contest.field, pw), contest.field.length, pw.worlds)
            : undefined;
        built = await buildSet(pool, pw, o.objective, constraints, payout);
      } catch (e) {
        if (e instanceof InfeasibleError)
          throw new UserError(`lineups build: the constraints cannot all hold (${e.constraint}): ${e.message}`);
        throw e;
      }
      const seconds = (performance.now() - started) / 1000;
      const scores = scoreMatrix(
        pool,
        built.lineups.map((l) => l.players),
        pw,
      );
      const acc = accumulate(scores, built.lineups.length, pw.worlds, unitsPerPoint(pool.rules));
      let columns: ContestColumns | undefined;
      if (contest !== undefined) {
        const rank = new ContestAccumulator(built.lineups.length, contest.field.length, contest.payouts, unitsPerPoint(pool.rules));
        const field = scoreMatrix(pool, contest.field, pw);
        rank.add(scores, field, pw.worlds);
        columns = contestColumns(rank, built.lineups, contest.field);
      }
      const extra = {
        objective: o.objective,
        ...(contest !== undefined && o.objective.kind === 'sim'
          ? { chosen_for: 'expected payout of the best lineup per world against the field' }
          : {}),
        build_seconds: seconds,
        ...(built.candidates !== undefined ? { candidates: built.candidates } : {}),
        ...(built.warning !== undefined ? { warning: built.warning } : {}),
        ...(contest !== undefined ? { contest: contestSummary(contest) } : {}),
      };
      const out = outputFiles(pool, built.lineups, acc, thresholds, columns, extra);
      return {
        files: out.files,
        metrics: { lineups: built.lineups.length, contest_type: pool.rules.type, ...extra },
        summary: [
          `  built ${built.lineups.length} lineups (objective ${o.objective.kind}) in ${seconds.toFixed(1)}s${built.candidates !== undefined ? ` from ${built.candidates.distinct} distinct optimal lineups of ${built.candidates.worlds} worlds` : ''}`,
          ...(built.warning !== undefined ? [`  warning: ${built.warning}`] : []),
          ...summaryLines(out.rows, out.set, columns !== undefined),
        ],
        upload: uploadCsv(pool.rules, pool.players, built.lineups),
      };
    },
  };
}

// Tonight's slate through the engine: the user's files (inputs.ts) resolved against the lake (slate.ts), the
// feature rows of the roster built from history strictly before D (src/features/pregame.ts), the injury report's
// play probabilities, the no-history priors and the user's minutes overrides applied, then the worlds on the
// chosen backend and one output row per DraftKings row. Nothing is written here: the sim command writes.
//
// What a pregame row means: a player listed Out or Suspended has no row in the engine and counts as vacancy for
// his teammates (their minutes, starts and usage features see him gone); a Questionable player keeps his row and
// sits in a share of the worlds equal to (1 - his status's play probability) x (1 - his own play probability),
// and in those worlds his minutes and usage go to the teammates who play (the engine's 240-minute scaling and
// the softmax over active players).
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { col, type TableSchema, type Value } from '../data/schema.ts';
import { teamById } from '../data/teams.ts';
import type { ShareModel } from '../shares/model.ts';
import { availabilityAfterAbsence, pregameFeatureRows, type PregameGame, type PregameRosterPlayer } from '../features/pregame.ts';
import type { MinutesModel } from '../features/minutes-model.ts';
import type { Backend, WorldSpill } from '../../engine/core/backend.ts';
import type { Progress } from '../../engine/core/progress.ts';
import { PROJECTIONS_SCHEMA, projections, type Projections } from '../../engine/core/projections.ts';
import { simulate, type SimulationRun } from '../../engine/core/simulate.ts';
import type { LineupRequest } from '../../engine/kernels/lineups/lineups.ts';
import type { Profile } from '../../engine/profile.ts';
import { slateFromRows, type Slate } from '../../engine/slate.ts';
import type { DkSlateRow, SlateGame } from './dk.ts';
import { readPregameInputs, type PregameFiles, type PregameInputs } from './inputs.ts';
import { applyMinutesOverride } from './minutes.ts';
import { resolvePregameSlate, type PregamePlayer, type PregameSlate } from './slate.ts';
import { defined } from '../data/checked.ts';

/** Engine ids of players with no nba.com id: above every nba.com person id, below 2^31 (the kernels' i32/u32). */
const SYNTHETIC_ID_BASE = 1_900_000_000;

/** The pregame output: the contract's projection columns (player_id null when unmatched) plus the DraftKings row's. */
export const PREGAME_PROJECTIONS_SCHEMA: TableSchema = {
  name: 'projections',
  columns: [
    ...PROJECTIONS_SCHEMA.columns.map((c) =>
      c.name === 'player_id' ? col('player_id', 'int64', true, 'nba.com person id; null when the DraftKings name matched nobody') : c,
    ),
    col('dk_id', 'int64', false, "DraftKings' draftable id"),
    col('dk_name_id', 'utf8', false, 'DraftKings "Name (ID)"'),
    col('roster_position', 'utf8', false, 'DraftKings roster position, e.g. PG/SG/G/UTIL'),
    col('team', 'utf8', false, 'DraftKings team abbreviation'),
    col('opponent', 'utf8', false, 'DraftKings opponent abbreviation'),
    col('game_info', 'utf8', false, 'DraftKings Game Info, AWAY@HOME MM/DD/YYYY HH:MMPM ET'),
    col('tip_time', 'utf8', false, 'tip, UTC ISO 8601'),
    col('status', 'utf8', false, 'active, OUT (Out or Suspension), or the injury status (Questionable, ...)'),
    col('injury_play_prob', 'float64', false, "the injury status's play probability (1 without an injury entry)"),
    col('matched', 'bool', false, 'the DraftKings name matched an nba.com player in the lake'),
    col('no_history', 'bool', false, 'no game played before the date: minutes and play probability from the salary/position prior'),
    col('line_fallback', 'bool', false, 'the game had no line: spread 0 and the recent league mean total'),
    col('minutes_override', 'float64', true, "the user's minutes projection, when given"),
  ],
};

export interface PregameSimOptions {
  lake: Lake;
  /** the user's files; or `inputs` already read */
  files?: PregameFiles;
  inputs?: PregameInputs;
  /** picks the slate's date when the DraftKings file spans two */
  date?: string;
  profile: Profile;
  backend: Backend;
  worlds: number;
  seed: number;
  shareModel?: ShareModel;
  minutesModel?: MinutesModel;
  progress?: Progress;
  /** lineups to score in every world, made once the slate is built (src/lineups) */
  lineups?: (pregame: PregameSlate, slate: Slate) => LineupRequest | undefined;
  /** keep every world's stat lines (run.games[g].worldRows) */
  saveWorlds?: boolean;
  /** stream every world out chunk by chunk instead of keeping it (see WorldSpill) */
  spill?: WorldSpill;
}

export interface PregameSimulation extends Projections {
  date: string;
  pregame: PregameSlate;
  slate: Slate;
  run: SimulationRun;
  /** one per DraftKings row, file order (a showdown's captain rows last), columns of PREGAME_PROJECTIONS_SCHEMA */
  dkRows: Record<string, Value>[];
  /** a showdown's CPT rows (their output rows are the last of dkRows, in this order) */
  captainRows: readonly DkSlateRow[];
  /** seconds spent building the slate (inputs, matching, features) before any world */
  buildSeconds: number;
  /** metrics.json's `pregame` object */
  metrics: Record<string, unknown>;
}

/** The slate's game id for a DraftKings game: date and DraftKings key, e.g. `20260312_BOS@OKC`. */
export function pregameGameId(g: SlateGame): string {
  return `${g.gameDate.replaceAll('-', '')}_${g.key}`;
}

/** The engine (slate) id of a DraftKings row: his nba.com id, or a synthetic one when unmatched. */
export function engineId(p: PregamePlayer): number {
  return engineIdOf(p.playerId, p.dkRow.dkId);
}

/** The engine id of a DraftKings row from its nba.com id (null when unmatched) and its DraftKings id. */
export function engineIdOf(playerId: number | null, dkId: number): number {
  return playerId ?? SYNTHETIC_ID_BASE + (dkId % 100_000_000);
}

/** Builds tonight's engine slate from the user's files and the lake's history before the date. */
export async function buildPregameSlate(
  o: Omit<PregameSimOptions, 'profile' | 'backend' | 'worlds' | 'seed' | 'progress'>,
): Promise<{ pregame: PregameSlate; slate: Slate; seconds: number; features: Record<string, unknown>; inputs: PregameInputs }> {
  const started = performance.now();
  let inputs = o.inputs;
  if (inputs === undefined) {
    if (o.files === undefined) throw new UserError('a pregame simulation needs --dk-csv');
    inputs = await readPregameInputs(o.files, o.date);
  }
  const pregame = await resolvePregameSlate(o.lake, inputs);
  const games: PregameGame[] = pregame.games.map((l) => ({
    game_id: pregameGameId(l.game),
    date: pregame.date,
    home_team_id: l.game.homeTeamId,
    away_team_id: l.game.awayTeamId,
    spread_home: l.homeSpread,
    total: l.total,
    tip_time: l.game.tipTimeUtc,
  }));
  // A team whose starters the file lists keeps them (the feature layer fills or trims to five by prediction);
  // a team with none listed, or no starters file, is predicted from recent starts among the available players.
  const listedTeams = new Set((pregame.starters ?? []).filter((t) => t.dkIds.length > 0).map((t) => t.teamId));
  const byEngineId = new Map<number, PregamePlayer>();
  const roster: PregameRosterPlayer[] = [];
  for (const p of pregame.players) {
    if (p.removed && p.playerId === null) continue; // out, and unknown to the lake: no vacancy to hand on
    const id = engineId(p);
    if (byEngineId.has(id)) {
      const other = defined(byEngineId.get(id), `engine player ${id}`);
      throw new UserError(
        `${inputs.files.dkCsv} line ${p.dkRow.line}: ${p.dkRow.name} matched the same player as line ${other.dkRow.line} (${other.dkRow.name}), player_id ${id}`,
      );
    }
    byEngineId.set(id, p);
    roster.push({
      player_id: id,
      player_name: p.nbaName ?? p.dkRow.name,
      team_id: p.teamId,
      game_id: pregameGameId(p.game),
      is_starter: listedTeams.has(p.teamId) ? p.isStarter : null,
      available: !p.removed,
      dk_position: p.dkRow.position,
    });
  }
  const feats = await pregameFeatureRows(
    o.lake,
    pregame.date,
    roster,
    games,
    o.minutesModel !== undefined ? { model: o.minutesModel } : {},
  );
  for (const r of feats.rows) {
    const p = defined(byEngineId.get(r.player_id as number), `engine player ${String(r.player_id)}`);
    let q = { p10: r.minutes_pred_p10 as number, p50: r.minutes_pred_p50 as number, p90: r.minutes_pred_p90 as number };
    let playProb = r.minutes_pred_play_prob as number;
    if (p.noHistoryPrior !== null) {
      q = { p10: p.noHistoryPrior.minutesP10, p50: p.noHistoryPrior.minutesP50, p90: p.noHistoryPrior.minutesP90 };
      playProb = p.noHistoryPrior.playProb;
    }
    if (p.minutesOverride !== null) {
      q = applyMinutesOverride(q, p.minutesOverride);
      // a user's minutes say he plays, if healthy: only the injury report can still sit him
      playProb = 1;
    }
    r.minutes_pred_p10 = q.p10;
    r.minutes_pred_p50 = q.p50;
    r.minutes_pred_p90 = q.p90;
    // No injury entry: the games he has just missed say how likely he is to be back (availabilityAfterAbsence);
    // with one, the report's status does (a Questionable player returning from a long absence is not doubly
    // discounted).
    const available =
      p.status !== 'active' ? p.playProb : p.minutesOverride !== null ? 1 : availabilityAfterAbsence(r.absence_streak as number);
    r.minutes_pred_play_prob = Math.min(1, Math.max(0, playProb * available));
  }
  const available = feats.rows.filter((r) => (r.minutes_pred_p50 as number) > 0 || (r.minutes_pred_p90 as number) > 0);
  const slate = slateFromRows(pregame.date, available, new Set(), o.shareModel);
  return {
    pregame,
    slate,
    inputs,
    seconds: (performance.now() - started) / 1000,
    features: {
      history_rows: feats.historyRows,
      last_history_date: feats.lastHistoryDate,
      minutes_model: feats.model.trained_seasons,
      seconds: feats.seconds,
    },
  };
}

/** Tonight's slate, simulated: one output row per DraftKings row. */
export async function simulatePregame(o: PregameSimOptions): Promise<PregameSimulation> {
  const built = await buildPregameSlate(o);
  const { pregame, slate } = built;
  const lineups = o.lineups?.(pregame, slate);
  const run = await simulate(slate, o.profile, o.backend, {
    worlds: o.worlds,
    seed: o.seed,
    ...(lineups !== undefined ? { lineups } : {}),
    ...(o.saveWorlds === true ? { saveWorlds: true } : {}),
    ...(o.spill !== undefined ? { spill: o.spill } : {}),
    ...(o.progress !== undefined ? { progress: o.progress } : {}),
  });
  const proj = projections(run);
  const simRow = new Map<number, Record<string, Value>>();
  for (const r of proj.rows) simRow.set(r.player_id as number, r);
  const lineOf = new Map(pregame.games.map((l) => [l.game.key, l]));
  const dkRows = pregame.players.map((p) => {
    const sim = p.removed ? undefined : simRow.get(engineId(p));
    const base: Record<string, Value> = sim !== undefined ? { ...sim } : zeroRow();
    const opp = teamById(p.opponentTeamId)?.abbreviation ?? '';
    return {
      ...base,
      game_date: pregame.date,
      game_id: pregameGameId(p.game),
      team_id: p.teamId,
      player_id: p.playerId,
      player_name: p.nbaName ?? p.dkRow.name,
      salary: p.dkRow.salary,
      dk_position: p.dkRow.position,
      play_prob: sim !== undefined ? (sim.play_prob as number) : 0,
      dk_id: p.dkRow.dkId,
      dk_name_id: p.dkRow.nameId,
      roster_position: p.dkRow.rosterPosition,
      team: p.dkRow.teamAbbrev,
      opponent: p.game.homeTeamId === p.teamId ? p.game.awayAbbr : p.game.homeTeamId === p.opponentTeamId ? p.game.homeAbbr : opp,
      game_info: p.dkRow.gameInfo,
      tip_time: p.game.tipTimeUtc,
      status: p.removed ? 'OUT' : p.status,
      injury_play_prob: p.playProb,
      matched: p.playerId !== null,
      no_history: p.noHistory,
      line_fallback: lineOf.get(p.game.key)?.lineFallback ?? false,
      minutes_override: p.minutesOverride,
    };
  });
  // A showdown's captain rows repeat their person's row (his own points: the 1.5x is the lineup's, as DraftKings
  // prints it), with the captain's id, salary and roster position.
  const byPerson = new Map(pregame.players.map((p, i) => [`${p.dkRow.teamAbbrev}:${p.dkRow.name}`, dkRows[i]]));
  for (const c of built.inputs.captainRows) {
    const person = byPerson.get(`${c.teamAbbrev}:${c.name}`);
    if (person === undefined)
      throw new UserError(`${built.inputs.files.dkCsv} line ${c.line}: captain ${c.name} (${c.dkId}) has no UTIL row on the slate`);
    dkRows.push({ ...person, dk_id: c.dkId, dk_name_id: c.nameId, roster_position: c.rosterPosition, salary: c.salary });
  }
  const metrics = {
    ...pregame.metrics,
    slate_build_s: built.seconds,
    features: built.features,
    simulated_players: slate.nPlayers,
    rows: dkRows.length,
    rows_out: dkRows.filter((r) => r.status === 'OUT').length,
  };
  return {
    ...proj,
    date: pregame.date,
    pregame,
    slate,
    run,
    dkRows,
    captainRows: built.inputs.captainRows,
    buildSeconds: built.seconds,
    metrics,
  };
}

/** A DraftKings row whose player has no simulated worlds (Out): zero minutes, stats and points. */
function zeroRow(): Record<string, Value> {
  const r: Record<string, Value> = {};
  for (const c of PROJECTIONS_SCHEMA.columns) if (c.type === 'float64') r[c.name] = 0;
  return r;
}

// `slatesim backtest --inputs DIR`: the pregame mode measured the way a user runs it. Every DIR/game_date=D/
// folder is a night's files (DKSalaries.csv and any of injuries.csv, lines.csv, starters.csv, minutes.csv); each is
// simulated exactly as `sim --inputs` does (history strictly before D), and every DraftKings-listed player is
// scored against what his roster slot scored: his real DK points from the lake's silver/player_games of D, 0 when
// he did not play or matched nobody. A game the lake quarantined (a partial or repeated box score, kept out of
// silver) is left out and named, never scored as zeros. The box-score mode runs on the same dates for comparison.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   per-player arrays are sized from the slate and the DraftKings rows being scored, and indexed by their own counts.
   */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../data/errors.ts';
import type { Lake } from '../data/lake.ts';
import { teamByAbbreviation } from '../data/teams.ts';
import { MANIFEST, type LakeManifest } from '../lake/build.ts';
import { pregameFolderFiles, readPregameInputs, type PregameFiles, type PregameInputs } from '../pregame/inputs.ts';
import { buildPregameSlate, engineId, pregameGameId } from '../pregame/simulate.ts';
import { cpuBackend } from '../../engine/core/cpu-workers.ts';
import { simulate } from '../../engine/core/simulate.ts';
import type { Profile } from '../../engine/profile.ts';
import { actualOfRow, brierScores, inQuarantinedGame } from './outcomes.ts';
import {
  actualsOf,
  addMinutes,
  newState,
  report,
  residualsOf,
  runBacktest,
  scoreCorrelations,
  scorePlayers,
  scoreTeams,
  vacancyAndRoles,
  worldsByPlayer,
  type BacktestOptions,
  type BacktestReport,
  type ScoredPlayer,
} from './run.ts';

/** The box-score backtest's options without its dates: the nights come from the folder. */
export interface PregameBacktestOptions extends Omit<BacktestOptions, 'startDate' | 'endDate' | 'maxDates' | 'dates' | 'teamsOn'> {
  /** the folder holding game_date=D/ folders */
  inputsDir: string;
}

/** One night of the pregame backtest, for the per-date table. */
export interface PregameDateRow {
  date: string;
  /** DraftKings rows of the file, and those scored (rows of quarantined games left out) */
  dk_rows: number;
  n: number;
  mae_mean: number;
  coverage_p10_p90: number;
  coverage_p25_p75: number;
  brier: number;
  brier_base_rate: number;
}

/** A game left out of scoring because the lake quarantined its box score. */
export interface QuarantinedGame {
  date: string;
  game: string;
  game_ids: string[];
  rows_left_out: number;
  why: string[];
}

export interface PregameBacktestReport extends BacktestReport {
  inputs: string;
  dk_rows: number;
  per_date: PregameDateRow[];
  quarantined: QuarantinedGame[];
  box_score_mode: Omit<BacktestReport, 'scatter'>;
}

/** The game_date=D folders of DIR, sorted, each with its files; refuses a DIR without any or a folder without DKSalaries.csv. */
export function pregameFolders(dir: string): { date: string; files: PregameFiles }[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--inputs ${dir}: not a folder`);
  const names = readdirSync(dir)
    .filter((n) => /^game_date=\d{4}-\d{2}-\d{2}$/.test(n) && statSync(join(dir, n)).isDirectory())
    .sort();
  if (names.length === 0) throw new UserError(`--inputs ${dir}: no game_date=YYYY-MM-DD folders`);
  return names.map((n) => {
    const folder = join(dir, n);
    const { dkCsv, ...optional } = pregameFolderFiles(folder);
    if (dkCsv === undefined) throw new UserError(`--inputs ${folder}: no DKSalaries.csv`);
    return { date: n.slice('game_date='.length), files: { dkCsv, ...optional } };
  });
}

/** Team ids of the lake's quarantined team-games on `date`, with their game ids and reasons (from the manifest). */
export async function quarantinedOn(lake: Lake, date: string): Promise<Map<number, { gameId: string; why: string }[]>> {
  if (!(await lake.store.exists(MANIFEST))) return new Map();
  return quarantinedTeams(JSON.parse(new TextDecoder().decode(await lake.store.readFile(MANIFEST))) as LakeManifest, date);
}

/** The manifest's quarantined team-games dated `date`, by team id (its game id and why). */
export function quarantinedTeams(m: Pick<LakeManifest, 'seasons'>, date: string): Map<number, { gameId: string; why: string }[]> {
  const out = new Map<number, { gameId: string; why: string }[]>();
  for (const s of Object.values(m.seasons)) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a manifest from before builder version 4 has no list
    for (const q of s.box_scores.quarantined ?? []) {
      if (!q.game_dates.includes(date)) continue;
      const team = teamByAbbreviation(q.team);
      if (team === undefined) continue;
      out.set(team.teamId, [...(out.get(team.teamId) ?? []), { gameId: q.game_id, why: `${q.team}: ${q.why}` }]);
    }
  }
  return out;
}

export async function runPregameBacktest(opts: PregameBacktestOptions): Promise<PregameBacktestReport> {
  const folders = pregameFolders(opts.inputsDir);
  // Every night's files are read and checked before a world runs: a bad file stops the run with nothing written.
  const nights: PregameInputs[] = [];
  for (const f of folders) {
    const inputs = await readPregameInputs(f.files, f.date);
    if (inputs.date !== f.date) throw new UserError(`${f.files.dkCsv}: its slate is dated ${inputs.date}, not the folder's ${f.date}`);
    nights.push(inputs);
  }
  const dates = folders.map((f) => f.date);
  const backend = opts.backend ?? cpuBackend({ workers: opts.workers, chunk: opts.chunk });
  const st = newState();
  const perDate: PregameDateRow[] = [];
  const quarantined: QuarantinedGame[] = [];
  let dkRows = 0;
  const slateTeams = new Map<string, Set<number>>();
  opts.progress.start('backtest --inputs (pregame)', nights.length, 'dates');
  for (const [k, inputs] of nights.entries()) {
    const date = inputs.date;
    const shareModel = opts.shareModelFor(date);
    const { pregame, slate } = await buildPregameSlate({
      lake: opts.lake,
      inputs,
      date,
      ...(shareModel !== undefined ? { shareModel } : {}),
    });
    const run = async (profile: Profile) =>
      worldsByPlayer(
        slate,
        (await simulate(slate, profile, backend, { seed: opts.seed, worlds: opts.worlds, saveWorlds: true })).games,
        opts.worlds,
      );
    const sim = await run(opts.profile);
    const simBase = await run(opts.baselineProfile);
    const actual = await actualsOf(opts.lake, date);
    const { vacancy, roles } = await vacancyAndRoles(opts.lake, date);
    const qTeams = await quarantinedOn(opts.lake, date);
    const qSet = new Set(qTeams.keys());
    const slateIndex = new Map<number, number>();
    for (let i = 0; i < slate.nPlayers; i++) slateIndex.set(slate.playerId[i]!, i);
    const zeros = new Float64Array(opts.worlds);
    const players: ScoredPlayer[] = [];
    const before = {
      n: st.main.n,
      absErr: st.main.absErr,
      c80: st.main.inside.p10_p90!,
      c50: st.main.inside.p25_p75!,
      plays: st.plays.prob.length,
    };
    const leftOut = new Map<string, number>();
    for (const p of pregame.players) {
      dkRows++;
      if (inQuarantinedGame(p.teamId, p.opponentTeamId, qSet)) {
        leftOut.set(p.game.key, (leftOut.get(p.game.key) ?? 0) + 1);
        continue;
      }
      // Out players and those the feature layer dropped (no minutes at all) have no worlds: zero in every one.
      const i = p.removed ? undefined : slateIndex.get(engineId(p));
      const a = actualOfRow(p.playerId, actual);
      players.push({
        actual: a,
        p50: i === undefined ? 0 : slate.p50[i]!,
        dk: i === undefined ? zeros : sim.dk[i]!,
        dkBase: i === undefined ? zeros : simBase.dk[i]!,
        fga: i === undefined ? zeros : sim.fga[i]!,
      });
      const team = i === undefined ? undefined : slate.playerTeam[i]!;
      addMinutes(
        st,
        `${date}/${p.teamId}`,
        vacancy.get(p.teamId) ?? 0,
        i === undefined ? zeros : sim.minutes[i]!,
        team === undefined ? zeros : sim.teamMinutes[team]!,
        a,
        p.playerId === null ? undefined : roles.get(p.playerId),
      );
    }
    scorePlayers(st, players);
    for (const [key, rows] of leftOut) {
      const g = pregame.games.find((l) => l.game.key === key)?.game;
      const q = [...(qTeams.get(g?.homeTeamId ?? -1) ?? []), ...(qTeams.get(g?.awayTeamId ?? -1) ?? [])];
      quarantined.push({
        date,
        game: g !== undefined ? pregameGameId(g) : key,
        game_ids: [...new Set(q.map((x) => x.gameId))],
        rows_left_out: rows,
        why: q.map((x) => x.why),
      });
    }
    // Team points and correlations over the simulated rotations (unmatched players have no real line: 0).
    const skip = (teamId: number): boolean => qSet.has(teamId);
    const { residDk, residFga } = residualsOf(
      Array.from({ length: slate.nPlayers }, (_, i) => ({
        actual: actualOfRow(slate.playerId[i]!, actual),
        p50: 0,
        dk: sim.dk[i]!,
        dkBase: zeros,
        fga: sim.fga[i]!,
      })),
    );
    scoreTeams(st, slate, actual, sim, skip);
    scoreCorrelations(st, slate, sim, residDk, residFga, skip);
    // The box-score mode scores the same games: the slate's, less the quarantined ones.
    slateTeams.set(date, new Set(pregame.games.flatMap((l) => [l.game.homeTeamId, l.game.awayTeamId]).filter((t) => !qSet.has(t))));
    const n = st.main.n - before.n;
    const b = brierScores(st.plays.prob.slice(before.plays), st.plays.played.slice(before.plays));
    perDate.push({
      date,
      dk_rows: pregame.players.length,
      n,
      mae_mean: (st.main.absErr - before.absErr) / n,
      coverage_p10_p90: (st.main.inside.p10_p90! - before.c80) / n,
      coverage_p25_p75: (st.main.inside.p25_p75! - before.c50) / n,
      brier: b.brier,
      brier_base_rate: b.brier_base_rate,
    });
    opts.progress.update(k + 1);
  }
  opts.progress.stop();
  const pregameReport = report(st, opts, dates);
  // The box-score mode on the same games: the slate from each date's box score (who was available), as
  // `backtest --start-date` runs it, scored over the DraftKings slate's games only.
  const { scatter: _scatter, ...boxScore } = await runBacktest({
    ...opts,
    startDate: dates[0]!,
    endDate: dates[dates.length - 1]!,
    dates,
    backend,
    teamsOn: (date) => slateTeams.get(date) ?? new Set(),
  });
  return { ...pregameReport, inputs: opts.inputsDir, dk_rows: dkRows, per_date: perDate, quarantined, box_score_mode: boxScore };
}

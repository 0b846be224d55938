// Tonight's DraftKings rows as a lineup pool: what the rules need (ids, roster positions, salaries, teams,
// games) straight from the salary file, so lineups are checked before any world is made; and, once the slate
// is built, where each row's worlds are in the engine (ruled-out rows have none and score 0).
import type { DkSlateRow } from '../pregame/dk.ts';
import type { PregameSlate } from '../pregame/slate.ts';
import { engineId } from '../pregame/simulate.ts';
import type { Slate } from '../../engine/slate.ts';
import type { LineupPool } from './report.ts';
import { contestTypeOf, rulesOf, type PoolPlayer } from './rules.ts';

/** The pool of a DraftKings salary file's rows (slate players not yet placed: every slatePlayer is -1). */
export function poolOfDkRows(rows: readonly DkSlateRow[]): LineupPool {
  const players: PoolPlayer[] = rows.map((r) => ({
    dkId: r.dkId,
    name: r.name,
    rosterPositions: r.rosterPosition.split('/').map((x) => x.trim().toUpperCase()),
    salary: r.salary,
    team: r.teamAbbrev,
    game: r.game.key,
    // a person's showdown CPT and UTIL rows share team and name
    personKey: `${r.teamAbbrev}:${r.name}`,
  }));
  return { rules: rulesOf(contestTypeOf(players)), players, slatePlayer: new Int32Array(players.length).fill(-1) };
}

/** Places every pool row on the engine slate: his worlds, or -1 when he is out (or not simulated). */
export function placeOnSlate(pool: LineupPool, pregame: PregameSlate, slate: Slate): void {
  const slateIndex = new Map<number, number>();
  slate.playerId.forEach((id, i) => slateIndex.set(id, i));
  const byDk = new Map<number, number>();
  for (const p of pregame.players) if (!p.removed) byDk.set(p.dkRow.dkId, slateIndex.get(engineId(p)) ?? -1);
  // a showdown CPT row is the same person as his UTIL row: his worlds are found through the person
  const byPerson = new Map<string, number>();
  pool.players.forEach((p, i) => {
    const at = byDk.get(p.dkId) ?? -1;
    if (at >= 0) byPerson.set(p.personKey, at);
    pool.slatePlayer[i] = at;
  });
  pool.players.forEach((p, i) => {
    if (pool.slatePlayer[i] === -1) pool.slatePlayer[i] = byPerson.get(p.personKey) ?? -1;
  });
}

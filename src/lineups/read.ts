// Reading a user's lineups: DraftKings' upload layout (a header of slot names, PG,SG,SF,PF,C,G,F,UTIL or
// CPT,UTIL x5, possibly after DraftKings' entry columns; cells "Name (ID)" or ID) or one lineup of ids per
// line (slots assigned by eligibility). Every lineup is checked by DraftKings' rules against tonight's pool;
// a bad one is one line naming the file, the line and the value, and nothing is scored.
import { at } from '../data/checked.ts';
import { UserError } from '../data/errors.ts';
import { csvRecords, quoteValue, type CsvRecord } from '../pregame/files.ts';
import { eligible, lineupViolation, type PoolPlayer, type RosterRules } from './rules.ts';

/** A lineup as pool indices in slot order, with the file line it came from (0 when built here). */
export interface Lineup {
  players: number[];
  line: number;
}

const ID_IN_CELL = /^(?:.*\()?\s*(\d{5,10})\s*\)?$/;

/** The DraftKings id in a cell: "Name (ID)" or "ID"; null when the cell is neither. */
export function idOfCell(cell: string): number | null {
  const m = ID_IN_CELL.exec(cell.trim());
  return m === null ? null : Number(m[1]);
}

/**
 * Slots for a set of players given in any order: the first assignment (slot by slot, players in the order
 * given) that fills every slot with an eligible player, or null when none does.
 */
export function assignSlots(rules: RosterRules, pool: readonly PoolPlayer[], players: readonly number[]): number[] | null {
  const out = new Array<number>(rules.slots.length).fill(-1);
  const used = new Array<boolean>(players.length).fill(false);
  const fill = (k: number): boolean => {
    if (k === rules.slots.length) return true;
    const slot = rules.slots[k] ?? '';
    for (let i = 0; i < players.length; i++) {
      const p = players[i] ?? -1;
      const row = pool[p];
      if (used[i] === true || row === undefined || !eligible(row, slot)) continue;
      used[i] = true;
      out[k] = p;
      if (fill(k + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return players.length === rules.slots.length && fill(0) ? out : null;
}

/** Lineups from a file's text; `file` names it in messages. */
export function readLineups(text: string, file: string, rules: RosterRules, pool: readonly PoolPlayer[]): Lineup[] {
  const byId = new Map(pool.map((p, i) => [p.dkId, i]));
  const records = csvRecords(text, file).filter((r) => r.cells.some((c) => c.trim() !== ''));
  const first = records[0];
  if (first === undefined) throw new UserError(`${file}: no lineups`);
  const slotStart = headerSlots(first, rules, file);
  const lineups: Lineup[] = [];
  const rowsOf = slotStart === null ? records : records.slice(1);
  for (const r of rowsOf) {
    // DraftKings' entries export puts its instructions to the right of the lineups: only the slot columns count
    const cells = slotStart === null ? r.cells.filter((c) => c.trim() !== '') : r.cells.slice(slotStart, slotStart + rules.slots.length);
    if (slotStart !== null && cells.every((c) => c.trim() === '')) continue;
    const players = cells.map((cell, k) => {
      const id = idOfCell(cell);
      const where = slotStart === null ? `item ${k + 1}` : `column ${rules.slots[k] ?? '?'}`;
      if (id === null) throw new UserError(`${file} line ${r.line}, ${where}: ${quoteValue(cell)} is not a DraftKings id or "Name (ID)"`);
      const p = byId.get(id);
      if (p === undefined) throw new UserError(`${file} line ${r.line}, ${where}: DraftKings id ${id} is not on the slate`);
      return p;
    });
    if (players.length !== rules.slots.length)
      throw new UserError(
        `${file} line ${r.line}: ${players.length} players, a ${rules.type} lineup has ${rules.slots.length} (${rules.slots.join(',')})`,
      );
    let ordered = players;
    if (slotStart === null) {
      const assigned = assignSlots(rules, pool, players);
      if (assigned === null) throw new UserError(`${file} line ${r.line}: these players cannot fill ${rules.slots.join(',')}`);
      ordered = assigned;
    }
    const bad = lineupViolation(
      rules,
      ordered.map((p) => at(pool, p)),
    );
    if (bad !== null) throw new UserError(`${file} line ${r.line}: ${bad}`);
    lineups.push({ players: ordered, line: r.line });
  }
  if (lineups.length === 0) throw new UserError(`${file}: no lineups`);
  return lineups;
}

/** Where the slot columns start when the first record is an upload header, null when it is a lineup of ids. */
function headerSlots(first: CsvRecord, rules: RosterRules, file: string): number | null {
  const cells = first.cells.map((c) => c.trim().toUpperCase());
  const want = rules.slots.join(',');
  for (let i = 0; i + rules.slots.length <= cells.length; i++) if (cells.slice(i, i + rules.slots.length).join(',') === want) return i;
  if (first.cells.every((c) => c.trim() === '' || idOfCell(c) !== null)) return null;
  const other = rules.type === 'classic' ? 'CPT,UTIL,UTIL,UTIL,UTIL,UTIL' : 'PG,SG,SF,PF,C,G,F,UTIL';
  if (cells.join(',').includes(other))
    throw new UserError(
      `${file} line ${first.line}: a ${rules.type === 'classic' ? 'showdown' : 'classic'} header, but the slate is ${rules.type}`,
    );
  throw new UserError(
    `${file} line ${first.line}: expected a header ${want} or a line of DraftKings ids, got ${quoteValue(first.cells.join(','))}`,
  );
}

/** DraftKings' bulk upload CSV of lineups: the slot header, then one lineup of ids per line. */
export function uploadCsv(rules: RosterRules, pool: readonly PoolPlayer[], lineups: readonly Lineup[]): string {
  const lines = [rules.slots.join(',')];
  for (const l of lineups) lines.push(l.players.map((p) => String(at(pool, p).dkId)).join(','));
  return `${lines.join('\n')}\n`;
}

// Reading lineups against a real DraftKings slate (the embedded 2026-03-15 salary file): the upload layout,
// DraftKings' entries export, id lists with slots assigned by eligibility, the upload CSV's round trip, and
// every bad lineup refused with one line naming the file, the line and the value.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixture is a fixed real file; every lookup below is
   of a row the test has just found, and a miss fails the test either way. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDkSalaries } from '../src/pregame/dk.ts';
import { poolOfDkRows } from '../src/lineups/pool.ts';
import { assignSlots, idOfCell, readLineups, uploadCsv } from '../src/lineups/read.ts';
import { CLASSIC, SHOWDOWN, lineupViolation, type PoolPlayer } from '../src/lineups/rules.ts';
import { EMBEDDED } from './helpers.ts';

const DK_FILE = join(EMBEDDED, 'pregame/game_date=2026-03-15/DKSalaries.csv');
const rows = parseDkSalaries(readFileSync(DK_FILE, 'utf8'), DK_FILE);
const pool = poolOfDkRows(rows);
const cell = (p: PoolPlayer): string => `${p.name} (${p.dkId})`;

/** A valid classic lineup of the slate, by a simple search: cheapest eligible per slot, two games. */
function validLineup(): PoolPlayer[] {
  const cheap = [...pool.players].sort((a, b) => a.salary - b.salary || a.dkId - b.dkId);
  const used = new Set<number>();
  const out: PoolPlayer[] = [];
  for (const slot of CLASSIC.slots) {
    const p = cheap.find((x) => !used.has(x.dkId) && x.rosterPositions.includes(slot))!;
    used.add(p.dkId);
    out.push(p);
  }
  expect(lineupViolation(CLASSIC, out)).toBeNull();
  return out;
}

const read = (text: string): ReturnType<typeof readLineups> => readLineups(text, 'my.csv', pool.rules, pool.players);

describe('reading lineups', () => {
  it('reads the upload layout with "Name (ID)" or ID cells, and the entries export with its extra columns', () => {
    expect(pool.rules.type).toBe('classic');
    const l = validLineup();
    const upload = `PG,SG,SF,PF,C,G,F,UTIL\n${l.map(cell).join(',')}\n${l.map((p) => p.dkId).join(',')}\n`;
    const got = read(upload);
    expect(got).toHaveLength(2);
    expect(got[0]!.players.map((i) => pool.players[i]!.dkId)).toEqual(l.map((p) => p.dkId));
    expect(got[1]!.players).toEqual(got[0]!.players);
    const entries =
      'Entry ID,Contest Name,Contest ID,Entry Fee,PG,SG,SF,PF,C,G,F,UTIL,,Instructions\n' +
      `4711,NBA $5 Shot,123,$5,${l.map(cell).join(',')},,1. Locate the player\n` +
      ',,,,,,,,,,,,,Position,Name + ID\n';
    expect(read(entries)[0]!.players).toEqual(got[0]!.players);
    expect(idOfCell('Tyrese Maxey (42290747)')).toBe(42290747);
    expect(idOfCell('Maxey')).toBeNull();
  });

  it('assigns slots to an id list by eligibility, and the upload CSV reads back to the same lineups', () => {
    const l = validLineup();
    const shuffled = [...l].reverse();
    const got = read(`${shuffled.map((p) => p.dkId).join(',')}\n`);
    const players = got[0]!.players.map((i) => pool.players[i]!);
    expect(lineupViolation(CLASSIC, players)).toBeNull();
    expect(new Set(players.map((p) => p.dkId))).toEqual(new Set(l.map((p) => p.dkId)));
    const again = read(uploadCsv(pool.rules, pool.players, got));
    expect(again.map((x) => x.players)).toEqual(got.map((x) => x.players));
    // five centres cannot fill a classic lineup
    const centres = pool.players.filter((p) => p.rosterPositions[0] === 'C').slice(0, 8);
    expect(
      assignSlots(
        CLASSIC,
        pool.players,
        centres.map((p) => pool.players.indexOf(p)),
      ),
    ).toBeNull();
  });

  it('refuses every bad lineup with one line naming file, line and value', () => {
    const l = validLineup();
    const head = 'PG,SG,SF,PF,C,G,F,UTIL\n';
    const line = (ps: (PoolPlayer | string)[]): string => ps.map((p) => (typeof p === 'string' ? p : cell(p))).join(',');
    // not on the slate
    expect(() => read(`${head}${line([...l.slice(0, 7), 'Nobody (99999999)'])}\n`)).toThrow(
      'my.csv line 2, column UTIL: DraftKings id 99999999 is not on the slate',
    );
    // wrong slot: a centre-only player at PG
    const centre = pool.players.find((p) => p.rosterPositions.join('/') === 'C/UTIL' && !l.includes(p))!;
    expect(() => read(`${head}${line([centre, ...l.slice(1)])}\n`)).toThrow(
      /^my\.csv line 2: .* cannot play PG \(roster position C\/UTIL\)$/,
    );
    // duplicated player
    expect(() => read(`${head}${line([...l.slice(0, 7), l[5]!])}\n`)).toThrow(/my\.csv line 2: .* appears twice \(G and UTIL\)/);
    // eight valid players over the cap
    const rich = [...pool.players].sort((a, b) => b.salary - a.salary || a.dkId - b.dkId);
    const pricey: PoolPlayer[] = [];
    for (const slot of CLASSIC.slots) pricey.push(rich.find((p) => !pricey.includes(p) && p.rosterPositions.includes(slot))!);
    expect(new Set(pricey.map((p) => p.game)).size).toBeGreaterThan(1);
    expect(() => read(`${head}${line(pricey)}\n`)).toThrow(/^my\.csv line 2: salary \d+ is over the cap of 50000$/);
    // a cell that is no id
    expect(() => read(`${head}${line([...l.slice(0, 7), 'Maxey'])}\n`)).toThrow(
      'my.csv line 2, column UTIL: "Maxey" is not a DraftKings id',
    );
    // seven players
    expect(() =>
      read(
        `${l
          .slice(0, 7)
          .map((p) => p.dkId)
          .join(',')}\n`,
      ),
    ).toThrow('my.csv line 1: 7 players, a classic lineup has 8');
    // a showdown header on a classic slate
    expect(() => read(`CPT,UTIL,UTIL,UTIL,UTIL,UTIL\n${line(l.slice(0, 6))}\n`)).toThrow(
      'my.csv line 1: a showdown header, but the slate is classic',
    );
    expect(() => read('')).toThrow('my.csv: no lineups');
    // one game only: the cheapest of one game in every slot
    const game = l[0]!.game;
    const picked: PoolPlayer[] = [];
    for (const slot of CLASSIC.slots)
      picked.push(
        [...pool.players]
          .sort((a, b) => a.salary - b.salary)
          .find((p) => p.game === game && !picked.includes(p) && p.rosterPositions.includes(slot))!,
      );
    expect(() => read(`${head}${line(picked)}\n`)).toThrow(/^my\.csv line 2: players from 1 game, DraftKings requires at least 2$/);
  });

  it('knows showdown: one captain, five utilities, both teams, one person once', () => {
    const game = rows[0]!.game.key;
    const one = pool.players.filter((p) => p.game === game).slice(0, 8);
    const util = one.map((p) => ({ ...p, rosterPositions: ['UTIL'] }));
    const cpt = one.map((p) => ({ ...p, dkId: p.dkId + 1_000_000, salary: p.salary * 1.5, rosterPositions: ['CPT'] }));
    const home = pool.players.filter((p) => p.game === game && p.team === one[0]!.team);
    const away = pool.players.filter((p) => p.game === game && p.team !== one[0]!.team).map((p) => ({ ...p, rosterPositions: ['UTIL'] }));
    const cheapCpt = { ...home[0]!, dkId: home[0]!.dkId + 1_000_000, salary: 1000, rosterPositions: ['CPT'] };
    const cheap = (ps: PoolPlayer[]): PoolPlayer[] => ps.map((p) => ({ ...p, salary: 1000 }));
    expect(lineupViolation(SHOWDOWN, [cheapCpt, ...cheap(away.slice(0, 5))])).toBeNull();
    expect(lineupViolation(SHOWDOWN, [cheapCpt, ...cheap(home.slice(1, 6).map((p) => ({ ...p, rosterPositions: ['UTIL'] })))])).toMatch(
      /players from 1 team, DraftKings requires at least 2/,
    );
    expect(lineupViolation(SHOWDOWN, [cpt[0]!, util[0]!, ...util.slice(2, 6)])).toMatch(/appears twice \(CPT and UTIL\)/);
    expect(lineupViolation(SHOWDOWN, [util[0]!, ...util.slice(1, 6)])).toMatch(/cannot play CPT/);
  });
});

// Tonight's input files (src/pregame): a real slate (2026-03-12, two of its games, copied from
// ../shared/pregame) parses into games, injuries, lines and starters; every bad input is one line naming
// file, line, column and value; the status table and the Game Info clock are checked as data.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/data/errors.ts';
import { parseGameInfo } from '../src/pregame/dk.ts';
import { applyMinutesOverride } from '../src/pregame/minutes.ts';
import { readPregameInputs } from '../src/pregame/inputs.ts';
import { finerStatus, parseStatus, STATUS_TABLE, statusRule } from '../src/pregame/status.ts';
import { FIXTURES, tempDir } from './helpers.ts';

const DIR = join(FIXTURES, 'pregame-2026-03-12');
const DK = join(DIR, 'DKSalaries.csv');

/** A copy of a fixture file with `edit` applied to its text, in a fresh folder. */
async function edited(file: string, edit: (text: string) => string, name = file): Promise<string> {
  const dir = await tempDir('pregame');
  const path = join(dir, name);
  await writeFile(path, edit(await readFile(join(DIR, file), 'utf8')));
  return path;
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected a UserError');
}

describe('reading a real slate', () => {
  it('gives the games, rows, injuries, lines and starters of 2026-03-12', async () => {
    const inputs = await readPregameInputs({
      dkCsv: DK,
      injuries: join(DIR, 'injuries.csv'),
      lines: join(DIR, 'lines.csv'),
      starters: join(DIR, 'starters.csv'),
    });
    expect(inputs.date).toBe('2026-03-12');
    expect(inputs.dkRows).toHaveLength(72);
    // Tip order: DAL@MEM at 8:00 PM ET, DEN@SAS at 9:00 PM ET.
    expect(inputs.games.map((g) => g.key)).toEqual(['DAL@MEM', 'DEN@SAS']);
    const den = inputs.games[1];
    // 9:00 PM EDT (daylight time began 2026-03-08) is 01:00 UTC the next day.
    expect(den).toMatchObject({
      gameDate: '2026-03-12',
      tipTimeEt: '21:00',
      tipTimeUtc: '2026-03-13T01:00:00Z',
      awayTeamId: 1610612743,
      homeTeamId: 1610612759,
    });
    expect(inputs.lines.get('DEN@SAS')).toMatchObject({ homeSpread: -5.8, total: 238.8 });
    expect(inputs.injuries).toHaveLength(20);
    const wemby = inputs.injuries.find((e) => e.playerName === 'Victor Wembanyama');
    // Day-To-Day whose comment says questionable ("a true 50/50").
    expect(wemby).toMatchObject({
      status: 'Day-To-Day',
      finerStatus: 'Questionable',
      removed: false,
      playProb: statusRule('Questionable').playProb,
    });
    expect(wemby?.dkRow?.dkId).toBe(42261001);
    expect(inputs.injuries.filter((e) => e.removed)).toHaveLength(11);
    expect(inputs.starters).toHaveLength(13);
    expect(inputs.warnings).toEqual([]);
  });

  it('needs --date when the file spans two dates, and names them', async () => {
    const two = await edited('DKSalaries.csv', (t) => t.replace(/DAL@MEM 03\/12\/2026 08:00PM ET/g, 'DAL@MEM 03/13/2026 08:00PM ET'));
    const msg = await rejection(readPregameInputs({ dkCsv: two }));
    expect(msg).toContain('2026-03-12, 2026-03-13');
    expect(msg).toContain('--date');
    const picked = await readPregameInputs({ dkCsv: two }, '2026-03-13');
    expect(picked.games.map((g) => g.key)).toEqual(['DAL@MEM']);
    expect(await rejection(readPregameInputs({ dkCsv: two }, '2026-03-14'))).toMatch(
      /^--date 2026-03-14: no games on that date in .*DKSalaries\.csv \(dates in the file: 2026-03-12, 2026-03-13\)$/,
    );
  });
});

describe('Game Info', () => {
  it('reads AWAY@HOME, the date and the Eastern tip in standard and daylight time', () => {
    expect(parseGameInfo('BOS@OKC 03/12/2026 09:30PM ET')).toEqual({
      away: 'BOS',
      home: 'OKC',
      gameDate: '2026-03-12',
      tipTimeEt: '21:30',
      tipTimeUtc: '2026-03-13T01:30:00Z',
    });
    expect(parseGameInfo('NY@GS 01/05/2026 12:00PM ET')?.tipTimeUtc).toBe('2026-01-05T17:00:00Z');
    expect(parseGameInfo('ATL@BKN 03/01/2026 06:00PM ET')?.tipTimeUtc).toBe('2026-03-01T23:00:00Z');
    for (const bad of [
      'BOS@OKC',
      'BOS OKC 03/12/2026 09:30PM ET',
      'BOS@OKC 02/30/2026 09:30PM ET',
      'BOS@OKC 03/12/2026 13:30PM ET',
      'Postponed',
    ]) {
      expect(parseGameInfo(bad)).toBeNull();
    }
  });
});

describe('the injury status table', () => {
  it('removes Out and Suspension, orders the others, and knows the statuses of the contract', () => {
    expect(statusRule('Out').playProb).toBe(0);
    expect(statusRule('Suspension').playProb).toBe(0);
    const p = (s: Parameters<typeof statusRule>[0]): number => statusRule(s).playProb;
    expect(p('Doubtful')).toBeLessThan(p('Questionable'));
    expect(p('Questionable')).toBeLessThan(p('Probable'));
    expect(p('Probable')).toBeLessThan(p('Available'));
    for (const s of ['Out', 'Doubtful', 'Questionable', 'Probable', 'Day-To-Day', 'GTD', 'Suspension', 'Available', 'day to day', 'OUT']) {
      expect(parseStatus(s)).not.toBeNull();
    }
    expect(parseStatus('Injured Reserve')).toBeNull();
  });

  it('rests each estimated rate on its counts: (played + 10 * prior) / (n + 10)', () => {
    for (const r of STATUS_TABLE) {
      if (r.prior === null) continue;
      expect(r.playProb).toBeCloseTo((r.played + 10 * r.prior) / (r.n + 10), 2);
    }
  });

  it("reads a Day-To-Day comment's last status word", () => {
    expect(finerStatus('Day-To-Day', 'Sochan (illness) has been upgraded from questionable to probable for Sunday')).toBe('Probable');
    expect(finerStatus('Day-To-Day', 'Hart (knee) is doubtful for Wednesday')).toBe('Doubtful');
    expect(finerStatus('Day-To-Day', 'He is a game-time decision')).toBe('GTD');
    expect(finerStatus('Day-To-Day', 'left the game early')).toBe('Day-To-Day');
    expect(finerStatus('Out', 'was questionable, now ruled out')).toBe('Out');
  });
});

describe('bad input: one line naming file, line, column and value', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'a DraftKings file without Salary',
      async () => readPregameInputs({ dkCsv: await edited('DKSalaries.csv', (t) => t.replace('Salary,', 'Pay,')) }),
      /DKSalaries\.csv line 1: missing column "Salary"/,
    ],
    [
      'an unparsable Game Info',
      async () =>
        readPregameInputs({
          dkCsv: await edited('DKSalaries.csv', (t) => t.replace('DEN@SAS 03/12/2026 09:00PM ET', 'DEN vs SAS tonight')),
        }),
      /DKSalaries\.csv line 2, column "Game Info": expected "AWAY@HOME MM\/DD\/YYYY HH:MMPM ET", got "DEN vs SAS tonight"$/,
    ],
    [
      'a salary that is not a number',
      async () => readPregameInputs({ dkCsv: await edited('DKSalaries.csv', (t) => t.replace(',12500,', ',12.5k,')) }),
      /DKSalaries\.csv line 2, column "Salary": .* got "12\.5k"$/,
    ],
    [
      'an unknown DraftKings team',
      async () => readPregameInputs({ dkCsv: await edited('DKSalaries.csv', (t) => t.replace('ET,DEN,', 'ET,XYZ,')) }),
      /line 2, column "TeamAbbrev": unknown team "XYZ"$/,
    ],
    [
      'an empty DraftKings file',
      async () => readPregameInputs({ dkCsv: await edited('DKSalaries.csv', () => '\n \n') }),
      /DKSalaries\.csv: empty file/,
    ],
    [
      'a header and no players',
      async () => readPregameInputs({ dkCsv: await edited('DKSalaries.csv', (t) => t.split('\n')[0]! + '\n') }),
      /no player rows below the header/,
    ],
    [
      'an unknown injury status',
      async () => readPregameInputs({ dkCsv: DK, injuries: await edited('injuries.csv', (t) => t.replace('Day-To-Day', 'Sorta-Hurt')) }),
      /injuries\.csv line \d+, column "status": unknown injury status "Sorta-Hurt" \(known: Out, /,
    ],
    [
      'an unknown injury team',
      async () => readPregameInputs({ dkCsv: DK, injuries: await edited('injuries.csv', (t) => t.replace(',DAL,', ',DALLAS,')) }),
      /injuries\.csv line 2, column "team": unknown team "DALLAS"$/,
    ],
    [
      'a line for a game not on the slate',
      async () => readPregameInputs({ dkCsv: DK, lines: await edited('lines.csv', (t) => t.replace('MEM,DAL', 'MEM,BOS')) }),
      /lines\.csv line 2, column "home_team": game "BOS@MEM" is not on the slate \(games: DAL@MEM, DEN@SAS\)$/,
    ],
    [
      'a line of another date',
      async () => readPregameInputs({ dkCsv: DK, lines: await edited('lines.csv', (t) => t.replace('2026-03-12,SAS', '2026-03-13,SAS')) }),
      /lines\.csv line 3, column "game_date": "2026-03-13" is not the slate's date 2026-03-12/,
    ],
    [
      'a total that is not a number',
      async () => readPregameInputs({ dkCsv: DK, lines: await edited('lines.csv', (t) => t.replace('239.3', 'o239')) }),
      /lines\.csv line 2, column "total": expected a game total in points, got "o239"$/,
    ],
    [
      'an empty injuries file',
      async () => readPregameInputs({ dkCsv: DK, injuries: await edited('injuries.csv', () => '') }),
      /injuries\.csv: empty file/,
    ],
    [
      'a starters file without team',
      async () => readPregameInputs({ dkCsv: DK, starters: await edited('starters.csv', (t) => t.replace('team,', 'club,')) }),
      /starters\.csv line 1: missing column "team"/,
    ],
    [
      'minutes that are not a number',
      async () =>
        readPregameInputs({
          dkCsv: DK,
          minutes: await edited('starters.csv', () => 'player_name,team,minutes\nNikola Jokic,DEN,lots\n', 'minutes.csv'),
        }),
      /minutes\.csv line 2, column "minutes": expected minutes between 0 and 53, got "lots"$/,
    ],
    ['a missing file', async () => readPregameInputs({ dkCsv: join(DIR, 'nope.csv') }), /nope\.csv: file not found$/],
  ];
  for (const [what, run, expected] of cases) {
    it(what, async () => {
      expect(await rejection(run())).toMatch(expected);
    });
  }

  it('refuses binary junk without echoing it', async () => {
    const dir = await tempDir('pregame');
    const junk = join(dir, 'DKSalaries.csv');
    await writeFile(junk, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x13, 0x37]));
    const msg = await rejection(readPregameInputs({ dkCsv: junk }));
    expect(msg).toMatch(/DKSalaries\.csv: binary data \(a NUL byte at byte 4\)/);
    expect(msg).not.toContain('PK');
    const latin = join(dir, 'injuries.csv');
    await writeFile(latin, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xe9, 0xff, 0x0a]));
    expect(await rejection(readPregameInputs({ dkCsv: DK, injuries: latin }))).toMatch(/injuries\.csv: not UTF-8 text/);
  });

  it('clips a long bad value to about 40 characters', async () => {
    const long = 'x'.repeat(500);
    const msg = await rejection(
      readPregameInputs({ dkCsv: await edited('DKSalaries.csv', (t) => t.replace('DEN@SAS 03/12/2026 09:00PM ET', long)) }),
    );
    expect(msg).toContain(`"${'x'.repeat(40)}..."`);
    expect(msg.length).toBeLessThan(200);
  });

  it('warns, with a count, about names that are not on the slate', async () => {
    const minutes = await edited(
      'starters.csv',
      () => 'player_name,team,minutes\nNikola Jokić,DEN,36\nNobody Atall,DEN,20\nSomeone Else,SAS,12\n',
      'minutes.csv',
    );
    const inputs = await readPregameInputs({ dkCsv: DK, minutes });
    // Accents do not matter: DraftKings writes "Nikola Jokic".
    expect(inputs.minutes.find((m) => m.playerName === 'Nikola Jokić')?.dkRow?.name).toBe('Nikola Jokic');
    expect(inputs.warnings).toHaveLength(1);
    expect(inputs.warnings[0]).toMatch(
      /minutes\.csv: 2 minutes name\(s\) not on the DraftKings slate: Nobody Atall \(DEN, line 3\); Someone Else \(SAS, line 4\)/,
    );
  });
});

describe('a minutes override', () => {
  it('replaces p50 and moves p10 and p90 with it', () => {
    expect(applyMinutesOverride({ p10: 20, p50: 30, p90: 36 }, 24)).toEqual({ p10: 16, p50: 24, p90: 28.8 });
    expect(applyMinutesOverride({ p10: 30, p50: 40, p90: 48 }, 46).p90).toBe(53);
    expect(applyMinutesOverride({ p10: 0, p50: 0, p90: 6 }, 10)).toEqual({ p10: 10, p50: 10, p90: 16 });
    expect(applyMinutesOverride({ p10: 20, p50: 30, p90: 36 }, 0)).toEqual({ p10: 0, p50: 0, p90: 0 });
  });
});

describe('malformed CSV', () => {
  it('names the line and the fault without quoting the text', async () => {
    const dir = await tempDir('pregame');
    const path = join(dir, 'injuries.csv');
    await writeFile(path, 'player_name,team,status\nKlay Thompson,DAL,Out\n"Bob "secret" Smith,DAL,Out\n');
    const msg = await rejection(readPregameInputs({ dkCsv: DK, injuries: path }));
    expect(msg).toMatch(/injuries\.csv line 3: malformed CSV \(invalid closing quote\)$/);
    expect(msg).not.toContain('secret');
  });
});

// Matching tonight's DraftKings rows to nba.com ids and resolving the slate (src/pregame/match.ts, slate.ts,
// lines.ts) on real data: the 2026-03-12 fixture slate against a lake of real 2025-26 box-score rows of its
// four teams (the season through 2026-03-13, so rows of D and after exist and must never be read), and the
// embedded 2023-24 lake for the lines fallback.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { col, frameFromRows, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES } from '../src/data/tables.ts';
import type { DkSlateRow } from '../src/pregame/dk.ts';
import { readPregameInputs, type PregameFiles } from '../src/pregame/inputs.ts';
import { fallbackTotal, LEAGUE_TOTAL_DEFAULT } from '../src/pregame/lines.ts';
import { noHistoryPrior } from '../src/pregame/no-history.ts';
import { matchAgainstHistories, matchPregamePlayers, playerHistories } from '../src/pregame/match.ts';
import { pregameNotices, resolvePregameSlate } from '../src/pregame/slate.ts';
import { EMBEDDED_LAKE, FIXTURES, tempDir } from './helpers.ts';

const DIR = join(FIXTURES, 'pregame-2026-03-12');
const FILES: PregameFiles = {
  dkCsv: join(DIR, 'DKSalaries.csv'),
  injuries: join(DIR, 'injuries.csv'),
  lines: join(DIR, 'lines.csv'),
  starters: join(DIR, 'starters.csv'),
};

/** A NodeFileStore that records every file it opens. */
class RecordingStore extends NodeFileStore {
  readonly opened: string[] = [];
  override async readFile(path: string): Promise<Uint8Array> {
    this.opened.push(path);
    return super.readFile(path);
  }
}

let lakeDir: string;

beforeAll(async () => {
  await initParquetNode();
  // silver/player_games with the columns matching reads, one real Parquet partition per date.
  const schema = {
    name: PLAYER_GAMES.schema.name,
    columns: [
      col('game_date', 'utf8'),
      col('team_id', 'int64'),
      col('player_id', 'int64'),
      col('player_name', 'utf8'),
      col('minutes', 'float64', true),
    ],
  };
  const records = parse<Record<string, string>>(await readFile(join(DIR, 'player_games.csv'), 'utf8'), { columns: true });
  const byDate = new Map<string, Record<string, Value>[]>();
  for (const r of records) {
    const row: Record<string, Value> = {
      game_date: r.game_date!,
      team_id: Number(r.team_id),
      player_id: Number(r.player_id),
      player_name: r.player_name!,
      minutes: r.minutes === '' ? null : Number(r.minutes),
    };
    byDate.set(row.game_date as string, [...(byDate.get(row.game_date as string) ?? []), row]);
  }
  lakeDir = await tempDir('pregame-lake');
  const lake = new Lake(new NodeFileStore(lakeDir));
  for (const [date, rows] of byDate) await lake.write(PLAYER_GAMES, { season: '2026', game_date: date }, frameFromRows(schema, rows));
});

describe('matching DraftKings rows to nba.com players', () => {
  it('matches every row of the real slate that has history, and opens no file of D or later', async () => {
    const store = new RecordingStore(lakeDir);
    const inputs = await readPregameInputs(FILES);
    const summary = await matchPregamePlayers(new Lake(store), '2026-03-12', inputs.dkRows);
    expect(summary.total).toBe(72);
    expect(store.opened.length).toBeGreaterThan(10);
    for (const path of store.opened)
      expect(path.match(/game_date=([\d-]+)/)?.[1] ?? '').toMatch(/^(2025-1[0-2]-\d\d|2026-0[1-2]-\d\d|2026-03-(0\d|1[01]))$/);
    const jokic = summary.matches.find((m) => m.dkRow.name === 'Nikola Jokic');
    expect(jokic).toMatchObject({ playerId: 203999, method: 'team', nbaName: 'Nikola Jokić', traded: false, noHistory: false });
    // Every DraftKings row is a match row; the unmatched ones are listed by name, team and line.
    expect(summary.matches).toHaveLength(72);
    expect(summary.unmatched).toHaveLength(summary.total - summary.matched);
    for (const m of summary.matches.filter((x) => x.playerId === null)) expect(m.noHistory).toBe(true);
    // The fixture holds only these four teams' 2025-26 rows: Kyrie Irving has none this season and the other
    // three came by trade from teams outside it (the full lake matches all four: see the report's figures).
    expect(summary.unmatched).toEqual([
      'Emanuel Miller (SAS, line 59)',
      'Kyrie Irving (DAL, line 66)',
      'Taj Gibson (MEM, line 70)',
      'Tyler Smith (DAL, line 71)',
    ]);
    expect(summary.matched).toBe(68);
    expect(summary.byMethod.team).toBe(68);
  });

  it("keeps a traded player's DraftKings team and finds him through his old team's rows", async () => {
    const inputs = await readPregameInputs(FILES);
    const histories = await playerHistories(new Lake(new NodeFileStore(lakeDir)), '2026-03-12');
    const jokic = inputs.dkRows.find((r) => r.name === 'Nikola Jokic')!;
    // The same person listed by DraftKings on SAS: history says DEN.
    const moved: DkSlateRow = { ...jokic, teamAbbrev: 'SAS', teamId: 1610612759 };
    const [m] = matchAgainstHistories('2026-03-12', [moved], histories).matches;
    expect(m).toMatchObject({ playerId: 203999, method: 'traded', teamId: 1610612759, historyTeamId: 1610612743, traded: true });
  });

  it('matches nicknames through the alias table and flags them', async () => {
    const inputs = await readPregameInputs(FILES);
    const histories = await playerHistories(new Lake(new NodeFileStore(lakeDir)), '2026-03-12');
    const gg = histories.find((h) => h.name === 'GG Jackson');
    expect(gg).toBeDefined();
    const row = inputs.dkRows.find((r) => r.teamAbbrev === 'MEM')!;
    const [m] = matchAgainstHistories('2026-03-12', [{ ...row, name: 'Gregory Jackson' }], histories).matches;
    expect(m).toMatchObject({ playerId: gg?.playerId, method: 'team', alias: true });
  });
});

describe('the resolved slate', () => {
  it('drops Out starters, sets play probabilities and counts teams without five starters', async () => {
    // The feed's flag is not cleared for an injured starter: list two of MEM's usual starters, Out tonight.
    const starters = await edited('starters.csv', (t) => `${t}Ja Morant,MEM,Yes\nZach Edey,MEM,Yes\n`);
    const inputs = await readPregameInputs({ ...FILES, starters });
    const slate = await resolvePregameSlate(new Lake(new NodeFileStore(lakeDir)), inputs);
    expect(slate.players).toHaveLength(72);
    const lively = slate.players.find((p) => p.dkRow.name === 'Dereck Lively II');
    expect(lively).toMatchObject({ status: 'Out', playProb: 0, removed: true, isStarter: false });
    const klay = slate.players.find((p) => p.dkRow.name === 'Klay Thompson');
    expect(klay).toMatchObject({ status: 'Doubtful', removed: false });
    const healthy = slate.players.find((p) => p.dkRow.name === 'Nikola Jokic');
    expect(healthy).toMatchObject({ status: 'active', playProb: 1, isStarter: true });
    const teams = slate.starters ?? [];
    expect(teams.map((t) => t.team)).toEqual(['MEM', 'DAL', 'SAS', 'DEN']);
    const dropped = teams.flatMap((t) => t.droppedOut);
    expect(dropped).toEqual(['Ja Morant', 'Zach Edey']);
    expect(teams[0]?.dkIds).toHaveLength(3);
    for (const t of teams) {
      for (const id of t.dkIds) expect(slate.players.find((p) => p.dkRow.dkId === id)?.removed).toBe(false);
    }
    expect(teams.reduce((n, t) => n + t.dkIds.length, 0) + dropped.length).toBe(15);
    expect(slate.metrics.starters_not_five).toEqual(['MEM:3', 'DAL:0']);
    expect(slate.metrics.starters_not_five).toEqual(teams.filter((t) => t.dkIds.length !== 5).map((t) => `${t.team}:${t.dkIds.length}`));
    expect(slate.metrics.starters_dropped_out).toBe(2);
    expect(slate.games.every((g) => !g.lineFallback)).toBe(true);
    expect(slate.metrics.line_fallback_total).toBeNull();
  });

  it('gives a game without a line spread 0 and the recent mean total, flagged', async () => {
    const inputs = await readPregameInputs({ dkCsv: FILES.dkCsv, lines: await oneLine() });
    const slate = await resolvePregameSlate(new Lake(new NodeFileStore(lakeDir)), inputs);
    const [dal, den] = slate.games;
    expect(dal).toMatchObject({ homeSpread: 4.9, total: 239.3, lineFallback: false });
    // This lake holds no lines at all: the documented constant.
    expect(den).toMatchObject({ homeSpread: 0, total: LEAGUE_TOTAL_DEFAULT, lineFallback: true });
    expect(slate.metrics.line_fallback_games).toEqual(['DEN@SAS']);
  });

  it("averages the lake's lines of the 30 days before D, never D itself", async () => {
    const store = new RecordingStore(EMBEDDED_LAKE);
    const fb = await fallbackTotal(new Lake(store), '2024-01-31');
    expect(fb.source).toBe('lake lines 2024-01-01..2024-01-30');
    expect(fb.games).toBeGreaterThan(50);
    expect(fb.total).toBeGreaterThan(200);
    expect(fb.total).toBeLessThan(260);
    expect(store.opened.some((p) => p.includes('2024-01-31'))).toBe(false);
    // After the lake's last date: its latest 30 days of lines.
    const later = await fallbackTotal(new Lake(new NodeFileStore(EMBEDDED_LAKE)), '2024-06-01');
    expect(later.source).toBe('lake lines 2024-01-02..2024-01-31 (latest before 2024-06-01)');
  });
});

/** A copy of a fixture file with `edit` applied to its text, in a fresh folder. */
async function edited(file: string, edit: (text: string) => string): Promise<string> {
  const path = join(await tempDir('pregame'), file);
  await writeFile(path, edit(await readFile(join(DIR, file), 'utf8')));
  return path;
}

function oneLine(): Promise<string> {
  return edited('lines.csv', (t) =>
    t
      .split('\n')
      .filter((l) => !l.includes(',SAS,DEN,'))
      .join('\n'),
  );
}

describe('the no-history prior', () => {
  it('rises with salary, reads the position group, and is attached only to players without history', async () => {
    const cheap = noHistoryPrior('PF/C', 3000);
    expect(cheap).toMatchObject({ band: '<=3500', group: 'F', playProb: 0.14 });
    expect(noHistoryPrior('C', 3600).group).toBe('C');
    const bands = [3000, 4000, 5000, 9000].map((s) => noHistoryPrior('SG', s));
    for (let i = 1; i < bands.length; i++) {
      expect(bands[i]?.minutesP50).toBeGreaterThan(bands[i - 1]?.minutesP50 ?? Infinity);
      expect(bands[i]?.playProb).toBeGreaterThanOrEqual(bands[i - 1]?.playProb ?? Infinity);
    }
    const slate = await resolvePregameSlate(new Lake(new NodeFileStore(lakeDir)), await readPregameInputs(FILES));
    for (const p of slate.players) expect(p.noHistoryPrior !== null).toBe(p.noHistory);
    expect(slate.players.filter((p) => p.noHistory).map((p) => p.dkRow.name)).toEqual([
      'Emanuel Miller',
      'Kyrie Irving',
      'Taj Gibson',
      'Tyler Smith',
    ]);
    const notices = pregameNotices(slate);
    expect(notices[0]).toBe(
      'warning: 4 of 72 DraftKings players not matched to nba.com ids (no-history prior used): Emanuel Miller (SAS, line 59); Kyrie Irving (DAL, line 66); Taj Gibson (MEM, line 70); Tyler Smith (DAL, line 71)',
    );
  });
});

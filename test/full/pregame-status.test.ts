// The injury status table's evidence, recomputed: the 15 shared DraftKings slates of 2026-03
// (../shared/pregame) against who logged minutes in ../shared/recent/box_scores_2026.csv.gz. If the table's
// counts or rates drift from what the data says, this fails.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readCsvBytes } from '../../src/data/csv.ts';
import { teamByAbbreviation } from '../../src/data/teams.ts';
import { readPregameInputs } from '../../src/pregame/inputs.ts';
import { countStatusOutcomes, shrunkRate, type PlayedRow, type ReportedInjury } from '../../src/pregame/status-estimate.ts';
import { STATUS_TABLE } from '../../src/pregame/status.ts';
import { SHARED_DATA } from '../helpers.ts';

const SHARED = resolve(SHARED_DATA, '..');
const PREGAME = join(SHARED, 'pregame');
const BOX_2026 = join(SHARED, 'recent/box_scores_2026.csv.gz');
const HAVE_DATA = existsSync(PREGAME) && existsSync(BOX_2026);

/** Partial box scores of 2026-03-11 (../shared/recent/README.md): who played there is not known. */
const PARTIAL = new Set(['ORL', 'NYK', 'UTA'].map((t) => `2026-03-11|${teamByAbbreviation(t)?.teamId}`));

describe('the injury status table against the shared 2026-03 slates', () => {
  it('has the shared slates and the 2025-26 box scores (the full group needs ../shared)', () => {
    expect(HAVE_DATA, `${PREGAME} and ${BOX_2026}`).toBe(true);
  });
  it('has the counts and shrunk rates the data gives', async () => {
    const injuries: ReportedInjury[] = [];
    for (const folder of (await readdir(PREGAME)).filter((f) => f.startsWith('game_date=')).sort()) {
      const dir = join(PREGAME, folder);
      const inputs = await readPregameInputs({ dkCsv: join(dir, 'DKSalaries.csv'), injuries: join(dir, 'injuries.csv') });
      for (const e of inputs.injuries)
        injuries.push({ gameDate: inputs.date, teamId: e.teamId, playerName: e.playerName, status: e.status, comment: e.comment });
    }
    expect(injuries).toHaveLength(200);
    const rows = parse<Record<string, string>>(await readCsvBytes(BOX_2026), { columns: true });
    const box: PlayedRow[] = rows.map((r) => ({
      gameDate: r.game_date!,
      teamId: Number(r.team_id),
      playerName: r.player_name!,
      minutes: r.minutes === '' || r.minutes === undefined ? null : Number(r.minutes),
    }));
    const counts = countStatusOutcomes(injuries, box, PARTIAL);
    for (const rule of STATUS_TABLE) {
      const c = counts.get(rule.status) ?? { n: 0, played: 0 };
      expect({ status: rule.status, n: c.n, played: c.played }).toEqual({ status: rule.status, n: rule.n, played: rule.played });
      if (rule.prior !== null) expect(rule.playProb).toBe(shrunkRate(c, rule.prior));
    }
  });
});

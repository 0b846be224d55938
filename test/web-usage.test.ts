// What the browser demo shows, computed in Node on a real game of the embedded slate: shares per team sum to 1,
// histograms hold every world, the real night's shares come from the box score, and the rule-out table gives
// the ruled-out player nothing and his teammates more. (The page itself is tested in test/browser.)

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulateGame } from '../engine/cpu/simulate.ts';
import { loadProfile, pickProfile, type Profile } from '../engine/profile.ts';
import { SLATE_COLUMNS, slateFromRows } from '../engine/slate.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { frameRows, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES, RATES_TRAINING_BASE } from '../src/data/tables.ts';
import { parseShareModel, type ShareModel } from '../src/shares/model.ts';
import { actualShares, dkValue, rebin, ruleOutEffect, summarise } from '../src/web/usage.ts';
import { EMBEDDED, EMBEDDED_LAKE, ROOT } from './helpers.ts';

const DATE = '2024-01-31';
const WORLDS = 400;
let rows: Record<string, Value>[];
let box: Record<string, Value>[];
let profile: Profile;
let model: ShareModel;
let gameId: string;

beforeAll(async () => {
  await initParquetNode();
  const lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
  const filter = { startDate: DATE, endDate: DATE };
  rows = frameRows(await lake.read(RATES_TRAINING_BASE, filter, { columns: [...SLATE_COLUMNS] }));
  box = frameRows(await lake.read(PLAYER_GAMES, filter));
  const base = await loadProfile('usage_shares_v1');
  profile = { ...base, vegas_anchoring: { ...base.vegas_anchoring, pilot_worlds: 512 } };
  const file = join(EMBEDDED, 'models/shares_v1.json');
  model = parseShareModel(await readFile(file, 'utf8'), file);
  gameId = String(rows[0]?.game_id);
});

function run(out: Set<number>) {
  const slate = slateFromRows(
    DATE,
    rows.filter((r) => String(r.game_id) === gameId),
    out,
    model,
  );
  return summarise(slate, simulateGame(slate, profile, 7, 0, WORLDS, 128, false).acc);
}

describe('the demo views', () => {
  it('summarises a game: shares sum to 1 per team and target, histograms hold every world', () => {
    const s = run(new Set());
    expect(s.worlds).toBe(WORLDS);
    expect(s.conservationViolations).toBe(0);
    for (const side of [0, 1] as const) {
      const team = s.players.filter((p) => p.side === side);
      expect(team.length).toBeGreaterThan(5);
      for (const t of ['fga', 'fta', 'tov'] as const) expect(team.reduce((a, p) => a + p.share[t], 0)).toBeCloseTo(1, 9);
      for (const k of [0, 1, 2]) expect(s.teamTotalHist[side]![k]!.reduce((a, b) => a + b, 0)).toBe(WORLDS);
    }
    for (const p of s.players) {
      expect(p.fgaHist.reduce((a, b) => a + b, 0)).toBe(WORLDS);
      expect(p.dkHist.reduce((a, b) => a + b, 0)).toBe(WORLDS);
      // The FGA histogram's mean is the FGA mean (the last bin, 63+, is never reached in a real game).
      expect(p.fgaHist.reduce((a, c, k) => a + c * k, 0) / WORLDS).toBeCloseTo(p.mean.fga, 9);
    }
    const dk = rebin([s.players[0]!.dkHist], 8, dkValue);
    expect(dk.edges[1]! - dk.edges[0]!).toBe(2);
    expect(dk.probs[0]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.99);
  });

  it("reads the real night's shares from the box score", () => {
    const actual = actualShares(box, gameId);
    const teams = new Set([...actual.values()].map((a) => a.teamId));
    expect(teams.size).toBe(2);
    for (const team of teams) {
      const lines = [...actual.values()].filter((a) => a.teamId === team);
      for (const t of ['fga', 'fta', 'tov'] as const) expect(lines.reduce((a, l) => a + l.share[t], 0)).toBeCloseTo(1, 12);
    }
    // Checked against the box score's own columns.
    const someone = box.find((r) => String(r.game_id) === gameId && typeof r.fga === 'number' && r.fga > 10)!;
    expect(actual.get(someone.player_id as number)?.counts.fga).toBe(someone.fga);
  });

  it('rules the top player out: nothing for him, more for every teammate', () => {
    const before = run(new Set());
    const home = before.players.filter((p) => p.side === 0);
    const top = home.reduce((a, b) => (b.share.fga > a.share.fga ? b : a));
    const after = run(new Set([top.playerId]));
    const effect = ruleOutEffect(before, after, 0, 'fga');
    expect(effect.map((r) => r.playerId)).toEqual(home.map((p) => p.playerId));
    const gone = effect.find((r) => r.playerId === top.playerId);
    expect(gone).toMatchObject({ ruledOut: true, shareAfter: 0, meanAfter: 0 });
    for (const r of effect.filter((x) => x.playerId !== top.playerId)) expect(r.shareAfter!).toBeGreaterThan(r.shareBefore);
    // Without a rule-out there is no "after".
    expect(ruleOutEffect(before, undefined, 1, 'tov').every((r) => r.shareAfter === null && !r.ruledOut)).toBe(true);
  });

  it('reads a profile from the parsed profiles file, as the browser does', async () => {
    const all: unknown = JSON.parse(await readFile(join(ROOT, 'config/profiles.json'), 'utf8'));
    expect(pickProfile(all, 'usage_shares_v1', 'config/profiles.json')).toEqual(await loadProfile('usage_shares_v1'));
    expect(() => pickProfile(all, 'toString', 'config/profiles.json')).toThrow(
      '--profile toString: no such profile in config/profiles.json (have: baseline, usage_shares_v1)',
    );
  });
});

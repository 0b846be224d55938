// Shards and their merge (engine/shards): the partials of a game's world ranges, merged in any order, give the
// bytes of one process running the whole game; so do a lineup run's slate shards (every game's worlds of a
// range and the lineups' counts on them); the binary forms round-trip and refuse what they cannot read.
import { beforeAll, describe, expect, it } from 'vitest';
import { defined } from '../src/data/checked.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { loadProfile, type Profile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { simulateGame, simulateSlateBlocks } from '../engine/cpu/simulate.ts';
import { lineupTable, type LineupSlot } from '../engine/kernels/lineups/lineups.ts';
import {
  decodePartial,
  decodeSlatePartial,
  encodePartial,
  encodeSlatePartial,
  mergePartials,
  mergeSlatePartials,
  planShards,
  planSlateShards,
  runAnchor,
  runShardCpu,
  runSlateShardCpu,
  type Partial,
} from '../engine/shards/shard.ts';
import { decodeInputs, encodeInputs } from '../engine/shards/inputs.ts';
import { EMBEDDED_LAKE } from './helpers.ts';

const DATE = '2024-01-31';
let slate: Slate;
let profile: Profile;

beforeAll(async () => {
  await initParquetNode();
  slate = await loadSlate(new Lake(new NodeFileStore(EMBEDDED_LAKE)), DATE);
  profile = await loadProfile('usage_shares_v1');
});

const bytesOf = (p: Partial): string => Buffer.from(encodePartial(p)).toString('base64');

describe('shards of a run', () => {
  it('merge, in any order, to the bytes of the single-process game (with and without world rows)', () => {
    const worlds = 5000;
    const chunk = 512;
    for (const saveWorlds of [false, true]) {
      const games = [0, 1];
      const anchors = Array.from({ length: slate.nGames }, (_, g): [number, number] =>
        games.includes(g) ? runAnchor(slate, profile, 7, g, chunk, worlds) : [1, 1],
      );
      const shards = planShards(slate, {
        worlds,
        seed: 7,
        chunk,
        shardWorlds: 1000,
        saveWorlds,
        inputs: 'x',
        anchors,
        backend: 'cpu',
      }).filter((s) => games.includes(s.game));
      expect(shards.every((s) => s.w0 % chunk === 0)).toBe(true);
      const parts = shards.map((s) => decodePartial(encodePartial(runShardCpu(slate, profile, s))));
      const shuffled = [...parts].reverse();
      // one game at a time, merged in reverse order as a one-game slate (its partials relabelled game 0)
      for (const g of games) {
        const single = simulateGame(slate, profile, 7, g, worlds, chunk, saveWorlds);
        const mine = shuffled.filter((p) => p.game === g);
        const merged = mergePartials(
          { ...slate, nGames: 1 },
          mine.map((p) => ({ ...p, game: 0, acc: { ...p.acc, g: 0 } })),
          worlds,
          saveWorlds,
        )[0];
        if (merged === undefined) throw new Error('no merged game');
        const a = { game: 0, w0: 0, w1: worlds, acc: { ...single.acc, g: 0 }, ...(single.worldRows ? { rows: single.worldRows } : {}) };
        const b = { game: 0, w0: 0, w1: worlds, acc: merged.acc, ...(merged.worldRows ? { rows: merged.worldRows } : {}) };
        expect(bytesOf(b), `game ${g} saveWorlds ${saveWorlds}`).toBe(bytesOf(a));
      }
    }
  });

  it('refuse a gap, an overlap, a foreign version and a truncated partial', () => {
    const anchors = Array.from({ length: slate.nGames }, () => [1, 1] as [number, number]);
    const shards = planShards(slate, {
      worlds: 600,
      seed: 1,
      chunk: 256,
      shardWorlds: 256,
      saveWorlds: false,
      inputs: 'x',
      anchors,
      backend: 'cpu',
    }).filter((s) => s.game === 0);
    const parts = shards.map((s) => ({ ...runShardCpu(slate, profile, s), game: 0 }));
    const one = { ...slate, nGames: 1 };
    expect(() => mergePartials(one, parts.slice(1), 600, false)).toThrow(/uncovered or covered twice/);
    expect(() => mergePartials(one, [...parts, defined(parts[0], 'part 0')], 600, false)).toThrow(/uncovered or covered twice/);
    expect(() => mergePartials(one, parts.slice(0, 2), 600, false)).toThrow(/cover worlds 0-512 of 600/);
    const bytes = encodePartial(defined(parts[0], 'part 0'));
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(() => decodePartial(v2)).toThrow(/partial version 2, this slatesim reads version 1/);
    expect(() => decodePartial(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
  });

  it('lineup shards (every game of a range of worlds) merge to the single-process lineups and games', () => {
    const worlds = 1500;
    const chunk = 256;
    const lineups: LineupSlot[][] = Array.from({ length: 6 }, (_, l) =>
      Array.from({ length: 8 }, (_, k) => ({ player: (l * 37 + k * 29) % slate.nPlayers, weight: 1 })),
    );
    const table = lineupTable(slate, lineups, 4);
    const single = simulateSlateBlocks(slate, profile, 9, worlds, chunk, true, { table });
    const anchors = Array.from({ length: slate.nGames }, (_, g) => runAnchor(slate, profile, 9, g, chunk, worlds));
    const specs = planSlateShards({ worlds, seed: 9, chunk, shardWorlds: 600, saveWorlds: true, inputs: 'x', anchors, backend: 'cpu' });
    expect(specs.map((x) => x.id)).toEqual(['s:w0-768', 's:w768-1500']);
    const parts = specs.map((x) => decodeSlatePartial(encodeSlatePartial(runSlateShardCpu(slate, profile, table, x))));
    const merged = mergeSlatePartials(slate, [...parts].reverse(), worlds, true, table);
    expect(merged.lineups).toEqual(single.lineups);
    merged.results.forEach((r, g) => {
      const one = defined(single.results[g], `game ${g}`);
      const enc = (acc: typeof r.acc, rows: typeof r.worldRows): string =>
        Buffer.from(encodePartial({ game: g, w0: 0, w1: worlds, acc, ...(rows !== undefined ? { rows } : {}) })).toString('base64');
      expect(enc(r.acc, r.worldRows), `game ${g}`).toBe(enc(one.acc, one.worldRows));
    });
    expect(() => mergeSlatePartials(slate, parts.slice(1), worlds, true, table)).toThrow(/uncovered or covered twice/);
    const first = defined(parts[0], 'part 0');
    const bytes = encodeSlatePartial(first);
    expect(() => decodeSlatePartial(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
    expect(() => decodeSlatePartial(encodePartial(defined(first.games[0], 'game 0')))).toThrow(/bad magic/);
  });

  it('inputs round-trip to the same values and the same bytes', () => {
    const bytes = encodeInputs({ slate, profile });
    const back = decodeInputs(bytes);
    expect(back.slate).toEqual(slate);
    expect(back.profile).toEqual(profile);
    expect(Buffer.from(encodeInputs(back)).equals(Buffer.from(bytes))).toBe(true);
  });
});

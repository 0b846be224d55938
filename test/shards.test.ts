// Shards and their merge (engine/shards): the partials of a game's world ranges, merged in any order, give the
// bytes of one process running the whole game; the binary form round-trips and refuses what it cannot read.
import { beforeAll, describe, expect, it } from 'vitest';
import { defined } from '../src/data/checked.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { loadProfile, type Profile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { simulateGame } from '../engine/cpu/simulate.ts';
import { decodePartial, encodePartial, mergePartials, planShards, runAnchor, runShardCpu, type Partial } from '../engine/shards/shard.ts';
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
      const shards = planShards(slate, { worlds, seed: 7, chunk, shardWorlds: 1000, saveWorlds, inputs: 'x', anchors }).filter((s) =>
        games.includes(s.game),
      );
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

  it('inputs round-trip to the same values and the same bytes', () => {
    const bytes = encodeInputs({ slate, profile });
    const back = decodeInputs(bytes);
    expect(back.slate).toEqual(slate);
    expect(back.profile).toEqual(profile);
    expect(Buffer.from(encodeInputs(back)).equals(Buffer.from(bytes))).toBe(true);
  });
});

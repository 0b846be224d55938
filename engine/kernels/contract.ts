// The contract between the TypeScript twins and the WGSL kernels, declared once: stat and target indices,
// RNG streams, accumulator fields, histogram bins, caps, floors and the regulation minutes, and the uniform and
// input structs with where each field's value comes from. prelude.ts turns this into the WGSL `const` and
// `struct` declarations every kernel is compiled with; engine/gpu/params.ts packs the structs from it. Adding a
// knob to a kernel: the profile schema, a field here, the kernel arithmetic (WGSL and its twin). Nothing else.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: each
   field reads the slate at c.g < nGames (teamId: 2 per game) or c.i < nPlayers (every per-player array is nPlayers
   long). */

import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import type { ConstDecl, StructDecl } from './layout.ts';

/** The stat line of a player-world, in this order in every [..][stat] layout. */
export const STATS = ['fga', 'fg3a', 'fta', 'tov', 'fgm', 'fg3m', 'ftm', 'pts', 'oreb', 'dreb', 'ast', 'stl', 'blk'] as const;
export type Stat = (typeof STATS)[number];
export const NSTAT = STATS.length;
export const STAT_INDEX = Object.fromEntries(STATS.map((s, i) => [s, i])) as Record<Stat, number>;
/** The counts drawn per player from rate x minutes x pace, in this order ([stat][player] rate layout). */
export const COUNT_STATS = ['oreb', 'dreb', 'ast', 'stl', 'blk'] as const;

/** Team opportunity targets, in this order in every [..][target] layout (as TARGETS in profile.ts). */
export const TARGET_INDEX = { fga: 0, fta: 1, tov: 2 } as const;
export const NTARGET = 3;

/** Streams: which random quantity a counter addresses. Never renumber: outputs depend on them. */
export const STREAM = {
  minutes: 1, // per player-world: active, split-normal z
  overtime: 2, // per game-world
  margin: 3, // per game-world: game script margin
  pace: 4, // per game-world
  offense: 5, // per team-world: offense and efficiency factors
  teamTotals: 6, // per team-world: FGA, FTA, TOV totals
  shareNoise: 7, // per player-world: logit noise for FGA, FTA, TOV
  allocation: 8, // per team-world x target: conditional binomials
  independent: 9, // per player-world: counts when shares are off
  statLine: 10, // per player-world: 3PA split, makes
  counts: 11, // per player-world: OREB, DREB, AST, STL, BLK
} as const;

/** Regulation: a team plays 240 minutes plus 25 per overtime; a player at most 48 plus 5 per overtime. */
export const MINUTES = { team: 240, teamPerOt: 25, player: 48, playerPerOt: 5 } as const;
export const teamMinutes = (ot: number): number => MINUTES.team + MINUTES.teamPerOt * ot;
export const playerCap = (ot: number): number => MINUTES.player + MINUTES.playerPerOt * ot;
/**
 * How far a team-world's minutes may sit from teamMinutes(ot) before the reduction counts a violation, on both
 * backends: above f32's rounding of a sum of a dozen players (~2e-4 minutes), far below a missing player.
 */
export const MINUTES_TOLERANCE = 1e-3;

/** Caps and floors of the kernel arithmetic. */
export const SHOT_PCT_CAP = 0.99; // a shooting percentage x efficiency never reaches 1
export const RATE_FLOOR = 1e-6; // a rate-weighted fallback share never weighs a player with minutes at 0

/** Reduction: DK points are multiples of 0.25, so a histogram of 0.25-point bins holds them exactly. */
export const DK_MIN = -10;
export const DK_BINS = 4 * 210 + 1; // -10 .. 200
export const MIN_BIN = 0.1;
export const MIN_BINS = 800; // 0 .. 80 minutes
/** Per-player FGA histogram bins (0 .. 63, the last bin holds 63 and more). */
export const FGA_BINS = 64;
/** Per-team histogram bins of the FGA/FTA/TOV totals (0 .. 255). */
export const TEAM_TOTAL_BINS = 256;
/** The device sums minutes in fixed point (1/65536 minute). */
export const MINUTES_FIXED = 65536;
/** Worlds per reduction invocation (its local u32 sums must not overflow: see reduce.wgsl). */
export const REDUCE_BLOCK = 256;
/** The allocation kernel keeps a team's shares in a fixed array. */
export const MAX_TEAM_PLAYERS = 32;
/** Largest count an inversion sampler walks to; far above any box-score count. */
export const MAX_WALK = 400;
export const WORKGROUP_SIZE = 64;

/**
 * The device accumulator (u64 fields as [lo, hi] u32 words): per player the 13 stat sums then these, per team
 * these, then the overtime worlds. The device sums dk as v = 4 dk - 4 DK_MIN (non-negative).
 */
export const PLAYER_ACC = ['dk_sum', 'dk_sq', 'minutes', 'active', 'double', 'triple'] as const;
export const PLAYER_FIELDS = NSTAT + PLAYER_ACC.length;
export const ACC = Object.fromEntries(PLAYER_ACC.map((f, k) => [f, NSTAT + k])) as Record<(typeof PLAYER_ACC)[number], number>;
export const TEAM_ACC = ['pts', 'pts_sq', 'conservation', 'minutes_off'] as const;
export const TEAM_FIELDS = TEAM_ACC.length;
export const TEAM_ACC_INDEX = Object.fromEntries(TEAM_ACC.map((f, k) => [f, k])) as Record<(typeof TEAM_ACC)[number], number>;

/** The constants every kernel sees (the prelude), from the declarations above. */
export function contractConstants(): ConstDecl[] {
  const u = (name: string, value: number, note?: string): ConstDecl => ({
    name,
    type: 'u32',
    value,
    ...(note === undefined ? {} : { note }),
  });
  const f = (name: string, value: number, note?: string): ConstDecl => ({
    name,
    type: 'f32',
    value,
    ...(note === undefined ? {} : { note }),
  });
  return [
    u('NSTAT', NSTAT, STATS.join(', ')),
    ...STATS.map((s, k) => u(`STAT_${s.toUpperCase()}`, k)),
    u('NTARGET', NTARGET),
    ...Object.entries(TARGET_INDEX).map(([t, k]) => u(`TARGET_${t.toUpperCase()}`, k)),
    ...Object.entries(STREAM).map(([name, k]) => u(`STREAM_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, k)),
    f('TEAM_MINUTES', MINUTES.team),
    f('TEAM_MINUTES_PER_OT', MINUTES.teamPerOt),
    f('PLAYER_MINUTES_CAP', MINUTES.player),
    f('PLAYER_MINUTES_PER_OT', MINUTES.playerPerOt),
    f('MINUTES_TOLERANCE', MINUTES_TOLERANCE),
    f('SHOT_PCT_CAP', SHOT_PCT_CAP),
    f('RATE_FLOOR', RATE_FLOOR),
    { name: 'DK_MIN', type: 'i32', value: DK_MIN },
    u('DK_BINS', DK_BINS),
    f('MIN_BIN', MIN_BIN),
    u('MIN_BINS', MIN_BINS),
    u('FGA_BINS', FGA_BINS),
    u('TEAM_TOTAL_BINS', TEAM_TOTAL_BINS),
    f('MINUTES_FIXED', MINUTES_FIXED),
    u('MAX_TEAM', MAX_TEAM_PLAYERS),
    u('MAX_WALK', MAX_WALK),
    u('PLAYER_FIELDS', PLAYER_FIELDS),
    ...PLAYER_ACC.map((name) => u(`ACC_${name.toUpperCase()}`, ACC[name])),
    u('TEAM_FIELDS', TEAM_FIELDS),
    ...TEAM_ACC.map((name) => u(`TEAM_ACC_${name.toUpperCase()}`, TEAM_ACC_INDEX[name])),
  ];
}

/**
 * What a kernel's per-game record is filled from: one game, a chunk of worlds, the Vegas scales, and where the
 * game sits in the dispatch. A dispatch runs every game of a range of consecutive games (the whole slate where the
 * device's buffers allow): its buffers hold the games one after another, so game k of the range has its players
 * from `pOff` (players of the range before it), its worlds from k x worlds, its histograms from `histOff` and its
 * sums from `accOff` (u32 words).
 */
export interface ParamsContext {
  s: Slate;
  prof: Profile;
  g: number;
  nP: number;
  nHome: number;
  key: readonly [number, number];
  world0: number;
  worlds: number;
  anchor: readonly [number, number];
  /** games in the dispatch, this one's index among them, and its offsets (0, 0, 0, 0, 0 for a game alone) */
  range?: { games: number; k: number; pOff: number; histOff: number; accOff: number };
}

type P = ParamsContext;
const common = [
  { name: 'key', type: 'vec2<u32>', value: (c: P) => c.key },
  { name: 'world0', type: 'u32', value: (c: P) => c.world0 },
  { name: 'worlds', type: 'u32', value: (c: P) => c.worlds },
  { name: 'n_players', type: 'u32', value: (c: P) => c.nP },
  { name: 'n_home', type: 'u32', value: (c: P) => c.nHome },
  { name: 'n_games', type: 'u32', note: 'games in the dispatch', value: (c: P) => c.range?.games ?? 1 },
  { name: 'g_index', type: 'u32', note: 'this game among them', value: (c: P) => c.range?.k ?? 0 },
  { name: 'p_off', type: 'u32', note: 'players of the dispatch before this game', value: (c: P) => c.range?.pOff ?? 0 },
] as const;
const teamIds = {
  name: 'team_ids',
  type: 'vec2<u32>',
  value: (c: P) => [c.s.teamId[2 * c.g]!, c.s.teamId[2 * c.g + 1]!],
} as const;

export const MINUTES_PARAMS: StructDecl<P> = {
  name: 'MinutesParams',
  space: 'storage',
  fields: [
    ...common,
    { name: 'game_key', type: 'u32', value: (c) => c.s.gameKey[c.g]! },
    teamIds,
    { name: 'play_prob_masking', type: 'u32', value: (c) => c.prof.minutes.use_play_prob_masking },
    { name: 'overtime_enabled', type: 'u32', value: (c) => c.prof.overtime.enabled },
    { name: 'game_script_enabled', type: 'u32', value: (c) => c.prof.game_script.enabled },
    { name: 'team_context_enabled', type: 'u32', value: (c) => c.prof.team_context.enabled },
    { name: 'rotation_max', type: 'u32', value: (c) => c.prof.rotation.max_size },
    { name: 'rotation_protected', type: 'u32', value: (c) => c.prof.rotation.protected_size },
    { name: 'spread_home', type: 'f32', value: (c) => c.s.spreadHome[c.g]! },
    { name: 'ot_probability', type: 'f32', value: (c) => c.prof.overtime.probability },
    { name: 'ot_extra', type: 'f32', value: (c) => c.prof.overtime.extra_probability },
    { name: 'spread_scale', type: 'f32', value: (c) => c.prof.minutes.spread_scale },
    { name: 'allocation_room', type: 'u32', value: (c) => (c.prof.minutes.allocation === 'room' ? 1 : 0) },
    { name: 'fill_upper_z', type: 'f32', value: (c) => c.prof.minutes.fill_upper_z },
    {
      name: 'rank_weights',
      type: 'array<vec4<f32>, 3>',
      note: 'minutes ranks 1..9, 10+ (read through rank_weight(r))',
      value: (c) => [...c.prof.minutes.fill_rank_weights, 0, 0],
    },
    { name: 'ceiling_knee', type: 'f32', value: (c) => c.prof.minutes.ceiling_knee },
    { name: 'ceiling', type: 'f32', value: (c) => c.prof.minutes.ceiling },
    { name: 'margin_sd', type: 'f32', value: (c) => c.prof.game_script.margin_sd },
    { name: 'blowout_threshold', type: 'f32', value: (c) => c.prof.game_script.blowout_threshold },
    { name: 'starter_drop', type: 'f32', value: (c) => c.prof.game_script.starter_drop_per_point },
    { name: 'max_starter_drop', type: 'f32', value: (c) => c.prof.game_script.max_starter_drop },
    { name: 'pace_sd', type: 'f32', value: (c) => c.prof.team_context.pace_sd },
    { name: 'offense_sd', type: 'f32', value: (c) => c.prof.team_context.offense_sd },
    { name: 'efficiency_sd', type: 'f32', value: (c) => c.prof.team_context.efficiency_sd },
    { name: 'fga_efficiency_elasticity', type: 'f32', value: (c) => c.prof.team_opportunities.fga_efficiency_elasticity },
    {
      name: 'dispersion',
      type: 'vec3<f32>',
      note: 'fga, fta, tov',
      value: (c) => [
        c.prof.team_opportunities.fga_dispersion,
        c.prof.team_opportunities.fta_dispersion,
        c.prof.team_opportunities.tov_dispersion,
      ],
    },
    { name: 'anchor', type: 'vec2<f32>', note: 'home, away', value: (c) => c.anchor },
  ],
};

export const ALLOCATION_PARAMS: StructDecl<P> = {
  name: 'AllocationParams',
  space: 'storage',
  fields: [
    ...common,
    teamIds,
    { name: 'noise_std', type: 'f32', value: (c) => c.prof.usage_shares.share_noise_std },
    { name: 'temperature', type: 'f32', value: (c) => c.prof.usage_shares.share_temperature },
    { name: 'cutoff', type: 'f32', value: (c) => c.prof.usage_shares.min_minutes_active_cutoff },
    { name: 'fallback_even', type: 'u32', value: (c) => c.prof.usage_shares.fallback === 'even' },
    {
      name: 'shared_mask',
      type: 'u32',
      note: 'bit k: target k is split by shares',
      value: (c) =>
        (Object.keys(TARGET_INDEX) as (keyof typeof TARGET_INDEX)[]).reduce(
          (bits, t) => bits | (c.prof.usage_shares.enabled && c.prof.usage_shares.targets.includes(t) ? 1 << TARGET_INDEX[t] : 0),
          0,
        ),
    },
    { name: 'independent_dispersion', type: 'f32', value: (c) => c.prof.counts.independent_dispersion },
    { name: 'anchor', type: 'vec2<f32>', note: 'home, away (FGA and FTA means of independent counts)', value: (c) => c.anchor },
  ],
};

export const STATLINE_PARAMS: StructDecl<P> = {
  name: 'StatlineParams',
  space: 'storage',
  fields: [
    ...common,
    { name: 'triple_also_double', type: 'u32', value: (c) => c.prof.scoring.triple_also_earns_double },
    {
      name: 'dispersion',
      type: 'array<vec4<f32>, 2>',
      note: `${COUNT_STATS.join(', ')} (read through dispersion(k))`,
      value: (c) => COUNT_STATS.map((st) => c.prof.counts[`${st}_dispersion`]),
    },
  ],
};

export const REDUCE_PARAMS: StructDecl<P> = {
  name: 'ReduceParams',
  space: 'storage',
  fields: [
    { name: 'worlds', type: 'u32', value: (c) => c.worlds },
    { name: 'n_players', type: 'u32', value: (c) => c.nP },
    { name: 'n_home', type: 'u32', value: (c) => c.nHome },
    { name: 'blocks', type: 'u32', value: (c) => Math.ceil(c.worlds / REDUCE_BLOCK) },
    { name: 'n_games', type: 'u32', value: (c) => c.range?.games ?? 1 },
    { name: 'g_index', type: 'u32', value: (c) => c.range?.k ?? 0 },
    { name: 'p_off', type: 'u32', value: (c) => c.range?.pOff ?? 0 },
    { name: 'hist_off', type: 'u32', note: "this game's first histogram word", value: (c) => c.range?.histOff ?? 0 },
    { name: 'acc_off', type: 'u32', note: "this game's first sum word", value: (c) => c.range?.accOff ?? 0 },
  ],
};

/** One slate player's inputs (storage records, one per batch player). */
export interface PlayerContext {
  s: Slate;
  i: number;
}
type Q = PlayerContext;

export const MINUTES_PLAYER: StructDecl<Q> = {
  name: 'MinutesPlayer',
  space: 'storage',
  fields: [
    { name: 'id', type: 'u32', value: (c) => c.s.playerId[c.i]! },
    { name: 'starter', type: 'u32', value: (c) => c.s.isStarter[c.i]! },
    { name: 'p10', type: 'f32', value: (c) => c.s.p10[c.i]! },
    { name: 'p50', type: 'f32', value: (c) => c.s.p50[c.i]! },
    { name: 'p90', type: 'f32', value: (c) => c.s.p90[c.i]! },
    { name: 'play_prob', type: 'f32', value: (c) => c.s.playProb[c.i]! },
  ],
};

export const ALLOCATION_PLAYER: StructDecl<Q> = {
  name: 'AllocationPlayer',
  space: 'storage',
  fields: [
    { name: 'id', type: 'u32', value: (c) => c.s.playerId[c.i]! },
    {
      name: 'base',
      type: 'vec3<f32>',
      note: 'share base logit per target',
      value: (c) => [c.s.shareBase.fga[c.i]!, c.s.shareBase.fta[c.i]!, c.s.shareBase.tov[c.i]!],
    },
    {
      name: 'rate',
      type: 'vec3<f32>',
      note: 'per-minute rate per target',
      value: (c) => [c.s.fgaRate[c.i]!, c.s.ftaRate[c.i]!, c.s.tovRate[c.i]!],
    },
  ],
};

export const STATLINE_PLAYER: StructDecl<Q> = {
  name: 'StatlinePlayer',
  space: 'storage',
  fields: [
    { name: 'id', type: 'u32', value: (c) => c.s.playerId[c.i]! },
    { name: 'fg3_share', type: 'f32', value: (c) => c.s.fg3Share[c.i]! },
    { name: 'fg2_pct', type: 'f32', value: (c) => c.s.fg2Pct[c.i]! },
    { name: 'fg3_pct', type: 'f32', value: (c) => c.s.fg3Pct[c.i]! },
    { name: 'ft_pct', type: 'f32', value: (c) => c.s.ftPct[c.i]! },
  ],
};

/** The per-world record the minutes/totals kernel writes and the later kernels read. */
export interface WorldInfoValues {
  ot: number;
  pace: number;
  margin: number;
  offense: readonly [number, number];
  efficiency: readonly [number, number];
}
export const WORLD_INFO: StructDecl<WorldInfoValues> = {
  name: 'WorldInfo',
  space: 'storage',
  fields: [
    { name: 'ot', type: 'u32', value: (c) => c.ot },
    { name: 'pace', type: 'f32', value: (c) => c.pace },
    { name: 'margin', type: 'f32', value: (c) => c.margin },
    { name: 'offense', type: 'vec2<f32>', note: 'home, away', value: (c) => c.offense },
    { name: 'efficiency', type: 'vec2<f32>', note: 'home, away', value: (c) => c.efficiency },
  ],
};

/** Every declared struct, in prelude order. */
export const STRUCTS: readonly StructDecl<never>[] = [
  WORLD_INFO,
  MINUTES_PARAMS,
  ALLOCATION_PARAMS,
  STATLINE_PARAMS,
  REDUCE_PARAMS,
  MINUTES_PLAYER,
  ALLOCATION_PLAYER,
  STATLINE_PLAYER,
];

// Simulation profiles: every knob declared once with its type, range, default and meaning (zod); profiles in
// config/profiles.json override the defaults. A bad value or an unknown knob is rejected with one line:
// "`usage_shares.share_temperature` must be > 0, got -1".
import { z } from 'zod';
import { UserError } from '../src/data/errors.ts';
import { at } from '../src/data/checked.ts';
// the measured rank weights live beside the minutes model, which shares them
import { FILL_RANK_WEIGHTS } from '../src/features/rank-weights.ts';

export { FILL_RANK_WEIGHTS };

const num = (min: number, max: number, def: number, doc: string, opts: { exclusiveMin?: boolean } = {}) =>
  (opts.exclusiveMin === true ? z.number().gt(min) : z.number().gte(min)).lte(max).default(def).describe(doc);
const int = (min: number, max: number, def: number, doc: string) => z.number().int().gte(min).lte(max).default(def).describe(doc);
const bool = (def: boolean, doc: string) => z.boolean().default(def).describe(doc);

export const TARGETS = ['fga', 'fta', 'tov'] as const;

export type Target = (typeof TARGETS)[number];

export const ProfileSchema = z
  .object({
    description: z.string().default('').describe('what this profile is for'),
    minutes: z
      .object({
        use_play_prob_masking: bool(true, 'draw each player active with probability play_prob'),
        spread_scale: num(0, 3, 1, 'multiplies the split-normal spreads fitted to p10/p50/p90'),
        allocation: z
          .enum(['room', 'scale'])
          .default('room')
          .describe(
            "how a team-world's minutes reach 240 (+25 per overtime): 'room' scales a shortfall within each player's own upper quantile, extends the rotation, then shares the rest by minutes rank below the ceiling; 'scale' multiplies every player by one factor up to 48 (the engine before the room allocation, kept for comparison)",
          ),
        fill_upper_z: num(
          0,
          3,
          1.2816,
          "the upper quantile of a player's own minutes (as a normal z: 1.28 = p90) within which a shortfall is filled first",
        ),
        fill_rank_weights: z
          .array(z.number().gte(0))
          .length(10)
          .default([...FILL_RANK_WEIGHTS])
          .describe(
            "how a shortfall is shared by the team's minutes ranks 1..9 and 10+ (projection order): the minutes real teammates gain at each rank when a regular starter sits (diagnostics minutes-vacancy, 2018-2024)",
          ),
        ceiling_knee: num(
          30,
          48,
          40,
          'regulation minutes above which a drawn or filled player is pulled under the ceiling (+5 per overtime)',
        ),
        ceiling: num(
          30,
          48,
          46,
          'regulation minutes a player approaches but never reaches short of a roster too thin to fill 240 (+5 per overtime)',
        ),
      })
      .strict()
      .default({
        use_play_prob_masking: true,
        spread_scale: 1,
        allocation: 'room',
        fill_upper_z: 1.2816,
        fill_rank_weights: [...FILL_RANK_WEIGHTS],
        ceiling_knee: 40,
        ceiling: 46,
      }),
    rotation: z
      .object({
        max_size: int(5, 15, 11, 'most players who get minutes in a team-world (the rest of the active list sits)'),
        protected_size: int(0, 15, 7, 'the top players by projected minutes are never cut by the rotation limit'),
      })
      .strict()
      .default({ max_size: 11, protected_size: 7 }),
    overtime: z
      .object({
        enabled: bool(true, 'games go to overtime with the real frequency'),
        probability: num(0, 0.5, 0.06, 'chance a game needs at least one overtime period'),
        extra_probability: num(0, 0.9, 0.18, 'chance each overtime is followed by another'),
      })
      .strict()
      .default({ enabled: true, probability: 0.06, extra_probability: 0.18 }),
    game_script: z
      .object({
        enabled: bool(true, 'draw a margin per game-world from the spread; blowouts move minutes from starters to the bench'),
        margin_sd: num(1, 30, 13, 'sd of the final margin around the spread, points'),
        blowout_threshold: num(0, 40, 14, 'margin (points) beyond which starters sit more'),
        starter_drop_per_point: num(0, 0.1, 0.012, "share of a starter's minutes lost per point of margin beyond the threshold"),
        max_starter_drop: num(0, 0.6, 0.3, "largest share of a starter's minutes a blowout takes"),
      })
      .strict()
      .default({ enabled: true, margin_sd: 13, blowout_threshold: 14, starter_drop_per_point: 0.012, max_starter_drop: 0.3 }),
    team_context: z
      .object({
        enabled: bool(true, 'pace per game-world (both teams) and offense per team-world vary'),
        pace_sd: num(0, 0.3, 0.02, 'sd of the log pace factor shared by both teams of a game-world'),
        offense_sd: num(0, 0.3, 0.01, "sd of the log offense factor on a team-world's FGA and FTA"),
        efficiency_sd: num(0, 0.3, 0.01, "sd of the log efficiency factor on a team-world's make probabilities"),
      })
      .strict()
      .default({ enabled: true, pace_sd: 0.02, offense_sd: 0.01, efficiency_sd: 0.01 }),
    team_opportunities: z
      .object({
        source: z
          .enum(['sum_of_player_means'])
          .default('sum_of_player_means')
          .describe("team totals' mean: the sum of players' rate x world minutes"),
        fga_dispersion: num(0, 5, 0.05, 'variance / mean of a team-world FGA total given its mean'),
        fta_dispersion: num(0, 5, 0.5, 'variance / mean of a team-world FTA total'),
        tov_dispersion: num(0, 5, 1, 'variance / mean of a team-world TOV total'),
        fga_efficiency_elasticity: num(
          0,
          1.5,
          0,
          'a team-world with FGA above its mean makes a smaller share of them: efficiency x (FGA / mean)^-elasticity (extra attempts come from offensive rebounds of misses)',
        ),
      })
      .strict()
      .default({
        source: 'sum_of_player_means',
        fga_dispersion: 0.05,
        fta_dispersion: 0.5,
        tov_dispersion: 1,
        fga_efficiency_elasticity: 0,
      }),
    usage_shares: z
      .object({
        enabled: bool(false, 'share team FGA/FTA/TOV totals among active players (conserved); off = independent draws per player'),
        targets: z
          .array(z.enum(TARGETS))
          .default([...TARGETS])
          .describe('which totals are shared'),
        share_temperature: num(0, 10, 1, 'softmax temperature on the share logits', { exclusiveMin: true }),
        share_noise_std: num(0, 2, 0.15, 'sd of Gaussian noise on each share logit per world'),
        min_minutes_active_cutoff: num(0, 48, 2, 'players below these world minutes get no share'),
        fallback: z
          .enum(['rate_weighted', 'even'])
          .default('rate_weighted')
          .describe('shares when the model cannot score a team (no eligible player or missing features)'),
      })
      .strict()
      .default({
        enabled: false,
        targets: [...TARGETS],
        share_temperature: 1,
        share_noise_std: 0.15,
        min_minutes_active_cutoff: 2,
        fallback: 'rate_weighted',
      }),
    counts: z
      .object({
        oreb_dispersion: num(0, 2, 0.1, 'negative-binomial dispersion of OREB (0 = Poisson)'),
        dreb_dispersion: num(0, 2, 0.05, 'negative-binomial dispersion of DREB'),
        ast_dispersion: num(0, 2, 0.08, 'negative-binomial dispersion of AST'),
        stl_dispersion: num(0, 2, 0.1, 'negative-binomial dispersion of STL'),
        blk_dispersion: num(0, 2, 0.25, 'negative-binomial dispersion of BLK'),
        independent_dispersion: num(0, 2, 0.05, 'dispersion of FGA/FTA/TOV drawn per player when usage shares are off'),
      })
      .strict()
      .default({
        oreb_dispersion: 0.1,
        dreb_dispersion: 0.05,
        ast_dispersion: 0.08,
        stl_dispersion: 0.1,
        blk_dispersion: 0.25,
        independent_dispersion: 0.05,
      }),
    vegas_anchoring: z
      .object({
        enabled: bool(true, "calibrate each team's opportunities so mean simulated points equal its implied total"),
        pilot_worlds: int(
          256,
          262144,
          2048,
          "most worlds of the calibration pilot (their own random streams; an eighth of the run's, at least 256)",
        ),
      })
      .strict()
      .default({ enabled: true, pilot_worlds: 2048 }),
    scoring: z
      .object({
        triple_also_earns_double: bool(true, 'a triple-double also earns the double-double bonus (DraftKings: yes)'),
      })
      .strict()
      .default({ triple_also_earns_double: true }),
  })
  .strict();

export type Profile = z.infer<typeof ProfileSchema>;

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String).join('.');
  let value: unknown = input;
  for (const k of issue.path)
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[k as string] : undefined;
  const got = JSON.stringify(value);
  switch (issue.code) {
    case 'too_small':
      return `\`${path}\` must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}, got ${got}`;
    case 'too_big':
      return `\`${path}\` must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}, got ${got}`;
    case 'unrecognized_keys':
      return `unknown knob \`${[path, issue.keys[0]].filter((s) => s !== '').join('.')}\``;
    case 'invalid_type':
      return `\`${path}\` must be ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `\`${path}\` must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    default:
      return `\`${path}\`: ${issue.message}, got ${got}`;
  }
}

/** Validates one profile object; the error names the knob and the bad value. */
export function parseProfile(input: unknown, where: string): Profile {
  const r = ProfileSchema.safeParse(input);
  if (!r.success) {
    const issue = at(r.error.issues, 0);
    throw new UserError(`${where}: ${describeIssue(issue, input)}`);
  }
  const p = r.data;
  if (p.rotation.protected_size > p.rotation.max_size) {
    throw new UserError(
      `${where}: \`rotation.protected_size\` must be <= rotation.max_size (${p.rotation.max_size}), got ${p.rotation.protected_size}`,
    );
  }
  return p;
}

export const DEFAULT_PROFILES_FILE = new URL('../config/profiles.json', import.meta.url);

export async function loadProfile(name: string, file: URL | string = DEFAULT_PROFILES_FILE): Promise<Profile> {
  const label = typeof file === 'string' ? file : 'config/profiles.json';
  // A variable specifier keeps node:fs out of the browser bundle, which imports profiles.json instead.
  const fsModule = 'node:fs/promises';
  const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  let all: unknown;
  try {
    all = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${label}: ${e instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`);
  }
  return pickProfile(all, name, label);
}

/** Profile `name` from the parsed contents of a profiles file (the browser imports config/profiles.json). */
export function pickProfile(all: unknown, name: string, label: string): Profile {
  if (all === null || typeof all !== 'object' || Array.isArray(all)) throw new UserError(`${label}: expected an object of named profiles`);
  const profiles = all as Record<string, unknown>;
  if (!Object.hasOwn(profiles, name))
    throw new UserError(`--profile ${name}: no such profile in ${label} (have: ${Object.keys(profiles).join(', ')})`);
  return parseProfile(profiles[name], `${label} profile "${name}"`);
}

/** Every knob's path, type and description, for the README and --help. */
export function describeKnobs(): string[] {
  const out: string[] = [];
  const walk = (schema: z.ZodType, path: string, doc: string | undefined): void => {
    const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } }).def;
    if (def.type === 'default' && def.innerType !== undefined) {
      walk(def.innerType, path, doc ?? schema.description);
      return;
    }
    if (def.type === 'object' && def.shape !== undefined) {
      for (const [k, v] of Object.entries(def.shape)) walk(v, path === '' ? k : `${path}.${k}`, undefined);
      return;
    }
    out.push(`${path} (${def.type}): ${doc ?? schema.description ?? ''}`);
  };
  walk(ProfileSchema, '', undefined);
  return out;
}

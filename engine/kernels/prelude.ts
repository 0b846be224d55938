// The WGSL prelude every kernel is compiled with, generated from the TypeScript declarations: the contract's
// constants and structs (contract.ts) and the DraftKings table's scoring (scoring/scoring.ts), plus the few
// helpers every kernel shares. The loader serves it as the shader source named 'contract'.
import { STRUCTS, contractConstants } from './contract.ts';
import { constWgsl, structWgsl, type StructDecl } from './layout.ts';
import { DK_CLASSIC, scoringWgsl, type DkTable } from './scoring/scoring.ts';

export const PRELUDE_NAME = 'contract';

const HELPERS = `
// A flat invocation index from a 2-D grid: dispatches past the per-dimension limit use y.
fn flat_index(gid: vec3<u32>, groups: vec3<u32>, workgroup_size: u32) -> u32 {
  return gid.x + gid.y * groups.x * workgroup_size;
}

// A team's minutes and a player's cap in a world with \`ot\` overtimes (teamMinutes, playerCap in contract.ts).
fn team_minutes(ot: u32) -> f32 {
  return TEAM_MINUTES + TEAM_MINUTES_PER_OT * f32(ot);
}
fn player_cap(ot: u32) -> f32 {
  return PLAYER_MINUTES_CAP + PLAYER_MINUTES_PER_OT * f32(ot);
}
`;

/**
 * The prelude's text. A test may pass another DraftKings table, or declarations that take the place of the
 * declared structs of the same name (a struct with a new knob).
 */
export function preludeWgsl(opts: { table?: DkTable; replace?: readonly StructDecl<never>[] } = {}): string {
  const structs = STRUCTS.map((d) => opts.replace?.find((r) => r.name === d.name) ?? d);
  return [
    '// Generated from engine/kernels/contract.ts and engine/kernels/scoring/scoring.ts: edit those, not this.',
    ...contractConstants().map(constWgsl),
    '',
    ...structs.map((d) => structWgsl(d)),
    scoringWgsl(opts.table ?? DK_CLASSIC),
    HELPERS,
  ].join('\n');
}

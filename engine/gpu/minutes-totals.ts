// Kernels 1 and 2 on WebGPU for one game's batch: minutes (with overtime, game script, rotation and the
// 240 scaling) and team totals, written into the batch like minutesKernel and teamTotalsKernel on the CPU.
import type { GameBatch } from '../kernels/kernels.ts';
import type { Profile } from '../profile.ts';
import { CounterRng } from '../rng.ts';
import type { Slate } from '../slate.ts';
import { runKernel } from './runner.ts';

export async function minutesTotalsGpu(device: GPUDevice, s: Slate, prof: Profile, seed: number, b: GameBatch, world0: number, anchor: Float64Array): Promise<void> {
  const rng = new CounterRng(seed);
  const nP = b.nP;
  const params = new ArrayBuffer(128); // the WGSL Params struct: 96 bytes of scalars, then two vec4 (dispersion, anchor)
  const dv = new DataView(params);
  const flags = (prof.minutes.use_play_prob_masking ? 1 : 0) | (prof.overtime.enabled ? 2 : 0) | (prof.game_script.enabled ? 4 : 0) | (prof.team_context.enabled ? 8 : 0);
  [rng.k0, rng.k1, world0, b.worlds, nP, b.nHome, s.gameKey[b.g] as number, flags, s.teamId[2 * b.g] as number, s.teamId[2 * b.g + 1] as number, prof.rotation.max_size, prof.rotation.protected_size].forEach((v, k) =>
    dv.setUint32(4 * k, v, true),
  );
  const gs = prof.game_script;
  const tc = prof.team_context;
  [s.spreadHome[b.g] as number, prof.overtime.probability, prof.overtime.extra_probability, prof.minutes.spread_scale, gs.margin_sd, gs.blowout_threshold, gs.starter_drop_per_point, gs.max_starter_drop, tc.pace_sd, tc.offense_sd, tc.efficiency_sd, 0].forEach((v, k) =>
    dv.setFloat32(48 + 4 * k, v, true),
  );
  const to = prof.team_opportunities;
  [to.fga_dispersion, to.fta_dispersion, to.tov_dispersion, 0, anchor[2 * b.g] as number, anchor[2 * b.g + 1] as number, 0, 0].forEach((v, k) => dv.setFloat32(96 + 4 * k, v, true));
  const players = new ArrayBuffer(32 * nP);
  const pv = new DataView(players);
  const rates = new Float32Array(3 * nP);
  for (let j = 0; j < nP; j++) {
    const i = b.p0 + j;
    pv.setUint32(32 * j, s.playerId[i] as number, true);
    pv.setUint32(32 * j + 4, s.isStarter[i] as number, true);
    [s.p10[i], s.p50[i], s.p90[i], s.playProb[i]].forEach((v, k) => pv.setFloat32(32 * j + 8 + 4 * k, v as number, true));
    rates[j] = s.fgaRate[i] as number;
    rates[nP + j] = s.ftaRate[i] as number;
    rates[2 * nP + j] = s.tovRate[i] as number;
  }
  const W = b.worlds;
  const [minutes, active, ot, pace, offense, efficiency, totals] = await runKernel(
    device,
    { sources: ['rng', 'minutes_totals'], constants: { WORKGROUP_SIZE: 64 } },
    { uniform: params, inputs: [new Uint8Array(players), rates], outputBytes: [W * nP * 4, W * nP * 4, W * 4, W * 4, W * 8, W * 8, W * 24], invocations: W, workgroupSize: 64 },
  );
  b.minutes.set(new Float32Array(minutes as ArrayBuffer));
  b.active.set(new Uint32Array(active as ArrayBuffer));
  b.ot.set(new Uint32Array(ot as ArrayBuffer));
  b.pace.set(new Float32Array(pace as ArrayBuffer));
  b.offense.set(new Float32Array(offense as ArrayBuffer));
  b.efficiency.set(new Float32Array(efficiency as ArrayBuffer));
  b.totals.set(new Uint32Array(totals as ArrayBuffer));
}

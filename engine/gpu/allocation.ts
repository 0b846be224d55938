// Kernel 3 on WebGPU: usage shares and the multinomial allocation for one game's batch of worlds, reading the
// batch's minutes, active flags and team totals and writing its counts, like sharesKernel on the CPU.
import { UserError } from '../../src/data/errors.ts';
import type { GameBatch } from '../kernels/kernels.ts';
import { TARGETS, type Profile } from '../profile.ts';
import { CounterRng } from '../rng.ts';
import type { Slate } from '../slate.ts';
import { runKernel } from './runner.ts';

export const MAX_TEAM_PLAYERS = 32;

export async function allocationGpu(device: GPUDevice, s: Slate, prof: Profile, seed: number, b: GameBatch, world0: number): Promise<{ counts: Int32Array; fallbacks: number }> {
  const us = prof.usage_shares;
  if (!us.enabled || TARGETS.some((t) => !us.targets.includes(t))) throw new UserError('the WebGPU allocation kernel shares all of fga, fta, tov (usage_shares.enabled with every target)');
  if (b.nHome > MAX_TEAM_PLAYERS || b.nP - b.nHome > MAX_TEAM_PLAYERS) throw new UserError(`a team has more than ${MAX_TEAM_PLAYERS} players, the allocation kernel's limit`);
  const rng = new CounterRng(seed);
  const nP = b.nP;
  const params = new ArrayBuffer(48);
  const dv = new DataView(params);
  [rng.k0, rng.k1, world0, b.worlds, nP, b.nHome].forEach((v, k) => dv.setUint32(4 * k, v, true));
  dv.setFloat32(24, us.share_noise_std, true);
  dv.setFloat32(28, us.share_temperature, true);
  dv.setFloat32(32, us.min_minutes_active_cutoff, true);
  dv.setUint32(36, us.fallback === 'even' ? 1 : 0, true);
  const playerIds = Uint32Array.from({ length: nP }, (_, j) => s.playerId[b.p0 + j] as number);
  const teamIds = Uint32Array.from([s.teamId[2 * b.g] as number, s.teamId[2 * b.g + 1] as number]);
  const base = new Float32Array(3 * nP);
  const rates = new Float32Array(3 * nP);
  TARGETS.forEach((t, k) => {
    const rate = t === 'fga' ? s.fgaRate : t === 'fta' ? s.ftaRate : s.tovRate;
    for (let j = 0; j < nP; j++) {
      base[k * nP + j] = s.shareBase[t][b.p0 + j] as number;
      rates[k * nP + j] = rate[b.p0 + j] as number;
    }
  });
  const [countsBuf, fallbackBuf] = await runKernel(
    device,
    { sources: ['rng', 'samplers', 'allocation'], constants: { WORKGROUP_SIZE: 64 } },
    {
      uniform: params,
      inputs: [playerIds, teamIds, base, rates, Float32Array.from(b.minutes), Uint32Array.from(b.active), Uint32Array.from(b.totals)],
      outputBytes: [b.worlds * nP * 3 * 4, 4],
      invocations: b.worlds * 6,
      workgroupSize: 64,
    },
  );
  return { counts: new Int32Array(countsBuf as ArrayBuffer), fallbacks: new Uint32Array(fallbackBuf as ArrayBuffer)[0] as number };
}

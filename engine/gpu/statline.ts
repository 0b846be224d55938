// Kernels 4 and 5 on WebGPU: the stat line and DK scoring of one game's batch, from the batch's minutes,
// active flags, counts, efficiency and pace, like statLineKernel and scoringKernel on the CPU.
import { NSTAT, type GameBatch } from '../kernels/kernels.ts';
import type { Profile } from '../profile.ts';
import { CounterRng } from '../rng.ts';
import type { Slate } from '../slate.ts';
import { runKernel } from './runner.ts';

export async function statLineGpu(device: GPUDevice, s: Slate, prof: Profile, seed: number, b: GameBatch, world0: number): Promise<{ stats: Int32Array; dk: Float32Array }> {
  const rng = new CounterRng(seed);
  const nP = b.nP;
  const params = new ArrayBuffer(64);
  const dv = new DataView(params);
  [rng.k0, rng.k1, world0, b.worlds, nP, b.nHome, prof.scoring.triple_also_earns_double ? 1 : 0, 0].forEach((v, k) => dv.setUint32(4 * k, v, true));
  const c = prof.counts;
  [c.oreb_dispersion, c.dreb_dispersion, c.ast_dispersion, c.stl_dispersion, c.blk_dispersion].forEach((v, k) => dv.setFloat32(32 + 4 * k, v, true));
  const players = new ArrayBuffer(32 * nP);
  const pv = new DataView(players);
  const rates = new Float32Array(5 * nP);
  for (let j = 0; j < nP; j++) {
    const i = b.p0 + j;
    pv.setUint32(32 * j, s.playerId[i] as number, true);
    [s.fg3Share[i], s.fg2Pct[i], s.fg3Pct[i], s.ftPct[i]].forEach((v, k) => pv.setFloat32(32 * j + 4 + 4 * k, v as number, true));
    (['oreb', 'dreb', 'ast', 'stl', 'blk'] as const).forEach((st, k) => (rates[k * nP + j] = s.countRate[st][i] as number));
  }
  const [statsBuf, dkBuf] = await runKernel(
    device,
    { sources: ['rng', 'samplers', 'statline'], constants: { WORKGROUP_SIZE: 64 } },
    {
      uniform: params,
      inputs: [new Uint8Array(players), rates, Float32Array.from(b.minutes), Uint32Array.from(b.active), Uint32Array.from(b.counts), Float32Array.from(b.efficiency), Float32Array.from(b.pace)],
      outputBytes: [b.worlds * nP * NSTAT * 4, b.worlds * nP * 4],
      invocations: b.worlds * nP,
      workgroupSize: 64,
    },
  );
  return { stats: new Int32Array(statsBuf as ArrayBuffer), dk: new Float32Array(dkBuf as ArrayBuffer) };
}

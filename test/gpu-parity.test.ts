// The WebGPU path against the CPU path on the adapter (llvmpipe here and in CI), kernel by kernel and whole:
// Philox bit for bit, samplers, minutes and totals, shares and allocation, stat line and scoring, and a full
// simulation. Paths differ only by rare float flips, which each test measures. In CI a missing adapter fails.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dispatchGrid, runKernel } from '../engine/gpu/runner.ts';
import { CounterRng, philox, u01 } from '../engine/rng.ts';
import { binomial, negativeBinomial, poisson } from '../engine/samplers.ts';
import { runStagesOnBatch } from '../engine/gpu/game.ts';
import { NSTAT, newBatch, runKernels } from '../engine/kernels/kernels.ts';
import { loadProfile } from '../engine/profile.ts';
import { loadSlate } from '../engine/slate.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { runSim } from '../src/cli/run-sim.ts';
import { silentProgress } from '../src/cli/progress.ts';
import { EMBEDDED_LAKE, useGpuDevice, tempDir } from './helpers.ts';
import { registerShaderSource } from '../engine/gpu/shader-source.ts';
import { MINUTES_TOLERANCE, playerCap, teamMinutes } from '../engine/kernels/contract.ts';

// A test-only kernel lives with the tests; the loader finds it once registered.
registerShaderSource('rng_check', readFileSync(new URL('./shaders/rng_check.wgsl', import.meta.url), 'utf8'));

const webgpu = useGpuDevice();

describe('dispatch grid', () => {
  it('splits past the per-dimension workgroup limit', () => {
    expect(dispatchGrid(100, 65535)).toEqual([100, 1]);
    const [x, y] = dispatchGrid(200_000, 65535);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(200_000);
  });
});

describe('WGSL randomness against the CPU', () => {
  it('gives the same Philox blocks and (almost always) the same discrete draws', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const n = 200_000;
    const seed = 123456789;
    const rng = new CounterRng(seed);
    const counters = new Uint32Array(4 * n);
    const draws = new ArrayBuffer(16 * n);
    const dv = new DataView(draws);
    for (let i = 0; i < n; i++) {
      counters.set([i, 1629029 + (i % 7), 8, i >> 3], 4 * i);
      const trials = i % 60;
      dv.setUint32(16 * i, trials, true);
      dv.setFloat32(16 * i + 4, ((i * 37) % 100) / 100, true);
      dv.setFloat32(16 * i + 8, ((i * 13) % 400) / 10, true);
      dv.setFloat32(16 * i + 12, (i % 5) / 10, true);
    }
    const uniform = new Uint32Array([rng.k0, rng.k1, n, 0]);
    const [blocksBuf, samplesBuf] = await runKernel(
      webgpu.ctx.device,
      { sources: ['contract', 'rng', 'samplers', 'rng_check'], constants: { WORKGROUP_SIZE: 64 } },
      {
        uniform: uniform.buffer,
        inputs: [counters, new Uint8Array(draws)],
        outputBytes: [16 * n, 16 * n],
        invocations: n,
        workgroupSize: 64,
      },
    );
    const blocks = new Uint32Array(blocksBuf!);
    const samples = new Uint32Array(samplesBuf!);
    const out = new Uint32Array(4);
    let blockMismatch = 0;
    let drawMismatch = 0;
    for (let i = 0; i < n; i++) {
      philox(counters[4 * i]!, counters[4 * i + 1]!, counters[4 * i + 2]!, counters[4 * i + 3]!, rng.k0, rng.k1, out);
      for (let k = 0; k < 4; k++) if (blocks[4 * i + k] !== out[k]) blockMismatch++;
      const p = dv.getFloat32(16 * i + 4, true);
      const mean = dv.getFloat32(16 * i + 8, true);
      const phi = dv.getFloat32(16 * i + 12, true);
      const cpu = [
        binomial(dv.getUint32(16 * i, true), p, u01(out[0]!)),
        poisson(mean, u01(out[1]!)),
        negativeBinomial(mean, phi, u01(out[2]!)),
      ];
      for (let k = 0; k < 3; k++) if (samples[4 * i + k] !== cpu[k]) drawMismatch++;
    }
    console.log(
      `WGSL vs CPU: ${blockMismatch} Philox word mismatches in ${4 * n}; ${drawMismatch} discrete draws differ in ${3 * n} (${((1e4 * drawMismatch) / (3 * n)).toFixed(2)} per 10,000)`,
    );
    expect(blockMismatch).toBe(0);
    expect(drawMismatch / (3 * n)).toBeLessThan(1e-4);
  });
});

describe('the allocation kernel on WebGPU against the CPU path', () => {
  it('conserves every team total exactly and matches the CPU allocations in all but a rare float flip', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    await initParquetNode();
    const slate = await loadSlate(new Lake(new NodeFileStore(EMBEDDED_LAKE)), '2024-01-31');
    const profile = await loadProfile('usage_shares_v1');
    const W = 4096;
    const seed = 77;
    let teamWorlds = 0;
    let differ = 0;
    let conservation = 0;
    for (let g = 0; g < slate.nGames; g++) {
      const b = newBatch(slate, g, W);
      runKernels(slate, profile, new CounterRng(seed), b, 1000, new Float64Array(slate.nTeams).fill(1));
      const gpu = newBatch(slate, g, W);
      await runStagesOnBatch(webgpu.ctx.device, slate, profile, seed, b, 1000, [1, 1], ['allocation'], {
        fromBatch: true,
        out: gpu,
      });
      for (let w = 0; w < W; w++) {
        for (let team = 0; team < 2; team++) {
          const lo = team === 0 ? 0 : b.nHome;
          const hi = team === 0 ? b.nHome : b.nP;
          for (let k = 0; k < 3; k++) {
            teamWorlds++;
            let sum = 0;
            let same = true;
            for (let j = lo; j < hi; j++) {
              const x = gpu.counts[(w * b.nP + j) * 3 + k]!;
              sum += x;
              if (x !== b.counts[(w * b.nP + j) * 3 + k]) same = false;
            }
            if (sum !== b.totals[(w * 2 + team) * 3 + k]) conservation++;
            if (!same) differ++;
          }
        }
      }
    }
    console.log(
      `allocation WGSL vs CPU: ${differ} of ${teamWorlds} team-world-target allocations differ (${((1e4 * differ) / teamWorlds).toFixed(2)} per 10,000); conservation violations on GPU ${conservation}`,
    );
    expect(conservation).toBe(0);
    expect(differ / teamWorlds).toBeLessThan(1e-4); // 0.85 per 10,000 on llvmpipe
  });
});

describe('the stat-line and scoring kernel on WebGPU against the CPU path', () => {
  it('gives integer stat lines consistent with the counts, DK points matching the CPU in all but rare flips', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    await initParquetNode();
    const slate = await loadSlate(new Lake(new NodeFileStore(EMBEDDED_LAKE)), '2024-01-31');
    const profile = await loadProfile('usage_shares_v1');
    const W = 2048;
    let playerWorlds = 0;
    let differ = 0;
    let inconsistent = 0;
    for (let g = 0; g < slate.nGames; g++) {
      const b = newBatch(slate, g, W);
      runKernels(slate, profile, new CounterRng(31), b, 0, new Float64Array(slate.nTeams).fill(1));
      const gpu = newBatch(slate, g, W);
      await runStagesOnBatch(webgpu.ctx.device, slate, profile, 31, b, 0, [1, 1], ['statline'], {
        fromBatch: true,
        out: gpu,
      });
      for (let x = 0; x < W * b.nP; x++) {
        playerWorlds++;
        const st = (k: number): number => gpu.stats[x * NSTAT + k]!;
        if (
          st(0) !== b.counts[x * 3] ||
          st(2) !== b.counts[x * 3 + 1] ||
          st(3) !== b.counts[x * 3 + 2] ||
          st(1) > st(0) ||
          st(5) > st(1) ||
          st(4) > st(0) ||
          st(7) !== 2 * (st(4) - st(5)) + 3 * st(5) + st(6)
        )
          inconsistent++;
        let same = gpu.dk[x] === b.dk[x];
        for (let k = 0; k < NSTAT; k++) if (st(k) !== b.stats[x * NSTAT + k]) same = false;
        if (!same) differ++;
      }
    }
    console.log(
      `stat line WGSL vs CPU: ${differ} of ${playerWorlds} player-worlds differ (${((1e4 * differ) / playerWorlds).toFixed(2)} per 10,000)`,
    );
    expect(inconsistent).toBe(0);
    expect(differ / playerWorlds).toBeLessThan(1e-4);
  });
});

describe('the minutes and team-totals kernel on WebGPU against the CPU path', () => {
  describe.each(['room', 'scale'] as const)('minutes.allocation %s', (allocation) => {
    it('keeps 240 (+25/OT) within caps in every team-world and matches the CPU minutes and totals in almost every world', async (t) => {
      if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
      await initParquetNode();
      const slate = await loadSlate(new Lake(new NodeFileStore(EMBEDDED_LAKE)), '2024-01-31');
      const shipped = await loadProfile('usage_shares_v1');
      const profile = { ...shipped, minutes: { ...shipped.minutes, allocation } };
      let minutesDiffer = 0;
      const W = 4096;
      const anchor = new Float64Array(slate.nTeams).fill(1);
      let teamWorlds = 0;
      let minutesOff = 0;
      let totalsDiffer = 0;
      let activeDiffer = 0;
      for (let g = 0; g < slate.nGames; g++) {
        const cpu = newBatch(slate, g, W);
        runKernels(slate, profile, new CounterRng(5), cpu, 0, anchor);
        const gpu = newBatch(slate, g, W);
        await runStagesOnBatch(webgpu.ctx.device, slate, profile, 5, gpu, 0, [1, 1], ['minutes'], {
          fromBatch: false,
          out: gpu,
        });
        for (let w = 0; w < W; w++) {
          if (gpu.ot[w] !== cpu.ot[w]) totalsDiffer++;
          for (let team = 0; team < 2; team++) {
            teamWorlds++;
            const lo = team === 0 ? 0 : gpu.nHome;
            const hi = team === 0 ? gpu.nHome : gpu.nP;
            let sum = 0;
            for (let j = lo; j < hi; j++) {
              const m = gpu.minutes[w * gpu.nP + j]!;
              if (m < 0 || m > playerCap(gpu.ot[w]!) + 1e-3) minutesOff++;
              if (Math.abs(m - cpu.minutes[w * cpu.nP + j]!) > 1e-3) minutesDiffer++;
              sum += m;
              if (gpu.active[w * gpu.nP + j] !== cpu.active[w * cpu.nP + j]) activeDiffer++;
            }
            if (Math.abs(sum - teamMinutes(gpu.ot[w]!)) > MINUTES_TOLERANCE) minutesOff++;
            for (let k = 0; k < 3; k++) if (gpu.totals[(w * 2 + team) * 3 + k] !== cpu.totals[(w * 2 + team) * 3 + k]) totalsDiffer++;
          }
        }
      }
      console.log(
        `minutes/totals WGSL vs CPU (${allocation}): ${totalsDiffer} of ${teamWorlds * 3} team totals differ (${((1e4 * totalsDiffer) / (teamWorlds * 3)).toFixed(2)} per 10,000); ${minutesDiffer} player-world minutes differ by over 0.001; ${activeDiffer} activity flags differ; minutes violations ${minutesOff}`,
      );
      expect(minutesOff).toBe(0);
      expect(activeDiffer).toBe(0);
      expect(minutesDiffer / (teamWorlds * 6)).toBeLessThan(1e-3);
      expect(totalsDiffer / (teamWorlds * 3)).toBeLessThan(1e-3);
    });
  });
});

describe('slatesim sim on WebGPU against the CPU path', () => {
  it('writes the same files with means and quantiles that agree, and conserves every total', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    await initParquetNode();
    const lake = new Lake(new NodeFileStore(EMBEDDED_LAKE));
    const profile = await loadProfile('usage_shares_v1');
    const fast = { ...profile, vegas_anchoring: { ...profile.vegas_anchoring, pilot_worlds: 1024 } };
    const base = {
      lake,
      date: '2024-01-31',
      profile: fast,
      profileName: 'usage_shares_v1',
      worlds: 3000,
      seed: 4,
      chunk: 1024,
      workers: 1,
      run: 'p',
      saveWorlds: false,
      progress: silentProgress,
    };
    const cpu = await runSim({ ...base, out: await tempDir('pcpu') });
    const gpu = await runSim({ ...base, out: await tempDir('pgpu'), gpu: { device: webgpu.ctx.device, adapter: 'test' } });
    expect(gpu.metrics).toMatchObject({ backend: 'gpu', gpu_chunks_retried_on_cpu: 0, conservation: { target_violations: 0 } });
    expect(gpu.rows.length).toBe(cpu.rows.length);
    let maxMeanDiff = 0;
    let quantilesDiffer = 0;
    gpu.rows.forEach((r, i) => {
      const c = cpu.rows[i] as Record<string, unknown>;
      expect(r.player_id).toBe(c.player_id);
      maxMeanDiff = Math.max(maxMeanDiff, Math.abs((r.dk_fpts_mean as number) - (c.dk_fpts_mean as number)));
      for (const q of ['dk_fpts_p10', 'dk_fpts_p50', 'dk_fpts_p90']) if (r[q] !== c[q]) quantilesDiffer++;
    });
    console.log(
      `sim GPU vs CPU: largest per-player DK mean difference ${maxMeanDiff.toFixed(4)}; ${quantilesDiffer} of ${3 * gpu.rows.length} quantiles differ`,
    );
    // The same counters drive both paths, so they differ only by rare float flips: far inside Monte Carlo error.
    expect(maxMeanDiff).toBeLessThan(0.1);
    expect(quantilesDiffer / (3 * gpu.rows.length)).toBeLessThan(0.05);
  });
});

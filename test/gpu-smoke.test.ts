// First WebGPU check: a device through Dawn (Node) on whatever adapter the machine has (llvmpipe here and in
// CI), a compute shader from shaders/, and an exact read-back. In CI a missing adapter fails this test.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { describe, expect, it } from 'vitest';
import { describeAdapter } from '../engine/gpu/device.ts';
import { runSmokeAffine } from '../engine/gpu/smoke.ts';
import { useGpuDevice } from './helpers.ts';

const webgpu = useGpuDevice();

describe('WebGPU smoke', () => {
  it('finds an adapter and reports it', (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const text = describeAdapter(webgpu.ctx.adapter);
    expect(text).toMatch(/^WebGPU adapter: /);
    console.log(text);
  });

  it('runs a compute shader whose u32 arithmetic equals the CPU exactly', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    const n = 100_003; // not a multiple of the workgroup size: out-of-range invocations must be guarded
    const input = new Uint32Array(n);
    for (let i = 0; i < n; i++) input[i] = Math.imul(i + 1, 0x9e3779b1) >>> 0;
    const a = 0x85ebca6b;
    const b = 0xc2b2ae35;
    const out = await runSmokeAffine(webgpu.ctx.device, a, b, input);
    expect(out.length).toBe(n);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (out[i] !== (Math.imul(a, input[i]!) + b) >>> 0) wrong++;
    expect(wrong).toBe(0);
    expect(webgpu.ctx.uncaptured).toEqual([]);
  });
});

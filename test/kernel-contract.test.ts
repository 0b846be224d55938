// The one declaration of the TypeScript/WGSL contract (engine/kernels/contract.ts): struct layout by WGSL's
// rules, the packer writing each field where Dawn reads it (every declared uniform struct, field by field, on
// the device), and adding a knob: a field added to a declaration reaches the struct text, the bytes and a
// kernel that uses it, with nothing else edited. Also: the stage list drives the CPU path.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- the fixtures below are fixed files and slates of known
   size, and every index or lookup is one the test has just built or asserted; a miss fails the test either way. */

import { describe, expect, it } from 'vitest';
import {
  ALLOCATION_PARAMS,
  MINUTES_PARAMS,
  REDUCE_PARAMS,
  STATLINE_PARAMS,
  WORLD_INFO,
  type ParamsContext,
} from '../engine/kernels/contract.ts';
import { layoutOf, pack, structWgsl, type StructDecl } from '../engine/kernels/layout.ts';
import { preludeWgsl } from '../engine/kernels/prelude.ts';
import { STAGES, WORLD_STAGES } from '../engine/kernels/stages.ts';
import { registerShaderSource, shaderSource } from '../engine/gpu/shader-source.ts';
import { runKernel } from '../engine/gpu/runner.ts';
import { loadProfile } from '../engine/profile.ts';
import { loadSlate, type Slate } from '../engine/slate.ts';
import { Lake } from '../src/data/lake.ts';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { EMBEDDED_LAKE, useGpuDevice } from './helpers.ts';

const webgpu = useGpuDevice();

describe('struct layout by WGSL rules', () => {
  it('aligns scalars to 4, vec2 to 8, vec3 and vec4 to 16, and rounds a uniform struct to 16', () => {
    const decl: StructDecl<null> = {
      name: 'T',
      space: 'uniform',
      fields: [
        { name: 'a', type: 'f32', value: () => 1 },
        { name: 'b', type: 'vec3<f32>', value: () => [1, 2, 3] },
        { name: 'c', type: 'f32', value: () => 4 },
        { name: 'd', type: 'vec2<u32>', value: () => [5, 6] },
        { name: 'e', type: 'array<vec4<f32>, 2>', value: () => [7, 8, 9, 10, 11] },
        { name: 'f', type: 'u32', value: () => 12 },
      ],
    };
    const lay = layoutOf(decl);
    expect(lay.fields.map((f) => f.offset)).toEqual([0, 16, 28, 32, 48, 80]);
    expect(lay.size).toBe(96);
    const dv = new DataView(pack(decl, null));
    expect([dv.getFloat32(28, true), dv.getUint32(36, true), dv.getFloat32(64, true), dv.getUint32(80, true)]).toEqual([4, 6, 11, 12]);
    expect(layoutOf({ ...decl, space: 'storage', fields: decl.fields.slice(0, 3) }).size).toBe(32);
    // The per-world record keeps the layout the kernels have always read: offense at 16, efficiency at 24.
    expect(layoutOf(WORLD_INFO).offsetOf('offense')).toBe(16);
    expect(layoutOf(WORLD_INFO).offsetOf('efficiency')).toBe(24);
    expect(layoutOf(WORLD_INFO).size).toBe(32);
  });
});

/** A kernel that copies every field of a uniform struct, component by component, to u32 words. */
function echoKernel(decl: StructDecl<never>): { wgsl: string; words: number } {
  const lines: string[] = [];
  let k = 0;
  for (const f of layoutOf(decl).fields) {
    for (let c = 0; c < f.components; c++) {
      const read =
        f.components === 1
          ? `params.${f.name}`
          : f.type.startsWith('array')
            ? `params.${f.name}[${c >> 2}][${c & 3}]`
            : `params.${f.name}[${c}]`;
      lines.push(`  out[${k++}] = ${f.scalar === 'u32' ? read : `bitcast<u32>(${read})`};`);
    }
  }
  const wgsl = `@group(0) @binding(0) var<uniform> params: ${decl.name};\n@group(0) @binding(1) var<storage, read_write> out: array<u32>;\n@compute @workgroup_size(1)\nfn main() {\n${lines.join('\n')}\n}\n`;
  return { wgsl, words: k };
}

/** The words the packer wrote for each component, in the echo kernel's order. */
function packedWords(decl: StructDecl<ParamsContext>, c: ParamsContext): number[] {
  const dv = new DataView(pack(decl, c));
  return layoutOf(decl).fields.flatMap((f) => Array.from({ length: f.components }, (_, k) => dv.getUint32(f.offset + 4 * k, true)));
}

describe('the packer against Dawn', () => {
  let slate: Slate;
  let ctx: ParamsContext;
  const setup = async (): Promise<void> => {
    await initParquetNode();
    slate = await loadSlate(new Lake(new NodeFileStore(EMBEDDED_LAKE)), '2024-01-31');
    const prof = await loadProfile('usage_shares_v1');
    ctx = { s: slate, prof, g: 1, nP: 27, nHome: 13, key: [123456789, 7], world0: 4096, worlds: 1000, anchor: [1.0625, 0.9375] };
  };

  it('writes every field of every uniform where the compiled kernel reads it', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    await setup();
    for (const decl of [MINUTES_PARAMS, ALLOCATION_PARAMS, STATLINE_PARAMS, REDUCE_PARAMS]) {
      const { wgsl, words } = echoKernel(decl);
      registerShaderSource(`echo_${decl.name}`, wgsl);
      const [out] = await runKernel(
        webgpu.ctx.device,
        { sources: ['contract', `echo_${decl.name}`] },
        { uniform: pack(decl, ctx), inputs: [], outputBytes: [4 * words], invocations: 1, workgroupSize: 1 },
      );
      expect([...new Uint32Array(out!)], decl.name).toEqual(packedWords(decl, ctx));
    }
  });

  it('carries a knob added to a declaration into the struct text, the bytes and a kernel that uses it', async (t) => {
    if (webgpu.ctx === undefined) return t.skip(webgpu.skipReason);
    await setup();
    // The knob: one field in the declaration (a constant value here; a real knob reads its profile entry), read
    // by the kernel's arithmetic.
    const knob: StructDecl<ParamsContext> = {
      ...MINUTES_PARAMS,
      fields: [...MINUTES_PARAMS.fields, { name: 'starter_boost', type: 'f32', value: () => 1.5 }],
    };
    const before = layoutOf(MINUTES_PARAMS);
    const after = layoutOf(knob);
    expect(structWgsl(knob)).toMatch(/ {2}starter_boost: f32, \/\/ @\d+/);
    const last = before.fields[before.fields.length - 1] as { offset: number; size: number };
    expect(after.offsetOf('starter_boost')).toBe(last.offset + last.size);
    for (const f of before.fields) expect(after.offsetOf(f.name)).toBe(f.offset);
    expect(new DataView(pack(knob, ctx)).getFloat32(after.offsetOf('starter_boost'), true)).toBe(1.5);
    // The generated prelude with the new field, and the real minutes kernel using it, compile on Dawn.
    registerShaderSource('contract_knob', preludeWgsl({ replace: [knob] }));
    const minutes = (await shaderSource('minutes_totals')).replace(
      'if (pl.starter == 1u) { m = m * (1.0 - blowout); }',
      'if (pl.starter == 1u) { m = m * (1.0 - blowout) * params.starter_boost; }',
    );
    expect(minutes).toContain('params.starter_boost');
    registerShaderSource('minutes_knob', minutes);
    const device = webgpu.ctx.device;
    const module = device.createShaderModule({
      code: [preludeWgsl({ replace: [knob] }), await shaderSource('rng'), minutes].join('\n'),
    });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    expect(errors.map((m) => m.message)).toEqual([]);
    // And the device reads the knob where the packer put it.
    const { wgsl, words } = echoKernel(knob);
    registerShaderSource('echo_knob', wgsl);
    const [out] = await runKernel(
      device,
      { sources: ['contract_knob', 'echo_knob'] },
      { uniform: pack(knob, ctx), inputs: [], outputBytes: [4 * words], invocations: 1, workgroupSize: 1 },
    );
    const echoed = new Uint32Array(out!);
    expect(new Float32Array(echoed.buffer)[words - 1]).toBe(1.5);
    expect([...echoed]).toEqual(packedWords(knob, ctx));
  });
});

describe('the stage list', () => {
  it('orders the units, each with its WGSL beside its TypeScript twin, and drives the CPU path', async () => {
    expect(STAGES.map((s) => s.name)).toEqual(['minutes', 'allocation', 'statline', 'pilot', 'reduce']);
    expect(WORLD_STAGES).toEqual(['minutes', 'allocation', 'statline']);
    for (const st of STAGES) {
      expect(st.sources[0]).toBe('contract');
      expect(st.sources[st.sources.length - 1]).toBe(st.unit);
      expect(await shaderSource(st.unit)).toMatch(st.entryPoint === undefined ? /fn main\(/ : new RegExp(`fn ${st.entryPoint}\\(`));
    }
    expect(STAGES.flatMap((s) => s.cpu.map((c) => c.bench))).toEqual([
      'minutes',
      'team_totals',
      'shares_allocation',
      'stat_line',
      'scoring',
      'reduction',
    ]);
  });
});

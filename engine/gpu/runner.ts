// Running a WGSL kernel: modules assembled from named sources (shader-source.ts: the generated prelude, the
// kernel units' .wgsl; WGSL has no imports, so shared sources such as rng are concatenated in front), pipelines cached per device (a lost device takes its cache with it),
// dispatches split over the per-dimension workgroup limit the adapter reports, outputs read back through a
// staging buffer. Bindings: 0 = the uniform block, then the inputs (read-only storage), then the outputs.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: inputs,
   outputs and staging are made one per entry of run.inputs / run.outputs, so k indexes all three alike. */

import { GpuShaderError, GpuValidationError } from './device.ts';
import { shaderSource } from './shader-source.ts';

export interface KernelSpec {
  /** shader files, in order; the last one holds the entry point */
  sources: readonly string[];
  entryPoint?: string;
  constants?: Record<string, number>;
}

export interface KernelRun {
  uniform: ArrayBuffer;
  inputs: readonly ArrayBufferView<ArrayBuffer>[];
  outputBytes: readonly number[];
  invocations: number;
  workgroupSize: number;
}

/** Compiler warnings of every kernel compiled in this process (the tests require none). */
export const shaderWarnings: string[] = [];

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** The compute pipeline of a kernel on a device, compiled once per device; errors name the kernel. */
export async function pipelineFor(device: GPUDevice, spec: KernelSpec): Promise<GPUComputePipeline> {
  const key = `${spec.sources.join('+')}|${spec.entryPoint ?? 'main'}|${JSON.stringify(spec.constants ?? {})}`;
  let cache = pipelines.get(device);
  if (cache === undefined) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const code = (await Promise.all(spec.sources.map((s) => shaderSource(s)))).join('\n');
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  const kernel = `${spec.sources[spec.sources.length - 1] ?? '?'}.wgsl${spec.entryPoint === undefined ? '' : ` (${spec.entryPoint})`}`;
  for (const m of info.messages.filter((x) => x.type === 'warning'))
    shaderWarnings.push(`${kernel} ${m.lineNum}:${m.linePos} ${m.message}`);
  if (errors.length > 0) throw new GpuShaderError(`${kernel}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  device.pushErrorScope('validation');
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({
      layout: 'auto',
      compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: spec.constants ?? {} },
    });
  } catch (e) {
    await device.popErrorScope();
    throw new GpuShaderError(`${kernel}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const err = await device.popErrorScope();
  if (err !== null) throw new GpuShaderError(`${kernel}: ${err.message}`);
  cache.set(key, pipeline);
  return pipeline;
}

/**
 * Device buffers kept for reuse, keyed by size and usage: the games of a run size their buffers alike, so the
 * first game's set serves every later one. Counters say how many were created and reused.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly keys = new Map<GPUBuffer, string>();
  created = 0;
  reused = 0;
  bytes = 0;
  constructor(readonly device: GPUDevice) {}

  acquire(size: number, usage: number): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    const key = `${bytes}|${usage}`;
    const hit = this.free.get(key)?.pop();
    if (hit !== undefined) {
      this.reused++;
      return hit;
    }
    const buf = this.device.createBuffer({ size: bytes, usage });
    this.keys.set(buf, key);
    this.created++;
    this.bytes += bytes;
    return buf;
  }

  /** Gives a buffer back (its contents are not cleared: every user writes before it reads). */
  release(buf: GPUBuffer): void {
    const key = this.keys.get(buf);
    if (key === undefined) return;
    const list = this.free.get(key) ?? [];
    list.push(buf);
    this.free.set(key, list);
  }

  destroy(): void {
    for (const buf of this.keys.keys()) buf.destroy();
    this.keys.clear();
    this.free.clear();
  }
}

/** Workgroup grid for `groups` workgroups within the adapter's per-dimension limit (kernels flatten x + y). */
export function dispatchGrid(groups: number, maxPerDimension: number): [number, number] {
  if (groups <= maxPerDimension) return [Math.max(groups, 1), 1];
  const y = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / y), y];
}

export async function runKernel(device: GPUDevice, spec: KernelSpec, run: KernelRun): Promise<ArrayBuffer[]> {
  const pipeline = await pipelineFor(device, spec);
  const align = (n: number): number => Math.max(16, Math.ceil(n / 16) * 16);
  const uniform = device.createBuffer({ size: align(run.uniform.byteLength), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const inputs = run.inputs.map((a) =>
    device.createBuffer({ size: align(a.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }),
  );
  const outputs = run.outputBytes.map((n) =>
    device.createBuffer({ size: align(n), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }),
  );
  const staging = run.outputBytes.map((n) =>
    device.createBuffer({ size: align(n), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  );
  try {
    device.queue.writeBuffer(uniform, 0, run.uniform);
    run.inputs.forEach((a, k) => device.queue.writeBuffer(inputs[k]!, 0, a.buffer, a.byteOffset, a.byteLength));
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    [...inputs, ...outputs].forEach((b, k) => entries.push({ binding: k + 1, resource: { buffer: b } }));
    device.pushErrorScope('validation');
    const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    const [gx, gy] = dispatchGrid(Math.ceil(run.invocations / run.workgroupSize), device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    outputs.forEach((b, k) => enc.copyBufferToBuffer(b, 0, staging[k]!, 0, b.size));
    device.queue.submit([enc.finish()]);
    const err = await device.popErrorScope();
    if (err !== null) throw new GpuValidationError(`${spec.sources[spec.sources.length - 1] ?? '?'}.wgsl: ${err.message}`);
    const out: ArrayBuffer[] = [];
    for (const [k, s] of staging.entries()) {
      await s.mapAsync(GPUMapMode.READ);
      try {
        out.push(s.getMappedRange(0, run.outputBytes[k]).slice(0));
      } finally {
        s.unmap();
      }
    }
    return out;
  } finally {
    for (const b of [uniform, ...inputs, ...outputs, ...staging]) b.destroy();
  }
}

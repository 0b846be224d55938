// Running a game's stages on the device: one pipeline and bind group per stage of engine/kernels/stages.ts
// (its sources, entry point, constants and bindings come from the stage list), dispatched in the list's shape
// over the adapter's per-dimension workgroup limit; and the watch on device loss every call checks.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: every
   stage binds only buffers that createBuffers made (inputs or chunk) and pipelines has one entry per stage, in STAGES
   order. */

import { STAGES, stageSpec, type StageName } from '../kernels/stages.ts';
import { WORKGROUP_SIZE } from '../kernels/contract.ts';
import { GpuDeviceLostError, GpuValidationError } from './device.ts';
import type { GameBuffers } from './buffers.ts';
import { dispatchGrid, pipelineFor } from './runner.ts';

const lost = new WeakMap<GPUDevice, string>();
export function watchLoss(device: GPUDevice): void {
  if (lost.has(device)) return;
  lost.set(device, '');
  void device.lost.then((info) => lost.set(device, `${info.reason}: ${info.message || 'no message'}`));
}
/** Why the device was lost, or undefined while it lives. */
export function deviceLoss(device: GPUDevice): string | undefined {
  const why = lost.get(device);
  return why === undefined || why === '' ? undefined : why;
}
export function checkAlive(device: GPUDevice): void {
  const why = deviceLoss(device);
  if (why !== undefined) throw new GpuDeviceLostError(why, `WebGPU device lost (${why})`);
}

export interface StagePrograms {
  pipelines: Record<StageName, GPUComputePipeline>;
  bindGroups: Record<StageName, GPUBindGroup>;
}

/**
 * Every stage's pipeline (cached per device) and its bind group over the range's buffers; a range of one game gets
 * the kernels specialised to it (ONE_GAME: no search for the game, its record a uniform load).
 */
export async function buildPrograms(device: GPUDevice, buf: GameBuffers, what: string, oneGame: boolean): Promise<StagePrograms> {
  const pipelines = await Promise.all(
    STAGES.map((st) =>
      pipelineFor(device, {
        sources: st.sources,
        ...(st.entryPoint === undefined ? {} : { entryPoint: st.entryPoint }),
        constants: { ...st.constants, ONE_GAME: oneGame ? 1 : 0 },
      }),
    ),
  );
  const byName = (name: string): GPUBuffer =>
    (buf.inputs as Record<string, GPUBuffer>)[name] ?? (buf.chunk as Record<string, GPUBuffer>)[name]!;
  device.pushErrorScope('validation');
  const bindGroups = Object.fromEntries(
    STAGES.map((st, k) => {
      const entries: GPUBindGroupEntry[] = [
        { binding: 0, resource: { buffer: buf.uniforms[st.uniform] } },
        ...st.bindings.map(([binding, name]) => ({ binding, resource: { buffer: byName(name) } })),
      ];
      return [st.name, device.createBindGroup({ layout: pipelines[k]!.getBindGroupLayout(0), entries })];
    }),
  ) as Record<StageName, GPUBindGroup>;
  const err = await device.popErrorScope();
  if (err !== null) throw new GpuValidationError(`binding the kernels of ${what}: ${err.message}`);
  return {
    pipelines: Object.fromEntries(STAGES.map((st, k) => [st.name, pipelines[k]])) as Record<StageName, GPUComputePipeline>,
    bindGroups,
  };
}

/**
 * Records one stage's dispatch over a chunk of n worlds of every game of the range (nPs: each game's players, in
 * order): one dispatch, each game's invocations after the one before's, as the kernels find their game.
 */
export function dispatchStage(
  device: GPUDevice,
  pass: GPUComputePassEncoder,
  prog: StagePrograms,
  name: StageName,
  n: number,
  nPs: readonly number[],
): void {
  pass.setPipeline(prog.pipelines[name]);
  pass.setBindGroup(0, prog.bindGroups[name]);
  const spec = stageSpec(name);
  const invocations = nPs.reduce((sum, nP) => sum + spec.invocations(n, nP), 0);
  const [gx, gy] = dispatchGrid(Math.ceil(invocations / WORKGROUP_SIZE), device.limits.maxComputeWorkgroupsPerDimension);
  pass.dispatchWorkgroups(gx, gy);
}

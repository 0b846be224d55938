// Runs shaders/smoke_affine.wgsl: the first end-to-end WebGPU check (compile, bind, dispatch, read back).
import { shaderSource } from './shader-source.ts';

export async function runSmokeAffine(device: GPUDevice, a: number, b: number, input: Uint32Array<ArrayBuffer>): Promise<Uint32Array> {
  const workgroupSize = 64;
  const module = device.createShaderModule({ code: await shaderSource('smoke_affine') });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) throw new Error(`smoke_affine.wgsl: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  device.pushErrorScope('validation');
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE: workgroupSize } },
  });
  const bytes = input.byteLength;
  const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const src = device.createBuffer({ size: Math.max(bytes, 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const dst = device.createBuffer({ size: Math.max(bytes, 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const staging = device.createBuffer({ size: Math.max(bytes, 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    device.queue.writeBuffer(params, 0, new Uint32Array([a >>> 0, b >>> 0, input.length, 0]));
    device.queue.writeBuffer(src, 0, input);
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: src } },
        { binding: 2, resource: { buffer: dst } },
      ],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(input.length / workgroupSize));
    pass.end();
    enc.copyBufferToBuffer(dst, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    const err = await device.popErrorScope();
    if (err !== null) throw new Error(`WebGPU validation error: ${err.message}`);
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    try {
      return new Uint32Array(staging.getMappedRange(0, bytes).slice(0));
    } finally {
      staging.unmap();
    }
  } finally {
    for (const buf of [params, src, dst, staging]) buf.destroy();
  }
}

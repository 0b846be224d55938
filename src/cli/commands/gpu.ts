// `slatesim gpu`: reports the WebGPU adapter and checks that it computes exactly.
import type { Command } from 'commander';
import { describeAdapter, requestGpuDevice } from '../../../engine/gpu/device.ts';
import { runSmokeAffine } from '../../../engine/gpu/smoke.ts';
import { at } from '../../data/checked.ts';

export function registerGpu(parent: Command): void {
  parent
    .command('gpu')
    .description('report the WebGPU adapter (Dawn in Node) and check it computes exactly')
    .action(async () => {
      const { adapter, device } = await requestGpuDevice();
      try {
        console.log(describeAdapter(adapter));
        const n = 1 << 20;
        const input = new Uint32Array(n);
        for (let i = 0; i < n; i++) input[i] = Math.imul(i, 2654435761) >>> 0;
        const a = 1664525;
        const b = 1013904223;
        const out = await runSmokeAffine(device, a, b, input);
        let wrong = 0;
        for (let i = 0; i < n; i++) if (out[i] !== (Math.imul(a, at(input, i)) + b) >>> 0) wrong++;
        if (wrong > 0) throw new Error(`smoke kernel: ${wrong} of ${n} values differ from the CPU`);
        console.log(`smoke kernel: ${n} u32 values computed on the adapter equal the CPU's`);
      } finally {
        device.destroy();
      }
    });
}

// A worker's compute thread: runs anchor pilots and shards (one game's, or a lineup run's of every game) on the
// CPU path off the main thread, so the main thread keeps renewing the BullMQ job's lock while a shard runs (a
// blocked event loop would look like a dead worker and have its shard taken away). Inputs are decoded once per digest.
import { parentPort } from 'node:worker_threads';
import { decodeInputs, type RunInputs } from '../../engine/shards/inputs.ts';
import { encodePartial, encodeSlatePartial, runAnchor, runShardCpu, runSlateShardCpu } from '../../engine/shards/shard.ts';
import type { JobData } from './redis.ts';

export interface ThreadRequest {
  id: number;
  job: JobData;
  digest: string;
  inputs: Uint8Array;
}
export type ThreadReply = { id: number; anchor: [number, number] } | { id: number; partial: Uint8Array } | { id: number; error: string };

const cache = new Map<string, RunInputs>();

parentPort?.on('message', (m: ThreadRequest) => {
  try {
    let inputs = cache.get(m.digest);
    if (inputs === undefined) {
      inputs = decodeInputs(m.inputs);
      if (cache.size >= 4) cache.delete(cache.keys().next().value ?? '');
      cache.set(m.digest, inputs);
    }
    const { slate, profile, lineups } = inputs;
    const j = m.job;
    if (j.kind === 'anchor') {
      parentPort?.postMessage({ id: m.id, anchor: runAnchor(slate, profile, j.seed, j.game, j.chunk, j.worlds) } satisfies ThreadReply);
    } else {
      let bytes: Uint8Array<ArrayBuffer>;
      if (j.kind === 'shard') bytes = encodePartial(runShardCpu(slate, profile, j.shard));
      else if (lineups === undefined) throw new Error(`inputs ${m.digest.slice(0, 12)} carry no lineups`);
      else bytes = encodeSlatePartial(runSlateShardCpu(slate, profile, lineups, j.shard));
      parentPort?.postMessage({ id: m.id, partial: bytes } satisfies ThreadReply, [bytes.buffer]);
    }
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies ThreadReply);
  }
});

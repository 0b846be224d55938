// `slatesim worker`: takes anchor pilots and shards off its path's BullMQ queue, computes them (CPU: on compute
// threads, shard-thread.ts; GPU: on its WebGPU device, whose work runs off the event loop) and stores each result
// under its run and shard id with SET NX: the first completion wins, a second one (a stalled job that finished
// twice, a retry after the result was stored) is counted, not stored. A result the run wants in the shared
// results directory goes there and Redis gets its reference (results-dir.ts).
import { Worker as ThreadWorker } from 'node:worker_threads';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { GpuDeviceLostError, requestGpuDevice } from '../../engine/gpu/device.ts';
import { deviceLoss } from '../../engine/gpu/dispatch.ts';
import { decodeInputs, type RunInputs } from '../../engine/shards/inputs.ts';
import { runAnchorGpu, runShardGpu, runSlateShardGpu } from '../../engine/shards/shard-gpu.ts';
import { encodePartial, encodeSlatePartial, type ShardBackend } from '../../engine/shards/shard.ts';
import { KEYS, RESULT_TTL_S, getBlob, jobBackend, jobWhat, queueName, redisClient, type JobData } from './redis.ts';
import { REDIS_MAX_VALUE, decodeResultRef, dropResultFile, encodeResultRef, writeResultFile, type ResultFile } from './results-dir.ts';
import type { ThreadReply, ThreadRequest } from './shard-thread.ts';

export interface WorkerOptions {
  url: string;
  /** shards at once per path (CPU: one compute thread each; GPU: interleaved on the one device) */
  concurrency: number;
  /** ms a job's lock lasts without renewal before another worker may take it over */
  lockDuration: number;
  /** one line per job on stderr */
  log: (line: string) => void;
  /** the paths this worker runs, each from its own queue (redis.ts); a GPU worker is handed its first device */
  paths: { cpu: boolean; gpu?: GPUDevice };
  /** where this machine mounts the shared results directory (results-dir.ts), if it has one */
  resultsDir?: string;
}

/** The compute threads: a free one per job (BullMQ never runs more than `concurrency` jobs at once). */
class Threads {
  private free: ThreadWorker[] = [];
  private all: ThreadWorker[] = [];
  private next = 0;
  private waiting = new Map<number, (r: ThreadReply) => void>();

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const t = new ThreadWorker(new URL('./shard-thread-entry.js', import.meta.url));
      t.on('message', (r: ThreadReply) => {
        const done = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        done?.(r);
      });
      t.on('error', (e) => {
        // a thread that dies takes the process down: its jobs stall and are retried elsewhere
        process.stderr.write(`slatesim worker: compute thread failed: ${e.message}\n`);
        process.exit(1);
      });
      this.all.push(t);
      this.free.push(t);
    }
  }

  async run(req: Omit<ThreadRequest, 'id'>): Promise<ThreadReply> {
    const t = this.free.pop();
    if (t === undefined) throw new Error('no free compute thread (concurrency exceeded)');
    const id = this.next++;
    try {
      return await new Promise<ThreadReply>((resolve) => {
        this.waiting.set(id, resolve);
        t.postMessage({ id, ...req } satisfies ThreadRequest);
      });
    } finally {
      this.free.push(t);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((t) => t.terminate()));
  }
}

/** A GPU worker's device: the one it was given, or a fresh one once that is lost. */
class GpuSlot {
  private lost = false;
  constructor(private device: GPUDevice) {
    void device.lost.then(() => (this.lost = true));
  }

  async get(): Promise<GPUDevice> {
    if (this.lost || deviceLoss(this.device) !== undefined) {
      this.device = (await requestGpuDevice()).device;
      this.lost = false;
      const d = this.device;
      void d.lost.then(() => {
        if (this.device === d) this.lost = true;
      });
    }
    return this.device;
  }

  destroy(): void {
    this.device.destroy();
  }
}

/** A job on the GPU path: the anchor scales, or the encoded partial. */
async function runOnGpu(device: GPUDevice, d: JobData, inputs: RunInputs): Promise<{ anchor: [number, number] } | { partial: Uint8Array }> {
  const { slate, profile } = inputs;
  if (d.kind === 'anchor')
    return { anchor: await runAnchorGpu(device, slate, profile, { seed: d.seed, g: d.game, worlds: d.worlds, chunk: d.chunk }) };
  if (d.kind === 'shard') return { partial: encodePartial(await runShardGpu(device, slate, profile, d.shard)) };
  if (inputs.lineups === undefined) throw new Error(`inputs ${d.shard.inputs.slice(0, 12)} carry no lineups`);
  return { partial: encodeSlatePartial(await runSlateShardGpu(device, slate, profile, inputs.lineups, d.shard)) };
}

/** Runs until stop() resolves it; returns the handle that stops it (after the jobs in hand finish). */
export async function startWorker(o: WorkerOptions): Promise<{ stop: () => Promise<void>; closed: Promise<void> }> {
  const redis: Redis = redisClient(o.url);
  redis.on('error', () => undefined); // ioredis reconnects by itself; a job that cannot reach Redis fails and is retried
  await redis.connect();
  const threads = o.paths.cpu ? new Threads(o.concurrency) : undefined;
  const gpu = o.paths.gpu !== undefined ? new GpuSlot(o.paths.gpu) : undefined;
  const blobs = new Map<string, Uint8Array>();
  const decoded = new Map<string, RunInputs>(); // the GPU path decodes here (the CPU's threads keep their own)

  const countDuplicate = async (run: string): Promise<void> => {
    await redis.multi().incr(KEYS.duplicates(run)).expire(KEYS.duplicates(run), RESULT_TTL_S).exec();
  };

  const processor = async (job: Job<JobData>): Promise<string> => {
    const d = job.data;
    const what = jobWhat(d);
    const path = jobBackend(d);
    if ((path === 'cpu' ? threads : gpu) === undefined) throw new Error(`${what} is a ${path} job; this worker does not run that path`);
    if (d.resultsDir === true && o.resultsDir === undefined)
      throw new Error('this run keeps its results in a shared directory: start the worker with --results-dir DIR');
    const digest = d.kind === 'anchor' ? d.inputs : d.shard.inputs;
    const started = Date.now();
    const key = d.kind === 'anchor' ? KEYS.anchor(d.run, d.game) : KEYS.result(d.run, what);
    if ((await redis.exists(key)) === 1) {
      // a retry of a job whose result is already stored (its worker died between storing and completing)
      await countDuplicate(d.run);
      o.log(`duplicate ${d.run} ${what} (already stored)`);
      return 'duplicate';
    }
    o.log(`start ${d.run} ${what} (attempt ${job.attemptsMade + 1})`);
    let inputs = blobs.get(digest);
    if (inputs === undefined) {
      inputs = await getBlob(redis, digest);
      if (blobs.size >= 4) blobs.delete(blobs.keys().next().value ?? '');
      blobs.set(digest, inputs);
    }
    let reply: { anchor: [number, number] } | { partial: Uint8Array };
    if (path === 'cpu' && threads !== undefined) {
      const r = await threads.run({ job: d, digest, inputs });
      if ('error' in r) throw new Error(r.error);
      reply = r;
    } else if (gpu !== undefined) {
      let ins = decoded.get(digest);
      if (ins === undefined) {
        ins = decodeInputs(inputs);
        if (decoded.size >= 4) decoded.delete(decoded.keys().next().value ?? '');
        decoded.set(digest, ins);
      }
      const device = await gpu.get();
      try {
        reply = await runOnGpu(device, d, ins);
      } catch (e) {
        // the job fails and is retried; a lost device is replaced before this worker's next job
        if (e instanceof GpuDeviceLostError || deviceLoss(device) !== undefined) o.log(`lost its GPU device during ${what}`);
        throw e;
      }
    } else throw new Error(`${what} is a ${path} job; this worker does not run that path`);
    let value: string | Buffer;
    let file: ResultFile | undefined;
    if ('anchor' in reply) value = JSON.stringify(reply.anchor);
    else if (d.resultsDir === true && o.resultsDir !== undefined) {
      file = await writeResultFile(o.resultsDir, d.run, reply.partial);
      value = encodeResultRef(file);
    } else {
      if (reply.partial.length > REDIS_MAX_VALUE)
        throw new Error(
          `its result is ${(reply.partial.length / 2 ** 20).toFixed(0)} MiB, over Redis's 512 MiB for one value: run the coordinator and the workers with --results-dir DIR`,
        );
      value = Buffer.from(reply.partial.buffer, reply.partial.byteOffset, reply.partial.byteLength);
    }
    // first write wins; keys expire so a completion that lands after its run ended leaves nothing behind
    const stored = await redis.set(key, value, 'EX', RESULT_TTL_S, 'NX');
    if (stored === null) {
      await countDuplicate(d.run);
      // our file is the stored one only when the stored reference names it (same bytes, same digest)
      if (file !== undefined && o.resultsDir !== undefined) {
        const there = await redis.getBuffer(key);
        if (there === null || decodeResultRef(there)?.file !== file.file) await dropResultFile(o.resultsDir, file);
      }
    }
    const secs = (Date.now() - started) / 1000;
    o.log(`${stored === null ? 'duplicate' : 'done'} ${d.run} ${what} in ${secs.toFixed(2)}s`);
    return stored === null ? 'duplicate' : 'stored';
  };

  // one BullMQ worker per path, each on its own queue and connection
  const paths: ShardBackend[] = [...(gpu !== undefined ? ['gpu' as const] : []), ...(threads !== undefined ? ['cpu' as const] : [])];
  const connections: Redis[] = [];
  const workers = paths.map((path) => {
    const connection = redisClient(o.url);
    connections.push(connection);
    const w = new Worker<JobData, string>(queueName(path), processor, {
      connection,
      concurrency: o.concurrency,
      lockDuration: o.lockDuration,
      stalledInterval: Math.max(500, Math.floor(o.lockDuration / 2)),
      // a shard whose worker died is taken over; only a shard that keeps failing fails the run
      maxStalledCount: 5,
    });
    w.on('error', () => undefined); // connection errors: BullMQ reconnects and carries on
    return w;
  });
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  return {
    closed,
    stop: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await threads?.close();
      gpu?.destroy();
      for (const c of connections) c.disconnect(); // BullMQ leaves a connection it was given open
      redis.disconnect();
      resolveClosed();
    },
  };
}

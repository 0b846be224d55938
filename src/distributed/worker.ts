// `slatesim worker`: takes anchor pilots and shards off the BullMQ queue, computes them on compute threads
// (shard-thread.ts) and stores each result under its run and shard id with SET NX: the first completion wins,
// a second one (a stalled job that finished twice, a retry after the result was stored) is counted, not stored.
import { Worker as ThreadWorker } from 'node:worker_threads';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { CPU_QUEUE, KEYS, RESULT_TTL_S, getBlob, redisClient, type JobData } from './redis.ts';
import type { ThreadReply, ThreadRequest } from './shard-thread.ts';

export interface WorkerOptions {
  url: string;
  /** shards at once (one compute thread each) */
  concurrency: number;
  /** ms a job's lock lasts without renewal before another worker may take it over */
  lockDuration: number;
  /** one line per job on stderr */
  log: (line: string) => void;
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

/** Runs until stop() resolves it; returns the handle that stops it (after the jobs in hand finish). */
export async function startWorker(o: WorkerOptions): Promise<{ stop: () => Promise<void>; closed: Promise<void> }> {
  const redis: Redis = redisClient(o.url);
  redis.on('error', () => undefined); // ioredis reconnects by itself; a job that cannot reach Redis fails and is retried
  await redis.connect();
  const threads = new Threads(o.concurrency);
  const blobs = new Map<string, Uint8Array>();

  const processor = async (job: Job<JobData>): Promise<string> => {
    const d = job.data;
    const what = d.kind === 'anchor' ? `anchor g${d.game}` : d.shard.id;
    const digest = d.kind === 'anchor' ? d.inputs : d.shard.inputs;
    const started = Date.now();
    const key = d.kind === 'anchor' ? KEYS.anchor(d.run, d.game) : KEYS.result(d.run, what);
    if ((await redis.exists(key)) === 1) {
      // a retry of a job whose result is already stored (its worker died between storing and completing)
      await redis.multi().incr(KEYS.duplicates(d.run)).expire(KEYS.duplicates(d.run), RESULT_TTL_S).exec();
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
    const reply = await threads.run({ job: d, digest, inputs });
    if ('error' in reply) throw new Error(reply.error);
    const value = 'anchor' in reply ? JSON.stringify(reply.anchor) : Buffer.from(reply.partial);
    // first write wins; keys expire so a completion that lands after its run ended leaves nothing behind
    const stored = await redis.set(key, value, 'EX', RESULT_TTL_S, 'NX');
    if (stored === null) await redis.multi().incr(KEYS.duplicates(d.run)).expire(KEYS.duplicates(d.run), RESULT_TTL_S).exec();
    const secs = (Date.now() - started) / 1000;
    o.log(`${stored === null ? 'duplicate' : 'done'} ${d.run} ${what} in ${secs.toFixed(2)}s`);
    return stored === null ? 'duplicate' : 'stored';
  };

  const workerConnection = redisClient(o.url);
  const worker = new Worker<JobData, string>(CPU_QUEUE, processor, {
    connection: workerConnection,
    concurrency: o.concurrency,
    lockDuration: o.lockDuration,
    stalledInterval: Math.max(500, Math.floor(o.lockDuration / 2)),
    // a shard whose worker died is taken over; only a shard that keeps failing fails the run
    maxStalledCount: 5,
  });
  worker.on('error', () => undefined); // connection errors: BullMQ reconnects and carries on
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  return {
    closed,
    stop: async () => {
      await worker.close();
      await threads.close();
      workerConnection.disconnect(); // BullMQ leaves a connection it was given open
      redis.disconnect();
      resolveClosed();
    },
  };
}

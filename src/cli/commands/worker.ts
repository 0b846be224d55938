// `slatesim worker --redis URL`: runs shards of other machines' `sim --redis` and `backtest --redis` runs until
// stopped (SIGTERM or SIGINT finish the shards in hand, then exit). Start as many as there are machines (or
// cores, or GPUs); they need Redis, nothing else: the inputs come from Redis by digest. `--backend gpu` takes the
// GPU queue's jobs on this machine's WebGPU adapter, `cpu` the CPU queue's, and `auto` both when there is an
// adapter (the CPU's alone when not).
import type { Command } from 'commander';
import { UserError } from '../../data/errors.ts';
import { GpuUnavailableError, describeAdapter, requestGpuDevice } from '../../../engine/gpu/device.ts';
import { checkReachable, queueName } from '../../distributed/redis.ts';
import { checkResultsDir } from '../../distributed/results-dir.ts';
import { startWorker } from '../../distributed/worker.ts';
import { positiveInt } from '../args.ts';

interface WorkerCliOptions {
  redis: string;
  backend: string;
  concurrency: string;
  lockDuration: string;
  resultsDir?: string;
  quiet?: boolean;
}

export function registerWorker(parent: Command): void {
  parent
    .command('worker')
    .description('run the shards that `sim --redis` and `backtest --redis` put on a Redis queue, until stopped')
    .requiredOption('--redis <url>', 'the Redis of the runs, e.g. redis://host:6379')
    .option(
      '--backend <name>',
      'auto | cpu | gpu: the runs whose shards it takes (`sim --backend gpu --redis` needs GPU workers); auto: gpu when there is a WebGPU adapter',
      'auto',
    )
    .option('--concurrency <n>', 'shards at once (CPU: one compute thread each; GPU: sharing the device)', '1')
    .option('--lock-duration <ms>', 'how long a silent worker keeps its shard before another takes it over', '30000')
    .option(
      '--results-dir <dir>',
      'the shared folder for results too large for Redis, as this machine mounts it (used for runs whose coordinator has --results-dir)',
    )
    .option('--quiet', 'no line per shard on stderr')
    .action(async (o: WorkerCliOptions) => {
      if (!['auto', 'cpu', 'gpu'].includes(o.backend))
        throw new UserError(`--backend must be auto, cpu or gpu, got ${JSON.stringify(o.backend)}`);
      const concurrency = positiveInt('--concurrency', o.concurrency, 256);
      const lockDuration = positiveInt('--lock-duration', o.lockDuration, 3_600_000);
      if (o.resultsDir !== undefined) await checkResultsDir(o.resultsDir);
      await checkReachable(o.redis);
      // the device last, after every flag and Redis are checked (gpu: no adapter is one line; auto: the CPU path)
      let device: GPUDevice | undefined;
      let adapter = '';
      if (o.backend !== 'cpu') {
        try {
          const ctx = await requestGpuDevice();
          device = ctx.device;
          adapter =
            describeAdapter(ctx.adapter)
              .replace(/^WebGPU adapter: /, '')
              .split(';')[0] ?? '';
        } catch (e) {
          if (!(e instanceof GpuUnavailableError)) throw e;
          if (o.backend === 'gpu') throw new UserError(`--backend gpu: ${e.message}`);
          process.stderr.write(`slatesim worker ${process.pid}: ${e.message}; taking CPU shards only\n`);
        }
      }
      // auto takes both queues' jobs: the GPU's on the device, the CPU's on compute threads
      const paths = { cpu: o.backend !== 'gpu', ...(device !== undefined ? { gpu: device } : {}) };
      const w = await startWorker({
        url: o.redis,
        concurrency,
        lockDuration,
        paths,
        ...(o.resultsDir !== undefined ? { resultsDir: o.resultsDir } : {}),
        log: o.quiet === true ? () => undefined : (line) => process.stderr.write(`slatesim worker ${process.pid}: ${line}\n`),
      });
      const queues = [
        ...(device !== undefined ? [`${queueName('gpu')} (gpu ${adapter})`] : []),
        ...(paths.cpu ? [`${queueName('cpu')} (cpu)`] : []),
      ];
      process.stderr.write(
        `slatesim worker ${process.pid}: ready on ${o.redis.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}, ${concurrency} at once from ${queues.join(' and ')}\n`,
      );
      const stop = (): void => {
        void w.stop();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      await w.closed;
    });
}

// `slatesim worker --redis URL`: runs shards of other machines' `sim --redis` and `backtest --redis` runs until
// stopped (SIGTERM or SIGINT finish the shards in hand, then exit). Start as many as there are machines (or
// cores); they need Redis, nothing else: the inputs come from Redis by digest.
import type { Command } from 'commander';
import { UserError } from '../../data/errors.ts';
import { checkReachable } from '../../distributed/redis.ts';
import { startWorker } from '../../distributed/worker.ts';
import { positiveInt } from '../args.ts';

interface WorkerCliOptions {
  redis: string;
  backend: string;
  concurrency: string;
  lockDuration: string;
  quiet?: boolean;
}

export function registerWorker(parent: Command): void {
  parent
    .command('worker')
    .description('run the shards that `sim --redis` and `backtest --redis` put on a Redis queue, until stopped')
    .requiredOption('--redis <url>', 'the Redis of the runs, e.g. redis://host:6379')
    .option('--backend <name>', 'auto | cpu | gpu (GPU workers are not built yet: auto runs the CPU path)', 'auto')
    .option('--concurrency <n>', 'shards at once (one compute thread each)', '1')
    .option('--lock-duration <ms>', 'how long a silent worker keeps its shard before another takes it over', '30000')
    .option('--quiet', 'no line per shard on stderr')
    .action(async (o: WorkerCliOptions) => {
      if (!['auto', 'cpu', 'gpu'].includes(o.backend))
        throw new UserError(`--backend must be auto, cpu or gpu, got ${JSON.stringify(o.backend)}`);
      if (o.backend === 'gpu') throw new UserError('--backend gpu: GPU workers are not built yet; run --backend cpu (or auto)');
      const concurrency = positiveInt('--concurrency', o.concurrency, 256);
      const lockDuration = positiveInt('--lock-duration', o.lockDuration, 3_600_000);
      await checkReachable(o.redis);
      const w = await startWorker({
        url: o.redis,
        concurrency,
        lockDuration,
        log: o.quiet === true ? () => undefined : (line) => process.stderr.write(`slatesim worker ${process.pid}: ${line}\n`),
      });
      process.stderr.write(
        `slatesim worker ${process.pid}: ready on ${o.redis.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')} (cpu, ${concurrency} at once)\n`,
      );
      const stop = (): void => {
        void w.stop();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      await w.closed;
    });
}

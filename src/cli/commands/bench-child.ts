// `slatesim bench-child` (hidden): one bench configuration, JSON in on stdin and out on stdout.
import type { Command } from 'commander';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { runChild, type ChildConfig } from '../../../bench/bench.ts';

export function registerBenchChild(parent: Command): void {
  parent
    .command('bench-child', { hidden: true })
    .description('one bench configuration (JSON on stdin, result JSON on stdout)')
    .action(async () => {
      let input = '';
      for await (const chunk of process.stdin) input += String(chunk);
      const cfg = JSON.parse(input) as ChildConfig;
      await initParquetNode();
      const result = await runChild(cfg, new Lake(new NodeFileStore(cfg.lake)));
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}

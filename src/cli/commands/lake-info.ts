// `slatesim lake info`: a summary of a lake (by default the embedded slice shipped with slatesim).
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../../data/errors.ts';
import { Lake } from '../../data/lake.ts';
import { initParquetNode } from '../../data/parquet-node.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { EMBEDDED_LAKE_DIR } from '../../lake/embed.ts';
import { lakeSummary } from '../../lake/info.ts';
import { PACKAGE_ROOT } from '../args.ts';

export function registerLakeInfo(parent: Command): void {
  parent
    .command('info')
    .description('summarise a lake (default: the embedded slice shipped with slatesim)')
    .option('--lake <dir>', 'lake root', resolve(PACKAGE_ROOT, EMBEDDED_LAKE_DIR))
    .action(async (o: { lake: string }) => {
      const st = await stat(o.lake).catch(() => null);
      if (st === null) throw new UserError(`--lake ${o.lake}: no such folder`);
      if (!st.isDirectory()) throw new UserError(`--lake ${o.lake}: not a folder`);
      await initParquetNode();
      console.log(await lakeSummary(new Lake(new NodeFileStore(o.lake))));
    });
}

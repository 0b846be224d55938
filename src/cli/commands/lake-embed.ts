// `slatesim lake embed`: rebuilds the embedded default slice (public/data) from the full source CSVs.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { embedSlice } from '../../lake/embed.ts';
import { consoleProgress } from '../progress.ts';
import { PACKAGE_ROOT } from '../args.ts';

export function registerLakeEmbed(parent: Command): void {
  parent
    .command('embed')
    .description('rebuild the embedded default slice (public/data) from the full source CSVs')
    .requiredOption('--source <dir>', 'directory with the full box-score and lines CSVs')
    .option('--out <dir>', 'output directory', resolve(PACKAGE_ROOT, 'public/data'))
    .action(async (o: { source: string; out: string }) => {
      const r = await embedSlice({ source: o.source, out: o.out, progress: consoleProgress() });
      console.log(`embedded slice: ${r.files} files, ${(r.bytes / 1e6).toFixed(2)} MB in ${o.out}`);
    });
}

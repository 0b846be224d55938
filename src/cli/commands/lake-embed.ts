// `slatesim lake embed`: rebuilds the embedded default slices (public/data) from the full source CSVs: the
// 2023-24 slice from --source, the pregame slate of 2026-03-15 and its history from --recent and --pregame.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UserError } from '../../data/errors.ts';
import { embedPregameSlice, embedSlice } from '../../lake/embed.ts';
import { consoleProgress } from '../progress.ts';
import { PACKAGE_ROOT } from '../args.ts';

export function registerLakeEmbed(parent: Command): void {
  parent
    .command('embed')
    .description('rebuild the embedded default slices (public/data) from the full source CSVs')
    .option('--source <dir>', 'directory with the full box-score and lines CSVs (the 2023-24 slice: public/data/{source,lake,models})')
    .option('--recent <dir>', 'directory with box_scores_2026.csv.gz (the pregame slice public/data/pregame; needs --pregame)')
    .option('--pregame <dir>', 'directory with game_date=D/ folders of DraftKings, injury, lines and starters files (needs --recent)')
    .option('--out <dir>', 'output directory', resolve(PACKAGE_ROOT, 'public/data'))
    .action(async (o: { source?: string; recent?: string; pregame?: string; out: string }) => {
      if ((o.recent === undefined) !== (o.pregame === undefined)) {
        throw new UserError(
          `--${o.recent === undefined ? 'pregame' : 'recent'} needs --${o.recent === undefined ? 'recent' : 'pregame'}: the pregame slice is built from both`,
        );
      }
      if (o.source === undefined && o.recent === undefined)
        throw new UserError('lake embed needs --source DIR and/or --recent DIR --pregame DIR');
      if (o.source !== undefined) {
        const r = await embedSlice({ source: o.source, out: o.out, progress: consoleProgress() });
        console.log(`embedded slice: ${r.files} files, ${(r.bytes / 1e6).toFixed(2)} MB in ${o.out}`);
      }
      if (o.recent !== undefined && o.pregame !== undefined) {
        const r = await embedPregameSlice({ recent: o.recent, pregame: o.pregame, out: o.out, progress: consoleProgress() });
        console.log(`embedded pregame slice: ${r.files} files, ${(r.bytes / 1e6).toFixed(2)} MB in ${resolve(o.out, 'pregame')}`);
      }
    });
}

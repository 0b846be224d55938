// `slatesim lineups score`: lineups scored over a run saved with its worlds, written beside its projections
// (lineups.parquet, lineups.csv, lineups_set.json), each file by temporary name and rename.
import type { Command } from 'commander';
import { initParquetNode } from '../../data/parquet-node.ts';
import { frameToParquet } from '../../data/parquet.ts';
import { frameFromRows } from '../../data/schema.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { readLineups } from '../../lineups/read.ts';
import { defaultThresholds, lineupRows, lineupsSchema, setSummary } from '../../lineups/report.ts';
import { savedRun, scoreSavedRun } from '../../lineups/saved-run.ts';
import { readTextFile } from '../args.ts';
import { toCsv } from '../run-sim.ts';
import { parseThresholds } from './sim.ts';

export function registerLineups(parent: Command): void {
  const lineups = parent.command('lineups').description('lineups judged across the worlds: score them, build them');
  lineups
    .command('score')
    .description('score lineups over a run saved with --save-worlds (pregame mode, so its rows carry DraftKings ids)')
    .requiredOption('--run <dir>', 'the run folder (…/game_date=D/run=R) holding projections.parquet and worlds.parquet')
    .requiredOption(
      '--lineups <file>',
      'DraftKings upload CSV (PG,SG,SF,PF,C,G,F,UTIL or CPT,UTIL x5) or DraftKings ids, one lineup per line',
    )
    .option('--thresholds <points>', 'comma-separated scores X for the P(score >= X) columns (default 250,300,350; showdown 150,200,250)')
    .action(async (o: { run: string; lineups: string; thresholds?: string }) => {
      await initParquetNode();
      const text = await readTextFile(o.lineups, '--lineups');
      const thresholdsAsked = o.thresholds !== undefined ? parseThresholds(o.thresholds) : undefined;
      const run = await savedRun(o.run);
      const lineupsRead = readLineups(text, o.lineups, run.pool.rules, run.pool.players);
      const acc = scoreSavedRun(run, lineupsRead);
      const thresholds = thresholdsAsked ?? defaultThresholds(run.pool.rules);
      const schema = lineupsSchema(run.pool.rules, thresholds, false);
      const rows = lineupRows(run.pool, lineupsRead, acc, thresholds);
      const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
      const store = new NodeFileStore(o.run);
      await store.writeFileAtomic('lineups.parquet', frameToParquet(frameFromRows(schema, rows)));
      await store.writeFileAtomic('lineups.csv', enc(toCsv(schema, rows)));
      await store.writeFileAtomic('lineups_set.json', enc(`${JSON.stringify(setSummary(run.pool, lineupsRead, acc), null, 2)}\n`));
      console.log(
        `lineups score: ${lineupsRead.length} lineups x ${run.worlds} worlds; wrote ${o.run}/{lineups.parquet,lineups.csv,lineups_set.json}`,
      );
    });
}

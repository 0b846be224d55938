// `slatesim lake build`: box-score and lines CSVs into the lake's bronze, silver and gold tables.
import type { Command } from 'commander';
import { buildLake } from '../../lake/build.ts';
import { feedReportLines, formatMinutesMetrics, seasonCounts } from '../../lake/info.ts';
import { Lake } from '../../data/lake.ts';
import { NodeFileStore } from '../../data/store-node.ts';
import { consoleProgress } from '../progress.ts';
import { parseDate, parseSeasons } from '../args.ts';

export function registerLakeBuild(parent: Command): void {
  parent
    .command('build')
    .description('ingest box-score and lines CSVs into bronze and silver tables')
    .requiredOption(
      '--source <dir>',
      'folder with box_scores_<season>.csv(.gz) and lines*.csv(.gz); repeat the flag or give a comma list for several',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').filter((d) => d !== '')],
    )
    .requiredOption('--lake <dir>', 'lake root to write')
    .option('--seasons <list>', 'seasons (end years) to build, e.g. 2023,2024')
    .option('--start-date <date>', 'keep only games on or after this date')
    .option('--end-date <date>', 'keep only games on or before this date')
    .option('--force', 'rebuild seasons whose inputs did not change')
    .option('--strict', 'refuse a season with a partial or repeated game instead of quarantining the game')
    .option('--minutes-model <file>', 'minutes model for seasons with no earlier season in the lake (default: the shipped one)')
    .action(
      async (o: {
        source: string[];
        lake: string;
        seasons?: string;
        startDate?: string;
        endDate?: string;
        force?: boolean;
        strict?: boolean;
        minutesModel?: string;
      }) => {
        const started = Date.now();
        const startDate = parseDate('--start-date', o.startDate);
        const endDate = parseDate('--end-date', o.endDate);
        const result = await buildLake({
          source: o.source,
          lake: o.lake,
          ...(o.seasons !== undefined ? { seasons: parseSeasons(o.seasons) } : {}),
          ...(startDate !== undefined ? { startDate } : {}),
          ...(endDate !== undefined ? { endDate } : {}),
          force: o.force === true,
          strict: o.strict === true,
          ...(o.minutesModel !== undefined ? { minutesModelFile: o.minutesModel } : {}),
          progress: consoleProgress(),
        });
        const lake = new Lake(new NodeFileStore(o.lake));
        for (const s of result.built) {
          const m = result.manifest.seasons[String(s)];
          if (m === undefined) continue;
          const b = m.box_scores;
          const l = m.lines;
          // the rows the lake now holds: with --start-date/--end-date the manifest's box-score report is of the
          // whole source file, so the season's silver is counted (as lake info does)
          const c = await seasonCounts(lake, String(s), m);
          console.log(
            `season ${s}: ${c.rows} player-game rows, ${c.games} games, ${m.dates.length} dates; available ${c.available}, unavailable ${c.rows - c.available}; ` +
              (c.cut ? `in all of ${b.file}: ` : '') +
              `overtime team-games ${b.overtimeTeamGames}; team minutes off 240(+25/OT) by >1.5: ${b.minutesWarnings}; ` +
              (l === null
                ? 'no lines file'
                : `lines matched ${l.matchedGames}, games without line ${l.gamesWithoutLine}, lines without game ${l.linesWithoutGame}`),
          );
          for (const line of feedReportLines(b)) console.log(`  ${c.cut ? line.replace(/^feed: /, `feed (all of ${b.file}): `) : line}`);
        }
        if (result.gold !== null) console.log(formatMinutesMetrics(result.gold.minutes_metrics));
        console.log(
          `lake ${o.lake}: built ${result.built.length} season(s), skipped ${result.skipped.length} unchanged, ${result.filesWritten} files written in ${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
      },
    );
}

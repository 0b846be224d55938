// The slatesim command line: the program and its subcommands (one file each under commands/, flags parsed
// through args.ts). Every user mistake ends as one line on stderr and a non-zero exit; results go to
// stdout, progress to stderr.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError, isUserError } from '../data/errors.ts';
import { registerLakeBuild } from './commands/lake-build.ts';
import { registerLakeSalaries } from './commands/lake-salaries.ts';
import { registerLakeInfo } from './commands/lake-info.ts';
import { registerLakeEmbed } from './commands/lake-embed.ts';
import { registerSharesBuildBase } from './commands/shares-build-base.ts';
import { registerSharesTrain } from './commands/shares-train.ts';
import { registerSharesEval } from './commands/shares-eval.ts';
import { registerSim } from './commands/sim.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerBench } from './commands/bench.ts';
import { registerBenchChild } from './commands/bench-child.ts';
import { registerDiagnostics } from './commands/diagnostics.ts';
import { registerGpu } from './commands/gpu.ts';
import { registerLineups } from './commands/lineups.ts';
import { registerWorker } from './commands/worker.ts';

import { PACKAGE_ROOT } from './args.ts';
import { setDawnVerbose } from '../../engine/gpu/device.ts';

export { DEFAULT_SHARE_MODEL, PACKAGE_ROOT } from './args.ts';

/** package.json's version, for `slatesim --version`. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Commander's error text as one line: "error: unknown option '--wrlds'\n(Did you mean --worlds?)" becomes
 * "unknown option '--wrlds' (did you mean --worlds?)". */
export function oneLineError(str: string): string {
  return str
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ')
    .replace(/^error: /, '')
    .replace(/\(Did you mean/g, '(did you mean');
}

/**
 * A user error as it reaches the terminal: one line, non-printable characters escaped (\x00, \uFFFD), a quoted
 * value cut to 40 characters and any other run of more than 120 non-space characters to its first 100, so junk from
 * a binary file or a runaway flag value cannot fill the screen (every command's message passes through here).
 */
export function tidyMessage(message: string): string {
  const escaped = message.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this escapes
    /[\u0000-\u001f\u007f-\u009f\ufffd]/g,
    (c) =>
      c === '\n'
        ? ' '
        : c.charCodeAt(0) > 0xff
          ? `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  const quotedCut = escaped.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) =>
    inner.length > 40 ? `"${inner.slice(0, 40)}..."` : whole,
  );
  return quotedCut.replace(/\S{121,}/g, (run) => `${run.slice(0, 100)}...`);
}

/** "Usage: slatesim lake [options] [command] ... Commands:\n  build [options] ..." as one line. */
export function missingCommandLine(help: string): string {
  const path = /^Usage: (.*?)(?: \[options\])?(?: \[command\])?\n/.exec(help)?.[1] ?? 'slatesim';
  const commands = help
    .split('\nCommands:\n')[1]
    ?.split('\n')
    .map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== 'help');
  return `slatesim: ${path} needs a command${commands !== undefined && commands.length > 0 ? `: ${commands.join(', ')}` : ''} (${path} --help)\n`;
}

function program(): Command {
  const cli = new Command('slatesim')
    .description('NBA daily-fantasy world simulator: conserved team usage, WebGPU and CPU paths')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError(false)
    .showSuggestionAfterError(true) // "(did you mean --worlds?)", kept on the one line below
    .exitOverride() // set before the subcommands exist, so they inherit it
    .configureOutput({
      outputError: (str, write) => write(`slatesim: ${tidyMessage(oneLineError(str))}\n`),
      // a group given no command (`slatesim lake`) shows its help as an error: one line naming its commands instead
      writeErr: (str) => process.stderr.write(str.startsWith('Usage: ') ? missingCommandLine(str) : str),
    })
    .option('--verbose', "also show the GPU library's (Dawn's) own warnings on stderr")
    .hook('preAction', (cmd) => setDawnVerbose(cmd.opts<{ verbose?: boolean }>().verbose === true));

  const lake = cli.command('lake').description('build and inspect the Parquet lake');
  registerLakeBuild(lake);
  registerLakeSalaries(lake);
  registerLakeInfo(lake);
  registerLakeEmbed(lake);

  const shares = cli.command('shares').description('the usage-share model: training base, training, evaluation');
  registerSharesBuildBase(shares);
  registerSharesTrain(shares);
  registerSharesEval(shares);

  registerSim(cli);
  registerBacktest(cli);
  registerBench(cli);
  registerBenchChild(cli);
  registerDiagnostics(cli);
  registerGpu(cli);
  registerLineups(cli);
  registerWorker(cli);
  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = program();
  try {
    // no shell can pass a NUL, but a program calling main() can, and every file API would throw on it as a path
    const nul = argv.slice(2).find((a) => a.includes('\u0000'));
    if (nul !== undefined) throw new UserError(`argument ${JSON.stringify(nul)} holds a NUL character`);
    await cli.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (isUserError(e)) {
      process.stderr.write(`slatesim: ${tidyMessage(e.message)}\n`);
      return 2;
    }
    throw e;
  }
}

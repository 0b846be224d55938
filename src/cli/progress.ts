// Progress for long work (files, dates, worlds, epochs). A bar on a terminal; on a pipe or in CI, a line at
// every tenth of the way, so logs stay readable. Always on stderr: stdout carries results.
import cliProgress from 'cli-progress';

import type { Progress } from '../data/progress.ts';

export { silentProgress, type Progress } from '../data/progress.ts';

export function consoleProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY && process.env.CI === undefined) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      start(label, total, unit) {
        bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {value}/{total} ${unit} | {percentage}% | eta {eta_formatted}`, stream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      },
      update(done) {
        bar?.update(done);
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
      log(message) {
        stream.write(`${message}\n`);
      },
    };
  }
  let label = '';
  let total = 0;
  let unit = '';
  let nextTenth = 1;
  let startedAt = 0;
  return {
    start(l, t, u) {
      label = l;
      total = t;
      unit = u;
      nextTenth = 1;
      startedAt = Date.now();
    },
    update(done) {
      if (total <= 0) return;
      const tenth = Math.floor((done * 10) / total);
      if (tenth >= nextTenth) {
        const secs = ((Date.now() - startedAt) / 1000).toFixed(1);
        stream.write(`${label}: ${done}/${total} ${unit} (${tenth * 10}%, ${secs}s)\n`);
        nextTenth = tenth + 1;
      }
    },
    stop() {},
    log(message) {
      stream.write(`${message}\n`);
    },
  };
}

// A vitest reporter that ends the run with one line naming what was skipped and why (issue 16 item 13): a GPU or
// browser test skips with its reason (`t.skip(reason)`) on a machine without an adapter or a chromium, and that
// reason used to vanish into the counts. Tests skipped only by a name filter (-t) carry no reason and are not
// listed. In CI those tests fail instead of skipping (test/helpers.ts REQUIRE_GPU), so this line stays empty there.
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipSummary implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const byReason = new Map<string, Set<string>>();
    let n = 0;
    for (const m of modules)
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state !== 'skipped' || r.note === undefined) continue;
        n++;
        const files = byReason.get(r.note) ?? new Set<string>();
        files.add(m.relativeModuleId);
        byReason.set(r.note, files);
      }
    if (n === 0) return;
    const groups = [...byReason].map(([why, files]) => `${[...files].sort().join(', ')} (${why})`);
    process.stdout.write(`\nskipped ${n} test${n === 1 ? '' : 's'}: ${groups.join('; ')}\n`);
  }
}

// CSV numbers say what they mean (issue 16 item 12): a minutes quantile summed from bin widths is 44.05, not
// 44.050000000000004. projections.csv keeps 15 significant digits of each value (all double arithmetic carries);
// projections.parquet keeps the full value, and the two agree to that precision.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { initParquetNode } from '../src/data/parquet-node.ts';
import { parquetToArrow } from '../src/data/parquet.ts';
import { toCsv } from '../src/data/schema.ts';
import { slatesim, tempDir } from './helpers.ts';

describe('CSV numbers', () => {
  it('carry no binary residue, and agree with the Parquet values', async () => {
    await initParquetNode();
    const out = await tempDir('csv-numbers');
    const r = await slatesim('sim', '--worlds', '300', '--backend', 'cpu', '--workers', '1', '--out', out, '--run', 'n');
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'game_date=2024-01-31/run=n');
    const text = await readFile(join(dir, 'projections.csv'), 'utf8');
    // a run of 0s or 9s before a last digit is a float's residue, e.g. 30.450000000000003 or 39.650000000000006
    expect(text).not.toMatch(/\d\.\d*(0{6,}|9{6,})\d\b/);
    const rows = parse<Record<string, string>>(text, { columns: true });
    const table = parquetToArrow(new Uint8Array(await readFile(join(dir, 'projections.parquet'))), 'projections.parquet');
    for (const name of ['minutes_mean', 'minutes_p10', 'minutes_p50', 'minutes_p90', 'play_prob', 'dk_fpts_std']) {
      const col = table.getChild(name)?.toArray() as Float64Array | Float32Array;
      rows.forEach((row, i) => {
        const full = Number(col[i]);
        expect(Math.abs(Number(row[name]) - full), `${name} row ${i}`).toBeLessThanOrEqual(Math.abs(full) * 1e-14);
      });
    }
    expect(toCsv({ name: 't', columns: [{ name: 'm', type: 'float64', nullable: false }] }, [{ m: 44.050000000000004 }])).toBe(
      'm\n44.05\n',
    );
  });
});

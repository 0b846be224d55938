// Hive-style partition paths: `<table>/season=2024/game_date=2024-01-05/<file>.parquet`.
// Pruning works on the paths alone, so filtered reads never open files outside the filter.

export type PartitionValues = Record<string, string>;

export function partitionPath(keys: readonly string[], values: PartitionValues): string {
  return keys
    .map((k) => {
      const v = values[k];
      if (v === undefined || v === '') throw new Error(`partition key ${k} has no value`);
      if (/[/=]/.test(v)) throw new Error(`partition value for ${k} may not contain '/' or '=': ${v}`);
      return `${k}=${v}`;
    })
    .join('/');
}

/** Parses the `key=value` segments of a path; other segments are ignored. */
export function parsePartitions(path: string): PartitionValues {
  const out: PartitionValues = {};
  for (const seg of path.split('/')) {
    const eq = seg.indexOf('=');
    if (eq > 0) out[seg.slice(0, eq)] = decodeURIComponent(seg.slice(eq + 1));
  }
  return out;
}

export interface PartitionFilter {
  /** Seasons (end year) to keep. */
  seasons?: readonly number[];
  /** Inclusive YYYY-MM-DD bounds on game_date. */
  startDate?: string;
  endDate?: string;
  /** Exact values for other partition keys (e.g. draft_group_id). */
  equals?: PartitionValues;
}

export function matchesFilter(p: PartitionValues, f: PartitionFilter | undefined): boolean {
  if (f === undefined) return true;
  if (f.seasons !== undefined && p.season !== undefined && !f.seasons.includes(Number(p.season))) return false;
  const d = p.game_date;
  if (d !== undefined) {
    if (f.startDate !== undefined && d < f.startDate) return false;
    if (f.endDate !== undefined && d > f.endDate) return false;
  }
  if (f.equals !== undefined) {
    for (const [k, v] of Object.entries(f.equals)) if (p[k] !== v) return false;
  }
  return true;
}

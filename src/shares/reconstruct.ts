// The seed's reconstruction of a usage count from the per-minute labels: label x minutes. The share base
// checks it against the box score before it trusts a share; the usage-share-prep diagnostic reports it.
import type { Value } from '../data/schema.ts';
import type { ShareTarget } from './features.ts';

/** Per-minute label x minutes, the seed's reconstruction. */
export function reconstruct(row: Record<string, Value>, target: ShareTarget): number {
  const m = row.minutes_actual as number;
  if (m === 0) return 0;
  const r = (k: string): number => (row[k] as number | null) ?? 0;
  if (target === 'fga') return (r('fga2_per_min') + r('fga3_per_min')) * m;
  return r(`${target}_per_min`) * m;
}

// As-of selection: for each key, the latest snapshot known at or before that key's cutoff (tip time).
// Snapshots after tip are never used, so features built from snapshots cannot see the future.

/**
 * Picks, per key, the snapshot with the greatest `ts` that is <= `cutoff(key)`. Timestamps are ISO-8601
 * local strings (YYYY-MM-DDTHH:MM:SS), which order correctly as strings. Keys without a cutoff, or with no
 * snapshot at or before it, are absent from the result. Ties keep the later snapshot in input order.
 */
export function selectAsOf<T>(
  snapshots: readonly T[],
  keyOf: (s: T) => string,
  tsOf: (s: T) => string,
  cutoff: (key: string) => string | undefined,
): Map<string, T> {
  const out = new Map<string, T>();
  for (const s of snapshots) {
    const key = keyOf(s);
    const limit = cutoff(key);
    if (limit === undefined) continue;
    const ts = tsOf(s);
    if (ts > limit) continue;
    const prev = out.get(key);
    if (prev === undefined || tsOf(prev) <= ts) out.set(key, s);
  }
  return out;
}

/** A game's tip as an ISO local timestamp: the tip time when known, else the end of the game date. */
export function tipTimestamp(gameDate: string, tipTimeLocal: string | null): string {
  return tipTimeLocal !== null && /^\d{2}:\d{2}$/.test(tipTimeLocal) ? `${gameDate}T${tipTimeLocal}:00` : `${gameDate}T23:59:59`;
}

// A user's minutes projection (minutes.csv) applied to a player's minutes distribution: it replaces p50, and
// p10 and p90 move with it, keeping their ratio to p50 (a 20-minute player's spread is not a 36-minute
// player's), so the band stays as wide in relative terms as the model made it.

export interface MinutesQuantiles {
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

/** Most minutes a quantile may reach: a full game plus one overtime. */
export const MINUTES_CAP = 53;

export function applyMinutesOverride(model: MinutesQuantiles, minutes: number): MinutesQuantiles {
  const clamp = (m: number): number => Math.min(MINUTES_CAP, Math.max(0, m));
  if (minutes <= 0) return { p10: 0, p50: 0, p90: 0 };
  // A model p50 of zero has no spread to scale: shift the band instead.
  if (model.p50 <= 0) return { p10: clamp(minutes + model.p10), p50: clamp(minutes), p90: clamp(minutes + model.p90) };
  const k = minutes / model.p50;
  return { p10: clamp(model.p10 * k), p50: clamp(minutes), p90: clamp(model.p90 * k) };
}

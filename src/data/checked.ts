// Checked reads for cold code. Under noUncheckedIndexedAccess every `arr[i]`, like `map.get(k)`, is `T | undefined`;
// a cast (`arr[i] as number`) only silences that, and a bad index then surfaces as a NaN several steps later.
// Outside hot loops, read through these instead: a miss is an Error that names the index or the value at once.
// Hot loops keep `arr[i]!` under an eslint-disable that says, where the arrays are laid out, why the indices
// are in range by construction (see eslint.config.js).

/** `arr[i]`, or a RangeError naming the index and the length when `i` is not an index of `arr`. */
export function at<T>(arr: ArrayLike<T>, i: number): T {
  if (!Number.isInteger(i) || i < 0 || i >= arr.length) throw new RangeError(`index ${i} is outside [0, ${arr.length})`);
  // In range, so the read is an element; `as T` rather than `!` keeps an element type that itself allows undefined.
  return arr[i] as T;
}

/**
 * `value` when it is neither undefined nor null, else an Error naming `what` was missing: for `map.get(k)`,
 * `rows.find(...)` and optional fields that must be there at this point.
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is missing`);
  return value;
}

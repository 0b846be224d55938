/**
 * A mistake in what the user gave us (a file, a column, a flag, a value). The CLI prints its message as one
 * line and exits non-zero, with no stack trace; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * One error type for the whole project. Every rejection of untrusted input carries a stable
 * `code` that the CLI, the UI and the tests share; messages say what was expected and what was
 * found. Bad *arguments* from our own code throw `TypeError`/`RangeError` instead.
 */

export const ERROR_CODES = [
  'MALFORMED_INPUT',
  'INVALID_SIGNATURE',
  'INVALID_METADATA',
  'UNKNOWN_AUTHOR',
  'TOO_LARGE',
  'POLICY_DENIED',
  'APPLY_CONFLICT',
  'UNSAFE_PATH',
  'REVOKED_KEY',
  'EQUIVOCATION',
  'STALE_LEDGER',
  'POST_APPLY_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class PatchtrailError extends Error {
  override readonly name = 'PatchtrailError';
  readonly code: ErrorCode;
  /** Every problem found, when a validation step can list more than one. */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: readonly string[] } = {},
  ) {
    // A coded error is an expected outcome, a refused input, thrown and caught by the thousand
    // when junk floods in; its stack is never shown, and capturing one cost more than most
    // checks do (7 µs a line of a junk ledger file). Where the engine has no such limit, this
    // changes nothing.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = limit;
    this.code = code;
    this.details = options.details ?? [];
  }
}

export function isPatchtrailError(value: unknown): value is PatchtrailError {
  return value instanceof PatchtrailError;
}

/** Shorthand for throwing a coded rejection. */
export function reject(code: ErrorCode, message: string, details?: readonly string[]): never {
  throw new PatchtrailError(code, message, details === undefined ? {} : { details });
}

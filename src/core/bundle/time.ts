/** UTC timestamps for signed metadata. The clock is the caller's; core never reads one. */

/**
 * Clock skew tolerated between devices: a signed time up to this far past the reader's clock is
 * not yet wrong. Beyond it, the time is the signer's skewed clock or a forgery.
 */
export const FUTURE_SKEW_SECONDS = 300;

/** RFC 3339 UTC with second precision, e.g. "2026-11-22T03:49:06Z". */
export function utcTimestamp(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new RangeError('utcTimestamp: invalid date');
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True for a schema-shaped timestamp that also names a real instant (no 30 February). */
export function isRealUtcTimestamp(text: string): boolean {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return false;
  return date.toISOString().slice(0, 19) === text.slice(0, 19);
}

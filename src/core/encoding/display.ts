/** Small display helpers for text the app and the CLI show people; pure. */

/**
 * "60,000": a count with its thousands separated, the same in every locale (the app and the
 * CLI speak English). Written out rather than `toLocaleString('en-US')`, whose first call in a
 * page loads ICU's number formatting: 28 ms measured in Chromium, inside whatever task first
 * shows a count (a fresh peer's first sync among them).
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/**
 * A name someone else chose, for use inside a sentence: its first `max` characters (whole code
 * points) and an ellipsis. Names may be 4,096 characters; a sentence should still read as one.
 */
export function inlineName(name: string, max = 64): string {
  const points = Array.from(name);
  return points.length <= max ? name : `${points.slice(0, max).join('')}…`;
}

/** A trust score (parts per billion) as the screens show it: a percentage, one decimal. */
export const percentOf = (ppb: number): string => `${(ppb / 1e7).toFixed(1)}%`;

/** A message as a sentence of its own: its first letter capitalised, a full stop at the end. */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?…]$/u.test(first) ? first : `${first}.`;
}

/**
 * A ledger time ("2026-11-22T03:49:06Z") as the ledger and audit screens show it: "2026-11-22
 * 03:49:06 UTC", the same on every device of a team whatever its time zone.
 */
export function ledgerTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

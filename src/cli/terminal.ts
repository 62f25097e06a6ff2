/**
 * Text for a terminal. Names, notes, reasons, paths and messages in the CLI's output come from
 * bundles, ledgers and diffs, i.e. from attackers: an ANSI escape in a reviewer's note can erase
 * the "NOT trusted" line above it, a newline in a name can print a fake line, and U+202E can
 * reverse what a path appears to say. Two defences:
 *
 * - `shown(text)` for every untrusted value interpolated into human output: every control
 *   character (C0 including line breaks and tab, DEL, C1), every bidirectional formatting
 *   character, the line and paragraph separators, and the backslash itself are written as
 *   `\u{...}`-style escapes, so the value occupies exactly the characters it appears to.
 * - `terminalSafe(text)`, applied by `main` to everything the CLI writes: the same escapes for
 *   everything except line feed and tab, which our own output uses. It is written as `\uXXXX`,
 *   which is also a valid JSON string escape, so `--json` output keeps its meaning.
 */

/* eslint-disable no-control-regex -- matching control characters is this module's job */

/** Control and bidi characters a terminal acts on or reorders by (never printable as such). */
const UNSAFE_IN_OUTPUT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** The same plus line feed, tab and backslash: for one value inside a line. */
const UNSAFE_IN_VALUE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/gu;

function escapeChar(char: string): string {
  if (char === '\\') return '\\\\';
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One untrusted value, escaped so it cannot change the terminal or fake a line. */
export function shown(text: string): string {
  return text.replace(UNSAFE_IN_VALUE, escapeChar);
}

/** Everything the CLI writes: controls and bidi characters escaped, line feed and tab kept. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_IN_OUTPUT, escapeChar);
}

/** True when `text` holds nothing a terminal would act on (tests and assertions). */
export function isTerminalSafe(text: string): boolean {
  UNSAFE_IN_OUTPUT.lastIndex = 0;
  return !UNSAFE_IN_OUTPUT.test(text);
}

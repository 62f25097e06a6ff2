/**
 * Text for a terminal. Names, notes, reasons, paths and messages in the CLI's output come from
 * bundles, ledgers and diffs, i.e. from attackers: an ANSI escape in a reviewer's note can erase
 * the "NOT trusted" line above it, a newline in a name can print a fake line, and U+202E can
 * reverse what a path appears to say. Two defences:
 *
 * - `shown(text)` for every untrusted value interpolated into human output: every control
 *   character (C0 including line breaks and tab, DEL, C1), every format character (the
 *   bidirectional controls, and those that show as nothing: zero-width space, byte order mark,
 *   soft hyphen, tag characters; but the zero-width joiners scripts and emoji need), the line
 *   and paragraph separators, the blank letters, and the backslash itself are written as
 *   `\uXXXX` escapes, so the value occupies exactly the characters it appears to: "A\u200bda"
 *   cannot pass for "Ada". The same set the app escapes (core/encoding/visible.ts).
 * - `terminalSafe(text)`, applied by `main` to everything the CLI writes: the same escapes for
 *   everything except line feed and tab, which our own output uses. It is written as `\uXXXX`,
 *   which is also a valid JSON string escape, so `--json` output keeps its meaning.
 */

import { INVISIBLE_SOURCE } from '../core/encoding/visible.ts';

/** Characters a terminal acts on, reorders by or shows as nothing (core/encoding/visible.ts). */
const UNSAFE_IN_OUTPUT = new RegExp(INVISIBLE_SOURCE, 'gu');
/** The same plus line feed, tab and backslash: for one value inside a line. */
const UNSAFE_IN_VALUE = new RegExp(String.raw`${INVISIBLE_SOURCE}|[\n\t\\]`, 'gu');

/** `\uXXXX` for each UTF-16 unit (a tag character is two), as JSON writes it; `\\` for `\`. */
function escapeChar(char: string): string {
  if (char === '\\') return '\\\\';
  let out = '';
  for (let i = 0; i < char.length; i++)
    out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
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

/**
 * Untrusted text as a person should see it. Names, reasons, notes, component and file names
 * reach the screen from bundles, ledgers and peers, i.e. from attackers, and some characters
 * show as nothing or change how the rest of a line reads: U+202E reverses what follows it
 * ("Trojan Source", CVE-2021-42574), a zero-width space or a soft hyphen makes "Ada" and
 * "A\u200Bda" look alike, a control character is invisible. Each is shown as an escape
 * (`\x1B`, `\u{202E}`) so the text occupies exactly the characters it appears to.
 *
 * What is escaped: control characters (C0 but tab and line feed, DEL, C1), every format
 * character (Unicode category Cf: the bidirectional controls and isolates, zero-width space,
 * soft hyphen, word joiner, byte order mark, tag characters...) but the zero-width joiner and
 * non-joiner, which Persian, Indic scripts and emoji need, the line and paragraph separators,
 * and the characters that render as blank but are letters (Hangul fillers, the combining
 * grapheme joiner). Tab and line feed are kept: multi-line reasons and notes are ordinary.
 */

// U+034F, a combining mark, stands outside the class: in one it would combine with its neighbour.
export const INVISIBLE_SOURCE = String.raw`(?![\u200C\u200D])(?:[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\u2028\u2029\u115F\u1160\u3164\uFFA0]|\u034F)`;

/** Every character `visible` escapes (global: for matchAll and replace). */
export const INVISIBLE = new RegExp(INVISIBLE_SOURCE, 'gu');
const ANY_INVISIBLE = new RegExp(INVISIBLE_SOURCE, 'u');

/** One invisible character as an escape: `\xHH` below U+0100, `\u{HHHH}` above. */
export function escapeInvisible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x100
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u{${code.toString(16).toUpperCase()}}`;
}

/** `text` with every invisible character escaped. */
export function visible(text: string): string {
  return ANY_INVISIBLE.test(text) ? text.replace(INVISIBLE, escapeInvisible) : text;
}

/** Whether `text` holds a character `visible` would escape. */
export function hasInvisible(text: string): boolean {
  return ANY_INVISIBLE.test(text);
}

// eslint-disable-next-line no-control-regex -- control characters are what it removes
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A name as kept: one line (control and line-break characters become spaces), trimmed, cut. */
export function oneLineName(text: string, max: number): string {
  return text.replace(LINE_BREAKING, ' ').trim().slice(0, max);
}

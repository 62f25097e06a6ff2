/**
 * Bytes that may not be UTF-8, as text a person can read without losing any byte. Diffs carry
 * whatever their files hold (Latin-1 test data, NUL, crash reproducers); a decoder that
 * substitutes U+FFFD hides what was there. Here the well-formed stretches (Unicode 15 §3.9,
 * table 3-7) decode as text and every other byte is kept apart, so a view can show it as
 * `\xE9`. The input is attacker-controlled; nothing here throws on it.
 */

/** A stretch of text, or of bytes that are not UTF-8 (its `text` is then `\xNN` per byte). */
export interface TextRun {
  text: string;
  undecodable: boolean;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** True when `bytes` are well-formed UTF-8 (a leading BOM is allowed and is content). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function between(byte: number | undefined, low: number, high: number): boolean {
  return byte !== undefined && byte >= low && byte <= high;
}

/** Length of the well-formed sequence starting at `at`, or 0 when that byte starts none. */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] ?? 0;
  if (lead < 0x80) return 1;
  const [b1, b2, b3] = [bytes[at + 1], bytes[at + 2], bytes[at + 3]];
  if (lead >= 0xc2 && lead <= 0xdf) return between(b1, 0x80, 0xbf) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const low = lead === 0xe0 ? 0xa0 : 0x80;
    const high = lead === 0xed ? 0x9f : 0xbf;
    return between(b1, low, high) && between(b2, 0x80, 0xbf) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const low = lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xf4 ? 0x8f : 0xbf;
    const tail = between(b2, 0x80, 0xbf) && between(b3, 0x80, 0xbf);
    return between(b1, low, high) && tail ? 4 : 0;
  }
  return 0;
}

function escapeByte(byte: number): string {
  return `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** The runs of text and of undecodable bytes, in order; one text run when all is UTF-8. */
export function utf8Runs(bytes: Uint8Array): TextRun[] {
  if (isUtf8(bytes))
    return bytes.length === 0 ? [] : [{ text: fatal.decode(bytes), undecodable: false }];
  const runs: TextRun[] = [];
  let start = 0;
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes, at);
    if (length > 0) {
      at += length;
      continue;
    }
    if (at > start)
      runs.push({ text: lenient.decode(bytes.subarray(start, at)), undecodable: false });
    let escaped = '';
    while (at < bytes.length && sequenceLength(bytes, at) === 0)
      escaped += escapeByte(bytes[at++] ?? 0);
    runs.push({ text: escaped, undecodable: true });
    start = at;
  }
  if (at > start)
    runs.push({ text: lenient.decode(bytes.subarray(start, at)), undecodable: false });
  return runs;
}

/** `bytes` as text, each byte outside a well-formed UTF-8 sequence written as `\xNN`. */
export function escapeUndecodable(bytes: Uint8Array): string {
  return utf8Runs(bytes)
    .map((run) => run.text)
    .join('');
}

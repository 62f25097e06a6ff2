/**
 * RFC 2047 encoded-words in mail headers ("=?UTF-8?q?Caf=C3=A9?="), as `git format-patch`
 * writes a Subject or From that is not ASCII. Decoded as a mail reader shows them: the white
 * space between two adjacent encoded-words goes (RFC 2047 §6.2), an encoded-word in a charset
 * this reader does not know, or whose bytes do not decode, is left as it stands.
 */
import { fromBase64 } from './bytes.ts';

/** charset (an RFC 2231 language suffix allowed), Q or B, text: no "?" or white space inside. */
const WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

function qBytes(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f)
      bytes.push(0x20); // "_" is a space
    else if (c === 0x3d) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (c > 0x20 && c < 0x7f) bytes.push(c);
    else return undefined;
  }
  return Uint8Array.from(bytes);
}

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  let bytes: Uint8Array | undefined;
  try {
    bytes = encoding.toUpperCase() === 'Q' ? qBytes(text) : fromBase64(text, 'encoded-word');
  } catch {
    return undefined;
  }
  if (bytes === undefined) return undefined;
  const name = (charset.split('*')[0] ?? '').toLowerCase();
  if (name === 'utf-8' || name === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  }
  if (name === 'us-ascii' && bytes.every((b) => b < 0x80)) return String.fromCharCode(...bytes);
  if (name === 'iso-8859-1' || name === 'latin1') return String.fromCharCode(...bytes);
  return undefined;
}

/** `text` with its RFC 2047 encoded-words decoded. */
export function decodeEncodedWords(text: string): string {
  let out = '';
  let last = 0;
  let afterWord = false;
  for (const match of text.matchAll(WORD)) {
    const at = match.index;
    const between = text.slice(last, at);
    const decoded = decodeWord(match[1] ?? '', match[2] ?? '', match[3] ?? '');
    last = at + match[0].length;
    if (decoded === undefined) {
      out += between + match[0];
      afterWord = false;
      continue;
    }
    out += afterWord && /^[ \t\r\n]*$/.test(between) ? '' : between;
    out += decoded;
    afterWord = true;
  }
  return out + text.slice(last);
}

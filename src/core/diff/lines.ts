/**
 * A diff's lines, read from its text or from its exact bytes. A diff is structure (headers,
 * hunk headers, op characters: ASCII) around content lines that may hold any bytes: real
 * patches carry Latin-1 files, NUL and binary junk, and GNU patch applies them byte for byte.
 * A line that is not UTF-8 keeps its bytes in `raw`; its `text` decodes the rest with U+FFFD
 * in place of each bad sequence, so structure tests see exactly the ASCII that is there and
 * nothing is mistaken for an op character or a path.
 */
import { escapeUndecodable } from '../encoding/utf8-runs.ts';

const NEWLINE = 0x0a;
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

export interface DiffLines {
  /** Each line without its "\n" (a "\r" before it stays, as CRLF content must). */
  text: string[];
  /** The exact bytes (without "\n") of each line that is not UTF-8, by line index. */
  raw: Map<number, Uint8Array>;
}

/** Splits on "\n" only; a final "\n" ends the last line rather than starting an empty one. */
function splitText(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function splitBytes(bytes: Uint8Array): DiffLines {
  const text: string[] = [];
  const raw = new Map<number, Uint8Array>();
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline < 0 ? bytes.length : newline;
    const line = bytes.subarray(start, end);
    try {
      text.push(fatal.decode(line));
    } catch {
      raw.set(text.length, line);
      text.push(lenient.decode(line));
    }
    start = end + 1;
  }
  return { text, raw };
}

/** The lines of a diff given as text, or as bytes (which need not be UTF-8). */
export function readDiffLines(diff: string | Uint8Array): DiffLines {
  if (typeof diff === 'string') return { text: splitText(diff), raw: new Map() };
  let text: string;
  try {
    text = fatal.decode(diff);
  } catch {
    return splitBytes(diff); // not UTF-8 as a whole: line by line
  }
  return { text: splitText(text), raw: new Map() };
}

/** Line `at` for people: exact when UTF-8, else each undecodable byte written `\xNN`. */
export function shownLine(lines: DiffLines, at: number): string {
  const raw = lines.raw.get(at);
  return raw === undefined ? (lines.text[at] ?? '') : escapeUndecodable(raw);
}

/**
 * Applying one file's hunks to its bytes, exactly as GNU `patch --fuzz=0` locates them
 * (patch 2.7, src/patch.c `locate_hunk`): each hunk is tried at its stated line moved by the
 * offset the previous hunk needed, then at growing offsets, later lines first; a hunk with
 * less leading than trailing context at line 1 must match the start of the file, and one with
 * less trailing context must match its end. Context and removed lines must match byte for
 * byte, line terminators included; fuzz (ignoring outer context lines) is used only when the
 * caller asks, and reported.
 *
 * Lines are handled as "binary strings" (one char per byte) so non-UTF-8 content and CRLF
 * stay exact.
 */
import { reject } from '../errors.ts';
import type { Hunk } from './model.ts';

export interface HunkPlacement {
  /** 1-based hunk number within its file. */
  hunk: number;
  /** 1-based line in the original file where the hunk's old text was found. */
  line: number;
  /** Lines between where the hunk said it was and where it was found. */
  offset: number;
  /** Context lines ignored to place it (0 unless fuzz was allowed). */
  fuzz: number;
}

const encoder = new TextEncoder();

/** Bytes → one char per byte. */
export function toBinaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return out;
}

export function fromBinaryString(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Splits into lines that keep their "\n"; the last may lack one. */
export function splitLines(binary: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = binary.indexOf('\n', start);
    if (end < 0) break;
    lines.push(binary.slice(start, end + 1));
    start = end + 1;
  }
  if (start < binary.length) lines.push(binary.slice(start));
  return lines;
}

interface PreparedHunk {
  old: string[];
  /** Per hunk line, in order: what to do with the file when applying. */
  ops: { op: ' ' | '-' | '+'; line: string }[];
  prefix: number;
  suffix: number;
  stated: number;
}

function prepare(hunk: Hunk): PreparedHunk {
  const ops = hunk.lines.map((l) => ({
    op: l.op,
    line: toBinaryString(encoder.encode(l.text)) + (l.eol ? '\n' : ''),
  }));
  const old = ops.filter((o) => o.op !== '+').map((o) => o.line);
  let prefix = 0;
  while (ops[prefix]?.op === ' ') prefix++;
  let suffix = 0;
  while (ops[ops.length - 1 - suffix]?.op === ' ') suffix++;
  if (prefix === ops.length) suffix = 0; // all context: count it once
  // 0-based index of the first old line; an empty old range inserts after line oldStart.
  const stated = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
  return { old, ops, prefix, suffix, stated };
}

function matchesAt(
  lines: readonly string[],
  at: number,
  pattern: readonly string[],
  skipHead: number,
  skipTail: number,
): boolean {
  if (at < 0 || at + pattern.length > lines.length) return false;
  for (let i = skipHead; i < pattern.length - skipTail; i++) {
    if (lines[at + i] !== pattern[i]) return false;
  }
  return true;
}

/** Where the hunk's old text sits, trying fuzz levels 0..maxFuzz; undefined when nowhere. */
function locate(
  lines: readonly string[],
  h: PreparedHunk,
  guess: number,
  frozen: number,
  maxFuzz: number,
): { at: number; fuzz: number } | undefined {
  if (h.old.length === 0)
    return guess >= frozen && guess <= lines.length ? { at: guess, fuzz: 0 } : undefined;
  const context = Math.max(h.prefix, h.suffix);
  for (let fuzz = 0; fuzz <= Math.min(maxFuzz, context); fuzz++) {
    // GNU patch: pattern lines skipped at each end; negative means "anchored to that end".
    const prefixFuzz = fuzz + h.prefix - context;
    const suffixFuzz = fuzz + h.suffix - context;
    const head = Math.min(Math.max(prefixFuzz, 0), h.prefix);
    const tail = Math.min(Math.max(suffixFuzz, 0), h.suffix);
    if (prefixFuzz < 0 && h.stated <= 0) {
      // Can only match the start of the file (and, with too little trailing context, all of it).
      if (suffixFuzz < 0 && h.old.length !== lines.length) continue;
      if (frozen === 0 && matchesAt(lines, 0, h.old, 0, tail)) return { at: 0, fuzz };
      continue;
    }
    if (suffixFuzz < 0) {
      // Can only match the end of the file.
      const at = lines.length - h.old.length;
      if (at >= frozen && matchesAt(lines, at, h.old, head, 0)) return { at, fuzz };
      continue;
    }
    const maxPos = lines.length - h.old.length - guess;
    const maxNeg = guess - frozen;
    for (let offset = 0; offset <= maxPos || offset <= maxNeg; offset++) {
      if (offset <= maxPos && matchesAt(lines, guess + offset, h.old, head, tail)) {
        return { at: guess + offset, fuzz };
      }
      if (offset > 0 && offset <= maxNeg && matchesAt(lines, guess - offset, h.old, head, tail)) {
        return { at: guess - offset, fuzz };
      }
    }
  }
  return undefined;
}

/**
 * Applies `hunks` to `content`. Throws `APPLY_CONFLICT` naming the file and the hunk when one
 * does not match.
 */
export function applyHunks(
  content: Uint8Array,
  hunks: readonly Hunk[],
  path: string,
  maxFuzz = 0,
): { content: Uint8Array; placements: HunkPlacement[] } {
  const lines = splitLines(toBinaryString(content));
  const out: string[] = [];
  const placements: HunkPlacement[] = [];
  let frozen = 0;
  let carried = 0;
  hunks.forEach((hunk, index) => {
    const h = prepare(hunk);
    const found = locate(lines, h, Math.max(h.stated + carried, 0), frozen, maxFuzz);
    if (found === undefined) {
      reject(
        'APPLY_CONFLICT',
        `${path}: hunk #${index + 1} (@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@) does not match`,
      );
    }
    for (let i = frozen; i < found.at; i++) out.push(lines[i] ?? '');
    let cursor = found.at;
    for (const { op, line } of h.ops) {
      if (op === '+') out.push(line);
      else if (op === ' ') out.push(lines[cursor++] ?? '');
      else cursor++;
    }
    frozen = cursor;
    carried = found.at - h.stated;
    placements.push({
      hunk: index + 1,
      line: found.at + 1,
      offset: found.at - h.stated,
      fuzz: found.fuzz,
    });
  });
  for (let i = frozen; i < lines.length; i++) out.push(lines[i] ?? '');
  return { content: fromBinaryString(out.join('')), placements };
}

/**
 * Applying one file's hunks to its bytes, exactly as GNU `patch --fuzz=0` locates them
 * (patch 2.7, src/patch.c `locate_hunk`): each hunk is tried at its stated line moved by the
 * offset the previous hunk needed, then at growing offsets, later lines first; a hunk with
 * less leading than trailing context at line 1 must match the start of the file, and one with
 * less trailing context must match its end. Context and removed lines must match byte for
 * byte, line terminators included; fuzz (ignoring outer context lines) is used only when the
 * caller asks, and reported.
 *
 * Lines are compared as bytes (the hunk's lines as the diff holds them, the file as it is), so
 * non-UTF-8 content and CRLF stay exact; the result is assembled by copying byte ranges, never by
 * decoding the file.
 */
import { reject } from '../errors.ts';
import type { Hunk, HunkLine } from './model.ts';

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
const NEWLINE = 0x0a;

/** A file's bytes and where each line starts; line i is `bytes[starts[i], starts[i + 1])`. */
interface FileLines {
  bytes: Uint8Array;
  starts: number[];
  /** Number of lines; each keeps its "\n", the last may lack one. */
  count: number;
}

export function splitLines(bytes: Uint8Array): FileLines {
  const starts = [0];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end < 0) break;
    start = end + 1;
    starts.push(start);
  }
  if (start < bytes.length) starts.push(bytes.length);
  return { bytes, starts, count: starts.length - 1 };
}

function lineStart(file: FileLines, line: number): number {
  return file.starts[line] ?? file.bytes.length;
}

/** True when line `line` of the file is byte for byte `pattern`. */
function lineEquals(file: FileLines, line: number, pattern: Uint8Array): boolean {
  const start = lineStart(file, line);
  if (lineStart(file, line + 1) - start !== pattern.length) return false;
  const { bytes } = file;
  for (let i = 0; i < pattern.length; i++) if (bytes[start + i] !== pattern[i]) return false;
  return true;
}

interface PreparedHunk {
  old: Uint8Array[];
  /** Per hunk line, in order: what to do with the file when applying. */
  ops: { op: ' ' | '-' | '+'; line: Uint8Array }[];
  prefix: number;
  suffix: number;
  stated: number;
}

/** The line as the file holds it: its exact bytes when the parser kept them, "\n" if eol. */
function encodeLine({ text, eol, bytes }: HunkLine): Uint8Array {
  if (bytes === undefined) return encoder.encode(eol ? `${text}\n` : text);
  if (!eol) return bytes;
  const line = new Uint8Array(bytes.length + 1);
  line.set(bytes);
  line[bytes.length] = NEWLINE;
  return line;
}

function prepare(hunk: Hunk): PreparedHunk {
  const ops = hunk.lines.map((l) => ({ op: l.op, line: encodeLine(l) }));
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
  lines: FileLines,
  at: number,
  pattern: readonly Uint8Array[],
  skipHead: number,
  skipTail: number,
): boolean {
  if (at < 0 || at + pattern.length > lines.count) return false;
  for (let i = skipHead; i < pattern.length - skipTail; i++) {
    if (!lineEquals(lines, at + i, pattern[i] as Uint8Array)) return false;
  }
  return true;
}

/** Where the hunk's old text sits, trying fuzz levels 0..maxFuzz; undefined when nowhere. */
function locate(
  lines: FileLines,
  h: PreparedHunk,
  guess: number,
  frozen: number,
  maxFuzz: number,
): { at: number; fuzz: number } | undefined {
  if (h.old.length === 0)
    return guess >= frozen && guess <= lines.count ? { at: guess, fuzz: 0 } : undefined;
  const context = Math.max(h.prefix, h.suffix);
  for (let fuzz = 0; fuzz <= Math.min(maxFuzz, context); fuzz++) {
    // GNU patch: pattern lines skipped at each end; negative means "anchored to that end".
    const prefixFuzz = fuzz + h.prefix - context;
    const suffixFuzz = fuzz + h.suffix - context;
    const head = Math.min(Math.max(prefixFuzz, 0), h.prefix);
    const tail = Math.min(Math.max(suffixFuzz, 0), h.suffix);
    if (prefixFuzz < 0 && h.stated <= 0) {
      // Can only match the start of the file (and, with too little trailing context, all of it).
      if (suffixFuzz < 0 && h.old.length !== lines.count) continue;
      if (frozen === 0 && matchesAt(lines, 0, h.old, 0, tail)) return { at: 0, fuzz };
      continue;
    }
    if (suffixFuzz < 0) {
      // Can only match the end of the file.
      const at = lines.count - h.old.length;
      if (at >= frozen && matchesAt(lines, at, h.old, head, 0)) return { at, fuzz };
      continue;
    }
    const maxPos = lines.count - h.old.length - guess;
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

/** The new file, built from ranges of the old one and the hunks' added lines. */
class Output {
  private readonly pieces: Uint8Array[] = [];
  private length = 0;
  /** A run of old lines not yet pushed, [runStart, runEnd) in bytes. */
  private runStart = 0;
  private runEnd = 0;

  constructor(private readonly file: FileLines) {}

  /** Copies old lines [from, to). */
  copy(from: number, to: number): void {
    const start = lineStart(this.file, from);
    if (start !== this.runEnd) this.flush(start);
    this.runEnd = lineStart(this.file, to);
  }

  add(line: Uint8Array): void {
    this.flush(this.runEnd);
    this.push(line);
  }

  bytes(): Uint8Array {
    this.flush(this.runEnd);
    if (this.pieces.length === 1) return (this.pieces[0] as Uint8Array).slice();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const piece of this.pieces) {
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  private flush(next: number): void {
    if (this.runEnd > this.runStart)
      this.push(this.file.bytes.subarray(this.runStart, this.runEnd));
    this.runStart = next;
    this.runEnd = next;
  }

  private push(piece: Uint8Array): void {
    this.pieces.push(piece);
    this.length += piece.length;
  }
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
  const lines = splitLines(content);
  const out = new Output(lines);
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
    out.copy(frozen, found.at);
    let cursor = found.at;
    for (const { op, line } of h.ops) {
      if (op === '+') out.add(line);
      else if (op === ' ') out.copy(cursor, ++cursor);
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
  out.copy(frozen, lines.count);
  return { content: out.bytes(), placements };
}

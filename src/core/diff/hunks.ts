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
import {
  firstMatch,
  internLines,
  walkCandidates,
  type Candidates,
  type LineIds,
  type PlacementWork,
} from './line-search.ts';
import { lineEquals, lineStart, Output, splitLines, type FileLines } from './file-lines.ts';
import type { Hunk, HunkLine } from './model.ts';
import { reverseHunk } from './reverse.ts';

export type { PlacementWork } from './line-search.ts';

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

interface PreparedHunk {
  old: Uint8Array[];
  /** Per hunk line, in order: what to do with the file when applying. */
  ops: { op: ' ' | '-' | '+'; line: Uint8Array }[];
  prefix: number;
  suffix: number;
  /** 0-based line where the old text should start (GNU patch's first_guess - 1). */
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
  // An empty old range inserts after line oldStart.
  const stated = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
  return { old, ops, prefix, suffix, stated };
}

/** The file being patched, its lines interned when a search needs them, and the work done. */
interface Search {
  lines: FileLines;
  ids?: LineIds;
  work: PlacementWork;
}

/**
 * Old lines [head, len - tail) of the hunk at `at`, compared byte for byte. As in GNU patch's
 * patch_match, lines outside the file never match, and with no lines left to compare (fuzz
 * skipped them all) every position does.
 */
function matchesAt(search: Search, h: PreparedHunk, at: number, head: number, tail: number) {
  const { lines, work } = search;
  work.steps++;
  if (head + tail >= h.old.length) return true;
  if (at + head < 0 || at + h.old.length - tail > lines.count) return false;
  for (let i = head; i < h.old.length - tail; i++) {
    work.steps++;
    if (!lineEquals(lines, at + i, h.old[i] as Uint8Array)) return false;
  }
  return true;
}

/** Comparisons tried directly, in order, before the linear search takes over. */
const DIRECT_STEPS = 64;

/**
 * GNU patch's loop over candidate positions, with its result: most hunks sit at or near their
 * stated line and are found by comparing there; beyond a small budget the remaining search
 * runs over interned lines in linear time (./line-search.ts), with the same first match.
 */
function searchCandidates(
  search: Search,
  h: PreparedHunk,
  c: Candidates,
  head: number,
  tail: number,
) {
  const { lines, work } = search;
  const budget = work.steps + 2 * h.old.length + DIRECT_STEPS;
  const direct = walkCandidates(
    c,
    (at) => matchesAt(search, h, at, head, tail),
    () => work.steps > budget,
  );
  if (direct !== 'stopped') return direct;
  search.ids ??= internLines(lines.bytes, lines.starts);
  const ids = search.ids;
  const pattern = Int32Array.from(h.old.slice(head, h.old.length - tail), (line) => ids.of(line));
  return firstMatch(ids.file, pattern, head, c, work);
}

/**
 * Where the hunk's old text sits, at one fuzz level; undefined when nowhere. A port of GNU
 * patch 2.7.6's locate_hunk (src/patch.c), in 0-based lines: `frozen` is its
 * last_frozen_line, the lines already copied or deleted by earlier hunks, and no hunk is
 * searched for before it (2.7.3 let leading context overlap it; 2.7.6 does not).
 */
function locateAt(search: Search, h: PreparedHunk, guess: number, frozen: number, fuzz: number) {
  const count = search.lines.count;
  const len = h.old.length;
  const context = Math.max(h.prefix, h.suffix);
  // Pattern lines skipped at each end; negative means "anchored to that end of the file".
  const prefixFuzz = fuzz + h.prefix - context;
  const suffixFuzz = fuzz + h.suffix - context;
  const maxAt = count - (len - suffixFuzz);
  const minAt = frozen;
  const maxPos = maxAt - guess;
  let maxNeg = guess - minAt;
  if (guess + 1 <= maxNeg) maxNeg = guess; // no line before the first
  if (prefixFuzz < 0 && h.stated <= 0) {
    // Can only match the start of the file (and, with too little trailing context, all of it).
    if (suffixFuzz < 0 && (len !== count || h.prefix < frozen)) return undefined;
    const fits = frozen <= h.prefix && -guess <= maxPos;
    return fits && matchesAt(search, h, 0, 0, suffixFuzz) ? 0 : undefined;
  }
  const head = Math.max(prefixFuzz, 0);
  if (suffixFuzz < 0) {
    // Can only match the end of the file.
    const at = count - len;
    return guess - at <= maxNeg && matchesAt(search, h, at, head, 0) ? at : undefined;
  }
  const minOffset = maxPos < 0 ? guess - maxAt : maxNeg < 0 ? guess - minAt : 0;
  if (head + suffixFuzz >= len) {
    // Nothing left to compare: GNU patch takes the first candidate, wherever it is.
    if (minOffset <= maxPos) return guess + minOffset;
    return minOffset <= maxNeg ? guess - minOffset : undefined;
  }
  const lowest = -head;
  const candidates = { guess, minOffset, maxPos, maxNeg, lowest, highest: maxAt };
  return searchCandidates(search, h, candidates, head, suffixFuzz);
}

/** Tries fuzz levels 0..maxFuzz (at most the hunk's context), as GNU patch does. */
function locate(
  search: Search,
  h: PreparedHunk,
  guess: number,
  frozen: number,
  maxFuzz: number,
): { at: number; fuzz: number } | undefined {
  // An empty old range matches where it says (GNU patch would even append past the end).
  if (h.old.length === 0)
    return guess >= 0 && guess <= search.lines.count ? { at: guess, fuzz: 0 } : undefined;
  const context = Math.max(h.prefix, h.suffix);
  for (let fuzz = 0; fuzz <= Math.min(maxFuzz, context); fuzz++) {
    const at = locateAt(search, h, guess, frozen, fuzz);
    // GNU patch's line 0 means "not found": it tries the next fuzz level.
    if (at !== undefined && at !== -1) return { at, fuzz };
  }
  return undefined;
}

const CR = 13;
const LF = 10;
const endsInCrLf = (line: Uint8Array) =>
  line.length >= 2 && line[line.length - 2] === CR && line[line.length - 1] === LF;

/**
 * Why a hunk may not match when nothing is wrong with it but its line endings: every line it
 * expects ends in CR LF and the file's end in LF alone (a diff saved with Windows line endings;
 * `git apply` refuses it too, where GNU patch strips the CRs), or the other way round. Read
 * only when a hunk failed: the first 1,000 lines of the file are enough to tell.
 */
function lineEndingHint(file: FileLines, expected: readonly Uint8Array[]): string {
  const ended = expected.filter((line) => line[line.length - 1] === LF);
  if (ended.length === 0) return '';
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < Math.min(file.count, 1000); i++) {
    const end = lineStart(file, i + 1);
    if (file.bytes[end - 1] !== LF) continue;
    if (file.bytes[end - 2] === CR) crlf++;
    else lf++;
  }
  if (ended.every(endsInCrLf) && crlf === 0 && lf > 0)
    return ': its lines end in CR LF and the file’s in LF alone (a diff saved with Windows line endings: save it again with LF endings, e.g. dos2unix)';
  if (!ended.some(endsInCrLf) && lf === 0 && crlf > 0)
    return ': the file’s lines end in CR LF and the diff’s in LF alone (the diff was made from a copy with other line endings)';
  return '';
}

const range = (hunk: Hunk) =>
  `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;

/**
 * Applies `hunks` to `content`, as GNU patch's apply_hunk does: old lines are copied up to
 * each change, removed lines skipped, added lines written. Throws `APPLY_CONFLICT` naming the
 * file and the hunk when one does not match, or when it would change a line before the last
 * one an earlier hunk changed (GNU patch: "misordered hunks! output would be garbled").
 * `work`, when given, counts the comparisons placing the hunks took.
 */
export function applyHunks(
  content: Uint8Array,
  hunks: readonly Hunk[],
  path: string,
  maxFuzz = 0,
  work: PlacementWork = { steps: 0 },
): { content: Uint8Array; placements: HunkPlacement[] } {
  const search: Search = { lines: splitLines(content), work };
  const out = new Output(search.lines);
  const placements: HunkPlacement[] = [];
  let frozen = 0;
  // One past the last line an earlier hunk removed: GNU patch lets a hunk's leading context
  // reach back over lines an earlier hunk passed, and so matches it against a line that is no
  // longer there. The result differs from what any diff describes, and reversing it fails.
  let removedTo = 0;
  let carried = 0;
  hunks.forEach((hunk, index) => {
    const h = prepare(hunk);
    const found = locate(search, h, h.stated + carried, frozen, maxFuzz);
    const name = `${path}: hunk #${index + 1} (${range(hunk)})`;
    if (found === undefined) {
      // GNU patch: "Reversed (or previously applied) patch detected!" Not for a hunk that only
      // inserts lines with no context: its undo matches wherever those lines are.
      const undo = prepare(reverseHunk(hunk));
      const applied =
        hunk.oldLines > 0 && locate(search, undo, undo.stated + carried, frozen, 0) !== undefined;
      const why = applied
        ? ': the file already holds what it would make (this change looks made already)'
        : lineEndingHint(search.lines, h.old);
      reject('APPLY_CONFLICT', `${name} does not match${why}`);
    }
    if (found.at < removedTo) {
      reject(
        'APPLY_CONFLICT',
        `${name} matches only where its context takes line ${removedTo}, which an earlier hunk removed (hunks overlap)`,
      );
    }
    let line = found.at;
    for (const { op, line: bytes } of h.ops) {
      if (op === ' ') {
        line++;
        continue;
      }
      if (line < frozen) {
        reject(
          'APPLY_CONFLICT',
          `${name} changes line ${line + 1}, which an earlier hunk already passed (hunks overlap or are out of order)`,
        );
      }
      out.copy(frozen, line);
      if (op === '-') removedTo = ++line;
      else out.add(bytes);
      frozen = line;
    }
    carried = found.at - h.stated;
    placements.push({ hunk: index + 1, line: found.at + 1, offset: carried, fuzz: found.fuzz });
  });
  out.copy(frozen, search.lines.count);
  return { content: out.bytes(), placements };
}

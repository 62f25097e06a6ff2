/**
 * A bundle's diff as lines to show: each line's kind and its text in pieces. A diff may hold
 * any bytes (Latin-1 files, NUL, binary junk), so nothing is decoded with U+FFFD: a byte that
 * is not UTF-8 is shown as `\xE9`, and so is a control character, which a page would otherwise
 * show as nothing; bidirectional formatting characters are shown as `\u{202E}`, so they cannot
 * reorder the code a reviewer reads ("Trojan Source", CVE-2021-42574), and zero-width ones
 * likewise (encoding/visible.ts says which). Pure, no DOM.
 */
import { isUtf8, utf8Runs, type TextRun } from '../../../core/encoding/utf8-runs.ts';
import { escapeInvisible, INVISIBLE } from '../../../core/encoding/visible.ts';

export type LineKind = 'add' | 'del' | 'context' | 'hunk' | 'meta';

/** Text as it is, a byte that is not UTF-8, or an invisible character; the last two escaped. */
export interface Piece {
  text: string;
  kind: 'text' | 'byte' | 'control';
}

export interface DiffLine {
  kind: LineKind;
  /** The line as shown, escapes included. */
  text: string;
  /** Set when the line holds something escaped. */
  pieces?: Piece[];
  /**
   * Characters of a very long line left out of `text` (shown as a count): laying out a line
   * of megabytes froze the page for seconds, and no one reads it on a screen.
   */
  more?: number;
}

/** Characters of one line that are shown; the rest is counted (`DiffLine.more`). */
export const SHOWN_PER_LINE = 10_000;

/** The runs cut to `limit` characters, and how many were left out. */
function cutRuns(runs: readonly TextRun[], limit: number): { runs: TextRun[]; more: number } {
  const kept: TextRun[] = [];
  let left = limit;
  let more = 0;
  for (const run of runs) {
    if (left <= 0) more += run.text.length;
    else if (run.text.length <= left) {
      kept.push(run);
      left -= run.text.length;
    } else {
      // Never between the halves of a surrogate pair.
      const last = run.text.charCodeAt(left - 1);
      const end = last >= 0xd800 && last <= 0xdbff ? left - 1 : left;
      kept.push({ ...run, text: run.text.slice(0, end) });
      more += run.text.length - end;
      left = 0;
    }
  }
  return { runs: kept, more };
}

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function textPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(INVISIBLE)) {
    if (match.index > last) pieces.push({ text: text.slice(last, match.index), kind: 'text' });
    pieces.push({ text: escapeInvisible(match[0]), kind: 'control' });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), kind: 'text' });
  return pieces;
}

/** One line for display: its op character (if ASCII), its text and, when needed, pieces. */
function showLine(whole: readonly TextRun[]): {
  first: string;
  text: string;
  pieces?: Piece[];
  more?: number;
} {
  const { runs, more } = cutRuns(whole, SHOWN_PER_LINE);
  const pieces = runs.flatMap((run): Piece[] =>
    run.undecodable ? [{ text: run.text, kind: 'byte' }] : textPieces(run.text),
  );
  const text = pieces.map((p) => p.text).join('');
  const first = runs[0]?.undecodable === true ? '' : (runs[0]?.text[0] ?? '');
  const plain = pieces.every((p) => p.kind === 'text');
  const shown = plain ? { first, text } : { first, text, pieces };
  return more > 0 ? { ...shown, more } : shown;
}

/** The diff's lines as runs of text and undecodable bytes (a final "\n" ends the last line). */
function* lineRuns(diff: Uint8Array): Generator<TextRun[]> {
  if (isUtf8(diff)) {
    // One line at a time (no split of the whole text): a caller that shows a large diff in
    // slices gets its first lines at once.
    const decoded = decoder.decode(diff);
    const text = decoded.endsWith('\n') ? decoded.slice(0, -1) : decoded;
    for (let start = 0; ;) {
      const newline = text.indexOf('\n', start);
      const end = newline < 0 ? text.length : newline;
      yield [{ text: text.slice(start, end), undecodable: false }];
      if (newline < 0) return;
      start = newline + 1;
    }
  }
  let start = 0;
  let count = 0;
  while (start <= diff.length) {
    const newline = diff.indexOf(NEWLINE, start);
    const end = newline < 0 ? diff.length : newline;
    if (newline < 0 && start === end && count > 0) break;
    count++;
    yield utf8Runs(diff.subarray(start, end));
    start = end + 1;
  }
}

/**
 * Classifies a unified diff's lines for display, one at a time (so a large diff can be shown
 * in slices, see diff-rows.ts). Hunk headers give line counts, so a removed line that happens
 * to start with "--- " is still a removal, and a file header after a hunk is still a header.
 * Anything unexpected is shown as 'meta', never dropped.
 */
export function* classifyLines(diff: Uint8Array): Generator<DiffLine> {
  let oldLeft = 0;
  let newLeft = 0;
  for (const runs of lineRuns(diff)) {
    const { first, ...shown } = showLine(runs);
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (inHunk && (first === '+' || first === '-' || first === ' ' || shown.text === '')) {
      const kind = first === '+' ? 'add' : first === '-' ? 'del' : 'context';
      if (kind !== 'add') oldLeft--;
      if (kind !== 'del') newLeft--;
      yield { kind, ...shown };
      continue;
    }
    const hunk = HUNK_HEADER.exec(shown.text);
    if (hunk !== null) {
      oldLeft = Number(hunk[1] ?? 1);
      newLeft = Number(hunk[2] ?? 1);
      yield { kind: 'hunk', ...shown };
      continue;
    }
    yield { kind: 'meta', ...shown };
  }
}

/** Every line of a diff, classified (classifyLines, all at once). */
export function classifyDiff(diff: Uint8Array): DiffLine[] {
  return [...classifyLines(diff)];
}

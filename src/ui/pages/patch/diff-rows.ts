/**
 * The diff viewer's model: every line with its old and new line numbers and the file it
 * belongs to (for the unified view), and the same lines paired left/right (for the side by
 * side view: a run of removals beside the additions that replace it). Built in slices that
 * give the page a turn every few milliseconds, so an 8 MiB diff shows progress instead of
 * freezing the page. Pure: no DOM.
 */
import { classifyLines, type DiffLine } from './diff-lines.ts';

export interface DiffRow extends DiffLine {
  oldNo?: number;
  newNo?: number;
  /** Index into `DiffModel.files` ('' before the first file header). */
  file: number;
}

/** One row of the side by side view: a header spanning both sides, or a left/right pair. */
export interface SplitRow {
  full?: DiffRow;
  left?: DiffRow;
  right?: DiffRow;
}

export interface DiffModel {
  rows: DiffRow[];
  split: SplitRow[];
  /** File paths as the diff names them (after `b/`), for highlighting by extension. */
  files: string[];
  adds: number;
  dels: number;
  /**
   * The widest line in monospace columns on each side of the side by side view, and of the
   * rows that span both: only the rows in view are in the DOM, so the layout cannot measure
   * the others, and each half is made this wide (diff.css) so every line can be scrolled to.
   */
  columns: { left: number; right: number; full: number };
}

const HUNK_START = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** The path a file header names, if this meta line is one. */
function headerPath(text: string): string | undefined {
  if (text.startsWith('+++ ') && !text.startsWith('+++ /dev/null'))
    return text.slice(4).split('\t')[0]?.replace(/^b\//, '');
  if (text.startsWith('diff --git ')) return text.split(' ').at(-1)?.replace(/^b\//, '');
  return undefined;
}

const TAB_SIZE = 4; // diff.css's tab-size
/** Anything but printable ASCII: a tab, or a character that may take two columns. */
const NOT_NARROW = /[^\x20-\x7e]/;

/**
 * Columns a line takes in a monospace font, never fewer than it shows: a tab counts as a
 * whole tab stop and any character past ASCII as two (CJK and emoji are drawn double width;
 * a surrogate pair is two units already). Too many only leaves room to spare.
 */
/**
 * What a screen reader says before a diff line, which the eye reads from its colour and its
 * first character: "added", "removed", and in side by side which side ("old", "new").
 */
export function spokenKind(kind: string, side?: 'old' | 'new'): string {
  const change = kind === 'add' ? 'added' : kind === 'del' ? 'removed' : '';
  const words = [side ?? '', change].filter((w) => w !== '').join(', ');
  return words === '' ? '' : `${words}: `;
}

export function lineColumns(text: string): number {
  if (!NOT_NARROW.test(text)) return text.length;
  let columns = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const surrogate = code >= 0xd800 && code <= 0xdfff;
    columns += code === 0x09 ? TAB_SIZE : code < 0x7f || surrogate ? 1 : 2;
  }
  return columns;
}

/** Folds lines into a model, one at a time. */
class ModelBuilder {
  readonly model: DiffModel = {
    rows: [],
    split: [],
    files: [''],
    adds: 0,
    dels: 0,
    columns: { left: 0, right: 0, full: 0 },
  };
  private oldNo = 0;
  private newNo = 0;
  /** Removals waiting for the additions that replace them (side by side). */
  private pending: DiffRow[] = [];

  add(line: DiffLine): void {
    const m = this.model;
    const row: DiffRow = { ...line, file: m.files.length - 1 };
    if (line.kind === 'meta') {
      const path = headerPath(line.text);
      if (path !== undefined && path !== m.files.at(-1)) {
        m.files.push(path);
        row.file = m.files.length - 1;
      }
    } else if (line.kind === 'hunk') {
      const start = HUNK_START.exec(line.text);
      this.oldNo = Number(start?.[1] ?? 1);
      this.newNo = Number(start?.[2] ?? 1);
    } else {
      if (line.kind !== 'add') row.oldNo = this.oldNo++;
      if (line.kind !== 'del') row.newNo = this.newNo++;
    }
    m.rows.push(row);
    this.pair(row);
  }

  private pair(row: DiffRow): void {
    const { split, columns } = this.model;
    const width = lineColumns(row.text);
    if (row.kind === 'del') {
      this.model.dels++;
      columns.left = Math.max(columns.left, width);
      this.pending.push(row);
      return;
    }
    if (row.kind === 'add') {
      this.model.adds++;
      columns.right = Math.max(columns.right, width);
      const left = this.pending.shift();
      split.push(left === undefined ? { right: row } : { left, right: row });
      return;
    }
    this.flush();
    if (row.kind === 'context') {
      columns.left = Math.max(columns.left, width);
      columns.right = Math.max(columns.right, width);
      split.push({ left: row, right: row });
    } else {
      columns.full = Math.max(columns.full, width);
      split.push({ full: row });
    }
  }

  flush(): void {
    for (const left of this.pending) this.model.split.push({ left });
    this.pending = [];
  }
}

/** The whole model at once (small diffs, tests). */
export function buildDiffModel(diff: Uint8Array): DiffModel {
  const builder = new ModelBuilder();
  for (const line of classifyLines(diff)) builder.add(line);
  builder.flush();
  return builder.model;
}

function countLines(diff: Uint8Array): number {
  let count = 1;
  for (let at = diff.indexOf(0x0a); at >= 0; at = diff.indexOf(0x0a, at + 1)) count++;
  return count;
}

export interface SliceOptions {
  /** Lines done and (about) how many there are, after each slice. */
  progress?: (done: number, total: number) => void;
  /** Longest a slice runs before the page gets a turn (default 8 ms). */
  budgetMs?: number;
  /** Stops early (a newer diff replaced this one); the promise then resolves undefined. */
  cancelled?: () => boolean;
  now?: () => number;
}

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Characters encoded per task: about 1 MiB of text, 5–20 ms on this machine. */
const ENCODE_SLICE_CHARS = 1 << 20;

/**
 * UTF-8 bytes of `text`, encoded in slices with a turn for the page after each (encoding a
 * 9 MiB diff at once took 40–180 ms here). A slice never ends between the two halves of a
 * surrogate pair, so the bytes are exactly `TextEncoder`'s; undefined once `cancelled`.
 */
export async function utf8InSlices(
  text: string,
  options: { sliceChars?: number; cancelled?: () => boolean } = {},
): Promise<Uint8Array | undefined> {
  const size = Math.max(2, options.sliceChars ?? ENCODE_SLICE_CHARS);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    const part = encoder.encode(text.slice(at, end));
    parts.push(part);
    length += part.length;
    at = end;
    await turn();
    if (options.cancelled?.() === true) return undefined;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * `buildDiffModel` in slices, giving the page a turn between them. A diff given as text (a
 * bundle's `patch_diff`) is encoded in slices first (`utf8InSlices`).
 */
export async function buildDiffModelInSlices(
  source: Uint8Array | string,
  options: SliceOptions = {},
): Promise<DiffModel | undefined> {
  const now = options.now ?? (() => performance.now());
  const budget = options.budgetMs ?? 8;
  const diff = typeof source === 'string' ? await utf8InSlices(source, options) : source;
  if (diff === undefined) return undefined;
  const total = countLines(diff);
  const builder = new ModelBuilder();
  let started = now();
  let done = 0;
  for (const line of classifyLines(diff)) {
    builder.add(line);
    if (++done % 256 !== 0 || now() - started < budget) continue;
    options.progress?.(done, total);
    await turn();
    if (options.cancelled?.() === true) return undefined;
    started = now();
  }
  builder.flush();
  options.progress?.(total, total);
  return builder.model;
}

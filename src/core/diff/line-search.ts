/**
 * Finding a hunk's lines in a file in linear time: the file's lines interned to integers
 * (equal ids exactly when the bytes are equal), and Knuth–Morris–Pratt scanners over them, one
 * walking up from a position and one walking down, each deciding one candidate position per
 * step in amortised constant time. GNU patch tries positions in a fixed order (offset 0, +1,
 * -1, +2, -2, ..., within bounds) and compares every line at each, which is quadratic on
 * repeated lines; the scanners decide the same positions in the same order, so the first match
 * is the one GNU patch finds, at a cost linear in the file and the hunk.
 */

/** Counts line comparisons and scanner steps, so tests can bound the work placement does. */
export interface PlacementWork {
  steps: number;
}

/** windows-1252 maps each byte to its own UTF-16 unit: the decoded text interns bytes exactly. */
const bytesAsText = new TextDecoder('latin1');

export interface LineIds {
  /** Id of each line of the file. */
  file: Int32Array;
  /** Id of a line's bytes; -1 when no line of the file has them. */
  of(line: Uint8Array): number;
}

export function internLines(bytes: Uint8Array, starts: readonly number[]): LineIds {
  const text = bytesAsText.decode(bytes);
  const table = new Map<string, number>();
  const file = new Int32Array(starts.length - 1);
  for (let i = 0; i < file.length; i++) {
    const key = text.slice(starts[i], starts[i + 1]);
    let id = table.get(key);
    if (id === undefined) table.set(key, (id = table.size));
    file[i] = id;
  }
  return { file, of: (line) => table.get(bytesAsText.decode(line)) ?? -1 };
}

/** KMP failure function: fail[k] = longest proper border of pattern[0..k]. */
function failures(pattern: Int32Array, work: PlacementWork): Int32Array {
  const fail = new Int32Array(pattern.length);
  for (let k = 1, b = 0; k < pattern.length; k++) {
    while (b > 0 && pattern[k] !== pattern[b]) b = fail[b - 1] ?? 0;
    if (pattern[k] === pattern[b]) b++;
    fail[k] = b;
    work.steps++;
  }
  return fail;
}

/**
 * Decides whether `pattern` occurs at positions of `text` given in one direction (increasing
 * for step 1, decreasing for step -1). Each text item is fed at most once; a jump past items
 * not yet fed restarts the automaton there, since earlier items cannot bear on later positions.
 */
class Scanner {
  private readonly fail: Int32Array;
  private readonly pattern: Int32Array;
  private state = 0;
  /** Next text index to feed. */
  private next = Number.NaN;

  constructor(
    private readonly text: Int32Array,
    pattern: Int32Array,
    private readonly step: 1 | -1,
    private readonly work: PlacementWork,
  ) {
    // Walking down, the text is read backwards, so the pattern is too.
    this.pattern = step === 1 ? pattern : pattern.slice().reverse();
    this.fail = failures(this.pattern, work);
  }

  /** Whether the pattern occurs at `at`, the callers' positions running in this direction. */
  matches(at: number): boolean {
    const m = this.pattern.length;
    const up = this.step === 1;
    // The first and the last text index that decide position `at`, in feeding order.
    const [from, until] = up ? [at, at + m - 1] : [at + m - 1, at];
    if (!(up ? this.next >= from : this.next <= from)) {
      this.next = from;
      this.state = 0;
    }
    while (up ? this.next <= until : this.next >= until) {
      const item = this.text[this.next];
      this.next += this.step;
      let s = this.state === m ? (this.fail[m - 1] ?? 0) : this.state;
      while (s > 0 && item !== this.pattern[s]) s = this.fail[s - 1] ?? 0;
      this.state = item === this.pattern[s] ? s + 1 : 0;
      this.work.steps++;
    }
    return this.state === m;
  }
}

/**
 * The candidate positions in GNU patch's order: for offset from `minOffset` up, `guess +
 * offset` while offset <= maxPos, then `guess - offset` while offset <= maxNeg. Only
 * positions in [lowest, highest] can match: elsewhere a compared line is outside the file.
 */
export interface Candidates {
  guess: number;
  minOffset: number;
  maxPos: number;
  maxNeg: number;
  lowest: number;
  highest: number;
}

/**
 * The first candidate, in GNU patch's order, that `test` accepts; skips the offsets where
 * neither side has a position that can match, so the walk is at most twice the file long
 * however far off the guess is. 'stopped' when `stop` says so first.
 */
export function walkCandidates(
  c: Candidates,
  test: (at: number, up: boolean) => boolean,
  stop: () => boolean = () => false,
): number | undefined | 'stopped' {
  const upLo = Math.max(c.minOffset, c.lowest - c.guess);
  const upHi = Math.min(c.maxPos, c.highest - c.guess);
  const downLo = Math.max(c.minOffset, c.guess - c.highest);
  const downHi = Math.min(c.maxNeg, c.guess - c.lowest);
  const starts = [upLo <= upHi ? upLo : Infinity, downLo <= downHi ? downLo : Infinity];
  const end = Math.max(upLo <= upHi ? upHi : -Infinity, downLo <= downHi ? downHi : -Infinity);
  for (let offset = Math.min(...starts); offset <= end; offset++) {
    const up = offset >= upLo && offset <= upHi;
    const down = offset >= downLo && offset <= downHi;
    if (!up && !down) {
      offset = Math.min(...starts.filter((start) => start > offset)) - 1;
      continue;
    }
    if (stop()) return 'stopped';
    if (up && test(c.guess + offset, true)) return c.guess + offset;
    if (down && test(c.guess - offset, false)) return c.guess - offset;
  }
  return undefined;
}

/**
 * The first candidate position where `pattern` (line ids, -1 for a line the file lacks)
 * starts `skip` lines in; undefined when none matches. Linear: each scanner feeds each line
 * at most once.
 */
export function firstMatch(
  ids: Int32Array,
  pattern: Int32Array,
  skip: number,
  c: Candidates,
  work: PlacementWork,
): number | undefined {
  if (pattern.includes(-1)) return undefined;
  const up = new Scanner(ids, pattern, 1, work);
  const down = new Scanner(ids, pattern, -1, work);
  const found = walkCandidates(c, (at, upward) => {
    work.steps++;
    return (upward ? up : down).matches(at + skip);
  });
  return found === 'stopped' ? undefined : found;
}

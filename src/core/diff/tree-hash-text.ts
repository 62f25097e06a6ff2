/**
 * The text a tree hash is the SHA-256 of (tree-hash.ts): one line per regular file,
 * `<sha256 hex> <100644|100755> <path>\n`, sorted by the UTF-8 bytes of the paths, kept with
 * each line's end and path so that a few changed files cost a few lines, not a new text:
 * the lines between changes are carried over as byte ranges, never re-serialised or re-sorted.
 * Paths are the tree's own (any name a filesystem holds, a line break included); a line's end
 * is recorded, never searched for.
 */
import { concatAll, utf8Encode } from '../encoding/bytes.ts';

export interface FileDigest {
  digest: string;
  executable: boolean;
}

/** A tree-hash text: line i is `text[ends[i - 1] ?? 0 .. ends[i]]`, the line of `paths[i]`. */
export interface TreeText {
  paths: readonly string[];
  text: Uint8Array;
  ends: Uint32Array;
}

function byUtf8Bytes(x: Uint8Array, y: Uint8Array): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}

/**
 * Compares by UTF-8 bytes (not UTF-16 units), so every implementation sorts alike. Below
 * U+D800 the two orders agree, so strings are compared directly and encoded only when they
 * first differ at a surrogate or above (encoding every path cost more than the rest of the
 * tree hash).
 */
export function byUtf8(x: string, y: string): number {
  const common = Math.min(x.length, y.length);
  for (let i = 0; i < common; i++) {
    const [a, b] = [x.charCodeAt(i), y.charCodeAt(i)];
    if (a === b) continue;
    if (a < 0xd800 && b < 0xd800) return a - b;
    return byUtf8Bytes(utf8Encode(x), utf8Encode(y));
  }
  // One is a prefix of the other, in bytes too unless a surrogate pair straddles the end.
  const last = common === 0 ? 0 : x.charCodeAt(common - 1);
  if (last < 0xd800 || last > 0xdbff) return x.length - y.length;
  return byUtf8Bytes(utf8Encode(x), utf8Encode(y));
}

/** Where a line starts: `path` begins after the digest, the mode and two spaces. */
export const LINE_PATH_AT = 64 + 1 + 6 + 1;

export const treeLine = (path: string, file: FileDigest): string =>
  `${file.digest} ${file.executable ? '100755' : '100644'} ${path}\n`;

/** The text of files already sorted by `byUtf8`, one line each. */
export function treeTextOf(paths: readonly string[], files: readonly FileDigest[]): TreeText {
  const lines = paths.map((path, i) => treeLine(path, files[i] as FileDigest));
  const encoded = lines.map(utf8Encode);
  const ends = new Uint32Array(encoded.length);
  encoded.reduce((end, line, i) => (ends[i] = end + line.length), 0);
  return { paths, text: concatAll(encoded), ends };
}

/** The index of `path` in sorted `paths`, or -(insertion point) - 1. */
function search(paths: readonly string[], path: string): number {
  let [low, high] = [0, paths.length - 1];
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = byUtf8(paths[mid] as string, path);
    if (order === 0) return mid;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -low - 1;
}

/**
 * The text with `changes` made: a file written (its digest and mode) or deleted (null). Lines
 * between changed ones are carried over as they are; cost in proportion to the changes, plus
 * one copy of the text.
 */
export function editTreeText(
  before: TreeText,
  changes: ReadonlyMap<string, FileDigest | null>,
): TreeText {
  const edits = [...changes.keys()].sort(byUtf8);
  const paths: string[] = [];
  const parts: Uint8Array[] = [];
  const lengths: number[] = [];
  let next = 0; // the first line of `before` not yet carried over
  const carry = (to: number): void => {
    if (to <= next) return;
    const start = next === 0 ? 0 : (before.ends[next - 1] as number);
    parts.push(before.text.subarray(start, before.ends[to - 1]));
    for (let i = next; i < to; i++) {
      paths.push(before.paths[i] as string);
      lengths.push((before.ends[i] as number) - (i === 0 ? 0 : (before.ends[i - 1] as number)));
    }
    next = to;
  };
  for (const path of edits) {
    const at = search(before.paths, path);
    carry(at < 0 ? -at - 1 : at);
    if (at >= 0) next = at + 1; // the old line is replaced or dropped
    const file = changes.get(path) ?? null;
    if (file === null) continue;
    const line = utf8Encode(treeLine(path, file));
    parts.push(line);
    paths.push(path);
    lengths.push(line.length);
  }
  carry(before.paths.length);
  const ends = new Uint32Array(lengths.length);
  lengths.reduce((end, length, i) => (ends[i] = end + length), 0);
  return { paths, text: concatAll(parts), ends };
}

/**
 * Unified diff parser for the formats `git diff`, `git format-patch`, `diff -u` and quilt
 * write: several files per diff, git extended headers, "\ No newline at end of file", CRLF
 * content, hunk counts without ",1", and prose before the first file. The input is untrusted:
 * every malformation is a coded `MALFORMED_INPUT` naming the line.
 */
import { reject } from '../errors.ts';
import { gitFileNames, type GitNames } from './git-names.ts';
import { readDiffLines, shownLine, type DiffLines } from './lines.ts';
import type { FilePatch, Hunk, HunkLine, LineOp, ParsedDiff } from './model.ts';
import { headerPath, stripPath } from './paths.ts';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const MAX_COUNT = 100_000_000;
const GIT_HEADER_KEYS = [
  'old mode',
  'new mode',
  'new file mode',
  'deleted file mode',
  'rename from',
  'rename to',
  'copy from',
  'copy to',
  'similarity index',
  'dissimilarity index',
  'index',
] as const;

interface Cursor {
  lines: string[];
  /** Exact bytes of the lines that are not UTF-8 (see lines.ts). */
  source: DiffLines;
  at: number;
}

function fail(cursor: Cursor, message: string): never {
  return reject('MALFORMED_INPUT', `diff line ${cursor.at + 1}: ${message}`);
}

/** A line that names a path: paths are text, so one that is not UTF-8 is refused. */
function pathLine(cursor: Cursor, at = cursor.at): string {
  if (cursor.source.raw.has(at)) {
    cursor.at = at;
    fail(cursor, `a path that is not UTF-8: ${shownLine(cursor.source, at)}`);
  }
  return cursor.lines[at] ?? '';
}

function isUnifiedStart(lines: string[], at: number): boolean {
  return (lines[at] ?? '').startsWith('--- ') && (lines[at + 1] ?? '').startsWith('+++ ');
}

function isFileStart(lines: string[], at: number): boolean {
  const line = lines[at] ?? '';
  return (
    line.startsWith('diff --git ') ||
    isUnifiedStart(lines, at) ||
    isTraditionalBinary(structural(line))
  );
}

/**
 * `diff -r`'s line for two files that differ and are not text (GNU and BSD diff alike): the
 * change exists and the diff carries none of it, as a git diff's "Binary files … differ" line.
 */
function isTraditionalBinary(line: string): boolean {
  // Not a regular expression: two greedy groups would backtrack over a hostile long line.
  return (
    line.startsWith(BINARY_LEAD) &&
    line.endsWith(BINARY_END) &&
    line.indexOf(' and ', BINARY_LEAD.length) > BINARY_LEAD.length &&
    line.length > BINARY_LEAD.length + BINARY_END.length + ' and '.length
  );
}
const BINARY_LEAD = 'Binary files ';
const BINARY_END = ' differ';

/**
 * The two names of a traditional "Binary files A and B differ" line. A name may hold " and ":
 * of the ways to split, the one whose names agree after the usual one leading component
 * (old/x, new/x) is taken, else the first.
 */
function binaryNames(line: string): [string, string] {
  const both = line.slice(BINARY_LEAD.length, -BINARY_END.length);
  const split = (at: number): [string, string] => [
    both.slice(0, at),
    both.slice(at + ' and '.length),
  ];
  const tail = (path: string) => path.slice(path.indexOf('/') + 1);
  const first = both.indexOf(' and ');
  // A bounded number of tries: a hostile line may hold " and " a million times.
  for (
    let at = first, tries = 0;
    at > 0 && tries < 64;
    at = both.indexOf(' and ', at + 1), tries++
  ) {
    const [a, b] = split(at);
    if (tail(a) === tail(b)) return [a, b];
  }
  return split(first);
}

/**
 * A line of the diff's own structure (a header, a hunk header, git's extended headers) without
 * the carriage return a patch saved with CRLF line endings leaves on it, as git apply reads
 * them. Content lines keep every byte: a CR there is the file's.
 */
function structural(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function count(text: string | undefined, cursor: Cursor, what: 'number' | 'count'): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (n > MAX_COUNT) fail(cursor, `hunk line ${what} out of range`);
  return n;
}

function parseHunk(cursor: Cursor): Hunk {
  const match = HUNK_HEADER.exec(structural(shownLine(cursor.source, cursor.at)));
  if (match === null) return fail(cursor, 'malformed hunk header');
  const hunk: Hunk = {
    oldStart: count(match[1], cursor, 'number'),
    oldLines: count(match[2], cursor, 'count'),
    newStart: count(match[3], cursor, 'number'),
    newLines: count(match[4], cursor, 'count'),
    section: (match[5] ?? '').trim(),
    lines: [],
  };
  // "-1,0 +1,0" says the hunk has no lines at all: whatever follows it would be read as prose,
  // shown to a reviewer as a change and never applied (git apply: "corrupt patch").
  if (hunk.oldLines === 0 && hunk.newLines === 0)
    fail(cursor, 'a hunk with no lines (its header counts are 0 and 0)');
  cursor.at++;
  let oldLeft = hunk.oldLines;
  let newLeft = hunk.newLines;
  while (oldLeft > 0 || newLeft > 0) {
    const line = cursor.lines[cursor.at];
    if (line === undefined) return fail(cursor, 'hunk ends early (truncated diff?)');
    // An empty line is context whose single space was stripped (GNU patch and git accept it).
    const op = (line === '' ? ' ' : line[0]) as LineOp | '\\';
    if (op === '\\') {
      markNoEol(hunk, cursor);
      continue;
    }
    if (op !== ' ' && op !== '-' && op !== '+') return fail(cursor, 'expected a hunk line');
    if (op !== '+') oldLeft--;
    if (op !== '-') newLeft--;
    if (oldLeft < 0 || newLeft < 0) return fail(cursor, 'hunk has more lines than its header says');
    hunk.lines.push(hunkLine(cursor, op, line));
    cursor.at++;
  }
  if ((cursor.lines[cursor.at] ?? '').startsWith('\\')) markNoEol(hunk, cursor);
  return hunk;
}

function hunkLine(cursor: Cursor, op: LineOp, line: string): HunkLine {
  const raw = cursor.source.raw.get(cursor.at);
  if (raw === undefined) return { op, text: line.slice(1), eol: true };
  const bytes = raw.subarray(1);
  return { op, text: shownLine(cursor.source, cursor.at).slice(1), eol: true, bytes };
}

const TIMESTAMP =
  /\t(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?: ([-+])(\d\d)(\d\d))?\s*$/;

/**
 * True when a "--- " / "+++ " header's time is the Unix epoch in its own zone, the way
 * `diff -N` and quilt mark the absent side of a created or deleted file.
 */
function hasEpochTimestamp(header: string): boolean {
  const m = TIMESTAMP.exec(header);
  if (m === null) return false;
  const [, y, mo, d, h, mi, s, frac, sign, zh, zm] = m;
  if (frac !== undefined && /[^0]/.test(frac)) return false;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  return local - offset * 60_000 === 0;
}

function markNoEol(hunk: Hunk, cursor: Cursor): void {
  const last: HunkLine | undefined = hunk.lines[hunk.lines.length - 1];
  if (last === undefined || !last.eol) fail(cursor, 'misplaced "\\ No newline at end of file"');
  last.eol = false;
  cursor.at++;
}

interface RawFile {
  /** Set for a "diff --git" file patch: every name it gives, checked in git-names.ts. */
  git?: GitNames;
  /** The "--- " / "+++ " lines carry the Unix epoch as their time: creation / deletion. */
  oldEpoch?: boolean;
  newEpoch?: boolean;
  oldPath?: string | null;
  newPath?: string | null;
  oldMode?: string;
  newMode?: string;
  indexMode?: string;
  /** git's "index OLD..NEW" blob names, as written (abbreviated or whole). */
  index?: { old: string; new: string };
  binary: boolean;
  hunks: Hunk[];
}

/** Reads git's extended header lines after "diff --git" (git-diff(1), "EXTENDED HEADERS"). */
function parseGitHeaders(cursor: Cursor, file: RawFile, git: GitNames): void {
  for (;;) {
    const given = cursor.lines[cursor.at];
    const line = given === undefined ? undefined : structural(given);
    if (
      line === undefined ||
      line.startsWith('--- ') ||
      line.startsWith('@@') ||
      line.startsWith('diff --git ')
    )
      return;
    const key = GIT_HEADER_KEYS.find((k) => line.startsWith(`${k} `));
    const value = key === undefined ? '' : line.slice(key.length + 1);
    if (key === 'old mode') file.oldMode = gitMode(cursor, key, value);
    else if (key === 'new mode') file.newMode = gitMode(cursor, key, value);
    else if (key === 'new file mode')
      [git.created, file.newMode] = [true, gitMode(cursor, key, value)];
    else if (key === 'deleted file mode')
      [git.deleted, file.oldMode] = [true, gitMode(cursor, key, value)];
    else if (key === 'index') {
      // "index <hash>..<hash>", then the mode when the change keeps it (git's gitdiff_index).
      const hashes = /^([0-9a-f]+)\.\.([0-9a-f]+)/.exec(value);
      if (hashes !== null) file.index = { old: hashes[1] ?? '', new: hashes[2] ?? '' };
      const mode = hashes === null ? '' : value.slice(hashes[0].length);
      if (mode.startsWith(' ') && mode.trim() !== '')
        file.indexMode = gitMode(cursor, key, mode.trim());
    } else if (key !== undefined && /^(rename|copy) (from|to)$/.test(key)) {
      const [kind, side] = key.split(' ') as ['rename' | 'copy', 'from' | 'to'];
      const path = headerPath(pathLine(cursor).slice(key.length + 1));
      if (git[side] !== undefined) fail(cursor, `a second "${kind} ${side}"`);
      git[side] = { kind, path: path ?? '/dev/null' };
    } else if (/^Binary files? /.test(line) || line === 'GIT binary patch') {
      // "Binary files a/x and b/x differ" (git), "Binary file x has changed" (Mercurial).
      file.binary = true;
      skipBinary(cursor);
      return;
    } else if (key === undefined) {
      return; // prose after a header-only change (e.g. a format-patch signature)
    }
    cursor.at++;
  }
}

/**
 * The mode a git mode line gives, as git writes it for a file: 100644 or 100755 (git's legacy
 * 100664 is read as 100644, as git reads it), or a symbolic link (120000) or a submodule
 * (160000), which the planner refuses by name (unappliable.ts; git reads any permission bits on
 * those as the same type, so 120777 is a link too). Leading zeros and trailing spaces are read
 * as git reads them. Anything else is refused: before, a mode was read by its 0o100 bit alone,
 * so a directory's 40755 made an executable file, 104755 dropped its setuid bit without a word,
 * and a 20-digit number made a 0644 file.
 */
function gitMode(cursor: Cursor, key: string, value: string): string {
  const given = value.trimEnd();
  const mode = /^0*(100644|100755|100664|12[0-7]{4}|16[0-7]{4})$/.exec(given)?.[1];
  if (mode === undefined) {
    const shown = given.length > 40 ? `${given.slice(0, 40)}…` : given;
    return fail(cursor, `"${key} ${shown}": not a mode git gives a file (100644 or 100755)`);
  }
  return mode === '100664' ? '100644' : mode;
}

function skipBinary(cursor: Cursor): void {
  cursor.at++;
  while (cursor.at < cursor.lines.length && !isFileStart(cursor.lines, cursor.at)) cursor.at++;
}

function parseFile(cursor: Cursor): RawFile {
  const file: RawFile = { binary: false, hunks: [] };
  const first = pathLine(cursor);
  if (first.startsWith('diff --git ')) {
    file.git = { header: structural(first.slice('diff --git '.length)), line: cursor.at + 1 };
    cursor.at++;
    parseGitHeaders(cursor, file, file.git);
    if (file.binary) return file;
  }
  const binary = file.git === undefined && isTraditionalBinary(structural(first));
  if (binary) {
    [file.oldPath, file.newPath] = binaryNames(structural(first));
    file.binary = true;
    cursor.at++;
    return file;
  }
  if (isUnifiedStart(cursor.lines, cursor.at)) {
    const oldHeader = pathLine(cursor).slice(4);
    const newHeader = pathLine(cursor, cursor.at + 1).slice(4);
    file.oldPath = headerPath(oldHeader);
    file.newPath = headerPath(newHeader);
    file.oldEpoch = hasEpochTimestamp(oldHeader);
    file.newEpoch = hasEpochTimestamp(newHeader);
    if (file.git !== undefined) [file.git.oldPath, file.git.newPath] = [file.oldPath, file.newPath];
    cursor.at += 2;
    if (!(cursor.lines[cursor.at] ?? '').startsWith('@@'))
      fail(cursor, 'expected a hunk after "+++"');
  }
  while ((cursor.lines[cursor.at] ?? '').startsWith('@@')) file.hunks.push(parseHunk(cursor));
  refuseStrayLines(cursor);
  return file;
}

/**
 * Where a file patch ends (its last hunk's counts met, or a git header with no hunk), the next
 * line that is not blank must not look like a hunk line: a "+", "-" or " " line there is shown
 * to a reviewer as part of the change and never applied (GNU patch drops it silently, git apply
 * says "corrupt patch"). A hunk whose header counts too few lines is refused here. `git
 * format-patch`'s signature ("-- ", or "--" once a mailer trims it) is not such a line: what
 * follows it is the mail's, and so is prose that is not blank (`diff -ruN`'s "diff" lines,
 * "Index:" lines, `git log -p`'s "commit" lines and the indented message after them).
 */
function refuseStrayLines(cursor: Cursor): void {
  let at = cursor.at;
  while (at < cursor.lines.length && structural(cursor.lines[at] ?? '') === '') at++;
  const line = cursor.lines[at];
  if (line === undefined || isFileStart(cursor.lines, at)) return;
  const text = structural(line).trimEnd();
  if (text === '--') return;
  if (line.startsWith('+') || line.startsWith('-') || line.startsWith(' ')) {
    cursor.at = at;
    fail(
      cursor,
      `a "${line[0]}" line after the hunk is complete (its header counts fewer lines than follow it; they would be shown and never applied)`,
    );
  }
}

/** A `diff -u` / quilt file patch's names: `diff -N` marks a missing side with the epoch. */
function traditionalNames(raw: RawFile, strip: number): [string | null, string | null] {
  const strip1 = (p: string | null | undefined): string | null =>
    p === null || p === undefined ? null : stripPath(p, strip);
  let oldPath = strip1(raw.oldPath);
  let newPath = strip1(raw.newPath);
  if (raw.oldEpoch === true && newPath !== null) oldPath = null;
  if (raw.newEpoch === true && oldPath !== null) newPath = null;
  return [oldPath, newPath];
}

function finishFile(raw: RawFile, strip: number): FilePatch {
  const [oldPath, newPath] =
    raw.git === undefined ? traditionalNames(raw, strip) : gitFileNames(raw.git, strip);
  const copied = raw.git?.from?.kind;
  const kind = oldPath === null ? 'create' : newPath === null ? 'delete' : (copied ?? 'modify');
  if (oldPath === null && newPath === null) reject('MALFORMED_INPUT', 'a file patch names no path');
  const patch: FilePatch = { kind, oldPath, newPath, binary: raw.binary, hunks: raw.hunks };
  if (raw.oldMode !== undefined) patch.oldMode = raw.oldMode;
  if (raw.newMode !== undefined) patch.newMode = raw.newMode;
  if (raw.indexMode !== undefined) patch.indexMode = raw.indexMode;
  if (raw.git === undefined) patch.traditional = true;
  if (!raw.binary && raw.hunks.length === 0 && raw.git === undefined) {
    reject('MALFORMED_INPUT', `file "${newPath ?? oldPath}" has no hunks`);
  }
  if (!raw.binary && raw.hunks.length === 0 && raw.git !== undefined)
    refuseEmptyGitChange(raw, patch);
  return patch;
}

/** The empty blob's name, in a repository of SHA-1 objects and of SHA-256 ones. */
const EMPTY_BLOBS = [
  'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391',
  '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813',
];
const isEmptyBlob = (name: string) =>
  name.length >= 7 && EMPTY_BLOBS.some((blob) => blob.startsWith(name));

/**
 * A git file patch with no hunk carries a change only in its header: a new or deleted empty
 * file, a rename or copy, a mode change. One whose index line says the content changes (other
 * than to or from the empty file), or that says nothing at all, is a diff cut short: it would
 * be signed, listed and "applied" as a change that is never made. git apply refuses it ("patch
 * with only garbage"); GNU patch skips it silently.
 */
function refuseEmptyGitChange(raw: RawFile, patch: FilePatch): void {
  const name = JSON.stringify(patch.newPath ?? patch.oldPath);
  const at = `diff line ${raw.git?.line ?? 0}`;
  const index = raw.index;
  if (index !== undefined && index.old !== index.new) {
    const empty =
      (patch.kind === 'create' && isEmptyBlob(index.new)) ||
      (patch.kind === 'delete' && isEmptyBlob(index.old));
    if (!empty)
      reject(
        'MALFORMED_INPUT',
        `${at}: git's index line for ${name} says its content changes (${index.old}..${index.new}), but no hunk follows (a diff cut short?)`,
      );
  }
  const modeChange = patch.oldMode !== undefined && patch.newMode !== undefined;
  if (patch.kind === 'modify' && !modeChange)
    reject(
      'MALFORMED_INPUT',
      `${at}: the git header for ${name} changes nothing (no hunk, mode change, rename or copy follows; a diff cut short?)`,
    );
}

/**
 * The line `git format-patch` starts each commit's mail with (a fixed date, not a real one):
 * a SHA-1 commit id, or in a repository of SHA-256 objects, a 64-digit one.
 */
const MBOX_FROM = /^From [0-9a-f]{40}(?:[0-9a-f]{24})? Mon Sep 17 00:00:00 2001$/;

/** A merge's combined diff (`git show` of a merge, `diff --cc`) says nothing one tree can take. */
function refuseCombined(cursor: Cursor): void {
  const line = cursor.lines[cursor.at] ?? '';
  if (line.startsWith('diff --cc ') || line.startsWith('diff --combined '))
    fail(
      cursor,
      'a combined diff (a merge against its parents) cannot be applied; give a diff against one parent',
    );
}

/**
 * Parses a unified diff, given as text or as its exact bytes (which need not be UTF-8: content
 * lines that are not keep their bytes, see `HunkLine.bytes`; paths must be UTF-8). `strip`
 * removes that many leading path components (`-p N`, default 1 as in `git apply`). Rejects
 * text with no file patch in it: prose is not a diff.
 */
export function parseDiff(diff: string | Uint8Array, strip = 1): ParsedDiff {
  if (!Number.isInteger(strip) || strip < 0)
    throw new RangeError('parseDiff: strip must be a whole number');
  const source = readDiffLines(diff);
  const cursor: Cursor = { lines: source.text, source, at: 0 };
  const onlyIn: string[] = [];
  const noteOnlyIn = () => {
    const named = onlyInName(structural(cursor.lines[cursor.at] ?? ''));
    if (named !== undefined && onlyIn.length < 100) onlyIn.push(named);
  };
  while (cursor.at < cursor.lines.length && !isFileStart(cursor.lines, cursor.at)) {
    refuseCombined(cursor);
    noteOnlyIn();
    cursor.at++;
  }
  const preamble = Array.from({ length: cursor.at }, (_, i) => shownLine(source, i)).join('\n');
  const files: FilePatch[] = [];
  // Commits of a format-patch series after the first: each starts with its mbox "From" line.
  let commit = 0;
  while (cursor.at < cursor.lines.length) {
    refuseCombined(cursor);
    if (isFileStart(cursor.lines, cursor.at)) {
      const file = finishFile(parseFile(cursor), strip);
      if (commit > 0) file.commit = commit;
      files.push(file);
    } else if (files.length > 0 && MBOX_FROM.test(structural(cursor.lines[cursor.at] ?? ''))) {
      commit++;
      cursor.at++;
    } else if ((cursor.lines[cursor.at] ?? '').startsWith('@@') && files.length > 0) {
      fail(cursor, 'hunk outside a file');
    } else {
      noteOnlyIn();
      cursor.at++; // prose between or after files ("-- " signatures, "Index:" lines)
    }
  }
  if (files.length === 0)
    reject('MALFORMED_INPUT', `not a unified diff: ${otherFormat(cursor.lines)}`);
  return { preamble, files, onlyIn };
}

/** "DIR/NAME" of `diff -r`'s "Only in DIR: NAME" (GNU and BSD diff), else undefined. */
function onlyInName(line: string): string | undefined {
  if (!line.startsWith('Only in ')) return undefined;
  const colon = line.indexOf(': ', 'Only in '.length);
  if (colon < 0 || colon + 2 >= line.length) return undefined;
  const dir = line.slice('Only in '.length, colon);
  return `${dir.endsWith('/') ? dir : `${dir}/`}${line.slice(colon + 2)}`;
}

/** A normal diff's command line ("2c2", "5,7d4", "3a4,6") and an ed script's ("2c", "5,7d"). */
const NORMAL_COMMAND = /^\d+(?:,\d+)?[acd]\d+(?:,\d+)?$/;
const ED_COMMAND = /^\d+(?:,\d+)?[acd]$/;

/** What the text is instead, when it holds no file patch: the formats diff writes, named. */
function otherFormat(lines: readonly string[]): string {
  const at = (i: number) => structural(lines[i] ?? '');
  // An ed script's appended or changed text ends with a line holding only ".".
  let lastDot = -1;
  for (let i = lines.length - 1; i >= 0 && lastDot === -1; i--) if (at(i) === '.') lastDot = i;
  for (let i = 0; i < lines.length; i++) {
    const line = at(i);
    if (line === '***************') return 'this is a context diff (diff -c); make it with diff -u';
    if (NORMAL_COMMAND.test(line) && /^[<>] /.test(at(i + 1)))
      return 'this is a normal diff (diff without -u), which names no file; make it with diff -u';
    if (ED_COMMAND.test(line) && (line.endsWith('d') || i < lastDot))
      return 'this is an ed script (diff -e), which names no file; make it with diff -u';
  }
  return 'no file patch found';
}

/** The target paths a diff touches, after stripping, in order and without repeats. */
export function touchedPaths(diff: ParsedDiff): string[] {
  const seen = new Set<string>();
  for (const file of diff.files) {
    for (const path of [file.oldPath, file.newPath]) if (path !== null) seen.add(path);
  }
  return [...seen];
}

/** The inverse of a parsed diff: applying it undoes the original, byte for byte. */
import type { FilePatch, Hunk, ParsedDiff } from './model.ts';

/** A hunk that undoes `h`: its added lines removed, its removed lines added back. */
export function reverseHunk(h: Hunk): Hunk {
  return {
    oldStart: h.newStart,
    oldLines: h.newLines,
    newStart: h.oldStart,
    newLines: h.oldLines,
    section: h.section,
    lines: h.lines.map((l) => ({ ...l, op: l.op === '+' ? '-' : l.op === '-' ? '+' : ' ' })),
  };
}

function reverseFile(file: FilePatch): FilePatch {
  const kind = file.kind === 'create' ? 'delete' : file.kind === 'delete' ? 'create' : file.kind;
  const reversed: FilePatch = {
    kind,
    oldPath: file.newPath,
    newPath: file.oldPath,
    binary: file.binary,
    hunks: file.hunks.map(reverseHunk),
  };
  if (file.newMode !== undefined) reversed.oldMode = file.newMode;
  if (file.oldMode !== undefined) reversed.newMode = file.oldMode;
  if (file.indexMode !== undefined) reversed.indexMode = file.indexMode;
  if (file.commit !== undefined) reversed.commit = file.commit;
  if (file.traditional === true) reversed.traditional = true;
  if (file.reversed !== true) reversed.reversed = true;
  return reversed;
}

/** Files in reverse order, so renames and later edits of one file unwind correctly. */
export function reverseDiff(diff: ParsedDiff): ParsedDiff {
  return {
    preamble: diff.preamble,
    files: [...diff.files].reverse().map(reverseFile),
    onlyIn: diff.onlyIn,
  };
}

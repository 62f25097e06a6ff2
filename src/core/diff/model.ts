/** The parsed form of a unified diff, as `git diff`, `diff -u` and quilt write it. */

export type LineOp = ' ' | '-' | '+';

export interface HunkLine {
  op: LineOp;
  /**
   * The line's content without its op character and without the final "\n" ("\r" stays).
   * Exact when the line is UTF-8; otherwise for display only (`\xNN` for each byte that is
   * not UTF-8) and `bytes` holds the content.
   */
  text: string;
  /** False when followed by "\ No newline at end of file". */
  eol: boolean;
  /** The content's exact bytes, set when they are not UTF-8 (else they are `text` in UTF-8). */
  bytes?: Uint8Array;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Text after the closing "@@", usually a function name. */
  section: string;
  lines: HunkLine[];
}

export type FileChangeKind = 'modify' | 'create' | 'delete' | 'rename' | 'copy';

export interface FilePatch {
  kind: FileChangeKind;
  /** Paths after `--strip`; null stands for /dev/null. */
  oldPath: string | null;
  newPath: string | null;
  oldMode?: string;
  newMode?: string;
  /** The mode on git's `index` line, given when the change keeps the file's mode. */
  indexMode?: string;
  /**
   * Which commit of a `git format-patch` series this file patch belongs to (0, the first, when
   * absent): a series' commits apply in order, and a copy reads its source as its own commit's
   * start left it (plan.ts).
   */
  commit?: number;
  /** "Binary files differ" or "GIT binary patch": content is not in hunks. */
  binary: boolean;
  hunks: Hunk[];
  /**
   * A `diff -u` / quilt file patch (no "diff --git" line). Its old and new names may differ
   * ("Makefile.orig" / "Makefile") and still name one file: apply patches whichever of them
   * exists, as GNU patch does, and treats a lone "-0,0" hunk on a missing file as creation.
   */
  traditional?: boolean;
  /** Made by `reverseDiff`: the undo of a patch rather than a patch as written. */
  reversed?: boolean;
}

export interface ParsedDiff {
  /** Text before the first file: commit message, DEP-3 headers, prose. */
  preamble: string;
  files: FilePatch[];
  /**
   * `diff -r`'s "Only in DIR: NAME" lines (the first 100), as "DIR/NAME": files in one of the
   * two trees that a diff made without -N does not carry. Nothing applies them; the author
   * should hear it.
   */
  onlyIn: string[];
}

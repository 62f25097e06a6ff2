/**
 * A file as lines of bytes: where each line starts, comparing a line with a pattern, and the
 * new file built by copying ranges of old lines and adding new ones, never decoding the file.
 */

const NEWLINE = 0x0a;

/** A file's bytes and where each line starts; line i is `bytes[starts[i], starts[i + 1])`. */
export interface FileLines {
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

export function lineStart(file: FileLines, line: number): number {
  return file.starts[line] ?? file.bytes.length;
}

/** True when line `line` of the file is byte for byte `pattern`. */
export function lineEquals(file: FileLines, line: number, pattern: Uint8Array): boolean {
  const start = lineStart(file, line);
  if (lineStart(file, line + 1) - start !== pattern.length) return false;
  const { bytes } = file;
  for (let i = 0; i < pattern.length; i++) if (bytes[start + i] !== pattern[i]) return false;
  return true;
}

/** The new file, built from ranges of the old one and the hunks' added lines. */
export class Output {
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

/** Small display helpers shared by components; pure, no DOM. */

/** "812 B", "14.2 KiB", "3.1 MiB", "10.0 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
}

/** "12 ms", "1.4 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export type LineKind = 'add' | 'del' | 'context' | 'hunk' | 'meta';

export interface DiffLine {
  kind: LineKind;
  text: string;
}

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * Classifies a unified diff's lines for display. Hunk headers give line counts, so a removed
 * line that happens to start with "--- " is still a removal, and a file header after a hunk
 * is still a header. Anything unexpected is shown as 'meta', never dropped.
 */
export function classifyDiff(diff: string): DiffLine[] {
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  const out: DiffLine[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const text of lines) {
    const inHunk = oldLeft > 0 || newLeft > 0;
    const first = text[0];
    if (inHunk && (first === '+' || first === '-' || first === ' ' || text === '')) {
      const kind = first === '+' ? 'add' : first === '-' ? 'del' : 'context';
      if (kind !== 'add') oldLeft--;
      if (kind !== 'del') newLeft--;
      out.push({ kind, text });
      continue;
    }
    const hunk = HUNK_HEADER.exec(text);
    if (hunk !== null) {
      oldLeft = Number(hunk[1] ?? 1);
      newLeft = Number(hunk[2] ?? 1);
      out.push({ kind: 'hunk', text });
      continue;
    }
    out.push({ kind: 'meta', text });
  }
  return out;
}

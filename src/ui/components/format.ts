/** Small display helpers shared by components; pure, no DOM. */

/** "812 B", "14.2 KiB", "3.1 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
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

/** "just now", "5 minutes ago", "3 days ago": how long ago `at` was, at `now` (both ms). */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const units: [number, string][] = [
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const count = Math.round(seconds / size);
    if (count >= 1 && seconds >= size * 0.75)
      return `${count} ${name}${count === 1 ? '' : 's'} ago`;
  }
  return '1 minute ago';
}

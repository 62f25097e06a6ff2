/** Small display helpers shared by components; pure, no DOM. */

import { formatCount, ledgerTime } from '../../core/encoding/display.ts';

export { formatCount, ledgerTime };
import { inlineName } from '../../core/encoding/display.ts';

export { inlineName };
export { percentOf, sentence } from '../../core/encoding/display.ts';

/** A did:key copy button's name: whose key, where a page lists several ("Copy Ada’s did:key"). */
export function copyDidLabel(owner: string | undefined): string {
  const name = owner === undefined ? '' : inlineName(owner).trim();
  return name === '' ? 'Copy the did:key' : `Copy ${name}’s did:key`;
}

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

/** "3 minutes", "2 hours", "45 seconds": a span of time in its largest whole unit. */
export function formatSpan(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return '0 seconds';
}

/** "just now", "5 minutes ago", "3 days ago": how long ago `then` was (ISO or ms), at `now`. */
export function formatAgo(then: string | number, now: number): string {
  const at = typeof then === 'number' ? then : Date.parse(then);
  if (Number.isNaN(at)) return 'at an unknown time';
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 60) return seconds < -60 ? 'in the future (a clock is wrong)' : 'just now';
  return `${formatSpan(seconds)} ago`;
}

/**
 * A time this device recorded (an ISO string with milliseconds, or ms since the epoch) as the
 * ledger's times are shown: "2026-12-07 03:45:51 UTC"; a time that is not one says so.
 */
export function deviceTime(then: string | number): string {
  const date = new Date(then);
  if (Number.isNaN(date.getTime())) return 'at an unknown time';
  return ledgerTime(date.toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

/** "1 entry", "10,021 entries": a count, grouped, with its noun in the right number. */
export function counted(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The first line of a text that is not blank, trimmed ('' when there is none). */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

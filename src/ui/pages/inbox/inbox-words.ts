/**
 * What an Inbox row says beside its status: why a file is not kept across reloads, and why a
 * file that is not a valid bundle is refused, in the words its Patch detail's verdict uses, so
 * the list never undersells a possible forgery. Pure: no DOM.
 */
import type { InboxKeeping } from '../../../app/inbox.ts';
import type { InboxStatus } from '../../../app/workflow.ts';
import { formatBytes, formatCount } from '../../components/format.ts';

/** '' when kept; otherwise why not ("too large (…)"), for the Inbox row and the Patch detail. */
export function notKeptWords(keeping: InboxKeeping, size: number, maxBytes: number): string {
  switch (keeping) {
    case 'kept':
      return '';
    case 'too-large': {
      // Just over the limit, both round alike ("16.0 MiB"): then in bytes.
      const [its, limit] =
        formatBytes(size) === formatBytes(maxBytes)
          ? [`${formatCount(size)} bytes`, `${formatCount(maxBytes)} bytes`]
          : [formatBytes(size), formatBytes(maxBytes)];
      return `too large (${its}; a bundle may be up to ${limit})`;
    }
    case 'check-failed':
      return 'the check itself failed on this device';
    case 'storage-refused':
      return 'this browser refused to store it';
  }
}

const DO_NOT_APPLY = 'Do not apply: ';

/**
 * The refusal in the verdict's own words without the "Do not apply" the chip already says:
 * "Do not apply: the signature does not match this bundle" → "The signature does not match
 * this bundle".
 */
export function refusalWords(headline: string): string {
  const said = headline.startsWith(DO_NOT_APPLY) ? headline.slice(DO_NOT_APPLY.length) : headline;
  return said.charAt(0).toUpperCase() + said.slice(1);
}

/** The Inbox's filter: bundles grouped as a technician sorts them, by what may be done next. */
export type InboxGroup = 'allowed' | 'do-not-apply' | 'needs-review' | 'done' | 'other';

export const GROUP_LABELS: Record<InboxGroup, string> = {
  allowed: 'Allowed here',
  'do-not-apply': 'Do not apply',
  'needs-review': 'Needs review',
  done: 'Applied or rolled back',
  other: 'Not trusted or not judged',
};

/** The group of a bundle's status; 'checking' (not judged yet) is in none but All. */
export function groupOf(status: InboxStatus): InboxGroup | undefined {
  switch (status) {
    case 'allowed':
      return 'allowed';
    case 'denied':
    case 'invalid':
      return 'do-not-apply';
    case 'needs-review':
      return 'needs-review';
    case 'applied':
    case 'rolled-back':
      return 'done';
    case 'untrusted':
    case 'no-team':
      return 'other';
    case 'checking':
      return undefined;
  }
}

/** Each group holding a bundle, with how many, in GROUP_LABELS' order. */
export function groupCounts(statuses: readonly InboxStatus[]): [InboxGroup, number][] {
  const counts = new Map<InboxGroup, number>();
  for (const status of statuses) {
    const group = groupOf(status);
    if (group !== undefined) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return (Object.keys(GROUP_LABELS) as InboxGroup[])
    .filter((group) => counts.has(group))
    .map((group) => [group, counts.get(group) ?? 0]);
}

/** A `show` search parameter read back: a group, or undefined (all) for anything else. */
export function groupParam(value: unknown): InboxGroup | undefined {
  return typeof value === 'string' && Object.hasOwn(GROUP_LABELS, value)
    ? (value as InboxGroup)
    : undefined;
}

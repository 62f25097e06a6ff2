/** What an Inbox row says beside its status, and the Inbox's filter groups (src/ui/pages/inbox/inbox-words.ts). */
import { describe, expect, it } from 'vitest';
import type { InboxStatus } from '../../src/app/workflow.ts';
import {
  groupCounts,
  groupOf,
  groupParam,
  notKeptWords,
  refusalWords,
} from '../../src/ui/pages/inbox/inbox-words.ts';

const MAX = 16 * 1024 * 1024;

describe('notKeptWords', () => {
  it('says a file over the limit was too large, with its size and the limit', () => {
    // It said "this browser refused to store it" for a 17 MB file refused as TOO_LARGE.
    expect(notKeptWords('too-large', 17_000_000, MAX)).toBe(
      'too large (16.2 MiB; a bundle may be up to 16.0 MiB)',
    );
    expect(notKeptWords('too-large', MAX + 1, MAX)).toBe(
      'too large (16,777,217 bytes; a bundle may be up to 16,777,216 bytes)',
    );
  });

  it('keeps the storage refusal for what the browser would not store, and says nothing when kept', () => {
    expect(notKeptWords('storage-refused', 10, MAX)).toBe('this browser refused to store it');
    expect(notKeptWords('check-failed', 10, MAX)).toBe('the check itself failed on this device');
    expect(notKeptWords('kept', 10, MAX)).toBe('');
  });
});

describe('refusalWords', () => {
  it('says the verdict’s own refusal, without the "Do not apply" its chip says', () => {
    expect(refusalWords('Do not apply: the signature does not match this bundle')).toBe(
      'The signature does not match this bundle',
    );
    expect(refusalWords('Not checked')).toBe('Not checked');
  });
});

describe('the Inbox filter', () => {
  it('groups the statuses by what may be done, counted, in a fixed order', () => {
    const statuses: InboxStatus[] = [
      'needs-review',
      'allowed',
      'invalid',
      'denied',
      'checking',
      'applied',
      'rolled-back',
      'untrusted',
      'no-team',
      'needs-review',
    ];
    expect(groupCounts(statuses)).toEqual([
      ['allowed', 1],
      ['do-not-apply', 2],
      ['needs-review', 2],
      ['done', 2],
      ['other', 2],
    ]);
    expect(groupCounts(['checking', 'checking'])).toEqual([]);
    expect(groupOf('checking')).toBeUndefined();
  });

  it('reads only a known group from the address, never a prototype key', () => {
    expect(groupParam('needs-review')).toBe('needs-review');
    for (const bad of ['', 'all', 'constructor', '__proto__', 'toString', 7, undefined, ['done']])
      expect(groupParam(bad)).toBeUndefined();
  });
});

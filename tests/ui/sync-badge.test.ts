/**
 * The top bar's sync state in words (src/ui/shell/SyncBadge.tsx): connecting, connected to N
 * peers, an open room with nobody in it, offline; and, when offline or still connecting, how old
 * this device's copy of the ledger is ("ledger last synced 3 days ago", UX.md).
 */
import { describe, expect, it } from 'vitest';
import { syncAge, syncChecking, syncText } from '../../src/ui/shell/SyncBadge.tsx';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const DAY = 86_400_000;

describe('the sync badge', () => {
  it('says how many peers, and an open room with none in it', () => {
    expect(syncText({ kind: 'connecting' })).toBe('Connecting…');
    expect(syncText({ kind: 'connected', peers: 0 })).toBe('Online, no peers yet');
    expect(syncText({ kind: 'connected', peers: 1 })).toBe('Connected to 1 peer');
    expect(syncText({ kind: 'connected', peers: 3, lastSync: NOW })).toBe('Connected to 3 peers');
    // Another tab of this app in this browser is this same device, not a teammate.
    expect(syncText({ kind: 'connected', peers: 1, tabs: 1 })).toBe(
      'No peers yet; another tab of this device is open',
    );
    expect(syncText({ kind: 'connected', peers: 2, tabs: 2 })).toBe(
      'No peers yet; 2 other tabs of this device are open',
    );
    expect(syncText({ kind: 'connected', peers: 2, tabs: 1 })).toBe(
      'Connected to 1 peer and another tab of this device',
    );
    expect(syncText({ kind: 'no-team' })).toBe('Not connected');
  });

  it('says how far the checking of a large change from peers has come, and nothing otherwise', () => {
    const checking = (done: number, total: number) =>
      syncChecking({ kind: 'connected', peers: 2, checking: { done, total } });
    expect(checking(4096, 9999)).toBe('checking 4,096 of 9,999 entries');
    expect(checking(0, 1)).toBe('checking 0 of 1 entry');
    expect(checking(12, 10)).toBe('checking 10 of 10 entries'); // never past the whole
    expect(syncChecking({ kind: 'connected', peers: 2 })).toBeUndefined();
    expect(syncChecking({ kind: 'connecting' })).toBeUndefined();
  });

  it('says how old the ledger is when offline or connecting, and nothing while connected', () => {
    expect(syncAge({ kind: 'offline' }, NOW - 3 * DAY, NOW)).toEqual({
      lead: 'ledger last synced',
      age: '3 days ago',
    });
    expect(syncAge({ kind: 'connecting' }, NOW - 5 * 60_000, NOW)?.age).toBe('5 minutes ago');
    expect(syncAge({ kind: 'offline' }, undefined, NOW)).toEqual({
      lead: 'ledger',
      age: 'never synced',
    });
    expect(syncAge({ kind: 'connecting' }, undefined, NOW)).toBeUndefined();
    expect(syncAge({ kind: 'connected', peers: 2 }, NOW - DAY, NOW)).toBeUndefined();
    expect(syncAge({ kind: 'no-team' }, NOW - DAY, NOW)).toBeUndefined();
  });
});

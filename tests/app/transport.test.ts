/**
 * The sync state the top bar shows for a peer session (src/app/transport.ts): connected with
 * the live peers and the newest time one was heard from; connected with no peers when only
 * signaling is up or when tabs are all there is to wait for; connecting, then offline, while
 * nothing answers.
 */
import { describe, expect, it } from 'vitest';
import type { PeersState } from '../../src/app/peers.ts';
import { withPaired } from '../../src/app/sync.ts';
import { syncStateOf } from '../../src/app/transport.ts';

const base: PeersState = {
  room: 'patchtrail-x',
  signaling: [{ url: 'ws://127.0.0.1:4173/signal', connected: false }],
  peers: [],
  digest: 'ld1:00000000000000000000',
  size: 1,
  inStep: 0,
  reporting: 0,
  rebuilds: 0,
};

describe('sync state for the top bar', () => {
  it('counts live peers and reports the newest last sync', () => {
    const state: PeersState = {
      ...base,
      peers: [
        { id: 'a', via: 'webrtc', connected: true, synced: true, lastHeard: 1_000 },
        { id: 'b', via: 'webrtc', connected: true, synced: true, lastHeard: 3_000 },
        { id: 'c', via: 'webrtc', connected: false, synced: false, lastHeard: 9_000 },
        { id: 'd', via: 'tab', connected: true, synced: true },
      ],
    };
    expect(syncStateOf(state, 0, 5_000, 10_000)).toEqual({
      kind: 'connected',
      peers: 3,
      tabs: 1,
      lastSync: 3_000,
    });
  });

  it('says offline at once when the browser has no network, connecting for a while otherwise', () => {
    const state: PeersState = {
      ...base,
      signaling: [{ url: 'ws://127.0.0.1:4173/signal', connected: false }],
      peers: [],
    };
    expect(syncStateOf(state, 0, 2_000, 10_000, true)).toEqual({ kind: 'connecting' });
    expect(syncStateOf(state, 0, 2_000, 10_000, false)).toEqual({ kind: 'offline' });
    expect(syncStateOf(state, 0, 12_000, 10_000, true)).toEqual({ kind: 'offline' });
    // A tab of the same browser still counts as a peer with the network off.
    const tab = {
      ...state,
      peers: [{ id: 't', via: 'tab' as const, connected: true, synced: true }],
    };
    expect(syncStateOf(tab, 0, 2_000, 10_000, false)).toMatchObject({
      kind: 'connected',
      peers: 1,
      tabs: 1,
    });
  });

  it('carries the checking of a large change from peers into the state, paired links counted in', () => {
    const state: PeersState = {
      ...base,
      peers: [{ id: 'a', via: 'webrtc', connected: true, synced: true, lastHeard: 1_000 }],
      checking: { done: 512, total: 9_999 },
    };
    const shown = syncStateOf(state, 0, 5_000, 10_000);
    expect(shown).toEqual({
      kind: 'connected',
      peers: 1,
      lastSync: 1_000,
      checking: { done: 512, total: 9_999 },
    });
    expect(withPaired(shown, { connected: 1, lastHeard: 2_000 })).toEqual({
      kind: 'connected',
      peers: 2,
      lastSync: 2_000,
      checking: { done: 512, total: 9_999 },
    });
  });

  it('is connected with no peers when signaling is up, or when there is no server to wait for', () => {
    const up = { ...base, signaling: [{ url: 'ws://x/signal', connected: true }] };
    expect(syncStateOf(up, 0, 1, 10_000)).toEqual({ kind: 'connected', peers: 0 });
    expect(syncStateOf({ ...base, signaling: [] }, 0, 1, 10_000)).toEqual({
      kind: 'connected',
      peers: 0,
    });
  });

  it('is connecting while nothing answers, and offline after the limit', () => {
    expect(syncStateOf(base, 0, 9_999, 10_000)).toEqual({ kind: 'connecting' });
    expect(syncStateOf(base, 0, 10_000, 10_000)).toEqual({ kind: 'offline' });
    const relay = {
      ...base,
      signaling: [],
      relay: { url: 'ws://r', connected: false, synced: false },
    };
    expect(syncStateOf(relay, 0, 20_000, 10_000)).toEqual({ kind: 'offline' });
  });
});

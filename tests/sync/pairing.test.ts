/**
 * Pairing's link (src/sync/pairing.ts) over stand-ins for the browser's objects (EventTargets):
 * the inbox keeps a data channel's messages from the moment the channel exists until syncing
 * takes them, in order, so the peer's first sync message is never dispatched to nobody, and a
 * peer that sends more than the bound before syncing starts has its channel closed; a channel
 * closed before syncing shows the link closed; devices that cannot reach each other are told
 * so. tests/e2e/pairing.test.ts runs the link through two Chromiums.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it, vi } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  answerPairingOffer,
  createPairingOffer,
  inbox,
  newCounters,
  RESYNC_MS,
  syncDoc,
} from '../../src/sync/pairing.ts';
import { FakeChannel, FakePeerConnection } from './fake-rtc.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('pairing inbox', () => {
  it('keeps messages that came before syncing, then hands on the rest, in order', () => {
    const channel = new FakeChannel();
    const box = inbox(channel as unknown as RTCDataChannel);
    expect(channel.binaryType).toBe('arraybuffer');
    channel.receive(bytes(1).buffer);
    channel.receive(bytes(2, 2));
    const seen: number[][] = [];
    box.take((data) => seen.push([...data]));
    expect(seen).toEqual([[1], [2, 2]]);
    channel.receive(bytes(3).buffer);
    expect(seen).toEqual([[1], [2, 2], [3]]);
    expect(channel.closed).toBe(0);
  });

  it('drops what comes after syncing stopped, and keeps nothing of it', () => {
    const channel = new FakeChannel();
    const box = inbox(channel as unknown as RTCDataChannel);
    const seen: number[][] = [];
    box.take((data) => seen.push([...data]));
    box.drop();
    channel.receive(bytes(9).buffer);
    expect(seen).toEqual([]);
    // Taken again (a new sync on the same link), nothing dropped comes back.
    box.take((data) => seen.push([...data]));
    channel.receive(bytes(4).buffer);
    expect(seen).toEqual([[4]]);
  });

  it('reads anything that is not bytes as an empty message, never throws', () => {
    const channel = new FakeChannel();
    const box = inbox(channel as unknown as RTCDataChannel);
    channel.receive('text, not bytes');
    channel.receive({ __proto__: null, length: 5 });
    const seen: number[] = [];
    box.take((data) => seen.push(data.length));
    expect(seen).toEqual([0, 0]);
  });

  it('closes the channel of a peer that sends more than 16 MiB before syncing starts', () => {
    const channel = new FakeChannel();
    const box = inbox(channel as unknown as RTCDataChannel);
    const mib = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 16; i++) channel.receive(mib);
    expect(channel.closed).toBe(0);
    channel.receive(bytes(1));
    expect(channel.closed).toBe(1);
    const seen: number[] = [];
    box.take((data) => seen.push(data.length));
    expect(seen).toEqual([]);
  });
});

describe('pairing sync over a channel', () => {
  it('says the link closed when the channel closed before syncing began', async () => {
    const channel = Object.assign(new FakeChannel(), {
      readyState: 'closed',
      bufferedAmount: 0,
      send() {
        throw new DOMException('closed', 'InvalidStateError');
      },
    });
    const box = inbox(channel as unknown as RTCDataChannel);
    let closed = 0;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stop = syncDoc(new Y.Doc(), box, { closed: () => closed++ });
      await Promise.resolve();
      expect(closed).toBe(1);
      expect(vi.getTimerCount()).toBe(0); // and it stopped asking again
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers a step 1 that came before syncing began with this side’s state', () => {
    const sent: Uint8Array[] = [];
    const channel = Object.assign(new FakeChannel(), {
      readyState: 'open',
      bufferedAmount: 0,
      send: (frame: Uint8Array) => void sent.push(frame.slice()),
    });
    const box = inbox(channel as unknown as RTCDataChannel);
    const peer = new Y.Doc();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, peer);
    channel.receive(encoding.toUint8Array(encoder)); // before sync: kept by the inbox
    const doc = new Y.Doc();
    doc.getMap('late').set('k', 1);
    let heard = 0;
    const stop = syncDoc(doc, box, { heard: () => heard++ });
    expect(heard).toBe(1);
    // Our step 1, then our step 2 (the answer to the kept step 1): applied, the peer has k.
    const replies = sent.map((m) => decoding.createDecoder(m));
    for (const decoder of replies) {
      expect(decoding.readVarUint(decoder)).toBe(0);
      syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), peer, 'test');
    }
    expect(peer.getMap('late').get('k')).toBe(1);
    stop();
  });
});

describe('a pairing whose devices cannot reach each other', () => {
  it('says so on both sides, where the link waited for good', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    try {
      const offer = await createPairingOffer({ iceServers: [] });
      const offering = FakePeerConnection.last as FakePeerConnection;
      const { link: answered } = await answerPairingOffer('v=0 offer', { iceServers: [] });
      const answering = FakePeerConnection.last as FakePeerConnection;
      const linked = await offer.accept('v=0 answer');
      // Syncing was asked for already (as the app does at once): it must not leave a rejection
      // that nobody handles when the link never opens.
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      linked.sync(new Y.Doc());
      answered.sync(new Y.Doc());
      offering.fail();
      answering.fail(); // the answering side never even got its channel
      await expect(linked.open).rejects.toThrow(/could not reach each other/);
      await expect(answered.open).rejects.toThrow(/could not reach each other/);
      await new Promise((done) => setTimeout(done, 10));
      process.off('unhandledRejection', onUnhandled);
      expect(unhandled).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('leaves an open link to its channel: a later failure is no unhandled rejection', async () => {
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const offer = await createPairingOffer({ iceServers: [] });
      const pc = FakePeerConnection.last as FakePeerConnection;
      const linked = await offer.accept('v=0 answer');
      Object.assign(pc.channel, { readyState: 'open' }).dispatchEvent(new Event('open'));
      await linked.open;
      pc.fail();
      await new Promise((done) => setTimeout(done, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      vi.unstubAllGlobals();
    }
  });
});

describe('resync', () => {
  it('heals a lost first exchange: each side asks again every RESYNC_MS', () => {
    vi.useFakeTimers();
    try {
      const toA = Object.assign(new FakeChannel(), { readyState: 'open' });
      const toB = Object.assign(new FakeChannel(), { readyState: 'open' });
      let lost = 2; // A's step 1, then A's answer to B's step 1: B learns nothing from A
      toA.send = (frame: Uint8Array) => void (lost-- > 0 ? undefined : toB.receive(frame.slice()));
      toB.send = (frame: Uint8Array) => toA.receive(frame.slice());
      const [a, b] = [new Y.Doc(), new Y.Doc()];
      a.getMap('late').set('k', 1);
      const counters = newCounters();
      const stops = [
        syncDoc(a, inbox(toA as never), {}),
        syncDoc(b, inbox(toB as never), {}, counters),
      ];
      expect(b.getMap('late').get('k')).toBeUndefined();
      vi.advanceTimersByTime(RESYNC_MS);
      expect(b.getMap('late').get('k')).toBe(1);
      expect(counters.handled[1]).toBeGreaterThanOrEqual(1); // a step 2 reached B
      // Stopped, a side asks no more.
      for (const stop of stops) stop();
      const sent = counters.messagesOut;
      vi.advanceTimersByTime(3 * RESYNC_MS);
      expect(counters.messagesOut).toBe(sent);
    } finally {
      vi.useRealTimers();
    }
  });
});

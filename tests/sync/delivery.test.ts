/**
 * How a transport hands a peer's messages on (src/sync/delivery.ts): in order, a large update
 * in parts a task each; and how the WebRTC transport quiets y-webrtc's BroadcastChannel echo
 * and applies another tab's whole state in parts.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { UpdatePart } from '../../src/sync/update-parts.ts';
import { makeDelivery, syncMessage, syncUpdateOf } from '../../src/sync/delivery.ts';
import { SEED_ORIGIN } from '../../src/sync/ledger-doc.ts';
import { quietTabs, type RoomLike } from '../../src/sync/webrtc.ts';

function varUint(n: number): number[] {
  const bytes: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) bytes.push((n & 0x7f) | 0x80);
  return [...bytes, n];
}

/** A state of `n` map entries of about 500 bytes, written by three clients. */
function state(n: number): Uint8Array {
  const all = new Y.Doc();
  for (let c = 0; c < 3; c++) {
    const doc = new Y.Doc();
    for (let i = c; i < n; i += 3) doc.getMap('entries').set(`k${i}`, new Uint8Array(500).fill(i));
    Y.applyUpdate(all, Y.encodeStateAsUpdate(doc));
  }
  return Y.encodeStateAsUpdate(all);
}

/** Turns the test gives by hand: each `turn()` waits until `step()`. */
function manualTurns() {
  const waiting: (() => void)[] = [];
  return {
    turn: () => new Promise<void>((done) => waiting.push(done)),
    step: async () => {
      waiting.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    },
    pending: () => waiting.length,
  };
}

describe('makeDelivery', () => {
  it('hands small and non-sync messages on at once, unchanged', () => {
    const handed: Uint8Array[] = [];
    const deliver = makeDelivery(new Y.Doc(), (m) => handed.push(m), { partBytes: 1024 });
    const small = syncMessage(1, state(1));
    const awareness = new Uint8Array([1, ...new Uint8Array(5000)]);
    deliver(small);
    deliver(awareness);
    expect(handed).toEqual([small, awareness]);
  });

  it('applies a large step 2 a part per turn, then hands y-webrtc an empty one; later messages wait', async () => {
    const update = state(300);
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (t: Y.Transaction) => origins.push(t.origin));
    const handed: Uint8Array[] = [];
    const turns = manualTurns();
    const deliver = makeDelivery(doc, (m) => handed.push(m), {
      partBytes: 16 * 1024,
      turn: turns.turn,
    });
    deliver(syncMessage(1, update));
    const later = syncMessage(2, state(1));
    deliver(later);
    expect(handed).toEqual([]);
    expect(doc.getMap('entries').size).toBe(0); // nothing in the task the message came in
    await turns.step(); // no turn is asked for yet: the reading's microtasks run
    let applied = 0;
    while (turns.pending() > 0) {
      await turns.step();
      const now = origins.filter((o) => o instanceof UpdatePart).length;
      expect(now - applied).toBeLessThanOrEqual(1); // at most one part per turn
      applied = now;
      if (now === 1) expect(doc.getMap('entries').size).toBeLessThan(300);
    }
    expect(doc.getMap('entries').size).toBe(300);
    expect(handed.length).toBe(2);
    expect(syncUpdateOf(handed[0] as Uint8Array)).toEqual({
      type: 1,
      update: new Uint8Array([0, 0]),
    });
    expect(handed[1]).toEqual(later);
    const parts = origins.filter((o): o is UpdatePart => o instanceof UpdatePart);
    expect(parts.length).toBeGreaterThanOrEqual(Math.floor(update.length / (16 * 1024)));
    expect(parts.map((p) => p.last)).toEqual([...parts.slice(1).map(() => false), true]);
    expect(new Set(parts.map((p) => p.update)).size).toBe(1);
    const whole = new Y.Doc();
    Y.applyUpdate(whole, update);
    expect(Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(whole))).toBe(true);
  });

  it('hands on whole a large sync message it cannot read; once closed, finishes the parts but hands nothing on', async () => {
    const handed: Uint8Array[] = [];
    const junk = syncMessage(1, new Uint8Array(40_000).fill(0x81));
    makeDelivery(new Y.Doc(), (m) => handed.push(m), { partBytes: 1024 })(junk);
    await new Promise((r) => setTimeout(r, 0)); // read, found unreadable, handed on
    expect(handed).toEqual([junk]);

    let closed = false;
    const doc = new Y.Doc();
    const turns = manualTurns();
    const deliver = makeDelivery(doc, (m) => handed.push(m), {
      partBytes: 16 * 1024,
      turn: turns.turn,
      closed: () => closed,
    });
    deliver(syncMessage(2, state(300)));
    deliver(syncMessage(2, state(1)));
    await turns.step();
    await turns.step();
    expect(doc.getMap('entries').size).toBeGreaterThan(0);
    expect(doc.getMap('entries').size).toBeLessThan(300);
    closed = true;
    while (turns.pending() > 0) await turns.step();
    // What the parts bring is kept (the binding admits it after the last part).
    expect(doc.getMap('entries').size).toBe(300);
    expect(handed).toEqual([junk]);
  });

  it('keeps at most maxBacklogBytes of later messages in order; more goes on at once', async () => {
    const handed: Uint8Array[] = [];
    const turns = manualTurns();
    const deliver = makeDelivery(new Y.Doc(), (m) => handed.push(m), {
      partBytes: 16 * 1024,
      turn: turns.turn,
      maxBacklogBytes: 10_000,
    });
    deliver(syncMessage(1, state(300)));
    const kept = new Uint8Array(6000).fill(1);
    const over = new Uint8Array(6000).fill(2);
    deliver(kept);
    deliver(over); // 12,000 bytes would be waiting: this one is not kept back
    expect(handed).toEqual([over]);
    await turns.step();
    while (turns.pending() > 0) await turns.step();
    expect(handed.slice(1)).toEqual([syncMessage(1, new Uint8Array([0, 0])), kept]);
  });
});

describe('quietTabs', () => {
  it('reads only what came through the BroadcastChannel, and posts updates only while a tab is known', () => {
    const read: unknown[] = [];
    const room: RoomLike = {
      bcconnected: true,
      bcConns: new Set(),
      key: null,
      _bcSubscriber: (data) => read.push(data),
    };
    quietTabs(room);
    room._bcSubscriber(new ArrayBuffer(1), null); // this tab's own post, handed back by lib0
    room._bcSubscriber(new ArrayBuffer(2), 'broadcastchannel');
    expect(read.map((d) => (d as ArrayBuffer).byteLength)).toEqual([2]);
    expect(room.bcconnected).toBe(false);
    room.bcConns.add('another tab');
    expect(room.bcconnected).toBe(true);
    room.bcconnected = false; // y-webrtc's disconnect
    expect(room.bcconnected).toBe(false);
  });

  it('does not encode a doc update while neither a tab nor a WebRTC peer would get it, but the seed', () => {
    /** Each update y-webrtc encoded: its length, and whether it would post it to the tabs. */
    const encoded: [number, boolean][] = [];
    const room: RoomLike = {
      bcconnected: true,
      bcConns: new Set(),
      key: null,
      _bcSubscriber: () => undefined,
      webrtcConns: new Map(),
      _docUpdateHandler: (update) => encoded.push([update.length, room.bcconnected]),
    };
    quietTabs(room);
    const update = room._docUpdateHandler;
    update?.(new Uint8Array(1), null); // alone: nobody to send it to
    update?.(new Uint8Array(2), SEED_ORIGIN); // the seed: to the tabs, known or not
    expect(room.bcconnected).toBe(false);
    room.webrtcConns?.set('peer', {});
    update?.(new Uint8Array(3), null);
    room.webrtcConns?.clear();
    room.bcConns.add('another tab');
    update?.(new Uint8Array(4), null);
    room.bcconnected = false; // y-webrtc's disconnect
    update?.(new Uint8Array(5), null);
    update?.(new Uint8Array(6), SEED_ORIGIN);
    expect(encoded).toEqual([
      [2, true],
      [3, false],
      [4, true],
    ]);
  });

  it('opens a whole state another tab posted and applies it in parts; hands on the rest', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    /** What y-webrtc posts: "AES-GCM", the IV, the ciphertext, each length-prefixed. */
    const seal = async (message: Uint8Array) => {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const cipher = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv },
          key,
          message as Uint8Array<ArrayBuffer>,
        ),
      );
      return new Uint8Array([
        7,
        ...new TextEncoder().encode('AES-GCM'),
        12,
        ...iv,
        ...varUint(cipher.length),
        ...cipher,
      ]);
    };
    const handedOn: Uint8Array[] = [];
    const room: RoomLike = {
      bcconnected: true,
      bcConns: new Set(['another tab']),
      key,
      _bcSubscriber: (data) => handedOn.push(new Uint8Array(data)),
    };
    const doc = new Y.Doc();
    const parts: UpdatePart[] = [];
    doc.on('afterTransaction', (t: Y.Transaction) => {
      if (t.origin instanceof UpdatePart) parts.push(t.origin);
    });
    quietTabs(room, doc);
    const whole = state(1000); // about 500 KB
    room._bcSubscriber(await seal(syncMessage(1, whole)), 'broadcastchannel');
    const small = await seal(syncMessage(2, state(1)));
    room._bcSubscriber(small, 'broadcastchannel');
    expect(handedOn).toEqual([small]);
    for (let i = 0; i < 200 && !parts.some((p) => p.last); i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.via === room)).toBe(true);
    expect(doc.getMap('entries').size).toBe(1000);
    // Large but not an update (or not opened): y-webrtc gets it as it came.
    const junk = new Uint8Array(400 * 1024).fill(3);
    room._bcSubscriber(junk, 'broadcastchannel');
    await new Promise((r) => setTimeout(r, 20));
    expect(handedOn.at(-1)).toEqual(junk);
  });
});

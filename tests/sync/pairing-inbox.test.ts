/**
 * The pairing link's inbox (src/sync/pairing.ts): a data channel's messages are kept from the
 * moment the channel exists until syncing takes them, in order, so the peer's first sync
 * message is never dispatched to nobody; a peer that sends more than the bound before syncing
 * starts has its channel closed. A fake channel (an EventTarget) stands in for RTCDataChannel;
 * tests/e2e/pairing.test.ts runs the same through two Chromiums.
 */
import { describe, expect, it } from 'vitest';
import { inbox } from '../../src/sync/pairing.ts';

class FakeChannel extends EventTarget {
  binaryType = 'blob';
  closed = 0;
  close(): void {
    this.closed++;
  }
  receive(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

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

/**
 * Framing of large data-channel messages (src/sync/chunks.ts): any message comes back whole
 * and identical, small ones travel unframed, and hostile frames (gaps, wrong counts, oversized
 * totals, too many open messages, random bytes) are dropped without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../src/core/encoding/bytes.ts';
import { CHUNK_BYTES, frameMessage, makeReassembler } from '../../src/sync/chunks.ts';

const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && bytesEqual(a, b);

const limits = { maxMessageBytes: 8 * CHUNK_BYTES, maxPartial: 2 };

function message(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  bytes[0] = seed & 0x7f; // a y-webrtc message starts with a small type
  return bytes;
}

describe('data channel framing', () => {
  it('reassembles any message to the same bytes; small ones pass unframed', () => {
    const sizes = fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: CHUNK_BYTES - 2, max: CHUNK_BYTES + 2 }),
      fc.integer({ min: 1, max: 5 * CHUNK_BYTES + 7 }),
    );
    fc.assert(
      fc.property(fc.array(sizes, { minLength: 1, maxLength: 4 }), fc.nat(), (list, seed) => {
        const reassembler = makeReassembler(limits);
        list.forEach((size, n) => {
          const original = message(size, seed + n);
          const frames = frameMessage(original, seed + n);
          if (size <= CHUNK_BYTES) expect(frames.length === 1 && frames[0] === original).toBe(true);
          const out = frames.map((f) => reassembler.push(f));
          expect(out.slice(0, -1).every((o) => o === undefined)).toBe(true);
          expect(same(out.at(-1), original)).toBe(true);
        });
        expect(reassembler.dropped).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('drops a message with a missing, repeated or foreign chunk', () => {
    const frames = frameMessage(message(3 * CHUNK_BYTES, 1), 7);
    const [first, second, third] = frames as [Uint8Array, Uint8Array, Uint8Array];
    for (const order of [
      [first, third],
      [first, first],
      [second, third],
      [first, frameMessage(message(4 * CHUNK_BYTES, 2), 7)[1] as Uint8Array, third],
    ]) {
      const reassembler = makeReassembler(limits);
      expect(order.map((f) => reassembler.push(f)).every((o) => o === undefined)).toBe(true);
      expect(reassembler.dropped).toBeGreaterThan(0);
    }
  });

  it('drops a message over the size limit and keeps at most maxPartial open', () => {
    const reassembler = makeReassembler(limits);
    const huge = frameMessage(message(9 * CHUNK_BYTES, 3), 1);
    expect(huge.map((f) => reassembler.push(f)).every((o) => o === undefined)).toBe(true);
    expect(reassembler.dropped).toBeGreaterThan(0);

    const open = [10, 11, 12].map((id) => frameMessage(message(2 * CHUNK_BYTES, id), id));
    const fresh = makeReassembler(limits);
    for (const frames of open) fresh.push(frames[0] as Uint8Array);
    expect(fresh.push(open[0]?.[1] as Uint8Array)).toBeUndefined(); // evicted as the oldest
    expect(same(fresh.push(open[2]?.[1] as Uint8Array), message(2 * CHUNK_BYTES, 12))).toBe(true);
  });

  it('never throws on arbitrary frames', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 })), (frames) => {
        const reassembler = makeReassembler(limits);
        for (const frame of frames) {
          if (frame.length > 0 && fc.sample(fc.boolean(), 1)[0]) frame[0] = 0xff;
          reassembler.push(frame);
        }
      }),
      { numRuns: 200 },
    );
  });
});

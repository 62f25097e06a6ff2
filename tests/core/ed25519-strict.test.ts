/** The strict RFC 8032 encoding checks, byte by byte, against the arithmetic they stand for. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passesStrictChecks } from '../../src/core/crypto/ed25519.ts';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const value = (bytes: Uint8Array) => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
const bytesOf = (n: bigint) =>
  Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const reference = (key: Uint8Array, sig: Uint8Array) =>
  (value(key) & (2n ** 255n - 1n)) < P &&
  (value(sig.subarray(0, 32)) & (2n ** 255n - 1n)) < P &&
  value(sig.subarray(32)) < L;

/** 32-byte numbers near the bounds (p, L, with and without the sign bit), and random ones. */
const near = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc
    .tuple(
      fc.constantFrom(P, L, P + 2n ** 255n, 0n, 2n ** 256n - 1n),
      fc.integer({ min: -300, max: 300 }),
    )
    .map(([b, d]) => {
      const n = b + BigInt(d);
      return bytesOf(n < 0n ? 0n : n >= 2n ** 256n ? 2n ** 256n - 1n : n);
    }),
);

describe('strict Ed25519 encoding checks', () => {
  it('agree with S < L and y < p computed as integers, at the bounds and at random', () => {
    fc.assert(
      fc.property(near, near, near, (key, r, s) => {
        const sig = new Uint8Array(64);
        sig.set(r);
        sig.set(s, 32);
        expect(passesStrictChecks(key, sig)).toBe(reference(key, sig));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuse wrong lengths', () => {
    expect(passesStrictChecks(new Uint8Array(31), new Uint8Array(64))).toBe(false);
    expect(passesStrictChecks(new Uint8Array(32), new Uint8Array(63))).toBe(false);
    expect(passesStrictChecks(new Uint8Array(32), new Uint8Array(64))).toBe(true);
  });
});

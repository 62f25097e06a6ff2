/**
 * The verify workers' Ed25519 verification through Node's OpenSSL binding decides exactly as
 * the core's WebCrypto path: on every Wycheproof case, the RFC 8032 vectors, and signatures,
 * keys and messages with bits flipped at random.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/core/crypto/ed25519.ts';
import { nodeVerify } from '../../src/cli/node-ed25519.ts';
import { hex, loadVector } from '../helpers/vectors.ts';

interface WycheproofFile {
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' }[];
  }[];
}
interface RfcCase {
  publicKey: string;
  message: string;
  signature: string;
}

const wycheproof = loadVector<WycheproofFile>('wycheproof-ed25519/ed25519_test.json');
const rfc = loadVector<RfcCase[]>('rfc8032/ed25519.json');

describe("Ed25519 through Node's OpenSSL binding", () => {
  it('gives the expected decision on every Wycheproof case, as WebCrypto does', async () => {
    const wrong: number[] = [];
    for (const group of wycheproof.testGroups)
      for (const t of group.tests) {
        const args = [hex(group.publicKey.pk), hex(t.msg), hex(t.sig)] as const;
        const native = await verify(...args, nodeVerify);
        if (native !== (t.result === 'valid') || native !== (await verify(...args, 'webcrypto')))
          wrong.push(t.tcId);
      }
    expect(wrong).toEqual([]);
  });

  it('agrees with WebCrypto on RFC 8032 signatures with any bits flipped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...rfc),
        fc.array(fc.tuple(fc.constantFrom(0, 1, 2), fc.nat()), { maxLength: 3 }),
        async (v, flips) => {
          const parts = [hex(v.publicKey), hex(v.message), hex(v.signature)];
          for (const [which, bit] of flips) {
            const part = parts[which] as Uint8Array;
            const at = (bit >> 3) % Math.max(1, part.length);
            if (part.length > 0) part[at] = (part[at] as number) ^ (1 << (bit & 7));
          }
          const [key, message, signature] = parts as [Uint8Array, Uint8Array, Uint8Array];
          const native = await verify(key, message, signature, nodeVerify);
          expect(native).toBe(await verify(key, message, signature, 'webcrypto'));
          if (flips.length === 0) expect(native).toBe(true);
        },
      ),
      { numRuns: 300, seed: 1206 },
    );
  });
});

/**
 * The CLI's Node adapters (src/cli/node-crypto.ts): Ed25519 through OpenSSL's one-shot
 * binding, behind the core's strict checks (`verifySync`), decides exactly as the core's
 * WebCrypto path on every Wycheproof case, the RFC 8032 vectors and those vectors with bits
 * flipped at random; SHA-256 through OpenSSL gives the digests of the other engines.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verify, verifySync } from '../../src/core/crypto/ed25519.ts';
import { sha256Sync, sha256SyncNoble, useRuntimeSha256 } from '../../src/core/crypto/hash.ts';
import { nodeSha256, nodeVerify } from '../../src/cli/node-crypto.ts';
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
    let cases = 0;
    for (const group of wycheproof.testGroups)
      for (const t of group.tests) {
        cases++;
        const args = [hex(group.publicKey.pk), hex(t.msg), hex(t.sig)] as const;
        const native = verifySync(...args, nodeVerify);
        if (native !== (t.result === 'valid') || native !== (await verify(...args, 'webcrypto')))
          wrong.push(t.tcId);
      }
    expect(cases).toBeGreaterThanOrEqual(150);
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
          const native = verifySync(key, message, signature, nodeVerify);
          expect(native).toBe(await verify(key, message, signature, 'webcrypto'));
          if (flips.length === 0) expect(native).toBe(true);
        },
      ),
      { numRuns: 300, seed: 1206 },
    );
  });

  it('says false, never throws, for keys and signatures of any length or content', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 70 }),
        async (key, signature) => {
          const message = new Uint8Array([1, 2, 3]);
          const native = verifySync(key, message, signature, nodeVerify);
          expect(native).toBe(await verify(key, message, signature, 'webcrypto'));
          expect(native).toBe(false);
        },
      ),
      { numRuns: 200, seed: 6 },
    );
  });
});

describe("SHA-256 through Node's OpenSSL", () => {
  it('gives the digest of the other engines, at every length and offset into a buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat({ max: 64 }), (data, skip) => {
        const view = data.subarray(Math.min(skip, data.length));
        const digest = nodeSha256(view);
        expect(digest).toBeInstanceOf(Uint8Array);
        expect(digest.length).toBe(32);
        expect(digest).toEqual(sha256SyncNoble(view));
      }),
      { numRuns: 300, seed: 256 },
    );
  });

  it('serves sha256Sync once handed to it', () => {
    let calls = 0;
    useRuntimeSha256((data) => {
      calls++;
      return nodeSha256(data);
    });
    const data = new TextEncoder().encode('abc');
    expect(Buffer.from(sha256Sync(data)).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(calls).toBe(1);
  });
});

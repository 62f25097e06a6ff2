import { describe, expect, it } from 'vitest';
import {
  defaultBackend,
  makeSigner,
  publicKeyFromSeed,
  verify,
  type Ed25519Backend,
} from '../../src/core/crypto/ed25519.ts';
import { hex, loadVector } from '../helpers/vectors.ts';

interface RfcCase {
  name: string;
  secretKey: string;
  publicKey: string;
  message: string;
  signature: string;
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: {
    publicKey: { pk: string };
    tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' }[];
  }[];
}

const rfc = loadVector<RfcCase[]>('rfc8032/ed25519.json');
const wycheproof = loadVector<WycheproofFile>('wycheproof-ed25519/ed25519_test.json');
const backends: Ed25519Backend[] = ['webcrypto', 'noble'];

describe('Ed25519 (strict RFC 8032)', () => {
  it('uses WebCrypto by default in Node', async () => {
    expect(await defaultBackend()).toBe('webcrypto');
  });

  it('has all five RFC 8032 §7.1 vectors and all 151 Wycheproof cases', () => {
    expect(rfc).toHaveLength(5);
    const cases = wycheproof.testGroups.flatMap((g) => g.tests);
    expect(cases).toHaveLength(151);
    expect(wycheproof.numberOfTests).toBe(151);
  });

  for (const backend of backends) {
    describe(`${backend} backend`, () => {
      it.each(rfc)(
        'RFC 8032 TEST $name: derives the key, signs deterministically, verifies',
        async (v) => {
          const seed = hex(v.secretKey);
          expect(Buffer.from(publicKeyFromSeed(seed)).toString('hex')).toBe(v.publicKey);
          const sign = await makeSigner(seed, backend);
          const signature = await sign(hex(v.message));
          expect(Buffer.from(signature).toString('hex')).toBe(v.signature);
          expect(await verify(hex(v.publicKey), hex(v.message), signature, backend)).toBe(true);
        },
      );

      it('gives the expected decision on every Wycheproof case', async () => {
        const wrong: number[] = [];
        for (const group of wycheproof.testGroups) {
          for (const t of group.tests) {
            const ok = await verify(hex(group.publicKey.pk), hex(t.msg), hex(t.sig), backend);
            if (ok !== (t.result === 'valid')) wrong.push(t.tcId);
          }
        }
        expect(wrong).toEqual([]);
      });

      it('rejects a signature after any single-bit flip, and malformed lengths', async () => {
        const v = rfc[1] as RfcCase;
        const sig = hex(v.signature);
        for (let bit = 0; bit < sig.length * 8; bit += 7) {
          const bad = sig.slice();
          bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
          expect(await verify(hex(v.publicKey), hex(v.message), bad, backend)).toBe(false);
        }
        expect(await verify(hex(v.publicKey), hex(v.message), sig.subarray(0, 63), backend)).toBe(
          false,
        );
        expect(await verify(hex(v.publicKey).subarray(1), hex(v.message), sig, backend)).toBe(
          false,
        );
      });
    });
  }

  it('both backends agree on a strict-only rejection (non-canonical S = S + L)', async () => {
    const v = rfc[0] as RfcCase;
    const sig = hex(v.signature);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i] ?? 0);
    s += L;
    const bad = sig.slice();
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    for (const backend of backends) {
      expect(await verify(hex(v.publicKey), hex(v.message), bad, backend)).toBe(false);
    }
  });

  it('refuses a seed of the wrong length as a programming error', async () => {
    await expect(makeSigner(new Uint8Array(31))).rejects.toThrow(TypeError);
  });
});

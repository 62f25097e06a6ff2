import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base58 } from '@scure/base';
import { didFromPublicKey, isDidKey, publicKeyFromDid } from '../../src/core/crypto/did-key.ts';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { PatchtrailError } from '../../src/core/errors.ts';
import { hex, loadVector } from '../helpers/vectors.ts';

const vectors = loadVector<
  Record<string, { seed: string; verificationKeyPair: { publicKeyBase58?: string } }>
>('did-key/ed25519-x25519.json');

describe('did:key', () => {
  it.each(Object.entries(vectors))('matches the W3C CCG vector %s', (did, v) => {
    const publicKey = publicKeyFromSeed(hex(v.seed));
    const base58Key = v.verificationKeyPair.publicKeyBase58;
    if (base58Key !== undefined) expect(base58.encode(publicKey)).toBe(base58Key);
    expect(didFromPublicKey(publicKey)).toBe(did);
    expect(publicKeyFromDid(did)).toEqual(publicKey);
  });

  it('has all five vectors', () => expect(Object.keys(vectors)).toHaveLength(5));

  it.each([
    ['not a did', 'hello'],
    ['another method', 'did:web:example'],
    ['non-base58 characters', 'did:key:z6Mk0OIl'],
    [
      'an X25519 key (multicodec 0xec01)',
      'did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW',
    ],
    ['a truncated key', 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDoo'],
    ['an overlong string', `did:key:z${'1'.repeat(500)}`],
  ])('rejects %s with MALFORMED_INPUT', (_why, did) => {
    expect(() => publicKeyFromDid(did)).toThrow(PatchtrailError);
    expect(isDidKey(did)).toBe(false);
  });

  it('round-trips any 32-byte key, and never throws uncoded on any string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        expect(publicKeyFromDid(didFromPublicKey(key))).toEqual(key);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          publicKeyFromDid(`did:key:z${text}`);
        } catch (error) {
          expect(error).toBeInstanceOf(PatchtrailError);
        }
      }),
    );
  });
});

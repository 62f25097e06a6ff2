import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync, createPrivateKey, createPublicKey } from 'node:crypto';
import { parsePem, privateKeyPem, publicKeyPem } from '../../src/core/crypto/pem.ts';
import { publicKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

describe('PEM keys (PKCS#8 and SPKI, RFC 8410)', () => {
  it('reads keys that OpenSSL (node:crypto) wrote, and OpenSSL reads ours', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const ours = parsePem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    if (ours.kind !== 'private') throw new Error('expected a private key');
    const raw = publicKey.export({ format: 'jwk' }).x ?? '';
    expect(Buffer.from(ours.publicKey).toString('base64url')).toBe(raw);
    const pub = parsePem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(pub).toEqual({ kind: 'public', publicKey: ours.publicKey });
    // OpenSSL parses what we write and derives the same public key.
    const again = createPrivateKey(privateKeyPem(ours.seed));
    expect(createPublicKey(again).export({ format: 'jwk' }).x).toBe(raw);
    expect(createPublicKey(publicKeyPem(ours.publicKey)).export({ format: 'jwk' }).x).toBe(raw);
  });

  it('accepts a PKCS#8 v1 (OneAsymmetricKey) key whose public key matches, rejects a mismatch', () => {
    const seed = new Uint8Array(32).fill(7);
    const pub = publicKeyFromSeed(seed);
    const der = (p: Uint8Array) =>
      Buffer.concat([
        Buffer.from('3051020101300506032b657004220420', 'hex'),
        Buffer.from(seed),
        Buffer.from('812100', 'hex'),
        Buffer.from(p),
      ]);
    const pem = (d: Buffer) =>
      `-----BEGIN PRIVATE KEY-----\n${d.toString('base64')}\n-----END PRIVATE KEY-----\n`;
    expect(parsePem(pem(der(pub))).publicKey).toEqual(pub);
    expect(() => parsePem(pem(der(new Uint8Array(32))))).toThrow(/does not match/);
  });

  it.each([
    ['no PEM block', 'hello'],
    ['an RSA-style label', '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----'],
    ['bad base64', '-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----'],
    [
      'a truncated key',
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----',
    ],
    [
      'an X25519 key',
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VuBCIEIBAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICE=\n-----END PRIVATE KEY-----',
    ],
  ])('rejects %s with MALFORMED_INPUT', (_why, text) => {
    expect(() => parsePem(text)).toThrow(PatchtrailError);
  });

  it('never throws uncoded on random DER', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (der, isPrivate) => {
        const label = isPrivate ? 'PRIVATE KEY' : 'PUBLIC KEY';
        try {
          parsePem(
            `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----`,
          );
        } catch (error) {
          expect(error).toBeInstanceOf(PatchtrailError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('says how to get a key it reads from an encrypted or an OpenSSH one, and nothing for a constructor', () => {
    const message = (label: string) => {
      try {
        parsePem(`-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`);
        return 'parsed';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message('ENCRYPTED PRIVATE KEY')).toMatch(
      /: the key is encrypted; write it out unencrypted \(openssl pkey /,
    );
    expect(message('OPENSSH PRIVATE KEY')).toMatch(/: an OpenSSH key, .* patchtrail keygen/);
    expect(message('CONSTRUCTOR')).toBe(
      'unsupported PEM type "CONSTRUCTOR" (want PRIVATE KEY or PUBLIC KEY)',
    );
  });
});

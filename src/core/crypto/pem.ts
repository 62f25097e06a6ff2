/**
 * Ed25519 keys as PEM: PKCS#8 private keys (RFC 5208 / RFC 5958 OneAsymmetricKey, RFC 8410 §7)
 * and SPKI public keys (RFC 5280 §4.1.2.7, RFC 8410 §4), so that `openssl pkey` reads what we
 * write and we read what `openssl genpkey -algorithm ed25519` writes. Key files are user input:
 * a small strict DER reader rejects anything else with `MALFORMED_INPUT`.
 */
import { reject } from '../errors.ts';
import { bytesEqual, concatBytes, fromBase64, toBase64 } from '../encoding/bytes.ts';
import { publicKeyFromSeed } from './ed25519.ts';

const ED25519_OID = Uint8Array.from([0x06, 0x03, 0x2b, 0x65, 0x70]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, ...ED25519_OID, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = Uint8Array.from([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  ...ED25519_OID,
  0x04,
  0x22,
  0x04,
  0x20,
]);

export type PemKey =
  | { kind: 'private'; seed: Uint8Array; publicKey: Uint8Array }
  | { kind: 'public'; publicKey: Uint8Array };

interface Tlv {
  tag: number;
  value: Uint8Array;
  end: number;
}

/** Reads one DER TLV at `offset` (definite, minimal lengths only). */
function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) return reject('MALFORMED_INPUT', 'truncated DER');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 2) return reject('MALFORMED_INPUT', 'unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (der[start + i] ?? 0);
    if (length < 0x80 || (count === 2 && length < 0x100)) {
      return reject('MALFORMED_INPUT', 'non-minimal DER length');
    }
    start += count;
  }
  const end = start + length;
  if (end > der.length) return reject('MALFORMED_INPUT', 'truncated DER');
  return { tag, value: der.subarray(start, end), end };
}

function readSequence(der: Uint8Array): Tlv[] {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) {
    return reject('MALFORMED_INPUT', 'key is not one DER SEQUENCE');
  }
  const items: Tlv[] = [];
  for (let at = 0; at < outer.value.length;) {
    const item = readTlv(outer.value, at);
    items.push(item);
    at = item.end;
  }
  return items;
}

function expectEd25519Algorithm(item: Tlv | undefined): void {
  // AlgorithmIdentifier ::= SEQUENCE { id-Ed25519 } with parameters absent (RFC 8410 §3).
  if (item?.tag !== 0x30 || !bytesEqual(item.value, ED25519_OID)) {
    reject('MALFORMED_INPUT', 'key is not an Ed25519 key (OID 1.3.101.112)');
  }
}

function parsePkcs8(der: Uint8Array): PemKey {
  const [version, algorithm, privateKey, ...rest] = readSequence(der);
  const v = version?.tag === 0x02 && version.value.length === 1 ? version.value[0] : -1;
  if (v !== 0 && v !== 1) reject('MALFORMED_INPUT', 'PKCS#8 version must be 0 or 1');
  expectEd25519Algorithm(algorithm);
  if (privateKey?.tag !== 0x04)
    return reject('MALFORMED_INPUT', 'PKCS#8 key is not an OCTET STRING');
  const inner = readTlv(privateKey.value, 0);
  if (inner.tag !== 0x04 || inner.value.length !== 32 || inner.end !== privateKey.value.length) {
    reject('MALFORMED_INPUT', 'Ed25519 private key must be a 32-byte seed (RFC 8410 §7)');
  }
  const seed = inner.value.slice();
  const publicKey = publicKeyFromSeed(seed);
  for (const extra of rest) {
    // [0] attributes are ignored; [1] publicKey (v1 only) must match the seed.
    if (extra.tag === 0x81 && v === 1) {
      if (extra.value[0] !== 0 || !bytesEqual(extra.value.subarray(1), publicKey)) {
        reject('MALFORMED_INPUT', 'PKCS#8 public key does not match the private key');
      }
    } else if (extra.tag !== 0xa0) {
      reject('MALFORMED_INPUT', 'unexpected field in PKCS#8 key');
    }
  }
  return { kind: 'private', seed, publicKey };
}

function parseSpki(der: Uint8Array): PemKey {
  const items = readSequence(der);
  const [algorithm, bits] = items;
  expectEd25519Algorithm(algorithm);
  if (items.length !== 2 || bits?.tag !== 0x03 || bits.value.length !== 33 || bits.value[0] !== 0) {
    return reject('MALFORMED_INPUT', 'SPKI key is not a 32-byte Ed25519 public key');
  }
  return { kind: 'public', publicKey: bits.value.slice(1) };
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/;

/** Reads the first PEM block: "PRIVATE KEY" (PKCS#8) or "PUBLIC KEY" (SPKI), Ed25519 only. */
export function parsePem(text: string): PemKey {
  const match = PEM_BLOCK.exec(text);
  if (match === null) return reject('MALFORMED_INPUT', 'no PEM block found');
  const der = fromBase64((match[2] ?? '').replace(/\s+/g, ''), 'PEM body');
  if (match[1] === 'PRIVATE KEY') return parsePkcs8(der);
  if (match[1] === 'PUBLIC KEY') return parseSpki(der);
  const how = Object.hasOwn(CONVERT, match[1] ?? '') ? `: ${CONVERT[match[1] ?? '']}` : '';
  return reject(
    'MALFORMED_INPUT',
    `unsupported PEM type "${match[1]}" (want PRIVATE KEY or PUBLIC KEY)${how}`,
  );
}

/** How to turn keys people already have into the PKCS#8 form read here. */
const CONVERT: Readonly<Record<string, string>> = {
  'ENCRYPTED PRIVATE KEY':
    'the key is encrypted; write it out unencrypted (openssl pkey -in KEY -out PLAIN.pem) and keep that file as safe',
  'OPENSSH PRIVATE KEY':
    'an OpenSSH key, which ssh-keygen cannot write as PKCS#8 for Ed25519; make a signing key with patchtrail keygen (or openssl genpkey -algorithm ed25519)',
};

function pem(label: string, der: Uint8Array): string {
  const body = toBase64(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

export function privateKeyPem(seed: Uint8Array): string {
  if (seed.length !== 32) throw new TypeError('privateKeyPem: seed must be 32 bytes');
  return pem('PRIVATE KEY', concatBytes(PKCS8_PREFIX, seed));
}

export function publicKeyPem(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new TypeError('publicKeyPem: key must be 32 bytes');
  return pem('PUBLIC KEY', concatBytes(SPKI_PREFIX, publicKey));
}

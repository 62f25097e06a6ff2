/**
 * Canonical JSON per RFC 8785 (JCS), for every byte string we hash or sign. The serializer is
 * the `canonicalize` package by one of the RFC's authors; this module adds the strict parse
 * that signed payloads need: the bytes must already be canonical, which also rules out
 * duplicate member names (RFC 8785 §3.1 requires I-JSON input, RFC 7493 §2.3).
 */
import canonicalize from 'canonicalize';
import { reject } from '../errors.ts';
import { utf8Decode, utf8Encode, bytesEqual } from './bytes.ts';
import { pointerText, repeatedMember } from './json-members.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** RFC 8785 serialization. Throws `TypeError` for values JSON cannot represent (our bug). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8Encode(canonicalJson(value));
}

/**
 * Parses attacker-controlled JSON text; a syntax error becomes `MALFORMED_INPUT`. A byte order
 * mark before it (Windows Notepad saves one) is ignored, as RFC 8259 §8.1 lets a parser do;
 * where bytes must be canonical (`parseCanonicalJson`), the comparison still refuses it.
 */
export function parseJson(text: string, what = 'input'): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return reject('MALFORMED_INPUT', `${what} is not valid JSON (${detail})`);
  }
}

/**
 * `parseJson` for text every reader must read alike: an object that names a member twice
 * (json-members.ts) is `MALFORMED_INPUT`, naming the member and the object.
 */
export function parseUnambiguousJson(text: string, what = 'input'): unknown {
  const value = parseJson(text, what);
  const repeated = repeatedMember(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (repeated !== undefined) {
    const { name, path } = repeated;
    const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
    const where = path.length === 0 ? 'the top-level object' : `the object at ${pointerText(path)}`;
    reject(
      'MALFORMED_INPUT',
      `${what} names the member ${shown} twice in ${where}; readers could take either value`,
    );
  }
  return value;
}

/**
 * Parses bytes that must be RFC 8785 canonical JSON: UTF-8, valid JSON, and byte-identical to
 * their own re-serialization. Anything else is `MALFORMED_INPUT`.
 */
export function parseCanonicalJson(bytes: Uint8Array, what = 'payload'): unknown {
  const value = parseJson(utf8Decode(bytes, what), what);
  let again: Uint8Array;
  try {
    again = canonicalBytes(value);
  } catch {
    return reject('MALFORMED_INPUT', `${what} cannot be canonicalized (RFC 8785)`);
  }
  if (!bytesEqual(again, bytes)) {
    reject('MALFORMED_INPUT', `${what} is not in RFC 8785 canonical form`);
  }
  return value;
}

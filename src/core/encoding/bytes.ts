/**
 * Byte helpers: UTF-8, hex and base64. Decoders here see attacker-controlled text (bundle
 * fields), so they are strict: a malformed encoding is a coded `MALFORMED_INPUT`, never a
 * silently "repaired" value.
 */
import { base64, base64url, base64urlnopad, hex } from '@scure/base';
import { reject } from '../errors.ts';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8, rejecting invalid sequences instead of substituting U+FFFD. */
export function utf8Decode(bytes: Uint8Array, what = 'text'): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    return reject('MALFORMED_INPUT', `${what} is not valid UTF-8`, [String(cause)]);
  }
}

export function toHex(bytes: Uint8Array): string {
  return hex.encode(bytes);
}

/** Lower-case hex only, even length. */
export function fromHex(text: string, what = 'hex value'): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) {
    reject('MALFORMED_INPUT', `${what} is not lower-case hex of whole bytes`);
  }
  return hex.decode(text);
}

export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/** URL-safe base64 without padding (RFC 4648 §5), as WebAuthn spells binary members. */
export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Decodes URL-safe base64 without padding, as WebAuthn members are spelled. */
export function fromBase64Url(text: string, what = 'base64url value'): Uint8Array {
  try {
    if (/^[A-Za-z0-9_-]*$/.test(text)) return base64urlnopad.decode(text);
  } catch {
    // fall through to the coded rejection
  }
  return reject('MALFORMED_INPUT', `${what} is not valid unpadded base64url`);
}

/**
 * Decodes standard or URL-safe base64, as DSSE requires verifiers to accept (protocol.md,
 * "Envelope"). Padding is optional for the URL-safe alphabet only. Non-zero trailing bits are
 * rejected, so each byte string has exactly one accepted spelling per alphabet.
 */
export function fromBase64(text: string, what = 'base64 value'): Uint8Array {
  try {
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return base64.decode(text);
    if (/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
      return text.endsWith('=') ? base64url.decode(text) : base64urlnopad.decode(text);
    }
  } catch {
    // fall through to the coded rejection
  }
  return reject('MALFORMED_INPUT', `${what} is not valid base64`);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** `concatBytes` for a list of any length (a spread of 100,000 parts overflows the stack). */
export function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** A view WebCrypto accepts (its typings refuse views of a SharedArrayBuffer). */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

/**
 * C2SP signed notes (c2sp.org/signed-note): a UTF-8 text, a blank line, and signature lines
 * "— <key name> base64(key ID || signature)". Two signature types: Ed25519 (0x01) over the text,
 * and timestamped Ed25519 cosignatures (0x04, c2sp.org/tlog-cosignature) over
 * "cosignature/v1\ntime <t>\n" || text. Verifier keys use the vkey form
 * "<name>+<8 hex key ID>+base64(type || public key)".
 *
 * Notes and vkeys from peers are attacker-controlled: syntax errors reject with
 * `MALFORMED_INPUT`, more than MAX_NOTE_SIGNATURES lines with `TOO_LARGE`, a failing signature by
 * a trusted key with `INVALID_SIGNATURE`, and a note no trusted key signed with `UNKNOWN_AUTHOR`.
 */
import { reject } from '../errors.ts';
import { verify } from '../crypto/ed25519.ts';
import type { Signer } from '../crypto/signer.ts';
import {
  bytesEqual,
  concatBytes,
  fromBase64,
  toBase64,
  utf8Decode,
  utf8Encode,
} from '../encoding/bytes.ts';
import { sha256Sync } from '../crypto/hash.ts';

export const SIGNATURE_TYPE_ED25519 = 0x01;
export const SIGNATURE_TYPE_COSIGNATURE = 0x04;
export type SignatureType = typeof SIGNATURE_TYPE_ED25519 | typeof SIGNATURE_TYPE_COSIGNATURE;

/** The spec asks verifiers to accept at least 16; x/mod stops at 100, and so do we. */
export const MAX_NOTE_SIGNATURES = 100;

const ED25519_KEY_LENGTH = 32;
const ED25519_SIGNATURE_LENGTH = 64;
const TIMESTAMP_LENGTH = 8;
const SIGNATURE_PREFIX = '\u2014 '; // em dash, space
/** tlog-cosignature: timestamps must not exceed 2^63 - 1; we also need an exact JS number. */
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

export interface VerifierKey {
  readonly name: string;
  /** uint32: SHA-256(name || 0x0A || type || public key)[:4], big-endian. */
  readonly keyId: number;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
}

export interface NoteSignature {
  readonly keyName: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** Everything up to and including the newline before the last blank line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface VerifiedSignature {
  readonly key: VerifierKey;
  /** POSIX seconds of a cosignature (type 0x04); absent for plain Ed25519 signatures. */
  readonly timestamp?: number;
}

export interface OpenedNote {
  readonly text: string;
  /** One entry per trusted key whose signature verified. */
  readonly verified: readonly VerifiedSignature[];
  /** Signatures from keys outside the trusted set, ignored as the spec requires. */
  readonly unverified: readonly NoteSignature[];
}

export interface NoteSigner {
  readonly key: VerifierKey;
  /** The signature bytes (without the key ID) over the note text. */
  sign(text: Uint8Array): Promise<Uint8Array>;
}

const CONTROL_CHARACTER = /[\u0000-\u0009\u000b-\u001f]/; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /[\ud800-\udfff]/u;
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard, padded base64 only (RFC 4648 §4), one spelling per byte string. */
export function decodeStandardBase64(text: string, what: string): Uint8Array {
  if (!STANDARD_BASE64.test(text)) reject('MALFORMED_INPUT', `${what} is not standard base64`);
  return fromBase64(text, what);
}

/**
 * Key names are non-empty, without Unicode spaces (the White_Space property, as Go's
 * unicode.IsSpace), '+' or control characters (which no valid note may contain).
 */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/[\p{White_Space}+\u0000-\u001f]/u.test(name) && // eslint-disable-line no-control-regex
    !LONE_SURROGATE.test(name)
  );
}

/** SHA-256(name || 0x0A || type || public key)[:4] as a uint32 (signed-note, "Signatures"). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256Sync(concatBytes(utf8Encode(`${name}\n`), Uint8Array.of(type), publicKey));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

export function makeVerifierKey(
  name: string,
  publicKey: Uint8Array,
  type: SignatureType = SIGNATURE_TYPE_ED25519,
): VerifierKey {
  if (!isValidKeyName(name)) throw new TypeError(`makeVerifierKey: invalid key name "${name}"`);
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE) {
    throw new TypeError(`makeVerifierKey: unsupported signature type ${type}`);
  }
  if (publicKey.length !== ED25519_KEY_LENGTH) {
    throw new TypeError('makeVerifierKey: Ed25519 public key must be 32 bytes');
  }
  const key = publicKey.slice();
  return { name, keyId: computeKeyId(name, type, key), type, publicKey: key };
}

/** A key ID as 8 lower-case hex digits, as in vkeys. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export function formatVerifierKey(key: VerifierKey): string {
  const material = concatBytes(Uint8Array.of(key.type), key.publicKey);
  return `${key.name}+${formatKeyId(key.keyId)}+${toBase64(material)}`;
}

/**
 * Parses "<name>+<key ID>+<base64(type || key)>", splitting at the first two '+' (the base64
 * may contain more). Key IDs are 8 lower-case hex digits and must match the recomputed ID.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  if (typeof vkey !== 'string' || vkey.length > 1024) {
    return reject('MALFORMED_INPUT', 'verifier key is not a short string');
  }
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) {
    return reject('MALFORMED_INPUT', 'verifier key must be <name>+<key ID>+<key>');
  }
  const name = vkey.slice(0, first);
  const idText = vkey.slice(first + 1, second);
  if (!isValidKeyName(name)) return reject('MALFORMED_INPUT', 'verifier key has an invalid name');
  if (!/^[0-9a-f]{8}$/.test(idText)) {
    return reject('MALFORMED_INPUT', `verifier key ID must be 8 lower-case hex digits`);
  }
  const material = decodeStandardBase64(vkey.slice(second + 1), 'verifier key');
  const type = material[0];
  if (type !== SIGNATURE_TYPE_ED25519 && type !== SIGNATURE_TYPE_COSIGNATURE) {
    return reject('MALFORMED_INPUT', `unsupported verifier key type ${String(type)} (want 1 or 4)`);
  }
  if (material.length !== 1 + ED25519_KEY_LENGTH) {
    return reject('MALFORMED_INPUT', `Ed25519 verifier key must be 32 bytes`);
  }
  const key = makeVerifierKey(name, material.subarray(1), type);
  if (key.keyId !== Number.parseInt(idText, 16)) {
    return reject('MALFORMED_INPUT', `verifier key ID ${idText} does not match the key`);
  }
  return key;
}

/** Rejects what a note may not contain (signed-note, "Format"). */
function checkNoteCharacters(text: string, what: string): void {
  if (CONTROL_CHARACTER.test(text)) {
    reject('MALFORMED_INPUT', `${what} contains a control character`);
  }
  if (LONE_SURROGATE.test(text)) reject('MALFORMED_INPUT', `${what} is not valid Unicode`);
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    return reject('MALFORMED_INPUT', 'note signature line must start with "— "');
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const keyName = rest.slice(0, Math.max(space, 0));
  if (space < 0 || !isValidKeyName(keyName)) {
    return reject('MALFORMED_INPUT', 'note signature line has an invalid key name');
  }
  const bytes = decodeStandardBase64(rest.slice(space + 1), 'note signature');
  if (bytes.length < 5) return reject('MALFORMED_INPUT', 'note signature is too short');
  const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  return { keyName, keyId, signature: bytes.slice(4) };
}

/**
 * Splits a signed note into text and signature lines, strictly (signed-note, "Format"): valid
 * UTF-8, no control characters but newline, split at the last blank line, at least one
 * signature line, every line newline-terminated. Verifies nothing.
 */
export function parseNote(note: Uint8Array | string): Note {
  const text = typeof note === 'string' ? note : utf8Decode(note, 'note');
  checkNoteCharacters(text, 'note');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return reject('MALFORMED_INPUT', 'note has no blank line before its signatures');
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) {
    return reject('MALFORMED_INPUT', 'note must end with newline-terminated signature lines');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    return reject(
      'TOO_LARGE',
      `note has ${lines.length} signatures (at most ${MAX_NOTE_SIGNATURES})`,
    );
  }
  return { text: text.slice(0, split + 1), signatures: lines.map(parseSignatureLine) };
}

function checkNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    throw new TypeError('note text must end with a newline');
  }
  if (CONTROL_CHARACTER.test(text) || LONE_SURROGATE.test(text)) {
    throw new TypeError('note text must be Unicode without control characters other than newline');
  }
}

export function formatSignatureLine(signature: NoteSignature): string {
  if (!isValidKeyName(signature.keyName)) throw new TypeError('invalid key name');
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, signature.keyId);
  return `${SIGNATURE_PREFIX}${signature.keyName} ${toBase64(concatBytes(id, signature.signature))}\n`;
}

export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) throw new TypeError('formatNote: a note needs a signature');
  return `${note.text}\n${note.signatures.map(formatSignatureLine).join('')}`;
}

/** An Ed25519 (type 0x01) note signer. */
export function makeNoteSigner(name: string, signer: Signer): NoteSigner {
  return { key: makeVerifierKey(name, signer.publicKey), sign: (text) => signer.sign(text) };
}

/** The message a type 0x04 cosignature signs (tlog-cosignature, "Ed25519 signed message"). */
export function cosignatureMessage(timestamp: number, text: Uint8Array): Uint8Array {
  return concatBytes(utf8Encode(`cosignature/v1\ntime ${timestamp}\n`), text);
}

/**
 * A tlog-cosignature (type 0x04) signer; `now` gives the POSIX time in seconds for each
 * signature (the core has no clock). The signature is timestamp (u64, big-endian) || Ed25519.
 */
export function makeCosigner(name: string, signer: Signer, now: () => number): NoteSigner {
  return {
    key: makeVerifierKey(name, signer.publicKey, SIGNATURE_TYPE_COSIGNATURE),
    async sign(text) {
      const timestamp = now();
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw new RangeError(`cosigner: timestamp must be whole seconds, got ${timestamp}`);
      }
      const stamp = new Uint8Array(TIMESTAMP_LENGTH);
      new DataView(stamp.buffer).setBigUint64(0, BigInt(timestamp));
      return concatBytes(stamp, await signer.sign(cosignatureMessage(timestamp, text)));
    },
  };
}

async function signatureLines(text: string, signers: readonly NoteSigner[]): Promise<string[]> {
  const bytes = utf8Encode(text);
  return Promise.all(
    signers.map(async ({ key, sign }) =>
      formatSignatureLine({ keyName: key.name, keyId: key.keyId, signature: await sign(bytes) }),
    ),
  );
}

/** Signs `text` (which must end with a newline) with every signer, in order. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkNoteText(text);
  if (signers.length === 0) throw new TypeError('signNote: need at least one signer');
  return `${text}\n${(await signatureLines(text, signers)).join('')}`;
}

/** Appends signatures over an existing note's text; existing lines are kept, not checked. */
export async function addSignatures(
  note: Uint8Array | string,
  signers: readonly NoteSigner[],
): Promise<string> {
  const parsed = parseNote(note);
  const existing = parsed.signatures.map(formatSignatureLine);
  const added = await signatureLines(parsed.text, signers);
  const lines = [...existing, ...added.filter((line) => !existing.includes(line))];
  if (lines.length > MAX_NOTE_SIGNATURES) {
    return reject('TOO_LARGE', `note would have more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  return `${parsed.text}\n${lines.join('')}`;
}

/** Checks one signature under one key; a cosignature also yields its time. */
async function checkSignature(
  key: VerifierKey,
  text: Uint8Array,
  signature: Uint8Array,
): Promise<VerifiedSignature | undefined> {
  if (key.type === SIGNATURE_TYPE_ED25519) {
    return (await verify(key.publicKey, text, signature)) ? { key } : undefined;
  }
  if (signature.length !== TIMESTAMP_LENGTH + ED25519_SIGNATURE_LENGTH) return undefined;
  const stamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  // Above 2^53 s (285 million years ahead) is "in the future", which verifiers MAY reject.
  if (stamp > BigInt(MAX_TIMESTAMP)) return undefined;
  const timestamp = Number(stamp);
  const message = cosignatureMessage(timestamp, text);
  const ok = await verify(key.publicKey, message, signature.subarray(TIMESTAMP_LENGTH));
  return ok ? { key, timestamp } : undefined;
}

/** The first of the matching trusted keys (normally one) under which the signature verifies. */
async function checkUnderAny(
  keys: readonly VerifierKey[],
  text: Uint8Array,
  signature: Uint8Array,
): Promise<VerifiedSignature | undefined> {
  for (const key of keys) {
    const result = await checkSignature(key, text, signature);
    if (result !== undefined) return result;
  }
  return undefined;
}

function sameSignature(a: NoteSignature, b: NoteSignature): boolean {
  return a.keyName === b.keyName && a.keyId === b.keyId && bytesEqual(a.signature, b.signature);
}

/**
 * Parses and verifies a note against trusted keys (signed-note, "Signatures"): signatures whose
 * (name, key ID) match no trusted key are ignored; every one that does must verify (else
 * `INVALID_SIGNATURE`); at least one must (else `UNKNOWN_AUTHOR`). Identical repeated lines
 * count once.
 */
export async function openNote(
  note: Uint8Array | string,
  trusted: readonly VerifierKey[],
): Promise<OpenedNote> {
  const parsed = parseNote(note);
  const text = utf8Encode(parsed.text);
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen: NoteSignature[] = [];
  for (const sig of parsed.signatures) {
    if (seen.some((other) => sameSignature(sig, other))) continue;
    seen.push(sig);
    const keys = trusted.filter((k) => k.name === sig.keyName && k.keyId === sig.keyId);
    if (keys.length === 0) {
      unverified.push(sig);
      continue;
    }
    const result = await checkUnderAny(keys, text, sig.signature);
    if (result === undefined) {
      const id = `${sig.keyName}+${formatKeyId(sig.keyId)}`;
      return reject('INVALID_SIGNATURE', `invalid signature by ${id}`);
    }
    if (!verified.some((v) => v.key === result.key)) verified.push(result);
  }
  if (verified.length === 0) {
    const names = parsed.signatures.map((s) => `${s.keyName}+${formatKeyId(s.keyId)}`);
    return reject('UNKNOWN_AUTHOR', 'note has no signature by a trusted key', names);
  }
  return { text: parsed.text, verified, unverified };
}

/**
 * Ledger entries: canonical bytes plus an Ed25519 signature, named by the hash of what was
 * signed. The wire form is one RFC 8785 canonical JSON object:
 *
 *   { v, ledger, author, seq, prev, refs, time, kind, body, sig }
 *
 * `content` is that object without `sig`, canonical; the entry's id is
 * `sha256:` + hex(SHA-256(content)); `sig` is base64 of the author's Ed25519 signature over
 * ENTRY_DOMAIN || content. Naming by content (not by the signature) means one statement has
 * one name whoever relays it. Genesis has no `ledger` (its own id is the ledger id).
 * Everything here is a pure check of one entry's bytes; what needs other entries (chain
 * links, standing, kind rules against the registry) is in validator.ts.
 */
import { verify, verifySync, type Ed25519Verifier } from '../crypto/ed25519.ts';
import type { Signer } from '../crypto/signer.ts';
import {
  concatBytes,
  fromBase64,
  toBase64,
  toHex,
  utf8Decode,
  utf8Encode,
} from '../encoding/bytes.ts';
import { canonicalBytes, parseJson, type Json } from '../encoding/canonical-json.ts';
import { isPatchtrailError, reject } from '../errors.ts';
import { prefixedContent, readCanonicalEntry } from './canonical.ts';
import { didPublicKey } from './did-cache.ts';
import { checkBody, ENTRY_KINDS, type EntryBody, type EntryKind } from './kinds.ts';
import { MAX_ENTRY_BYTES, MAX_PROOF_ENTRY_BYTES, MAX_REFS } from './limits.ts';
import { sha256Sync as sha256 } from '../crypto/hash.ts';

export const ENTRY_VERSION = 1;
/** Domain separation: an entry signature can never be replayed as a bundle's or a note's. */
export const ENTRY_DOMAIN = utf8Encode('patchtrail ledger entry v1\n');
const HASH = /^sha256:[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

export interface EntryFields<K extends EntryKind = EntryKind> {
  v: number;
  /** The ledger's id (its genesis entry's id); absent on the genesis entry itself. */
  ledger?: string;
  author: string;
  /** Per-author sequence number, 0 for an author's first entry. */
  seq: number;
  /** Id of the author's entry at seq - 1; null at seq 0. */
  prev: string | null;
  /** Ids of other authors' latest entries the author had seen (sorted, at most MAX_REFS). */
  refs: string[];
  /** Advisory UTC time, second precision; never trusted for ordering. */
  time: string;
  kind: K;
  body: EntryBody<K>;
}

/** An entry whose bytes, hash and signature have been checked. */
export interface Entry<K extends EntryKind = EntryKind> extends EntryFields<K> {
  id: string;
  bytes: Uint8Array;
}

export function isEntryId(value: unknown): value is string {
  return typeof value === 'string' && HASH.test(value);
}

/** Synchronous SHA-256 (sha256.ts): WebCrypto's digest costs a promise and a thread hop. */
function idOf(content: Uint8Array): string {
  return `sha256:${toHex(sha256(content))}`;
}

function fieldsOf(entry: EntryFields): EntryFields {
  const fields: EntryFields = {
    v: entry.v,
    author: entry.author,
    seq: entry.seq,
    prev: entry.prev,
    refs: entry.refs,
    time: entry.time,
    kind: entry.kind,
    body: entry.body,
  };
  if (entry.ledger !== undefined) fields.ledger = entry.ledger;
  return fields;
}

/** Signs fields into an entry. The fields are checked as a reader would check them. */
export async function signEntry<K extends EntryKind>(
  signer: Signer,
  fields: Omit<EntryFields<K>, 'v' | 'author'>,
): Promise<Entry<K>> {
  const unsigned = fieldsOf({ ...fields, v: ENTRY_VERSION, author: signer.did } as EntryFields);
  checkFields(unsigned as unknown as Record<string, unknown>);
  const content = canonicalBytes(unsigned);
  const sig = await signer.sign(concatBytes(ENTRY_DOMAIN, content));
  const bytes = canonicalBytes({ ...unsigned, sig: toBase64(sig) });
  if (bytes.length > MAX_ENTRY_BYTES)
    reject('TOO_LARGE', `entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES}`);
  return { ...(unsigned as EntryFields<K>), id: idOf(content), bytes };
}

/**
 * The WebAuthn challenge for a passkey assertion carried in an entry's body: SHA-256 of the
 * entry's signing payload (ENTRY_DOMAIN || content) as it reads without `body.passkey`. It
 * names the author, sequence number, ledger and every other field, so an assertion made for
 * one entry never verifies in another; the author's signature then covers the assertion too.
 */
export function passkeyChallenge(fields: Omit<EntryFields, 'v'> & { v?: number }): Uint8Array {
  const body = { ...fields.body } as { passkey?: unknown };
  delete body.passkey;
  const unsigned = fieldsOf({
    ...fields,
    v: fields.v ?? ENTRY_VERSION,
    body,
  } as unknown as EntryFields);
  return sha256(concatBytes(ENTRY_DOMAIN, canonicalBytes(unsigned)));
}

function malformed(message: string): never {
  return reject('MALFORMED_INPUT', `ledger entry: ${message}`);
}

const FIELDS = ['v', 'ledger', 'author', 'seq', 'prev', 'refs', 'time', 'kind', 'body', 'sig'];

function checkFields(o: Record<string, unknown>): void {
  for (const key of Object.keys(o)) if (!FIELDS.includes(key)) malformed(`unknown field "${key}"`);
  if (o.v !== ENTRY_VERSION) malformed(`unsupported version ${JSON.stringify(o.v)}`);
  if (typeof o.author !== 'string' || !o.author.startsWith('did:key:z'))
    malformed('author must be a did:key');
  try {
    didPublicKey(o.author);
  } catch (error) {
    if (isPatchtrailError(error)) malformed(`author: ${error.message}`);
    throw error;
  }
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 0)
    malformed('seq must be a whole number');
  if (o.seq === 0 ? o.prev !== null : !isEntryId(o.prev))
    malformed('prev must be null at seq 0 and an entry id after');
  if (o.kind === 'genesis' ? o.ledger !== undefined : !isEntryId(o.ledger))
    malformed('ledger must be the ledger id (absent only on genesis)');
  if (!Array.isArray(o.refs) || o.refs.length > MAX_REFS || !o.refs.every(isEntryId))
    malformed(`refs must be at most ${MAX_REFS} entry ids`);
  const refs = o.refs as string[];
  for (let i = 1; i < refs.length; i++)
    if ((refs[i - 1] as string) >= (refs[i] as string))
      malformed('refs must be sorted, without repeats');
  if (typeof o.time !== 'string' || !TIME.test(o.time) || Number.isNaN(Date.parse(o.time)))
    malformed('time must be a UTC timestamp like 2026-11-22T03:49:06Z');
  if (typeof o.kind !== 'string' || !(ENTRY_KINDS as readonly string[]).includes(o.kind))
    malformed(`unknown kind ${JSON.stringify(o.kind)}`);
  checkBody(o.kind as EntryKind, o.body as Json, o);
}

export interface DecodeOptions {
  /** The ledger the entry must belong to (checked before the signature, which costs most). */
  ledger?: string;
  /** Skip the signature check: the caller's verification cache already holds this id. */
  skipSignature?: boolean;
}

/** An entry read from untrusted bytes, everything checked but its signature. */
export interface ReadEntry {
  entry: Entry;
  /** What the signature signs: ENTRY_DOMAIN || content. */
  message: Uint8Array;
  signature: Uint8Array;
}

/**
 * Reads one entry from untrusted bytes: size, canonical decode, fields, hash, ledger id — all
 * but the signature (see `signatureValid`). Synchronous, so that a caller can read entries in
 * order and have their signatures checked meanwhile, several at once.
 */
export function readEntry(
  bytes: Uint8Array,
  expectedId?: string,
  options: Pick<DecodeOptions, 'ledger'> = {},
): ReadEntry {
  if (bytes.length > MAX_PROOF_ENTRY_BYTES)
    reject('TOO_LARGE', `ledger entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES}`);
  const read = readCanonicalEntry(bytes, 'ledger entry');
  const { rest, sig } = read;
  checkFields(rest);
  if (rest.kind !== 'equivocation' && bytes.length > MAX_ENTRY_BYTES)
    reject('TOO_LARGE', `ledger entry is ${bytes.length} bytes; the limit is ${MAX_ENTRY_BYTES}`);
  if (typeof sig !== 'string') malformed('sig must be base64');
  const signature = fromBase64(sig, 'entry signature');
  // One spelling only: the signature is outside the content the id hashes, so a second
  // spelling (URL-safe, unpadded) would be other bytes under the same id.
  if (toBase64(signature) !== sig) malformed('sig must be standard, padded base64');
  // What is signed (ENTRY_DOMAIN || content), and the content it holds, in one array.
  const message = prefixedContent(bytes, read, ENTRY_DOMAIN);
  const id = idOf(message.subarray(ENTRY_DOMAIN.length));
  if (expectedId !== undefined && expectedId !== id)
    malformed(`travelled as ${expectedId} but its content hashes to ${id}`);
  const fields = rest as unknown as EntryFields;
  const ledger = fields.kind === 'genesis' ? id : fields.ledger;
  if (options.ledger !== undefined && ledger !== options.ledger)
    reject('MALFORMED_INPUT', `ledger entry ${id} belongs to another ledger (${ledger})`);
  return { entry: { ...fields, id, bytes }, message, signature };
}

/** Whether a read entry's signature verifies under its author's key (never throws). */
export function signatureValid(read: ReadEntry): Promise<boolean> {
  return authorSigned(read.entry.author, read.message, read.signature);
}

/** The public key a did:key names, or undefined for one that names none. */
function authorKey(author: string): Uint8Array | undefined {
  try {
    return didPublicKey(author);
  } catch {
    return undefined;
  }
}

/** Whether `signature` over `message` verifies under the did:key `author` (never throws). */
export async function authorSigned(
  author: string,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const key = authorKey(author);
  return key !== undefined && verify(key, message, signature);
}

/**
 * `signatureValid` through a runtime's synchronous verifier (ed25519.ts: the same strict
 * checks first): no promise, for a thread that reads many entries in a row.
 */
export function signatureValidSync(read: ReadEntry, verifier: Ed25519Verifier): boolean {
  const key = authorKey(read.entry.author);
  return key !== undefined && verifySync(key, read.message, read.signature, verifier);
}

/** Refuses an entry whose signature did not verify. */
export function invalidSignature(entry: Entry): never {
  return reject('INVALID_SIGNATURE', `ledger entry ${entry.id}: signature does not verify`);
}

/**
 * Reads one entry from untrusted bytes: size, canonical decode, fields, hash, ledger id,
 * signature. `expectedId`, when given (the key it travelled under), must match the hash.
 */
export async function decodeEntry(
  bytes: Uint8Array,
  expectedId?: string,
  options: DecodeOptions = {},
): Promise<Entry> {
  const read = readEntry(bytes, expectedId, options);
  if (options.skipSignature !== true && !(await signatureValid(read))) invalidSignature(read.entry);
  return read.entry;
}

/**
 * The entry in `bytes`, which the caller vouches passed every byte-only check as `id` (and,
 * when given, that `parsed` is `JSON.parse` of them: a store parses many at once): its
 * fields as `readEntry` gives them (everything but `sig`), built in one literal (one shape for
 * every entry; copying a parsed object member by member cost more than parsing it).
 */
export function vouchedEntry(bytes: Uint8Array, id: string, parsed?: unknown): Entry {
  const value = parsed ?? parseJson(utf8Decode(bytes, 'ledger entry'), 'ledger entry');
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    reject('MALFORMED_INPUT', `ledger entry ${id}: a vouched record is not an entry`);
  const f = value as Entry;
  const entry: Omit<Entry, 'ledger'> & { ledger?: string | undefined } = {
    author: f.author,
    body: f.body,
    kind: f.kind,
    ledger: f.ledger,
    prev: f.prev,
    refs: f.refs,
    seq: f.seq,
    time: f.time,
    v: f.v,
    id,
    bytes,
  };
  if (entry.ledger === undefined) delete entry.ledger; // the genesis has none
  return entry as Entry;
}

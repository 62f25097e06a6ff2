/**
 * What a pool worker does with an admission batch (admit-protocol.ts): for each entry, verify
 * its signature and compute the id it is signed under, every signature check of the batch in
 * flight at once, and send the buffer back with a verdict and an id per entry. The entries are
 * untrusted; any that cannot be read this way gets CHECK_IN_FULL, never an exception.
 *
 * The worker does not parse the entry: the ledger's admission on the main thread does that
 * anyway. It reads the signed parts straight from the bytes, as they lie in an entry in RFC
 * 8785 canonical form (entry.ts), whose members are sorted: `{"author":"DID",` opens it, and
 * the `sig` member, `,"sig":"BASE64"`, is its last member but `time` and `v`, whose values (a
 * timestamp and a number) cannot hold a quote. The content is the bytes without that member,
 * the id is SHA-256 of the content. For an entry the ledger accepts, these are exactly the
 * content, signature and author it reads. For any other bytes they may differ, and that is
 * caught where it matters: the admission passes the id back as the key the bytes must hash to
 * (`admit(bytes, { key: id, verifiedBefore: true })`), so a verdict only ever vouches for a
 * signature over the very content the ledger hashes and admits (SHA-256 binds the two).
 */
import { prepareSha256Sync, sha256Sync } from '../src/core/crypto/hash.ts';
import { verify } from '../src/core/crypto/ed25519.ts';
import { fromBase64 } from '../src/core/encoding/bytes.ts';
import { isPatchtrailError } from '../src/core/errors.ts';
import { didPublicKey } from '../src/core/ledger/did-cache.ts';
import { ENTRY_DOMAIN } from '../src/core/ledger/entry.ts';
import {
  CHECK_IN_FULL,
  SIGNATURE_VERIFIED,
  type AdmitCheckAnswer,
  type AdmitCheckRequest,
} from './admit-protocol.ts';
import type { Posted } from './reputation-protocol.ts';

const encoder = new TextEncoder();
const OPENING = encoder.encode('{"author":"');
const SIG_MEMBER = encoder.encode(',"sig":"');
const QUOTE = 0x22;

export interface SignedParts {
  author: string;
  /** ENTRY_DOMAIN || content: what the author signed. */
  message: Uint8Array;
  signature: Uint8Array;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** The signed parts as a canonical entry holds them; undefined when the bytes do not fit. */
export function signedParts(bytes: Uint8Array): SignedParts | undefined {
  if (!startsWith(bytes, OPENING)) return undefined;
  const authorEnd = bytes.indexOf(QUOTE, OPENING.length);
  let at = bytes.length - SIG_MEMBER.length;
  while (at > authorEnd && !startsWith(bytes, SIG_MEMBER, at)) at--;
  const sigStart = at + SIG_MEMBER.length;
  const sigEnd = bytes.indexOf(QUOTE, sigStart);
  if (authorEnd < 0 || at <= authorEnd || sigEnd < 0) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    const author = decoder.decode(bytes.subarray(OPENING.length, authorEnd));
    const signature = fromBase64(decoder.decode(bytes.subarray(sigStart, sigEnd)));
    const message = new Uint8Array(ENTRY_DOMAIN.length + bytes.length - (sigEnd + 1 - at));
    message.set(ENTRY_DOMAIN);
    message.set(bytes.subarray(0, at), ENTRY_DOMAIN.length);
    message.set(bytes.subarray(sigEnd + 1), ENTRY_DOMAIN.length + at);
    return { author, message, signature };
  } catch {
    return undefined;
  }
}

/** Writes the entry's id hash into `id` and says whether its signature verified. */
async function check(entry: Uint8Array, id: Uint8Array): Promise<number> {
  const parts = signedParts(entry);
  if (parts === undefined) return CHECK_IN_FULL;
  let key: Uint8Array;
  try {
    key = didPublicKey(parts.author);
  } catch (cause) {
    if (isPatchtrailError(cause)) return CHECK_IN_FULL;
    throw cause;
  }
  id.set(sha256Sync(parts.message.subarray(ENTRY_DOMAIN.length)));
  return (await verify(key, parts.message, parts.signature)) ? SIGNATURE_VERIFIED : CHECK_IN_FULL;
}

export async function runAdmitCheck(request: AdmitCheckRequest): Promise<Posted<AdmitCheckAnswer>> {
  const { id, bytes, ends } = request;
  await prepareSha256Sync(); // ids through WebAssembly, as the ledger's are
  const all = new Uint8Array(bytes);
  const ids = new Uint8Array(32 * ends.length);
  const checks: Promise<number>[] = [];
  let start = 0;
  ends.forEach((end, i) => {
    checks.push(check(all.subarray(start, end), ids.subarray(32 * i, 32 * i + 32)));
    start = end;
  });
  const verdicts = Uint8Array.from(await Promise.all(checks));
  return {
    message: { kind: 'admit-checked', id, bytes, ends, verdicts, ids },
    transfer: [bytes, ends.buffer as ArrayBuffer, verdicts.buffer, ids.buffer],
  };
}

/**
 * Writing to the ledger as one of its authors: a new entry takes the signer's next sequence
 * number, chains to its head, cites other authors' recent heads, and goes through the same
 * validator as everyone else's entries.
 */
import type { Signer } from '../crypto/signer.ts';
import { utcTimestamp } from '../bundle/time.ts';
import { toBase64 } from '../encoding/bytes.ts';
import { reject, type ErrorCode } from '../errors.ts';
import type { AdmitOptions } from './admission.ts';
import { passkeyChallenge, signEntry, type Entry, type EntryFields } from './entry.ts';
import type { Equivocation } from './indexes.ts';
import type { EndorseBody, EntryBody, EntryKind, PasskeyAssertion } from './kinds.ts';
import { MAX_REFS } from './limits.ts';

/** Refs an appended entry cites (other authors' heads); the format allows up to MAX_REFS. */
const REFS_CITED = Math.min(4, MAX_REFS);

/** What authoring needs of the ledger. */
export interface AuthoringLedger {
  readonly id: string;
  head(author: string): Entry | undefined;
  recentHeads(except: string, max: number): string[];
  get(id: string): Entry | undefined;
  hasProofAbout(author: string, seq: number): boolean;
  admit(
    bytes: Uint8Array,
    options: AdmitOptions,
  ): Promise<{ status: string; code?: ErrorCode; message?: string }>;
}

export interface AppendOptions {
  /**
   * Backs the entry with a passkey: called with the entry's `passkeyChallenge`, it returns a
   * WebAuthn assertion over it (the browser's navigator.credentials.get), put in `body.passkey`.
   */
  passkey?: (challenge: Uint8Array) => Promise<PasskeyAssertion>;
}

/** `time` one second later. */
function secondAfter(time: string): string {
  return utcTimestamp(new Date(Date.parse(time) + 1000));
}

/**
 * The time of an endorsement: `time`, unless the same author already endorsed that subject for
 * that role at `time` or later (a withdrawal, stake 0, in the second of the endorsement it
 * withdraws): then a second after the latest such. The registry settles one role's conflicting
 * endorsements by time, and would settle a tie by the larger stake, keeping what was withdrawn.
 * Only the author's entries dated `time` or later are read.
 */
function endorsementTime(
  ledger: AuthoringLedger,
  head: Entry | undefined,
  body: EndorseBody,
  time: string,
): string {
  let latest: string | undefined;
  for (let entry = head; entry !== undefined && entry.time >= time;) {
    if (entry.kind === 'endorse') {
      const earlier = entry.body as EndorseBody;
      const same = earlier.subject === body.subject && earlier.role === body.role;
      if (same && (latest === undefined || entry.time > latest)) latest = entry.time;
    }
    entry = entry.prev === null ? undefined : ledger.get(entry.prev);
  }
  return latest === undefined ? time : secondAfter(latest);
}

/** Signs and admits `signer`'s next entry; refused input rejects with the validator's code. */
export async function appendEntry<K extends EntryKind>(
  ledger: AuthoringLedger,
  signer: Signer,
  kind: K,
  body: EntryBody<K>,
  time: string,
  options: AppendOptions = {},
): Promise<Entry<K>> {
  const head = ledger.head(signer.did);
  // Said in the signer's terms, before the validator's "first entry must register it".
  if (head === undefined && kind !== 'genesis' && kind !== 'register')
    reject(
      'UNKNOWN_AUTHOR',
      `${signer.did} is not registered on this ledger: a key registers before it signs anything else`,
    );
  const fields: Omit<EntryFields<K>, 'v' | 'author'> = {
    ledger: ledger.id,
    seq: head === undefined ? 0 : head.seq + 1,
    prev: head?.id ?? null,
    refs: ledger.recentHeads(signer.did, REFS_CITED),
    time: kind === 'endorse' ? endorsementTime(ledger, head, body as EndorseBody, time) : time,
    kind,
    body,
  };
  if (options.passkey !== undefined) {
    const challenge = passkeyChallenge({ ...fields, author: signer.did } as Omit<EntryFields, 'v'>);
    fields.body = { ...body, passkey: await options.passkey(challenge) };
  }
  const entry = await signEntry(signer, fields);
  const result = await ledger.admit(entry.bytes, { key: entry.id });
  if (result.status !== 'admitted' && result.status !== 'duplicate')
    reject(result.code ?? 'MALFORMED_INPUT', result.message ?? `entry was ${result.status}`);
  return entry;
}

/** The two entries' bytes of an equivocation, as a proof body (base64, in byte order). */
export function equivocationBody(
  ledger: AuthoringLedger,
  found: Equivocation,
): EntryBody<'equivocation'> {
  const [a, b] = found.ids.map((id) => toBase64((ledger.get(id) as Entry).bytes)).sort();
  return { a: a as string, b: b as string };
}

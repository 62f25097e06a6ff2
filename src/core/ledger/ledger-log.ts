/**
 * A peer's ledger as an RFC 9162 log (ARCHITECTURE.md, "Checkpoints and proofs"): its origin
 * line, its note keys, its tree over the entries in admission order, and reading the
 * checkpoint entries recorded in it. Signing and cosigning checkpoints is in proofs.ts.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';
import type { Signer } from '../crypto/signer.ts';
import { bytesEqual } from '../encoding/bytes.ts';
import { isPatchtrailError, reject } from '../errors.ts';
import { openCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { isEntryId, type Entry } from './entry.ts';
import type { CheckpointBody } from './kinds.ts';
import type { LedgerView } from './ledger-view.ts';
import { MerkleTree } from './merkle.ts';
import {
  isValidKeyName,
  makeVerifierKey,
  parseNote,
  SIGNATURE_TYPE_COSIGNATURE,
  type VerifierKey,
} from './note.ts';

/** A pack of MAX_PROOF_PACK_ENTRIES small entries fits easily; larger input is `TOO_LARGE`. */
/** An inclusion proof in a tree of at most 2^53 leaves has at most 53 hashes. */
export const MAX_CHECKPOINT_NOTE = 64 * 1024;
const ORIGIN_PREFIX = 'patchtrail.dev/ledger/';
const LOG_NAME = /^[A-Za-z0-9._:-]{1,128}$/;
export const HASH = /^sha256:[0-9a-f]{64}$/;

export const isLogName = (name: string): boolean => LOG_NAME.test(name);

/** The origin line of one peer's log over one ledger. */
export function ledgerOrigin(ledgerId: string, logName: string): string {
  if (!isEntryId(ledgerId)) throw new TypeError(`ledgerOrigin: not a ledger id: ${ledgerId}`);
  if (!isLogName(logName)) throw new TypeError(`ledgerOrigin: log name must match ${LOG_NAME}`);
  return `${originPrefix(ledgerId)}${logName}`;
}

export function originPrefix(ledgerId: string): string {
  return `${ORIGIN_PREFIX}${ledgerId.slice('sha256:'.length, 'sha256:'.length + 16)}/`;
}

/** The log's verifier key: type 0x01, named after the origin (the log name defaults to the DID). */
export function logVerifierKey(ledgerId: string, signer: LogIdentity, logName?: string) {
  return makeVerifierKey(ledgerOrigin(ledgerId, logName ?? signer.did), signer.publicKey);
}

/** A witness's cosignature key: type 0x04, by default named patchtrail.dev/witness/<did>. */
export function witnessVerifierKey(signer: LogIdentity, name?: string): VerifierKey {
  const chosen = name ?? `patchtrail.dev/witness/${signer.did}`;
  return makeVerifierKey(chosen, signer.publicKey, SIGNATURE_TYPE_COSIGNATURE);
}

type LogIdentity = Pick<Signer, 'did' | 'publicKey'>;

export interface LedgerLog {
  readonly tree: MerkleTree;
  /** Entry id → leaf index. */
  readonly index: ReadonlyMap<string, number>;
}

/**
 * The RFC 9162 tree over the ledger's entries in admission order. Hashing is synchronous
 * (sha256.ts, WebAssembly): 0.6 s of CPU for a 100,000-entry (82 MB) ledger, half what
 * @noble/hashes takes; WebCrypto's promise per leaf does not beat either.
 */
export function ledgerLog(ledger: Pick<LedgerView, 'all'>): LedgerLog {
  const tree = new MerkleTree();
  const index = new Map<string, number>();
  for (const entry of ledger.all()) index.set(entry.id, tree.append(entry.bytes));
  return { tree, index };
}

/** A checkpoint entry whose note verified under its author's key, named after its origin. */
export interface LedgerCheckpoint {
  readonly entry: Entry;
  readonly note: string;
  readonly key: VerifierKey;
  readonly checkpoint: Checkpoint;
}

/** Reads a `checkpoint` entry: a log of this ledger, signed by the entry's author. */
export async function readLedgerCheckpoint(
  ledgerId: string,
  entry: Entry,
): Promise<LedgerCheckpoint> {
  if (entry.kind !== 'checkpoint') reject('MALFORMED_INPUT', `${entry.id} is not a checkpoint`);
  const { note } = entry.body as CheckpointBody;
  const { origin } = parseCheckpoint(parseNote(note).text);
  if (!origin.startsWith(originPrefix(ledgerId)) || !isValidKeyName(origin))
    reject('INVALID_METADATA', `checkpoint ${entry.id}: "${origin}" is not a log of this ledger`);
  const key = makeVerifierKey(origin, publicKeyFromDid(entry.author));
  return { entry, note, key, checkpoint: await openCheckpoint(note, key) };
}

/** Readable checkpoints in standing, newest first; from one log key when `logKey` is given. */
export async function* checkpointsOf(ledger: LedgerView, logKey?: VerifierKey) {
  for (const entry of [...ledger.ofKind('checkpoint')].reverse()) {
    if (ledger.verified(entry.id) === undefined) continue;
    if (logKey !== undefined && !bytesEqual(publicKeyFromDid(entry.author), logKey.publicKey))
      continue;
    const read = await readLedgerCheckpoint(ledger.id, entry).catch(codedOnly);
    if (read !== undefined && (logKey === undefined || read.key.name === logKey.name)) yield read;
  }
}

export function codedOnly(error: unknown): undefined {
  if (isPatchtrailError(error)) return undefined;
  throw error;
}

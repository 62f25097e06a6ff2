/**
 * Checkpoints, witnesses and proof packs over a ledger (ARCHITECTURE.md, "Checkpoints and
 * proofs"). A peer's ledger is an RFC 9162 log: leaf i is the wire bytes of its i-th admitted
 * entry (`ledger.all()`, which is also the line order of its ledger file), hashed as
 * SHA-256(0x00 || bytes) (RFC 9162 §2.1.1). Admission only appends, so successive checkpoints
 * of one peer are consistent. Peers that admitted the same entries in another order run other
 * logs, so each log has its own origin (c2sp.org/tlog-checkpoint, "Note text"):
 *
 *   patchtrail.dev/ledger/<first 16 hex digits of the ledger id>/<log name>
 *
 * The log name is [A-Za-z0-9._:-]{1,128}, by default the signer's did:key. The log's note key
 * (Ed25519, type 0x01) is named after the origin, as tlog-checkpoint recommends; witnesses sign
 * tlog-cosignatures (type 0x04). Checkpoints and cosignatures are recorded as `checkpoint` and
 * `cosign` entries, so they travel with the ledger; a cosign entry's signature line must verify
 * under its author's own key.
 *
 * Proof packs, built on these checkpoints, are in proof-pack.ts.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';
import type { Signer } from '../crypto/signer.ts';
import { bytesEqual, utf8Encode } from '../encoding/bytes.ts';
import { isPatchtrailError, reject } from '../errors.ts';
import {
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpointConsistency,
  type Checkpoint,
} from './checkpoint.ts';
import { isEntryId, type Entry } from './entry.ts';
import type { CheckpointBody, CosignBody } from './kinds.ts';
import type { Ledger } from './ledger.ts';
import { MerkleTree } from './merkle.ts';
import {
  formatSignatureLine,
  isValidKeyName,
  makeCosigner,
  makeNoteSigner,
  makeVerifierKey,
  MAX_NOTE_SIGNATURES,
  openNote,
  parseNote,
  SIGNATURE_TYPE_COSIGNATURE,
  type NoteSigner,
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
export function ledgerLog(ledger: Ledger): LedgerLog {
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

/** Signs a checkpoint of the whole ledger and records it as a `checkpoint` entry. */
export async function makeLedgerCheckpoint(
  ledger: Ledger,
  signer: Signer,
  options: { name?: string | undefined; time: string },
): Promise<LedgerCheckpoint> {
  const key = logVerifierKey(ledger.id, signer, options.name);
  const { tree } = ledgerLog(ledger);
  const checkpoint = { origin: key.name, size: tree.size, rootHash: tree.root(), extensions: [] };
  const note = await signCheckpoint(checkpoint, makeNoteSigner(key.name, signer));
  const entry = await ledger.append(signer, 'checkpoint', { note }, options.time);
  return { entry, note, key, checkpoint };
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
export async function* checkpointsOf(ledger: Ledger, logKey?: VerifierKey) {
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

export interface WitnessRequest {
  readonly note: string;
  readonly logKey: VerifierKey;
  /** A tlog-cosignature (type 0x04) signer, see `makeCosigner`. */
  readonly cosigner: NoteSigner;
  /** The last checkpoint this witness cosigned for the same origin, if any. */
  readonly previous?: Checkpoint | undefined;
  /** RFC 9162 §2.1.4 consistency proof from `previous` to the new checkpoint. */
  readonly proof?: readonly Uint8Array[] | undefined;
}

/**
 * A witness's step (c2sp.org/tlog-witness, "add-checkpoint"): the log signature must verify;
 * then, if the witness cosigned an earlier checkpoint of this origin, the new one must not be
 * smaller (`STALE_LEDGER`), must not give the same size another root (`EQUIVOCATION`: the log
 * signed both) and must come with a valid consistency proof (`INVALID_METADATA`). Returns the
 * cosignature line, without its newline.
 */
export async function witnessCheckpoint(
  request: WitnessRequest,
): Promise<{ checkpoint: Checkpoint; line: string }> {
  const { note, logKey, cosigner, previous, proof = [] } = request;
  if (cosigner.key.type !== SIGNATURE_TYPE_COSIGNATURE)
    throw new TypeError('witnessCheckpoint: the cosigner must sign type 0x04 cosignatures');
  const checkpoint = await openCheckpoint(note, logKey);
  if (previous !== undefined) {
    const { size, rootHash } = previous;
    if (previous.origin !== checkpoint.origin)
      throw new TypeError('witnessCheckpoint: previous checkpoint is of another origin');
    if (checkpoint.size < size)
      reject(
        'STALE_LEDGER',
        `checkpoint size ${checkpoint.size} is below ${size}, cosigned before`,
      );
    if (checkpoint.size === size && !bytesEqual(checkpoint.rootHash, rootHash))
      reject('EQUIVOCATION', `the log signed two different roots for size ${size}`);
    if (!verifyCheckpointConsistency(previous, checkpoint, proof))
      reject(
        'INVALID_METADATA',
        `no valid consistency proof from size ${size} to ${checkpoint.size}`,
      );
  }
  const text = utf8Encode(parseNote(note).text);
  const { name: keyName, keyId } = cosigner.key;
  const signature = await cosigner.sign(text);
  return { checkpoint, line: formatSignatureLine({ keyName, keyId, signature }).slice(0, -1) };
}

export interface LedgerCosignature {
  readonly entry: Entry;
  readonly target: LedgerCheckpoint;
  readonly line: string;
  /** Size of the checkpoint this witness had cosigned before (the consistency proof's start). */
  readonly previousSize?: number;
  /** False when this witness had already cosigned the checkpoint: nothing was appended. */
  readonly fresh: boolean;
}

/**
 * Cosigns the newest checkpoint (of `logKey`'s log if given, else of whoever wrote it) as a
 * witness and records a `cosign` entry. The ledger must be the log's own: its first `size`
 * entries must hash to the checkpoint's root, and it serves the consistency proof from the
 * checkpoint this witness last cosigned for the origin (its earlier cosign entries are its
 * memory, tamper-evident through its author chain).
 */
export async function cosignLedgerCheckpoint(
  ledger: Ledger,
  witness: Signer,
  options: { name?: string | undefined; time: string; timestamp: number; logKey?: VerifierKey },
): Promise<LedgerCosignature> {
  const latest = options.logKey === undefined ? latestCheckpointEntry(ledger) : undefined;
  const target =
    latest !== undefined
      ? await readLedgerCheckpoint(ledger.id, latest)
      : (await checkpointsOf(ledger, options.logKey).next()).value;
  if (target === undefined)
    return reject('STALE_LEDGER', 'no checkpoint to cosign; run "patchtrail ledger checkpoint"');
  const existing = cosignEntriesOf(ledger, target.entry.id).find((e) => e.author === witness.did);
  if (existing !== undefined) {
    const { signature } = existing.body as CosignBody;
    return { entry: existing, target, line: signature, fresh: false };
  }
  const { size, rootHash, origin } = target.checkpoint;
  const { tree } = ledgerLog(ledger);
  if (size > tree.size || !bytesEqual(tree.root(size), rootHash))
    reject('INVALID_METADATA', `this ledger's first ${size} entries do not hash to the root`);
  const previous = await lastCosigned(ledger, witness.did, origin);
  if (previous !== undefined && !bytesEqual(previous.key.publicKey, target.key.publicKey))
    reject('UNKNOWN_AUTHOR', `this witness cosigned "${origin}" under another log key`);
  const from = previous?.checkpoint.size;
  const proof = from !== undefined && from <= size ? tree.consistencyProof(from, size) : [];
  const key = witnessVerifierKey(witness, options.name);
  const { line } = await witnessCheckpoint({
    note: target.note,
    logKey: target.key,
    cosigner: makeCosigner(key.name, witness, () => options.timestamp),
    previous: previous?.checkpoint,
    proof,
  });
  const body = { checkpoint: target.entry.id, signature: line };
  const entry = await ledger.append(witness, 'cosign', body, options.time);
  return {
    entry,
    target,
    line,
    fresh: true,
    ...(from === undefined ? {} : { previousSize: from }),
  };
}

function latestCheckpointEntry(ledger: Ledger): Entry | undefined {
  return [...ledger.ofKind('checkpoint')].reverse().find((e) => ledger.verified(e.id));
}

function cosignEntriesOf(ledger: Ledger, checkpointId: string): Entry[] {
  const all = [...ledger.ofKind('cosign')];
  return all.filter((e) => (e.body as CosignBody).checkpoint === checkpointId);
}

/** The largest checkpoint of `origin` that `witness` cosigned in this ledger. */
async function lastCosigned(ledger: Ledger, witness: string, origin: string) {
  let best: LedgerCheckpoint | undefined;
  for (const cosign of ledger.ofKind('cosign')) {
    const target = ledger.get((cosign.body as CosignBody).checkpoint);
    if (cosign.author !== witness || target === undefined) continue;
    const read = await readLedgerCheckpoint(ledger.id, target).catch(codedOnly);
    if (read?.checkpoint.origin !== origin) continue;
    if (best === undefined || read.checkpoint.size > best.checkpoint.size) best = read;
  }
  return best;
}

/**
 * The checkpoint note with every recorded cosignature that verifies under its cosign entry's
 * author (one per witness key; at most MAX_NOTE_SIGNATURES lines in all).
 */
export async function cosignedNote(ledger: Ledger, target: LedgerCheckpoint): Promise<string> {
  const { text } = parseNote(target.note);
  const lines: string[] = [];
  const keys: Uint8Array[] = [];
  for (const cosign of cosignEntriesOf(ledger, target.entry.id)) {
    if (lines.length >= MAX_NOTE_SIGNATURES - 1) break;
    const line = (cosign.body as CosignBody).signature;
    const author = publicKeyFromDid(cosign.author);
    if (keys.some((k) => bytesEqual(k, author))) continue;
    if (await isCosignatureBy(`${text}\n${line}\n`, author)) {
      lines.push(`${line}\n`);
      keys.push(author);
    }
  }
  return `${target.note}${lines.join('')}`;
}

async function isCosignatureBy(note: string, publicKey: Uint8Array): Promise<boolean> {
  try {
    const [signature, ...more] = parseNote(note).signatures;
    if (signature === undefined || more.length > 0) return false;
    const key = makeVerifierKey(signature.keyName, publicKey, SIGNATURE_TYPE_COSIGNATURE);
    return key.keyId === signature.keyId && (await openNote(note, [key])).verified.length === 1;
  } catch (error) {
    return codedOnly(error) ?? false;
  }
}

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
 * The log itself (origin, keys, tree, reading checkpoint entries) is in ledger-log.ts, its
 * consistency with its own checkpoints in log-check.ts, proof packs in proof-pack.ts.
 */
import { publicKeyFromDid } from '../crypto/did-key.ts';
import type { Signer } from '../crypto/signer.ts';
import { bytesEqual, utf8Encode } from '../encoding/bytes.ts';
import { reject } from '../errors.ts';
import {
  openCheckpoint,
  signCheckpoint,
  verifyCheckpointConsistency,
  type Checkpoint,
} from './checkpoint.ts';
import type { Entry } from './entry.ts';
import type { CosignBody } from './kinds.ts';
import type { Ledger } from './ledger.ts';
import {
  codedOnly,
  checkpointsOf,
  ledgerLog,
  logVerifierKey,
  readLedgerCheckpoint,
  witnessVerifierKey,
  type LedgerCheckpoint,
} from './ledger-log.ts';
import { assertLogConsistent } from './log-check.ts';
import {
  formatSignatureLine,
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

export {
  checkpointsOf,
  codedOnly,
  HASH,
  isLogName,
  ledgerLog,
  ledgerOrigin,
  logVerifierKey,
  MAX_CHECKPOINT_NOTE,
  originPrefix,
  readLedgerCheckpoint,
  witnessVerifierKey,
  type LedgerCheckpoint,
  type LedgerLog,
} from './ledger-log.ts';

/** Signs a checkpoint of the whole ledger and records it as a `checkpoint` entry. */
export async function makeLedgerCheckpoint(
  ledger: Ledger,
  signer: Signer,
  options: { name?: string | undefined; time: string },
): Promise<LedgerCheckpoint> {
  const key = logVerifierKey(ledger.id, signer, options.name);
  await assertLogConsistent(ledger, key.name, key.publicKey);
  const { tree } = ledgerLog(ledger);
  const checkpoint = { origin: key.name, size: tree.size, rootHash: tree.root(), extensions: [] };
  const note = await signCheckpoint(checkpoint, makeNoteSigner(key.name, signer));
  const entry = await ledger.append(signer, 'checkpoint', { note }, options.time);
  return { entry, note, key, checkpoint };
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

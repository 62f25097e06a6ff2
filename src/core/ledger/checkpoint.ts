/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): a signed note whose text is the log origin,
 * the tree size, the base64 root hash and optional extension lines. The log signs it (Ed25519,
 * type 0x01); witnesses add tlog-cosignatures (type 0x04), and a client trusts a checkpoint when
 * the log and a threshold of distinct witnesses signed it. Proof checks bind RFC 9162 inclusion
 * and consistency proofs to verified checkpoints.
 *
 * Checkpoint notes and proofs come from peers and are attacker-controlled: bad syntax rejects
 * with `MALFORMED_INPUT` (`TOO_LARGE` for sizes above 2^53 - 1), signatures as in note.ts.
 */
import { reject } from '../errors.ts';
import { bytesEqual, toBase64 } from '../encoding/bytes.ts';
import { HASH_LENGTH, emptyRoot, verifyConsistency, verifyInclusion } from './merkle.ts';
import {
  addSignatures,
  decodeStandardBase64,
  openNote,
  signNote,
  type NoteSigner,
  type VerifiedSignature,
  type VerifierKey,
} from './note.ts';

export interface Checkpoint {
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 9162 root hash of the first `size` leaves (32 bytes). */
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty extra lines (NOT RECOMMENDED by the spec). */
  readonly extensions: readonly string[];
}

export interface WitnessedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The verified cosignatures of distinct witness keys (not the log key). */
  readonly cosignatures: readonly VerifiedSignature[];
}

export interface WitnessPolicy {
  readonly logKey: VerifierKey;
  readonly witnesses: readonly VerifierKey[];
  /** How many distinct witness public keys must have cosigned. */
  readonly threshold: number;
  /** The expected origin line; defaults to the log key's name. */
  readonly origin?: string;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f]/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

function isLine(line: string): boolean {
  return line.length > 0 && !CONTROL_CHARACTER.test(line);
}

/** The note text of a checkpoint (tlog-checkpoint, "Note text"). */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (!isLine(origin)) throw new TypeError('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('bad checkpoint size');
  if (rootHash.length !== HASH_LENGTH) throw new TypeError('checkpoint root must be 32 bytes');
  if (!extensions.every(isLine)) throw new TypeError('extension lines must be non-empty lines');
  return [origin, String(size), toBase64(rootHash), ...extensions].map((l) => `${l}\n`).join('');
}

/** Parses checkpoint note text strictly; the text must end with a newline. */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) {
    return reject('MALFORMED_INPUT', 'checkpoint text must end with a newline');
  }
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    return reject('MALFORMED_INPUT', `checkpoint needs at least 3 lines, found ${lines.length}`);
  }
  if (!lines.every(isLine)) {
    return reject(
      'MALFORMED_INPUT',
      'checkpoint lines must be non-empty, without control characters',
    );
  }
  if (!DECIMAL.test(sizeText)) {
    return reject('MALFORMED_INPUT', `checkpoint size must be decimal without leading zeros`);
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return reject('TOO_LARGE', 'checkpoint size exceeds 2^53 - 1');
  const rootHash = decodeStandardBase64(rootText, 'checkpoint root hash');
  if (rootHash.length !== HASH_LENGTH) {
    return reject(
      'MALFORMED_INPUT',
      `checkpoint root hash must be 32 bytes, got ${rootHash.length}`,
    );
  }
  return { origin, size, rootHash, extensions };
}

/** A checkpoint signed by the log as a note. */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

async function openWith(
  note: Uint8Array | string,
  logKey: VerifierKey,
  trusted: readonly VerifierKey[],
  origin: string,
): Promise<{ checkpoint: Checkpoint; verified: readonly VerifiedSignature[] }> {
  const opened = await openNote(note, [logKey, ...trusted]);
  if (!opened.verified.some((v) => v.key === logKey)) {
    return reject('UNKNOWN_AUTHOR', `checkpoint is not signed by the log key ${logKey.name}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== origin) {
    return reject(
      'INVALID_METADATA',
      `checkpoint origin is "${checkpoint.origin}", expected "${origin}"`,
    );
  }
  return { checkpoint, verified: opened.verified };
}

/**
 * Verifies the log's signature and returns the checkpoint. The origin must equal `origin`
 * (default: the log key's name, as the spec recommends logs name their key after the origin).
 */
export async function openCheckpoint(
  note: Uint8Array | string,
  logKey: VerifierKey,
  origin: string = logKey.name,
): Promise<Checkpoint> {
  return (await openWith(note, logKey, [], origin)).checkpoint;
}

/**
 * A witness's cosignature: checks the log signature, then appends the cosigner's line. Checking
 * consistency with the last checkpoint it cosigned for this origin is the caller's job.
 */
export async function cosignCheckpoint(
  note: Uint8Array | string,
  logKey: VerifierKey,
  cosigner: NoteSigner,
  origin: string = logKey.name,
): Promise<string> {
  await openWith(note, logKey, [], origin);
  return addSignatures(note, [cosigner]);
}

/**
 * Verifies the log signature and that at least `threshold` distinct witnesses cosigned. Witnesses
 * are counted by public key (a key listed under two names counts once; the log's own key never
 * counts). A failing signature by any trusted key rejects the note; too few witnesses is
 * `POLICY_DENIED`.
 */
export async function verifyCosignedCheckpoint(
  note: Uint8Array | string,
  policy: WitnessPolicy,
): Promise<WitnessedCheckpoint> {
  const { logKey, witnesses, threshold } = policy;
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > witnesses.length) {
    throw new RangeError(`threshold must be 0..${witnesses.length}, got ${threshold}`);
  }
  const { checkpoint, verified } = await openWith(
    note,
    logKey,
    witnesses,
    policy.origin ?? logKey.name,
  );
  const cosignatures: VerifiedSignature[] = [];
  for (const signature of verified) {
    const { publicKey } = signature.key;
    if (!witnesses.includes(signature.key) || bytesEqual(publicKey, logKey.publicKey)) continue;
    if (cosignatures.some((c) => bytesEqual(c.key.publicKey, publicKey))) continue;
    cosignatures.push(signature);
  }
  if (cosignatures.length < threshold) {
    return reject(
      'POLICY_DENIED',
      `checkpoint has ${cosignatures.length} of ${threshold} required witness cosignatures`,
    );
  }
  return { checkpoint, cosignatures };
}

/**
 * Is `newer` an append-only extension of `older`? Both must be verified checkpoints of the same
 * origin. An empty `older` is a prefix of every tree (empty proof, empty-tree root).
 */
export function verifyCheckpointConsistency(
  older: Checkpoint,
  newer: Checkpoint,
  proof: readonly Uint8Array[],
): boolean {
  if (older.origin !== newer.origin || older.size > newer.size) return false;
  if (older.size === 0) {
    return Array.isArray(proof) && proof.length === 0 && bytesEqual(older.rootHash, emptyRoot());
  }
  return verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash);
}

/** Is `leafHash` (see `hashLeaf`) leaf `index` of the tree a verified checkpoint commits to? */
export function verifyCheckpointInclusion(
  checkpoint: Checkpoint,
  index: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  return verifyInclusion(index, checkpoint.size, leafHash, proof, checkpoint.rootHash);
}

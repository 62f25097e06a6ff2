/**
 * Proof packs: one JSON file (media type PROOF_PACK_MEDIA_TYPE) with a cosigned checkpoint,
 * the log's vkey and, for each entry about one patch, its bytes, leaf index and inclusion
 * proof. `verifyProofPack` needs no ledger, only pinned keys. Packs are attacker-controlled:
 * they yield a report with coded problems (`TOO_LARGE`, `MALFORMED_INPUT`, signature and proof
 * failures), never an exception. Checkpoints and witnesses are in proofs.ts.
 */
import { bytesEqual, toBase64, utf8Decode, utf8Encode } from '../encoding/bytes.ts';
import { parseJson } from '../encoding/canonical-json.ts';
import { isPatchtrailError, reject, type ErrorCode } from '../errors.ts';
import {
  verifyCheckpointInclusion,
  verifyCosignedCheckpoint,
  type Checkpoint,
} from './checkpoint.ts';
import { decodeEntry } from './entry.ts';
import type { AttestBody, FlagBody, PublishBody } from './kinds.ts';
import type { Ledger } from './ledger.ts';
import { MAX_ENTRY_BYTES } from './limits.ts';
import { hashLeaf } from './merkle.ts';
import {
  decodeStandardBase64,
  formatVerifierKey,
  parseVerifierKey,
  SIGNATURE_TYPE_ED25519,
  type VerifierKey,
} from './note.ts';

import {
  checkpointsOf,
  codedOnly,
  cosignedNote,
  ledgerLog,
  HASH,
  MAX_CHECKPOINT_NOTE,
  originPrefix,
} from './proofs.ts';

export const PROOF_PACK_MEDIA_TYPE = 'application/vnd.patchtrail.proofpack.v1+json';
export const MAX_PROOF_PACK_BYTES = 8 * 1024 * 1024;
export const MAX_PROOF_PACK_ENTRIES = 1024;
const MAX_INCLUSION_PROOF = 53;
const LINEAGE_KINDS = ['publish', 'attest', 'flag'] as const;

export interface ProofPackEntry {
  /** Leaf index in the checkpointed tree. */
  readonly index: number;
  /** Base64 of the entry's wire bytes (the leaf data). */
  readonly entry: string;
  /** RFC 9162 §2.1.3.1 inclusion proof, base64 hashes from the leaf up. */
  readonly proof: readonly string[];
}

export interface ProofPack {
  readonly mediaType: typeof PROOF_PACK_MEDIA_TYPE;
  /** The bundle's payload digest, as publish and attest entries name it. */
  readonly patch: string;
  /** The ledger id (its genesis entry's id). */
  readonly ledger: string;
  /** The log's C2SP vkey, for verifiers that have not pinned it. */
  readonly logKey: string;
  /** The C2SP signed note: checkpoint, log signature, witness cosignatures. */
  readonly checkpoint: string;
  readonly entries: readonly ProofPackEntry[];
}

export interface ProveOptions {
  readonly witnesses?: readonly VerifierKey[];
  /** Cosignatures needed from `witnesses`; defaults to all of them. */
  readonly threshold?: number;
  readonly logKey?: VerifierKey;
}

/**
 * A proof pack for every publish, attest and flag entry about `patch` that the newest usable
 * checkpoint covers. Usable: its root is this ledger's root at its size, and it has the
 * threshold of witness cosignatures. `omitted` counts entries newer than that checkpoint.
 */
export async function makeProofPack(
  ledger: Ledger,
  patch: string,
  options: ProveOptions = {},
): Promise<{ pack: ProofPack; omitted: number; note: string; checkpoint: Checkpoint }> {
  const { witnesses = [], logKey } = options;
  const threshold = options.threshold ?? witnesses.length;
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > witnesses.length)
    throw new RangeError(`makeProofPack: threshold must be 0..${witnesses.length}`);
  const about = ledger.aboutPatch(patch);
  if (about.length === 0) reject('STALE_LEDGER', `this ledger has no entries about ${patch}`);
  const { tree, index } = ledgerLog(ledger);
  const first = about.reduce((m, e) => Math.min(m, index.get(e.id) as number), Infinity);
  let lacking = 0;
  for await (const read of checkpointsOf(ledger, logKey)) {
    const { size, rootHash } = read.checkpoint;
    if (size <= first || !bytesEqual(tree.root(size), rootHash)) continue;
    const note = await cosignedNote(ledger, read);
    const policy = { logKey: read.key, witnesses, threshold };
    if ((await verifyCosignedCheckpoint(note, policy).catch(codedOnly)) === undefined) {
      lacking++;
      continue;
    }
    const covered = about.filter((e) => (index.get(e.id) as number) < size);
    const entries = covered.map((e) => {
      const leaf = index.get(e.id) as number;
      const proof = tree.inclusionProof(leaf, size).map(toBase64);
      return { index: leaf, entry: toBase64(e.bytes), proof };
    });
    const logVkey = formatVerifierKey(read.key);
    const pack: ProofPack = {
      mediaType: PROOF_PACK_MEDIA_TYPE,
      ...{ patch, ledger: ledger.id, logKey: logVkey, checkpoint: note, entries },
    };
    const bytes = utf8Encode(serializeProofPack(pack)).length;
    if (entries.length > MAX_PROOF_PACK_ENTRIES || bytes > MAX_PROOF_PACK_BYTES)
      reject('TOO_LARGE', `a proof pack of ${entries.length} entries exceeds the limits`);
    return { pack, omitted: about.length - covered.length, note, checkpoint: read.checkpoint };
  }
  return lacking > 0
    ? reject(
        'POLICY_DENIED',
        `no checkpoint covering ${patch} has ${threshold} witness cosignatures`,
      )
    : reject('STALE_LEDGER', `no checkpoint of this ledger file covers ${patch} yet`);
}

export function serializeProofPack(pack: ProofPack): string {
  return `${JSON.stringify(pack)}\n`;
}

export interface VerifyProofPackOptions {
  /** The pinned log key; without it the pack's own vkey is used, and witnesses carry trust. */
  readonly logKey?: VerifierKey | undefined;
  /** Pinned witness keys (type 0x04). */
  readonly witnesses: readonly VerifierKey[];
  /** Distinct witnesses that must have cosigned (see `verifyCosignedCheckpoint`). */
  readonly threshold: number;
  /** When given, the pack must be about this patch (a bundle's payload digest). */
  readonly patch?: string | undefined;
}

export interface ProofPackProblem {
  readonly code: ErrorCode;
  readonly message: string;
  /** Position in the pack's `entries`, for a problem with one entry. */
  readonly entry?: number;
}

/** One verified entry of the patch's lineage. */
export interface LineageStep {
  readonly index: number;
  readonly id: string;
  readonly kind: (typeof LINEAGE_KINDS)[number];
  readonly author: string;
  /** Advisory time the author wrote. */
  readonly time: string;
  /** publish: the author's reason; attest: built, reviewed, …; flag: the evidence. */
  readonly reason: string;
  readonly parent?: string;
  readonly target?: string;
  readonly compromised?: boolean;
  /** publish: the creator and components the author's metadata names. */
  readonly creator?: string;
  readonly components?: readonly string[];
}

/**
 * What a pack cannot show, however valid: it proves its entries are in the log, not that the
 * log holds no others. A check from a pack alone treats every rule that needs these as unmet.
 */
export const PACK_NOT_PROVEN = [
  'that no other flag says the patch is compromised',
  'that no signer was revoked, rotated away or caught equivocating',
  'that no attestation outside the pack (a rejection, a rollback, a longer chain) exists',
] as const;

export interface ProofPackReport {
  ok: boolean;
  problems: ProofPackProblem[];
  patch?: string;
  ledger?: string;
  checkpoint?: { origin: string; size: number; root: string };
  /** The log's vkey the checkpoint verified under. */
  log?: string;
  /** Counted witness cosignatures: key name and cosignature time (POSIX seconds). */
  witnesses: { name: string; time: number }[];
  /** Entries that passed every check, in leaf order. */
  lineage: LineageStep[];
  /** What the pack does not prove (PACK_NOT_PROVEN): inclusion is not completeness. */
  notProven: readonly string[];
}

/**
 * Verifies a proof pack without a ledger: size and shape; the checkpoint's log signature, its
 * origin (a log of the pack's ledger) and the witness threshold; then each entry: inclusion
 * proof against the checkpoint root, hash and signature, ledger, and that it is about the patch.
 * A pack proves that its entries are in the log, not that the log holds no others: a flag
 * left out of it is invisible, so `notProven` says so and a check from a pack alone
 * (policy/pack-only.ts) never counts on what is absent.
 */
export async function verifyProofPack(
  input: Uint8Array | string,
  options: VerifyProofPackOptions,
): Promise<ProofPackReport> {
  const { logKey, witnesses, threshold } = options;
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > witnesses.length)
    throw new RangeError(`verifyProofPack: threshold must be 0..${witnesses.length}`);
  if (logKey === undefined && threshold < 1)
    throw new RangeError('verifyProofPack: pin the log key or require at least one witness');
  const report: ProofPackReport = {
    ...{ ok: false, problems: [], witnesses: [], lineage: [] },
    notProven: PACK_NOT_PROVEN,
  };
  try {
    const pack = readProofPack(input);
    Object.assign(report, { patch: pack.patch, ledger: pack.ledger });
    if (options.patch !== undefined && options.patch !== pack.patch)
      reject('INVALID_METADATA', `the pack is about ${pack.patch}, not ${options.patch}`);
    const key = logKey ?? packLogKey(pack.logKey);
    const witnessed = await verifyCosignedCheckpoint(pack.checkpoint, {
      logKey: key,
      witnesses,
      threshold,
    });
    const { checkpoint } = witnessed;
    if (!checkpoint.origin.startsWith(originPrefix(pack.ledger)))
      reject(
        'INVALID_METADATA',
        `checkpoint origin "${checkpoint.origin}" is not of ${pack.ledger}`,
      );
    const { origin, size, rootHash } = checkpoint;
    report.checkpoint = { origin, size, root: toBase64(rootHash) };
    report.log = formatVerifierKey(key);
    report.witnesses = witnessed.cosignatures.map((c) => ({
      name: c.key.name,
      time: c.timestamp ?? 0,
    }));
    await checkPackEntries(pack, checkpoint, report);
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    report.problems.push({ code: error.code, message: error.message });
  }
  report.ok = report.problems.length === 0;
  return report;
}

function packLogKey(vkey: string): VerifierKey {
  const key = parseVerifierKey(vkey);
  if (key.type !== SIGNATURE_TYPE_ED25519) reject('MALFORMED_INPUT', 'logKey must be type 0x01');
  return key;
}

async function checkPackEntries(
  pack: ProofPack,
  checkpoint: Checkpoint,
  report: ProofPackReport,
): Promise<void> {
  const seen = new Set<number>();
  for (const [i, item] of pack.entries.entries()) {
    try {
      if (seen.has(item.index)) reject('MALFORMED_INPUT', `leaf ${item.index} appears twice`);
      seen.add(item.index);
      report.lineage.push(await checkPackEntry(pack, checkpoint, item));
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      report.problems.push({ code: error.code, message: `entry ${i}: ${error.message}`, entry: i });
    }
  }
  report.lineage.sort((a, b) => a.index - b.index);
}

async function checkPackEntry(
  pack: ProofPack,
  checkpoint: Checkpoint,
  item: ProofPackEntry,
): Promise<LineageStep> {
  const bytes = decodeStandardBase64(item.entry, 'entry');
  const proof = item.proof.map((hash) => decodeStandardBase64(hash, 'proof hash'));
  if (!verifyCheckpointInclusion(checkpoint, item.index, hashLeaf(bytes), proof))
    reject('INVALID_METADATA', `inclusion proof of leaf ${item.index} does not match the root`);
  const entry = await decodeEntry(bytes);
  const ledger = entry.kind === 'genesis' ? entry.id : entry.ledger;
  if (ledger !== pack.ledger)
    reject('INVALID_METADATA', `${entry.id} belongs to ledger ${String(ledger)}`);
  const kind = LINEAGE_KINDS.find((k) => k === entry.kind);
  const body = entry.body as Partial<PublishBody & AttestBody & FlagBody>;
  const published =
    kind === 'publish'
      ? { creator: body.creator ?? '', components: [...(body.components ?? [])] }
      : {};
  if (kind === undefined || body.patch !== pack.patch)
    reject('INVALID_METADATA', `${entry.id} (${entry.kind}) is not about ${pack.patch}`);
  const { id, author, time } = entry;
  const reason = kind === 'flag' ? (body.evidence ?? '') : String(body.reason ?? '');
  return {
    ...{ index: item.index, id, kind, author, time, reason },
    ...(body.parent === undefined ? {} : { parent: body.parent }),
    ...(body.target === undefined ? {} : { target: body.target }),
    ...(body.compromised === undefined ? {} : { compromised: body.compromised }),
    ...published,
  };
}

/** Size, JSON and shape of an untrusted pack; every bad field is listed at once. */
export function readProofPack(input: Uint8Array | string): ProofPack {
  const tooLarge = `proof pack is over the limit of ${MAX_PROOF_PACK_BYTES} bytes`;
  // A string has no more UTF-16 code units than UTF-8 bytes: refuse a long one before encoding.
  if (input.length > MAX_PROOF_PACK_BYTES) reject('TOO_LARGE', tooLarge);
  const bytes = typeof input === 'string' ? utf8Encode(input) : input;
  if (bytes.length > MAX_PROOF_PACK_BYTES) reject('TOO_LARGE', tooLarge);
  const value = parseJson(utf8Decode(bytes, 'proof pack'), 'proof pack');
  if (!isObject(value)) return reject('MALFORMED_INPUT', 'proof pack must be a JSON object');
  if (Array.isArray(value.entries) && value.entries.length > MAX_PROOF_PACK_ENTRIES)
    reject('TOO_LARGE', `proof pack has over ${MAX_PROOF_PACK_ENTRIES} entries`);
  const bad = [
    ...members(value, PACK_FIELDS, 'proof pack'),
    ...(Array.isArray(value.entries) ? value.entries.flatMap(entryProblems) : []),
  ];
  if (bad.length > 0)
    reject('MALFORMED_INPUT', `proof pack: ${bad.length} bad field(s): ${bad[0] as string}`, bad);
  return value as unknown as ProofPack;
}

type Check = (value: unknown) => boolean;
const string =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;
const hash: Check = (v) => typeof v === 'string' && HASH.test(v);
const base64Of =
  (max: number): Check =>
  (v) =>
    string(Math.ceil(max / 3) * 4)(v);

const PACK_FIELDS: Record<string, Check> = {
  mediaType: (v) => v === PROOF_PACK_MEDIA_TYPE,
  patch: hash,
  ledger: hash,
  logKey: string(1024),
  checkpoint: string(MAX_CHECKPOINT_NOTE),
  entries: (v) => Array.isArray(v) && v.length > 0,
};

const ENTRY_FIELDS: Record<string, Check> = {
  index: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  entry: base64Of(MAX_ENTRY_BYTES),
  proof: (v) => Array.isArray(v) && v.length <= MAX_INCLUSION_PROOF && v.every(base64Of(32)),
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function members(value: unknown, fields: Record<string, Check>, what: string): string[] {
  if (!isObject(value)) return [`${what} is not an object`];
  const bad = Object.keys(value)
    .filter((name) => !Object.hasOwn(fields, name))
    .map((name) => `${what}.${name} is not a field`);
  for (const [name, check] of Object.entries(fields))
    if (!check(value[name])) bad.push(`${what}.${name} is missing or not valid`);
  return bad;
}

function entryProblems(item: unknown, i: number): string[] {
  return members(item, ENTRY_FIELDS, `entries[${i}]`);
}

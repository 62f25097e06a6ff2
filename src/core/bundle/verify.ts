/**
 * Verifying a bundle, as a short pipeline of named steps:
 *   read (size, UTF-8, JSON, schema) → author signature over the raw payload → author
 *   metadata → appended attestations → trust.
 * The signature is checked before the payload is parsed (DSSE protocol.md, "Verify"). All
 * input here is attacker-controlled: every failure is a coded result, never an exception.
 */
import { fromBase64, toBase64, utf8Decode, utf8Encode } from '../encoding/bytes.ts';
import {
  canonicalJson,
  parseCanonicalJson,
  parseJson,
  parseUnambiguousJson,
} from '../encoding/canonical-json.ts';
import type { Ed25519Backend } from '../crypto/ed25519.ts';
import { publicKeyFromDid } from '../crypto/did-key.ts';
import { sha256Hex } from '../crypto/hash.ts';
import { verifyEnvelopeSignature, type Envelope } from '../envelope/dsse.ts';
import { isPatchtrailError, reject, type PatchtrailError } from '../errors.ts';
import { parseDiff, touchedPaths } from '../diff/parse.ts';
import { unappliableChanges, type UnappliableChange } from '../diff/unappliable.ts';
import { patchDiffContent } from './diff-encoding.ts';
import { MAX_BUNDLE_BYTES } from './limits.ts';
import { assertSchema } from './schema.ts';
import { isRealUtcTimestamp } from './time.ts';
import type {
  AttestationStatement,
  Bundle,
  BundleReport,
  PatchStatement,
  SignatureReport,
  VerifyResult,
} from './types.ts';

export interface VerifyOptions {
  /** did:key identities whose authorship is trusted; absent means integrity only. */
  trusted?: Iterable<string>;
  backend?: Ed25519Backend;
}

/**
 * One spelling per envelope: the signature and payload are outside what is signed, so another
 * spelling of either (URL-safe or unpadded base64, which DSSE lets a verifier accept) would be
 * other bytes for one signed content. The schema allows the standard alphabet only; this adds
 * whole 4-character quanta, and for the signature, zero trailing bits (the payload's are checked
 * when it is decoded, before its signature). Same rule and code as a ledger entry's signature.
 */
function checkSpelling(envelope: Envelope, which: string): void {
  if (envelope.payload.length % 4 !== 0)
    reject('MALFORMED_INPUT', `${which} payload must be standard, padded base64`);
  for (const { sig } of envelope.signatures)
    if (sig.length % 4 !== 0 || toBase64(fromBase64(sig, `${which} signature`)) !== sig)
      reject('MALFORMED_INPUT', `${which} signature must be standard, padded base64`);
}

/**
 * Size, UTF-8, JSON (no member named twice in an object: readers could take either value),
 * schema and base64 spelling checks; `MALFORMED_INPUT` or `TOO_LARGE` on failure.
 */
export function readBundle(bytes: Uint8Array): Bundle {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    reject('TOO_LARGE', `bundle is ${bytes.length} bytes; the limit is ${MAX_BUNDLE_BYTES}`);
  }
  const value = parseUnambiguousJson(utf8Decode(bytes, 'bundle'), 'bundle');
  assertSchema('bundle', value, 'MALFORMED_INPUT', 'bundle');
  const bundle = value as Bundle;
  checkSpelling(bundle.envelope, 'the author envelope');
  bundle.attestation_signatures.forEach((envelope, i) =>
    checkSpelling(envelope, `attestation ${i + 1}`),
  );
  return bundle;
}

interface SignedPayload {
  did: string;
  payload: Uint8Array;
}

/** Checks an envelope's single signature against its keyid's key, before any parsing. */
async function checkSignature(envelope: Envelope, options: VerifyOptions): Promise<SignedPayload> {
  const signature = envelope.signatures[0];
  if (signature?.keyid === undefined) return reject('MALFORMED_INPUT', 'envelope has no keyid');
  const publicKey = publicKeyFromDid(signature.keyid);
  const payload = fromBase64(envelope.payload, 'envelope payload');
  if (!(await verifyEnvelopeSignature(envelope, signature, publicKey, options.backend))) {
    reject('INVALID_SIGNATURE', `signature by ${signature.keyid} does not verify`);
  }
  return { did: signature.keyid, payload };
}

/** Parses a validly signed payload; problems inside it are the signer's: `INVALID_METADATA`. */
function signedStatement(
  signed: SignedPayload,
  part: 'patchStatement' | 'attestationStatement',
): unknown {
  let statement: unknown;
  try {
    statement = parseCanonicalJson(signed.payload, 'signed payload');
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return reject('INVALID_METADATA', message);
  }
  assertSchema(part, statement, 'INVALID_METADATA', 'signed statement');
  return statement;
}

async function verifyAuthor(bundle: Bundle, options: VerifyOptions) {
  const signed = await checkSignature(bundle.envelope, options);
  const statement = signedStatement(signed, 'patchStatement') as PatchStatement;
  const predicate = statement.predicate;
  if (predicate.creator_identity !== signed.did) {
    reject('INVALID_SIGNATURE', `signed by ${signed.did}, not by the creator it names`);
  }
  if (!isRealUtcTimestamp(predicate.creation_timestamp)) {
    reject(
      'INVALID_METADATA',
      `creation_timestamp "${predicate.creation_timestamp}" is not a real date`,
    );
  }
  const diff = patchDiffContent(predicate);
  const diffDigest = await sha256Hex(typeof diff === 'string' ? utf8Encode(diff) : diff);
  if (statement.subject[0]?.digest.sha256 !== diffDigest) {
    reject('INVALID_METADATA', 'subject digest does not match sha256 of the diff');
  }
  let files: string[];
  let unappliable: UnappliableChange[];
  try {
    const parsed = parseDiff(diff, predicate.path_strip);
    files = touchedPaths(parsed);
    unappliable = unappliableChanges(parsed);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return reject('INVALID_METADATA', `patch_diff is not a usable diff: ${message}`);
  }
  if (canonicalJson(files) !== canonicalJson(predicate.files)) {
    reject('INVALID_METADATA', 'files does not list the paths the diff touches');
  }
  const payloadDigest = await sha256Hex(signed.payload);
  return { did: signed.did, payloadDigest, diffDigest, predicate, unappliable };
}

async function verifyAttestation(
  envelope: Envelope,
  payloadDigest: string,
  options: VerifyOptions,
): Promise<SignatureReport> {
  const keyid = envelope.signatures[0]?.keyid ?? '';
  try {
    const signed = await checkSignature(envelope, options);
    const { predicate, subject } = signedStatement(
      signed,
      'attestationStatement',
    ) as AttestationStatement;
    if (predicate.attester_identity !== signed.did) {
      reject(
        'INVALID_SIGNATURE',
        `attestation signed by ${signed.did}, not by the attester it names`,
      );
    }
    if (subject[0]?.digest.sha256 !== payloadDigest) {
      reject('INVALID_METADATA', 'attestation is about a different bundle payload');
    }
    if (!isRealUtcTimestamp(predicate.timestamp)) {
      reject(
        'INVALID_METADATA',
        `attestation timestamp "${predicate.timestamp}" is not a real date`,
      );
    }
    const report: SignatureReport = {
      did: signed.did,
      role: predicate.role,
      status: 'valid',
      trusted: null,
      verdict: predicate.verdict,
      timestamp: predicate.timestamp,
    };
    if (predicate.note !== undefined) report.note = predicate.note;
    return report;
  } catch (cause) {
    const { code, message } = asProblem(cause);
    return {
      did: keyid,
      role: 'unknown',
      status: 'invalid',
      trusted: null,
      problem: { code, message },
    };
  }
}

/**
 * Coded rejections become results; anything else is a fault of ours or of the runtime (not a
 * verdict on the input) and propagates, so that it is never reported as a bad bundle.
 */
function asProblem(cause: unknown): PatchtrailError {
  if (isPatchtrailError(cause)) return cause;
  throw cause;
}

async function verifyAttestations(bundle: Bundle, payloadDigest: string, options: VerifyOptions) {
  const reports: SignatureReport[] = [];
  const seenEnvelopes = new Set<string>();
  const counted = new Set<string>();
  for (const envelope of bundle.attestation_signatures) {
    const key = canonicalJson(envelope);
    let report: SignatureReport;
    if (seenEnvelopes.has(key)) {
      const problem = { code: 'MALFORMED_INPUT' as const, message: 'duplicated signature' };
      report = {
        did: envelope.signatures[0]?.keyid ?? '',
        role: 'unknown',
        status: 'invalid',
        trusted: null,
        problem,
      };
    } else {
      report = await verifyAttestation(envelope, payloadDigest, options);
    }
    seenEnvelopes.add(key);
    if (report.status === 'valid') {
      if (counted.has(report.did)) report.repeat = true;
      counted.add(report.did);
    }
    reports.push(report);
  }
  return reports;
}

function applyTrust(report: BundleReport, trusted: ReadonlySet<string> | undefined): void {
  if (trusted === undefined) return;
  report.trustChecked = true;
  for (const signature of [report.author, ...report.attestations]) {
    signature.trusted = trusted.has(signature.did);
  }
}

/**
 * Distinct attesters by verdict. The author attesting its own bundle is listed but is not an
 * attester: a signature cannot vouch for itself.
 */
function summarize(
  attestations: readonly SignatureReport[],
  author: string,
): BundleReport['attesters'] {
  const pass: string[] = [];
  const fail: string[] = [];
  for (const a of attestations) {
    if (a.status !== 'valid' || a.repeat === true || a.trusted === false) continue;
    if (a.did === author) continue;
    (a.verdict === 'fail' ? fail : pass).push(a.did);
  }
  return { pass, fail };
}

/** Verifies an already-read bundle. */
export async function verifyParsedBundle(
  bundle: Bundle,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const trusted = options.trusted === undefined ? undefined : new Set(options.trusted);
  let report: BundleReport | undefined;
  try {
    const author = await verifyAuthor(bundle, options);
    const attestations = await verifyAttestations(bundle, author.payloadDigest, options);
    report = {
      payloadDigest: author.payloadDigest,
      diffDigest: author.diffDigest,
      predicate: author.predicate,
      unappliable: author.unappliable,
      author: {
        did: author.did,
        role: 'author',
        status: 'valid',
        trusted: null,
        timestamp: author.predicate.creation_timestamp,
      },
      attestations,
      attesters: { pass: [], fail: [] },
      trustChecked: false,
    };
    applyTrust(report, trusted);
    report.attesters = summarize(attestations, author.did);
    const bad = attestations.find((a) => a.status === 'invalid');
    if (bad?.problem !== undefined) {
      reject(
        bad.problem.code,
        `attestation by ${bad.did || 'unknown key'}: ${bad.problem.message}`,
      );
    }
    if (report.author.trusted === false) {
      reject('UNKNOWN_AUTHOR', `author ${author.did} is not in the trusted set`);
    }
    return { ok: true, report };
  } catch (cause) {
    const error = asProblem(cause);
    const problem = { code: error.code, message: error.message, details: error.details };
    return report === undefined ? { ok: false, problem } : { ok: false, problem, report };
  }
}

/** Reads and verifies bundle bytes. Never throws for bad input (only for our own faults). */
export async function verifyBundle(
  bytes: Uint8Array,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  let bundle: Bundle;
  try {
    bundle = readBundle(bytes);
  } catch (cause) {
    const error = asProblem(cause);
    return {
      ok: false,
      problem: { code: error.code, message: error.message, details: error.details },
    };
  }
  return verifyParsedBundle(bundle, options);
}

/**
 * The author predicate decoded WITHOUT checking anything, for display next to a failed
 * verification ("what the file claims"). Never use it for a decision.
 */
export function peekUnverifiedPredicate(bundle: Bundle): unknown {
  try {
    const statement = parseJson(utf8Decode(fromBase64(bundle.envelope.payload)), 'payload');
    const isObject = typeof statement === 'object' && statement !== null;
    return isObject && Object.hasOwn(statement, 'predicate')
      ? (statement as { predicate: unknown }).predicate
      : undefined;
  } catch {
    return undefined;
  }
}

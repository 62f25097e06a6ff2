/**
 * Appending an attestation: a reviewer, tester or compliance officer signs, with their own
 * key, an in-toto Statement naming the bundle's author payload by digest. Earlier signatures
 * are untouched, so appending never invalidates them.
 */
import { canonicalBytes, canonicalJson } from '../encoding/canonical-json.ts';
import type { Signer } from '../crypto/signer.ts';
import { signEnvelope } from '../envelope/dsse.ts';
import { IN_TOTO_PAYLOAD_TYPE, makeStatement } from '../envelope/statement.ts';
import { reject } from '../errors.ts';
import { assertSchema } from './schema.ts';
import { utcTimestamp } from './time.ts';
import {
  ATTESTATION_PREDICATE_TYPE,
  type AttestationPredicate,
  type Bundle,
  type SignatureReport,
  type Verdict,
} from './types.ts';
import { verifyParsedBundle, type VerifyOptions } from './verify.ts';

export interface AttestInput {
  signer: Signer;
  role: string;
  verdict?: Verdict;
  note?: string;
  now: Date;
}

/** Returns a new bundle with one more attestation; refuses to attest a bundle that fails integrity. */
export async function appendAttestation(
  bundle: Bundle,
  input: AttestInput,
  options: Omit<VerifyOptions, 'trusted'> = {},
): Promise<Bundle> {
  const result = await verifyParsedBundle(bundle, options);
  if (!result.ok) reject(result.problem.code, `will not attest: ${result.problem.message}`);
  const predicate: AttestationPredicate = {
    format_version: 1,
    attester_identity: input.signer.did,
    role: input.role,
    verdict: input.verdict ?? 'pass',
    timestamp: utcTimestamp(input.now),
  };
  if (input.note !== undefined && input.note !== '') predicate.note = input.note;
  const statement = makeStatement(
    [{ name: 'patchtrail-bundle-payload', digest: { sha256: result.report.payloadDigest } }],
    ATTESTATION_PREDICATE_TYPE,
    predicate,
  );
  assertSchema('attestationStatement', statement, 'INVALID_METADATA', 'attestation');
  const envelope = await signEnvelope(
    IN_TOTO_PAYLOAD_TYPE,
    canonicalBytes(statement),
    input.signer,
  );
  const existing = new Set(bundle.attestation_signatures.map((e) => canonicalJson(e)));
  // Ed25519 is deterministic: re-signing identical content gives an identical envelope.
  const attestations = existing.has(canonicalJson(envelope))
    ? bundle.attestation_signatures
    : [...bundle.attestation_signatures, envelope];
  return { ...bundle, attestation_signatures: attestations };
}

/** A bundle with its verified attestations, one report per envelope, in order. */
export interface CheckedCopy {
  bundle: Bundle;
  attestations: readonly SignatureReport[];
}

/** Whether `a` stands over `b` for one key: the newer, and at one time, a fail over a pass. */
function supersedes(a: SignatureReport, b: SignatureReport): boolean {
  const at = a.timestamp ?? '';
  const bt = b.timestamp ?? '';
  if (at !== bt) return at > bt;
  return a.verdict === 'fail' && b.verdict !== 'fail';
}

/**
 * One bundle from two copies of the same patch (callers check both name the same payload, and
 * check the result again). Copies travel separately, one reviewed and one not, and taking the
 * newer file in place of the kept one lost the review. The result is the kept copy with, from
 * the other, each valid attestation it lacks: by a key that has none in the kept copy, added;
 * by a key that has, in place of that one when it is newer, or of the same time and a fail
 * where that is a pass (a bundle counts a key's first attestation only, so appending would
 * hide a reviewer's later fail). Invalid attestations are not carried over.
 */
export function mergeAttestations(
  kept: CheckedCopy,
  other: CheckedCopy,
): { bundle: Bundle; added: number; replaced: number } {
  const envelopes = [...kept.bundle.attestation_signatures];
  const reports = [...kept.attestations];
  const have = new Set(envelopes.map((e) => canonicalJson(e)));
  let added = 0;
  let replaced = 0;
  other.bundle.attestation_signatures.forEach((envelope, index) => {
    const report = other.attestations[index];
    const text = canonicalJson(envelope);
    if (report?.status !== 'valid' || have.has(text)) return;
    have.add(text);
    const same = reports.findIndex((r) => r.status === 'valid' && r.did === report.did);
    const prior = reports[same];
    if (prior === undefined) {
      envelopes.push(envelope);
      reports.push(report);
      added++;
    } else if (supersedes(report, prior)) {
      envelopes[same] = envelope;
      reports[same] = report;
      replaced++;
    }
  });
  if (added + replaced === 0) return { bundle: kept.bundle, added, replaced };
  return { bundle: { ...kept.bundle, attestation_signatures: envelopes }, added, replaced };
}

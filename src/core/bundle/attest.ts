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

/**
 * One bundle from two copies of the same patch: the kept copy, with each attestation the other
 * copy carries that it does not (the same envelope, byte for byte as canonical JSON, counts
 * once). Copies travel separately (one reviewed, one not), and taking the newer file in place
 * of the kept one lost the review. The author envelope is the kept copy's; callers check both
 * name the same payload, and check the result again.
 */
export function mergeAttestations(kept: Bundle, other: Bundle): { bundle: Bundle; added: number } {
  const have = new Set(kept.attestation_signatures.map((e) => canonicalJson(e)));
  const added: Bundle['attestation_signatures'] = [];
  for (const envelope of other.attestation_signatures) {
    const text = canonicalJson(envelope);
    if (have.has(text)) continue;
    have.add(text);
    added.push(envelope);
  }
  if (added.length === 0) return { bundle: kept, added: 0 };
  return {
    bundle: { ...kept, attestation_signatures: [...kept.attestation_signatures, ...added] },
    added: added.length,
  };
}

/** The patch bundle's data types; `bundle.schema.json` is their normative definition. */
import type { Envelope } from '../envelope/dsse.ts';
import type { Statement } from '../envelope/statement.ts';
import type { UnappliableChange } from '../diff/unappliable.ts';
import type { ErrorCode } from '../errors.ts';
import type { SourceHeaders } from './source-headers.ts';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.patchtrail.bundle.v1+json';
export const PATCH_PREDICATE_TYPE = 'urn:patchtrail:predicate:patch:v1';
export const ATTESTATION_PREDICATE_TYPE = 'urn:patchtrail:predicate:attestation:v1';

export interface Bundle {
  mediaType: typeof BUNDLE_MEDIA_TYPE;
  envelope: Envelope;
  attestation_signatures: Envelope[];
}

/** The seed's metadata, under the seed's names. */
export interface PatchPredicate {
  format_version: 1;
  creation_timestamp: string;
  creator_identity: string;
  reason_for_patch: string;
  affected_components: string[];
  /**
   * The diff, byte for byte: the text itself when the diff is UTF-8, else its bytes in standard
   * padded base64 with `patch_diff_encoding: "base64"` (see diff-encoding.ts).
   */
  patch_diff: string;
  /** Present only when the diff is not UTF-8. */
  patch_diff_encoding?: 'base64';
  /** Leading path components removed from the diff's paths (`git apply -p`). */
  path_strip: number;
  /** Target-relative paths the diff touches, after stripping. */
  files: string[];
  build_environment?: string;
  validation_tests?: string;
  source_headers?: SourceHeaders;
}

export type Verdict = 'pass' | 'fail';

export interface AttestationPredicate {
  format_version: 1;
  attester_identity: string;
  role: string;
  verdict: Verdict;
  note?: string;
  timestamp: string;
}

export type PatchStatement = Statement<PatchPredicate>;
export type AttestationStatement = Statement<AttestationPredicate>;

export interface Problem {
  code: ErrorCode;
  message: string;
}

/** One signature of a bundle as the verifier saw it. */
export interface SignatureReport {
  did: string;
  /** "author" for the creator's signature, else the attester's declared role. */
  role: string;
  status: 'valid' | 'invalid';
  /** null when no trust set was given (integrity-only check). */
  trusted: boolean | null;
  /** A later valid attestation by a key that already attested: listed, not counted. */
  repeat?: boolean;
  verdict?: Verdict;
  note?: string;
  timestamp?: string;
  problem?: Problem;
}

export interface BundleReport {
  payloadDigest: string;
  diffDigest: string;
  predicate: PatchPredicate;
  /** The diff's file changes that no apply carries out: binary patches, links (diff/unappliable.ts). */
  unappliable: UnappliableChange[];
  author: SignatureReport;
  attestations: SignatureReport[];
  /** Distinct keys with a valid attestation (a key counts once however often it signs). */
  attesters: { pass: string[]; fail: string[] };
  /** False when no trust set was given: integrity only. */
  trustChecked: boolean;
}

export type VerifyResult =
  | { ok: true; report: BundleReport }
  | { ok: false; problem: Problem & { details: readonly string[] }; report?: BundleReport };

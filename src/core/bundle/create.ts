/**
 * Creating a bundle: the author signs a DSSE envelope around an in-toto Statement whose
 * subject is the diff and whose predicate carries the seed's metadata.
 */
import { canonicalBytes } from '../encoding/canonical-json.ts';
import { utf8Encode } from '../encoding/bytes.ts';
import { sha256Hex } from '../crypto/hash.ts';
import type { Signer } from '../crypto/signer.ts';
import { signEnvelope } from '../envelope/dsse.ts';
import { IN_TOTO_PAYLOAD_TYPE, makeStatement } from '../envelope/statement.ts';
import { reject } from '../errors.ts';
import { parseDiff, touchedPaths } from '../diff/parse.ts';
import { unappliableChanges, type UnappliableChange } from '../diff/unappliable.ts';
import { encodePatchDiff } from './diff-encoding.ts';
import { MAX_DIFF_BYTES, MAX_PAYLOAD_BYTES } from './limits.ts';
import { assertSchema } from './schema.ts';
import { readSourceHeaders } from './source-headers.ts';
import { utcTimestamp } from './time.ts';
import {
  BUNDLE_MEDIA_TYPE,
  PATCH_PREDICATE_TYPE,
  type Bundle,
  type PatchPredicate,
} from './types.ts';

export interface CreateBundleInput {
  /** The diff's exact bytes (any bytes: a diff that is not UTF-8 is carried in base64), or text. */
  diff: string | Uint8Array;
  signer: Signer;
  /** Falls back to the diff's own Subject/Description header when empty. */
  reason?: string;
  components?: readonly string[];
  /** "sha256:HEX" of the build environment description. */
  buildEnvironment?: string;
  /** "sha256:HEX" of the test suite. */
  validationTests?: string;
  strip?: number;
  now: Date;
  /** The subject's name, e.g. the diff's file name. */
  subjectName?: string;
}

/** The predicate, and the diff's changes no apply carries out (read from the same parse). */
function buildPredicate(
  input: CreateBundleInput,
  diff: Uint8Array,
): { predicate: PatchPredicate; unappliable: UnappliableChange[]; onlyIn: string[] } {
  const strip = input.strip ?? 1;
  const carried = encodePatchDiff(diff);
  const parsed = parseDiff(
    carried.patch_diff_encoding === undefined ? carried.patch_diff : diff,
    strip,
  );
  const headers = readSourceHeaders(parsed.preamble);
  const reason =
    input.reason?.trim() ||
    headers?.fields.subject?.replace(/^\[PATCH[^\]]*\]\s*/, '') ||
    headers?.fields.description ||
    '';
  if (reason === '')
    reject(
      'INVALID_METADATA',
      'a reason for the patch is required, and the diff states none (no Subject: or Description: header)',
    );
  const predicate: PatchPredicate = {
    format_version: 1,
    creation_timestamp: utcTimestamp(input.now),
    creator_identity: input.signer.did,
    reason_for_patch: reason,
    affected_components: [...new Set(input.components ?? [])],
    ...carried,
    path_strip: strip,
    files: touchedPaths(parsed),
  };
  if (input.buildEnvironment !== undefined) predicate.build_environment = input.buildEnvironment;
  if (input.validationTests !== undefined) predicate.validation_tests = input.validationTests;
  if (headers !== undefined) predicate.source_headers = headers;
  return { predicate, unappliable: unappliableChanges(parsed), onlyIn: parsed.onlyIn };
}

/** The diff's bytes; text must be well-formed Unicode (an unpaired surrogate has no bytes). */
function diffBytesOf(diff: string | Uint8Array): Uint8Array {
  if (typeof diff !== 'string') return diff;
  if (/\p{Cs}/u.test(diff)) reject('MALFORMED_INPUT', 'diff text holds an unpaired surrogate');
  return utf8Encode(diff);
}

export async function createBundle(input: CreateBundleInput): Promise<Bundle> {
  return (await createBundleReport(input)).bundle;
}

/**
 * The bundle, and the changes in its diff that no apply carries out (a binary patch, a link, a
 * submodule: diff/unappliable.ts), which the bundle still carries, and the files `diff -r`
 * named as in one tree only (a diff made without -N leaves them out): its author should hear it.
 */
export async function createBundleReport(
  input: CreateBundleInput,
): Promise<{ bundle: Bundle; unappliable: UnappliableChange[]; onlyIn: string[] }> {
  const diffBytes = diffBytesOf(input.diff);
  if (diffBytes.length > MAX_DIFF_BYTES) {
    reject('TOO_LARGE', `diff is ${diffBytes.length} bytes; the limit is ${MAX_DIFF_BYTES}`);
  }
  const { predicate, unappliable, onlyIn } = buildPredicate(input, diffBytes);
  const statement = makeStatement(
    [{ name: input.subjectName ?? 'patch.diff', digest: { sha256: await sha256Hex(diffBytes) } }],
    PATCH_PREDICATE_TYPE,
    predicate,
  );
  assertSchema('patchStatement', statement, 'INVALID_METADATA', 'patch metadata');
  const payload = canonicalBytes(statement);
  if (payload.length > MAX_PAYLOAD_BYTES) {
    // Base64 adds a third; JSON escapes a control character in a text diff in six bytes.
    reject(
      'TOO_LARGE',
      `the signed statement is ${payload.length} bytes; the limit is ${MAX_PAYLOAD_BYTES}`,
    );
  }
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, input.signer);
  return {
    bundle: { mediaType: BUNDLE_MEDIA_TYPE, envelope, attestation_signatures: [] },
    unappliable,
    onlyIn,
  };
}

/** The bundle file's text: indented JSON, ending in a newline. */
export function serializeBundle(bundle: Bundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

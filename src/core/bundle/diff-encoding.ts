/**
 * How a bundle carries its diff, byte for byte. GNU patch and `git apply` carry any bytes, and
 * real patches hold Latin-1 test files and NUL bytes, so a bundle must too:
 *
 * - a diff that is well-formed UTF-8 travels as text in `patch_diff` (the form every bundle had
 *   before non-UTF-8 diffs could be carried; such bundles are unchanged);
 * - any other diff travels as standard padded base64 (RFC 4648 §4) in `patch_diff`, with
 *   `patch_diff_encoding: "base64"`.
 *
 * Each diff has exactly one form: base64 of a UTF-8 diff, and text that is not well-formed
 * Unicode (an unpaired surrogate has no UTF-8 bytes), are refused. The subject digest is over
 * the exact bytes either way. `patch_diff` comes from signed but untrusted payloads.
 */
import { fromBase64, toBase64, utf8Decode, utf8Encode } from '../encoding/bytes.ts';
import { escapeUndecodable, isUtf8 } from '../encoding/utf8-runs.ts';
import { reject } from '../errors.ts';
import type { PatchPredicate } from './types.ts';

export type PatchDiffFields = Pick<PatchPredicate, 'patch_diff' | 'patch_diff_encoding'>;

/**
 * Standard alphabet with padding (with whole quanta, checked apart: a repeated group in a
 * pattern overflows the regexp stack on megabytes of input).
 */
const PADDED_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** A code point JavaScript strings can hold but UTF-8 cannot: an unpaired surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The fields that carry `bytes`: text when they are UTF-8, base64 otherwise. */
export function encodePatchDiff(bytes: Uint8Array): PatchDiffFields {
  if (isUtf8(bytes)) return { patch_diff: utf8Decode(bytes, 'diff') };
  return { patch_diff: toBase64(bytes), patch_diff_encoding: 'base64' };
}

/**
 * The diff as `parseDiff` and `applyDiff` take it: the text itself for a text diff (no copy),
 * the decoded bytes for a base64 one. `INVALID_METADATA` when the fields are not one of the
 * two exact forms.
 */
export function patchDiffContent(fields: PatchDiffFields): string | Uint8Array {
  if (fields.patch_diff_encoding === undefined) {
    if (LONE_SURROGATE.test(fields.patch_diff)) {
      reject(
        'INVALID_METADATA',
        'patch_diff holds an unpaired surrogate, which has no UTF-8 bytes',
      );
    }
    return fields.patch_diff;
  }
  if (fields.patch_diff_encoding !== 'base64') {
    reject('INVALID_METADATA', 'patch_diff_encoding must be "base64" when present');
  }
  if (!PADDED_BASE64.test(fields.patch_diff) || fields.patch_diff.length % 4 !== 0) {
    reject('INVALID_METADATA', 'patch_diff is not standard padded base64');
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(fields.patch_diff, 'patch_diff');
  } catch {
    return reject('INVALID_METADATA', 'patch_diff is not standard padded base64');
  }
  if (isUtf8(bytes)) {
    reject('INVALID_METADATA', 'patch_diff is base64 of a UTF-8 diff, which is carried as text');
  }
  return bytes;
}

/** The diff for people: the text itself, or each byte that is not UTF-8 written `\xNN`. */
export function patchDiffText(fields: PatchDiffFields): string {
  const content = patchDiffContent(fields);
  return typeof content === 'string' ? content : escapeUndecodable(content);
}

/** The diff's exact bytes (what the subject digest covers). */
export function patchDiffBytes(fields: PatchDiffFields): Uint8Array {
  const content = patchDiffContent(fields);
  return typeof content === 'string' ? utf8Encode(content) : content;
}

/**
 * The canonical read of an entry. An entry must be RFC 8785 canonical JSON (checked by
 * re-serializing what was parsed and comparing) and is named by the canonical form of its
 * content, the entry without `sig`. Done naively that is two serializations with the
 * `canonicalize` package, the largest cost of admitting an entry whose signature is cached.
 * Here it is one, and a faster one:
 *
 * - Canonical JSON of an object is "{", its members in sorted key order joined by ",", "}",
 *   and each member's text depends on that member alone; so the entry's canonical text is its
 *   content's with the `sig` member put back at its sorted place.
 * - `canonicalText` serializes what `JSON.parse` returns exactly as the package does (the same
 *   `JSON.stringify` for every string and number, keys in `sort()` order, and refusing lone
 *   surrogates and non-finite numbers), without the package's generality (`toJSON`,
 *   `undefined`, cycles), which such values cannot need. Values nested deeper than
 *   MAX_FAST_DEPTH go to the package itself, so where its recursion gives out nothing changes.
 *   tests/core/ledger-canonical.test.ts checks the two agree.
 *
 * The checks, their order and their messages are those of `parseCanonicalJson`.
 */
import { concatBytes, utf8Decode, utf8Encode } from '../encoding/bytes.ts';
import { canonicalJson, parseJson } from '../encoding/canonical-json.ts';
import { reject } from '../errors.ts';

const SPLIT = 'sig';
const MAX_FAST_DEPTH = 256;
const SURROGATE = /[\uD800-\uDFFF]/;
/** What JSON.stringify escapes in a string: quote, backslash, controls, lone surrogates. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /["\\\u0000-\u001F\uD800-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007F]*$/;
const tooDeep = new Error('nested beyond the fast serializer');

export interface CanonicalEntry {
  /** The parsed object without `sig`. */
  rest: Record<string, unknown>;
  /** The `sig` member's value (undefined when there is none). */
  sig: unknown;
  /** RFC 8785 text of `rest`: what the entry's id hashes and its signature signs. */
  content: string;
  /** The entry's text, and where in it the `sig` member and its comma are (length 0: none). */
  text: string;
  removed: { at: number; length: number };
}

/** The package's `hasLoneSurrogate`, run only on strings that hold a surrogate at all. */
function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) return true;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    }
  }
  return false;
}

function stringText(text: string): string {
  // Without these, JSON.stringify only adds the quotes.
  if (!NEEDS_ESCAPING.test(text)) return `"${text}"`;
  if (SURROGATE.test(text) && hasLoneSurrogate(text))
    throw new TypeError('lone surrogate is not allowed');
  return JSON.stringify(text);
}

function serialize(value: unknown, depth: number): string {
  if (typeof value === 'string') return stringText(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('NaN and Infinity are not allowed');
    return JSON.stringify(value);
  }
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value !== 'object') throw new TypeError(`no JSON form for ${typeof value}`);
  if (depth >= MAX_FAST_DEPTH) throw tooDeep;
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++)
      out += (i === 0 ? '' : ',') + serialize(value[i], depth + 1);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : ','}${stringText(key)}:${serialize(object[key], depth + 1)}`;
  }
  return `${out}}`;
}

/** RFC 8785 text of a value `JSON.parse` returned: what `canonicalJson` gives, faster. */
export function canonicalText(value: unknown): string {
  try {
    return serialize(value, 0);
  } catch (error) {
    if (error === tooDeep) return canonicalJson(value);
    throw error;
  }
}

/**
 * Where the `sig` member goes in the canonical text of `rest` plus `sig`: that text is
 * content.slice(0, at) + segment + content.slice(at), the segment being the member and its comma.
 */
function sigMember(
  content: string,
  rest: Record<string, unknown>,
  sig: unknown,
): { at: number; segment: string } {
  const own = `${canonicalText(SPLIT)}:${canonicalText(sig)}`;
  const after = Object.keys(rest)
    .filter((key) => key > SPLIT)
    .sort();
  if (after.length === 0)
    return content === '{}'
      ? { at: 1, segment: own }
      : { at: content.length - 1, segment: `,${own}` };
  const tail = after.map((key) => `${canonicalText(key)}:${canonicalText(rest[key])}`).join(',');
  return { at: content.length - 1 - tail.length, segment: `${own},` };
}

function canonicalOrReject<T>(what: string, serializeIt: () => T): T {
  try {
    return serializeIt();
  } catch {
    return reject('MALFORMED_INPUT', `${what} cannot be canonicalized (RFC 8785)`);
  }
}

function notCanonical(what: string): never {
  return reject('MALFORMED_INPUT', `${what} is not in RFC 8785 canonical form`);
}

/**
 * Parses bytes that must be an RFC 8785 canonical JSON object (UTF-8, valid JSON, identical to
 * their re-serialization; else `MALFORMED_INPUT` as `parseCanonicalJson` words it), and returns
 * them split into `sig` and the rest, with the rest's canonical text.
 */
export function readCanonicalEntry(bytes: Uint8Array, what: string): CanonicalEntry {
  // Comparing strings is comparing bytes: the decoder is strict, and canonical text has no
  // lone surrogates (they do not serialize), so UTF-8 encoding is one-to-one on both sides.
  // Canonical JSON of an object runs from `{` to `}`: anything else is refused before the
  // decoder and the parser, each of which costs a thrown error on junk.
  if (bytes[0] !== 0x7b || bytes[bytes.length - 1] !== 0x7d)
    reject('MALFORMED_INPUT', `${what} is not canonical JSON of an object ({ to })`);
  const text = utf8Decode(bytes, what);
  const value = parseJson(text, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (canonicalOrReject(what, () => canonicalText(value)) !== text) notCanonical(what);
    return reject('MALFORMED_INPUT', `${what}: not a JSON object`);
  }
  const object = value as Record<string, unknown>;
  const { [SPLIT]: sig, ...rest } = object;
  const content = canonicalOrReject(what, () => canonicalText(rest));
  const { at, segment } = Object.hasOwn(object, SPLIT)
    ? canonicalOrReject(what, () => sigMember(content, rest, sig))
    : { at: content.length, segment: '' };
  if (`${content.slice(0, at)}${segment}${content.slice(at)}` !== text) notCanonical(what);
  return { rest, sig, content, text, removed: { at, length: segment.length } };
}

/**
 * `prefix` || the content's UTF-8, copied out of the entry's own bytes when the text from the
 * `sig` member on is ASCII (one byte a character, so the member's bytes sit as far from the
 * end as its characters do), else encoded.
 */
export function prefixedContent(
  bytes: Uint8Array,
  entry: CanonicalEntry,
  prefix: Uint8Array,
): Uint8Array {
  const { text, removed } = entry;
  if (!ASCII.test(text.slice(removed.at))) return concatBytes(prefix, utf8Encode(entry.content));
  const start = bytes.length - (text.length - removed.at);
  const out = new Uint8Array(prefix.length + bytes.length - removed.length);
  out.set(prefix);
  out.set(bytes.subarray(0, start), prefix.length);
  out.set(bytes.subarray(start + removed.length), prefix.length + start);
  return out;
}

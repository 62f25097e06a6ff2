/**
 * The ledger's fast paths agree with the reference ones: `canonicalText` with the `canonicalize`
 * package, `readCanonicalEntry` with `parseCanonicalJson` (same verdicts, same messages, and the
 * content text is the canonical form of the entry without `sig`), and the WebAssembly SHA-256
 * with @noble/hashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8Encode } from '../../src/core/encoding/bytes.ts';
import { canonicalJson, parseCanonicalJson } from '../../src/core/encoding/canonical-json.ts';
import {
  canonicalText,
  prefixedContent,
  readCanonicalEntry,
} from '../../src/core/ledger/canonical.ts';
import {
  prepareSha256Sync,
  sha256Sync as sha256,
  sha256SyncNoble as sha256Noble,
} from '../../src/core/crypto/hash.ts';

/** What a call returned, or the message it threw. */
function outcome<T>(run: () => T): { ok: T } | { threw: string } {
  try {
    return { ok: run() };
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
}

/** Strings with the characters that matter: escapes, non-ASCII, paired and lone surrogates. */
const tricky = fc.string({
  unit: fc.constantFrom(
    'a',
    'z',
    '"',
    '\\',
    '\n',
    '\u0001',
    '\u007f',
    'é',
    '€',
    '\ud83d',
    '\ude00',
  ),
  maxLength: 6,
});
const KEYS = ['a', 'r', 's', 'sie', 'sig', 'sig\u0000', 'sigz', 'sih', 'time', 'v', 'é', '\ud83d'];
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    tricky,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), tricky), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('canonicalText', () => {
  it('serializes what JSON.parse returns exactly as canonicalize does, or refuses it alike', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        const fast = outcome(() => canonicalText(value));
        const reference = outcome(() => canonicalJson(value));
        expect('ok' in fast).toBe('ok' in reference);
        if ('ok' in fast && 'ok' in reference) expect(fast.ok).toBe(reference.ok);
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves deep nesting to the package', () => {
    for (const depth of [255, 256, 257, 1000, 20_000]) {
      const value = JSON.parse(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`) as unknown;
      const fast = outcome(() => canonicalText(value));
      const reference = outcome(() => canonicalJson(value));
      expect('ok' in fast, String(depth)).toBe('ok' in reference);
      if ('ok' in fast && 'ok' in reference) expect(fast.ok).toBe(reference.ok);
    }
  });
});

/** Canonical, key-reordered, spaced or escaped spellings of an object. */
function spellings(object: Record<string, unknown>): string[] {
  const canonical = outcome(() => canonicalJson(object));
  const texts = [JSON.stringify(object), JSON.stringify(object, null, 1)];
  if ('ok' in canonical) texts.push(canonical.ok, canonical.ok.replace('"s', '"\\u0073'));
  const reversed = Object.fromEntries(Object.entries(object).reverse());
  texts.push(JSON.stringify(reversed));
  return texts;
}

const PREFIX = utf8Encode('patchtrail ledger entry v1\n');

describe('readCanonicalEntry', () => {
  it('gives parseCanonicalJson’s verdict and message, and the content text and bytes', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), tricky), jsonish, { maxKeys: 6 }),
        jsonish,
        (object, sig) => {
          for (const text of [...spellings(object), ...spellings({ ...object, sig })]) {
            const bytes = utf8Encode(text);
            const fast = outcome(() => {
              const read = readCanonicalEntry(bytes, 'ledger entry');
              const { at, length } = read.removed;
              expect(read.text.slice(0, at) + read.text.slice(at + length)).toBe(read.content);
              const expected = concatBytes(PREFIX, utf8Encode(read.content));
              expect(prefixedContent(bytes, read, PREFIX)).toEqual(expected);
              return { rest: read.rest, sig: read.sig, content: read.content };
            });
            const reference = outcome(() => {
              const value = parseCanonicalJson(bytes, 'ledger entry');
              const { sig: s, ...rest } = value as Record<string, unknown>;
              return { rest, sig: s, content: canonicalJson(rest) };
            });
            expect(fast, text).toEqual(reference);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('refuses what does not run from { to } before parsing, the rest as parseCanonicalJson does first', () => {
    for (const text of ['[1,2]', '[1, 2]', '"x"', 'null', '{"a":1', '\ufeff{}', '1.0', 'x', ' {}'])
      expect(
        outcome(() => readCanonicalEntry(utf8Encode(text), 'ledger entry')),
        text,
      ).toEqual({
        threw: 'ledger entry is not canonical JSON of an object ({ to })',
      });
    for (const text of ['{"a":1,}', '{"a" :1}', '{"b":1,"a":2}', '{} {}']) {
      const fast = outcome(() => readCanonicalEntry(utf8Encode(text), 'ledger entry'));
      const reference = outcome(() => parseCanonicalJson(utf8Encode(text), 'ledger entry'));
      expect('threw' in reference, text).toBe(true);
      expect(fast, text).toEqual(reference);
    }
    const bad = Uint8Array.from([0x7b, 0xff, 0x7d]);
    expect(outcome(() => readCanonicalEntry(bad, 'ledger entry'))).toEqual(
      outcome(() => parseCanonicalJson(bad, 'ledger entry')),
    );
  });
});

describe('the ledger SHA-256', () => {
  it('loads the WebAssembly engine and gives @noble/hashes’ digests at every length', async () => {
    expect(await prepareSha256Sync()).toBe(true);
    const lengths = [0, 1, 55, 56, 63, 64, 65, 821, 16_383, 16_384, 16_385, 40_000];
    for (const length of lengths) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(sha256(data), String(length)).toEqual(sha256Noble(data));
      expect(sha256(data.subarray(1)), `${length} view`).toEqual(sha256Noble(data.subarray(1)));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
        expect(sha256(data)).toEqual(sha256Noble(data));
      }),
    );
  });
});

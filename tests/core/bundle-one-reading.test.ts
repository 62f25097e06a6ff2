/**
 * A bundle file has one reading and one spelling. Its wrapper is unsigned JSON, so a member
 * named twice in an object (JSON.parse keeps the last value, other parsers the first) would let
 * two tools read one file two ways, and a signature or payload in another base64 spelling
 * (URL-safe, unpadded) would be other bytes for one signed content. Both are MALFORMED_INPUT,
 * in the CLI's reader and in the browser's verify job alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readBundle, verifyBundle, type Bundle } from '../../src/core/index.ts';
import { repeatedMember } from '../../src/core/encoding/json-members.ts';
import { isPatchtrailError } from '../../src/core/errors.ts';
import { runVerifyJob } from '../../worker/verify-job.ts';
import { attested, bytesOf, sampleBundle } from '../helpers/bundles.ts';

const encode = (text: string) => new TextEncoder().encode(text);

/** The code and message readBundle refuses `text` with, or 'read'. */
function refusal(text: string | Uint8Array): { code: string; message: string } | 'read' {
  try {
    readBundle(typeof text === 'string' ? encode(text) : text);
    return 'read';
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

/** JSON text of `value`, with the member `name` of the object at `path` written twice. */
function withRepeat(
  value: unknown,
  path: readonly string[],
  name: string,
  copy: 'first' | 'last',
  other: string,
): string {
  const write = (v: unknown, at: string[]): string => {
    if (Array.isArray(v))
      return `[${v.map((item, i) => write(item, [...at, String(i)])).join(',')}]`;
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    const members = Object.entries(v).map(
      ([k, x]) => `${JSON.stringify(k)}:${write(x, [...at, k])}`,
    );
    if (at.join('/') === path.join('/')) {
      const extra = `${JSON.stringify(name)}:${other}`;
      if (copy === 'first') members.unshift(extra);
      else members.push(extra);
    }
    return `{${members.join(',')}}`;
  };
  return write(value, []);
}

/** Every object in `value` with the path to it, and its member names. */
function objectsOf(value: unknown, at: string[] = []): { path: string[]; names: string[] }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectsOf(item, [...at, String(i)]));
  if (typeof value !== 'object' || value === null) return [];
  const here = { path: at, names: Object.keys(value) };
  return [here, ...Object.entries(value).flatMap(([k, x]) => objectsOf(x, [...at, k]))];
}

const pointer = (path: readonly string[]) =>
  path.length === 0 ? 'the top-level object' : `the object at /${path.join('/')}`;

async function twoAttestations(): Promise<Bundle> {
  return attested(await attested(await sampleBundle(1), 2), 3, 'tester');
}

describe('a bundle member named twice', () => {
  it('is refused in every object of the wrapper, written first or last, naming it and where', async () => {
    const bundle = await twoAttestations();
    expect(refusal(bytesOf(bundle))).toBe('read');
    const objects = objectsOf(bundle);
    expect(objects.length).toBe(1 + 3 * 2); // the wrapper, and each envelope and its signature
    let cases = 0;
    for (const { path, names } of objects) {
      for (const name of names) {
        for (const copy of ['first', 'last'] as const) {
          for (const other of ['{}', '"x"', '[]']) {
            const result = refusal(withRepeat(bundle, path, name, copy, other));
            expect(result, `${name} in /${path.join('/')}`).toEqual({
              code: 'MALFORMED_INPUT',
              message: `bundle names the member ${JSON.stringify(name)} twice in ${pointer(path)}; readers could take either value`,
            });
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(3 * 2 * (3 + 3 * (3 + 2)));
  });

  it('is refused when the two names are spelled differently (\\u escapes) or are prototype names', async () => {
    const text = JSON.stringify(await sampleBundle(1));
    expect(refusal(text)).toBe('read');
    const cases: [string, string][] = [
      [text.replace('{"mediaType"', '{"envelop\\u0065":{},"mediaType"'), 'envelope'],
      [text.replace('{"mediaType"', '{"__proto__":{},"__proto__":1,"mediaType"'), '__proto__'],
      [text.replace('"keyid"', '"constructor":1,"constructor":2,"keyid"'), 'constructor'],
      [text.replace('{"mediaType"', '\ufeff{"mediaType":"x","mediaType"'), 'mediaType'],
    ];
    for (const [input, name] of cases) {
      const result = refusal(input);
      expect(result).toMatchObject({ code: 'MALFORMED_INPUT' });
      expect(result === 'read' ? '' : result.message).toContain(`${JSON.stringify(name)} twice`);
    }
  });

  it('is found with bounded work in deep and wide input, and said in a bounded message', async () => {
    const text = new TextDecoder().decode(bytesOf(await sampleBundle(1)));
    const depth = 100_000;
    const deep = `{"extra":${'{"a":'.repeat(depth)}{"k":1,"k":2}${'}'.repeat(depth)},${text.slice(1)}`;
    const wide = `{"extra":{${Array.from({ length: 200_000 }, (_, i) => `"m${i}":0`).join(',')},"m7":1},${text.slice(1)}`;
    const long = `{"${'n'.repeat(100_000)}":1,"${'n'.repeat(100_000)}":2,${text.slice(1)}`;
    for (const [input, name] of [
      [deep, 'k'],
      [wide, 'm7'],
      [long, 'n'.repeat(64)],
    ] as const) {
      const started = performance.now();
      const result = refusal(input);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(result).toMatchObject({ code: 'MALFORMED_INPUT' });
      const message = result === 'read' ? '' : result.message;
      expect(message).toContain(name);
      expect(message.length).toBeLessThan(400);
    }
  });

  it('is found wherever it is, as a reference over the parsed structure finds it (property)', () => {
    type Node = { pairs: [string, Node | number][] } | Node[] | number;
    const key = fc.oneof(fc.constantFrom('a', 'b', '__proto__', 'é', '"', '\\'), fc.string());
    const node = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.record({ pairs: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }) }),
      ),
    })).node;
    /** Escapes some characters as \\uXXXX: the same name, another spelling. */
    const spell = (name: string, escape: boolean) =>
      escape
        ? `"${[...name].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
        : JSON.stringify(name);
    fc.assert(
      fc.property(node, fc.boolean(), (root, escape) => {
        let expected: { name: string; path: string[] } | undefined;
        const write = (n: Node | number, at: string[]): string => {
          if (typeof n === 'number') return String(n);
          if (Array.isArray(n))
            return `[${n.map((x, i) => write(x, [...at, String(i)])).join(',')}]`;
          const seen = new Set<string>();
          const parts: string[] = [];
          for (const [i, [name, value]] of n.pairs.entries()) {
            if (seen.has(name)) expected ??= { name, path: at };
            seen.add(name);
            // Members after the first repeat are still written; the reference stops at the first.
            parts.push(`${spell(name, escape && i % 2 === 1)} : ${write(value, [...at, name])}`);
          }
          return `{ ${parts.join(' , ')} }`;
        };
        const text = write(root, []);
        JSON.parse(text); // valid JSON throughout
        const found = repeatedMember(text);
        if (expected === undefined) expect(found).toBeUndefined();
        else expect(found).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('an envelope in another base64 spelling', () => {
  /** A sample bundle whose author and attestation signatures each hold + or / (so URL-safe differs). */
  async function swappable(): Promise<Bundle> {
    for (let byte = 1; byte < 60; byte++) {
      const bundle = await attested(await sampleBundle(byte), byte + 1);
      const sigs = [bundle.envelope, ...bundle.attestation_signatures].map(
        (e) => e.signatures[0]?.sig ?? '',
      );
      if (sigs.every((sig) => /[+/]/.test(sig))) return bundle;
    }
    throw new Error('no key gave signatures with + or /');
  }
  const urlSafe = (text: string) => text.replace(/\+/g, '-').replace(/\//g, '_');
  const SPELLINGS: Record<string, (text: string) => string> = {
    'URL-safe, padded': urlSafe,
    'URL-safe, unpadded': (text) => urlSafe(text).replace(/=+$/, ''),
    'standard, unpadded': (text) => text.replace(/=+$/, ''),
    'non-zero trailing bits': (text) =>
      text.replace(/([A-Za-z0-9+/])(=+)$/, (_, c: string, pad: string) => {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
        return `${alphabet[(alphabet.indexOf(c) + 1) % 64]}${pad}`;
      }),
  };

  it('is refused with MALFORMED_INPUT for each signature and payload, also by the verify job', async () => {
    const bundle = await swappable();
    expect(refusal(bytesOf(bundle))).toBe('read');
    expect((await verifyBundle(bytesOf(bundle))).ok).toBe(true);
    const envelopes = (b: Bundle) => [b.envelope, ...b.attestation_signatures];
    for (const [name, spell] of Object.entries(SPELLINGS)) {
      for (let e = 0; e < 2; e++) {
        for (const field of ['sig', 'payload'] as const) {
          const other = structuredClone(bundle);
          const envelope = envelopes(other)[e];
          if (envelope === undefined) throw new Error('no envelope');
          const signature = envelope.signatures[0];
          if (signature === undefined) throw new Error('no signature');
          const before = field === 'sig' ? signature.sig : envelope.payload;
          const after = spell(before);
          if (after === before) continue; // nothing to respell (no padding, or no + or /)
          if (field === 'sig') signature.sig = after;
          else envelope.payload = after;
          const what = `${name}, envelope ${e}, ${field}`;
          const verified = await verifyBundle(bytesOf(other));
          expect(verified.ok ? 'ok' : verified.problem.code, what).toBe('MALFORMED_INPUT');
          const job = await runVerifyJob(bytesOf(other));
          expect(job.result.ok ? 'ok' : job.result.problem.code, what).toBe('MALFORMED_INPUT');
        }
      }
    }
  });
});

describe('bundles in the one spelling', () => {
  it('the fixture and freshly made bundles still read and verify', async () => {
    const fixture = readFileSync(
      new URL('../fixtures/bundles/greet-fr.v1.bundle.json', import.meta.url),
    );
    expect(refusal(fixture)).toBe('read');
    for (const bundle of [await sampleBundle(1), await twoAttestations()]) {
      expect(refusal(bytesOf(bundle))).toBe('read');
      const job = await runVerifyJob(bytesOf(bundle));
      expect(job.result.ok).toBe(true);
    }
  });
});

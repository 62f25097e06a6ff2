/**
 * Bundles are untrusted JSON: a member named after an Object.prototype member (`__proto__`,
 * `constructor`, `hasOwnProperty`, ...) anywhere in a bundle, signed or not, must yield a coded
 * result and never be looked up through the prototype chain; so must header names in a diff.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createBundle,
  peekUnverifiedPredicate,
  readBundle,
  verifyBundle,
  type Bundle,
} from '../../src/core/index.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { signEnvelope } from '../../src/core/envelope/dsse.ts';
import { readClaims } from '../../src/app/check.ts';
import { attested, NOW, sampleBundle, signer } from '../helpers/bundles.ts';

const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

type Json = Record<string, unknown>;

/** Adds an own member (also for "__proto__", which plain assignment would not create). */
function addOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function decodePayload(envelope: Bundle['envelope']): Json {
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
}

/** Where a key can be put: unsigned places of the bundle, and places inside signed statements. */
const PLACES = [
  'bundle',
  'envelope',
  'signature',
  'attestation envelope',
  'statement',
  'predicate',
  'subject',
  'digest',
  'source headers',
  'header fields',
  'attestation predicate',
] as const;
type Place = (typeof PLACES)[number];
const SIGNED: readonly Place[] = PLACES.slice(4);

async function injected(base: Bundle, place: Place, key: string, value: unknown): Promise<string> {
  const bundle = JSON.parse(JSON.stringify(base)) as Json & Bundle;
  const unsigned: Partial<Record<Place, Json>> = {
    bundle,
    envelope: bundle.envelope as unknown as Json,
    signature: bundle.envelope.signatures[0] as unknown as Json,
    'attestation envelope': bundle.attestation_signatures[0] as unknown as Json,
  };
  const target = unsigned[place];
  if (target !== undefined) {
    addOwn(target, key, value);
    return JSON.stringify(bundle);
  }
  const attestation = place === 'attestation predicate';
  const envelope = attestation ? bundle.attestation_signatures[0] : bundle.envelope;
  if (envelope === undefined) throw new Error('no envelope');
  const statement = decodePayload(envelope);
  const predicate = statement.predicate as Json;
  const subject = (statement.subject as Json[])[0] as Json;
  const headers = (predicate.source_headers ?? {}) as Json;
  const inside: Record<Place, Json> = {
    ...(unsigned as Record<Place, Json>),
    statement,
    predicate,
    subject,
    digest: subject.digest as Json,
    'source headers': headers,
    'header fields': (headers.fields ?? {}) as Json,
    'attestation predicate': predicate,
  };
  addOwn(inside[place], key, value);
  const signed = await signEnvelope(
    'application/vnd.in-toto+json',
    canonicalBytes(statement),
    await signer(attestation ? 2 : 1),
  );
  if (attestation) bundle.attestation_signatures[0] = signed;
  else bundle.envelope = signed;
  return JSON.stringify(bundle);
}

const WITH_HEADERS = `From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
From: A <a@example.org>
Subject: [PATCH] greet

--- a/f
+++ b/f
@@ -1 +1 @@
-a
+b
`;

describe('prototype-named keys in bundles', () => {
  it('every prototype-named member, anywhere, signed or not, yields a coded rejection', async () => {
    const author = await signer(1);
    const base = await attested(
      await createBundle({ diff: WITH_HEADERS, signer: author, now: NOW }),
      2,
    );
    expect((await verifyBundle(new TextEncoder().encode(JSON.stringify(base)))).ok).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PLACES),
        fc.constantFrom(...PROTO_KEYS),
        fc.jsonValue({ maxDepth: 2 }),
        async (place, key, value) => {
          const text = await injected(base, place, key, value);
          const result = await verifyBundle(new TextEncoder().encode(text));
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.problem.code).toBe(
            SIGNED.includes(place) ? 'INVALID_METADATA' : 'MALFORMED_INPUT',
          );
          expect(result.problem.message).toContain(key);
        },
      ),
      {
        numRuns: 300,
        examples: [
          ['header fields', 'constructor', 'a string, so only the name is wrong'],
          ['predicate', '__proto__', { patch_diff_encoding: 'base64' }],
          ['bundle', 'hasOwnProperty', null],
        ],
      },
    );
  });

  it('reads DEP-3 and mail headers named like prototype members as nothing at all', async () => {
    const diff = `Constructor: evil\nHasOwnProperty: evil\nValueOf: evil\nDescription: real reason\n\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n`;
    const bundle = await createBundle({ diff, signer: await signer(1), now: NOW });
    const predicate = decodePayload(bundle.envelope).predicate as Json;
    expect(predicate.source_headers).toEqual({
      format: 'dep3',
      fields: { description: 'real reason' },
    });
    expect(predicate.reason_for_patch).toBe('real reason');
  });

  it('never takes a member from the prototype chain, even a polluted one', async () => {
    const bundle = await sampleBundle();
    const bytes = new TextEncoder().encode(JSON.stringify({ ...bundle, mediaType: undefined }));
    const payload = Buffer.from(JSON.stringify({ _type: 'x' })).toString('base64');
    const noPredicate = { ...bundle, envelope: { ...bundle.envelope, payload } };
    const names = ['mediaType', 'predicate', 'reason_for_patch'] as const;
    for (const name of names) {
      Object.defineProperty(Object.prototype, name, {
        value: 'application/vnd.patchtrail.bundle.v1+json',
        configurable: true,
      });
    }
    try {
      expect(() => readBundle(bytes)).toThrow(/mediaType/);
      expect(peekUnverifiedPredicate(noPredicate)).toBeUndefined();
      expect(readClaims({ files: ['f'] })).toEqual({ files: ['f'] });
    } finally {
      for (const name of names) Reflect.deleteProperty(Object.prototype, name);
    }
  });
});

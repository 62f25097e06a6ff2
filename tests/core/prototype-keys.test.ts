/**
 * Keys named after Object.prototype members in untrusted documents: policy documents, device
 * state files and bundles' signed predicates. Whatever object such a key lands in, reading the
 * document yields a coded result (never a TypeError, never a silently accepted member), and a
 * component named `constructor` or `__proto__` is just a component.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  parseJson as parseJsonText,
} from '../../src/core/encoding/canonical-json.ts';
import {
  compilePolicy,
  compilePolicyAsync,
  createBundle,
  isPatchtrailError,
  makeSeedSigner,
  readDeviceState,
  readPolicy,
  serializeBundle,
  utf8Encode,
  verifyBundle,
  type PolicyContext,
} from '../../src/core/index.ts';
import { signEnvelope } from '../../src/core/envelope/dsse.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../src/core/envelope/statement.ts';
import { fromBase64, utf8Decode } from '../../src/core/encoding/bytes.ts';

const KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'toString', 'isPrototypeOf'];

/** The code an untrusted read ends with, 'ok', or 'uncoded' for anything but a coded error. */
function codeOf(read: () => unknown): string {
  try {
    read();
    return 'ok';
  } catch (error) {
    return isPatchtrailError(error) ? error.code : `uncoded: ${String(error)}`;
  }
}

/** Every object inside a JSON value, by path. */
function objectPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const here = Array.isArray(value) ? [] : [path];
  return [
    ...here,
    ...Object.entries(value).flatMap(([k, v]) =>
      objectPaths(v, [...path, Array.isArray(value) ? Number(k) : k]),
    ),
  ];
}

/** Adds `key: extra` at `path` through JSON text, so that `__proto__` is an own member. */
function withKey(value: unknown, path: (string | number)[], key: string, extra: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const step of path) at = at[step] as Record<string | number, unknown>;
  const marker = `__marker_${Math.abs(JSON.stringify(extra).length)}__`;
  at[marker] = extra;
  return parseJsonText(JSON.stringify(copy).replace(`"${marker}"`, JSON.stringify(key)));
}

const POLICY = {
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  rules: [
    { id: 'who', kind: 'authors', mode: 'enforce', allow: { roles: ['dev'] } },
    { id: 'fw', kind: 'component-version', mode: 'enforce', component: 'fw', constraint: '>=1' },
    {
      id: 'fails',
      kind: 'verdicts',
      mode: 'enforce',
      from: { systems: [`did:key:z6Mk${'a'.repeat(44)}`] },
    },
  ],
};

describe('keys named after Object.prototype members', () => {
  it('in any object of a policy document: MALFORMED_INPUT naming the member, never a crash', () => {
    const paths = objectPaths(POLICY);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.constantFrom(...KEYS),
        fc.jsonValue({ maxDepth: 2 }),
        (path, key, extra) => {
          const doc = withKey(POLICY, path, key, extra);
          const at = (o: unknown, step: string | number) => (o as Record<string, unknown>)[step];
          expect(Object.hasOwn(path.reduce<unknown>(at, doc) as object, key)).toBe(true);
          expect(codeOf(() => readPolicy(doc))).toBe('MALFORMED_INPUT');
          try {
            readPolicy(doc);
          } catch (error) {
            expect(String((error as { details: string[] }).details)).toContain(
              `/${key}: is not a member`,
            );
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('as component names, in a device state and a policy rule, they are components like any other', () => {
    for (const key of KEYS) {
      const text = `{"format":"urn:patchtrail:device-state:v1","components":{${JSON.stringify(key)}:"2.0"}}`;
      const state = readDeviceState(parseJsonText(text));
      expect(Object.keys(state.components)).toEqual([key]);
      const rule = {
        id: 'v',
        kind: 'component-version',
        mode: 'enforce',
        component: key,
        constraint: '>=2',
      };
      const policy = compilePolicy({ ...POLICY, rules: [rule] });
      const context = (components: Readonly<Record<string, string>>): PolicyContext => ({
        patch: `sha256:${'e'.repeat(64)}`,
        metadata: { creator: '', reason: '', components: [] },
        provenance: { patch: '', hops: [], roots: [], flags: [], missingParents: [] },
        identities: new Map(),
        scores: new Map(),
        scoreHash: '',
        ledgerDigest: '',
        now: '2026-11-22T10:00:00Z',
        system: { treeHash: '', components },
        fuzz: 0,
      });
      expect(policy.evaluate(context(state.components)).rules[0]?.outcome).toBe('pass');
      expect(policy.evaluate(context({})).rules[0]).toMatchObject({
        outcome: 'fail',
        observed: null,
      });
    }
  });

  it('as member names in a cel expression: "has no member", however the member is used', async () => {
    for (const key of KEYS)
      for (const expression of [`has(patch.${key})`, `patch.${key} == "x"`, `device.${key} == 1`]) {
        const rule = { id: 'c', kind: 'cel', mode: 'enforce', expression };
        const read = compilePolicyAsync({ ...POLICY, rules: [rule] });
        await expect(read).rejects.toMatchObject({
          code: 'MALFORMED_INPUT',
          message: expect.stringContaining(`has no member '${key}'`),
        });
      }
  });

  it('in a device state document: MALFORMED_INPUT, never a crash', () => {
    const state = { format: 'urn:patchtrail:device-state:v1', components: { fw: '1.0' } };
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.jsonValue({ maxDepth: 2 }), (key, extra) => {
        expect(codeOf(() => readDeviceState(withKey(state, [], key, extra)))).toBe(
          'MALFORMED_INPUT',
        );
        const inComponents = withKey(state, ['components'], key, extra);
        expect(['ok', 'MALFORMED_INPUT']).toContain(codeOf(() => readDeviceState(inComponents)));
        if (typeof extra !== 'string' || extra === '' || [...extra].length > 256)
          expect(codeOf(() => readDeviceState(inComponents))).toBe('MALFORMED_INPUT');
      }),
      { numRuns: 200, seed: 5 },
    );
    for (const junk of [null, [], 'x', 1, { format: 'urn:patchtrail:device-state:v1' }])
      expect(codeOf(() => readDeviceState(junk))).toBe('MALFORMED_INPUT');
  });

  it("in a bundle's signed predicate: a coded rejection, never a crash", async () => {
    const dev = await makeSeedSigner(new Uint8Array(32).fill(9));
    const bundle = await createBundle({
      diff: '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n',
      signer: dev,
      reason: 'x',
      now: new Date('2026-11-22T10:00:00Z'),
    });
    const statement = parseJsonText(utf8Decode(fromBase64(bundle.envelope.payload)));
    for (const path of objectPaths(statement))
      for (const key of KEYS) {
        const payload = canonicalBytes(withKey(statement, path, key, 'x'));
        const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, dev);
        const forged = utf8Encode(serializeBundle({ ...bundle, envelope }));
        const result = await verifyBundle(forged);
        expect(result.ok).toBe(false);
        expect(result.ok ? '' : result.problem.code).toMatch(
          /^(INVALID_METADATA|MALFORMED_INPUT)$/,
        );
      }
  });
});

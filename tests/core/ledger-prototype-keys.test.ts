/**
 * Keys named after `Object.prototype` members (`hasOwnProperty`, `constructor`, `__proto__`...)
 * in untrusted entries. Fields are checked before the signature, so an attacker needs no key:
 * every such entry must be refused with a code, never crash the validator or slip through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { canonicalBytes, type Json } from '../../src/core/encoding/canonical-json.ts';
import { signEntry } from '../../src/core/ledger/entry.ts';
import { ENTRY_KINDS, type EntryKind } from '../../src/core/ledger/kinds.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { identities, provenance } from '../../src/core/ledger/queries.ts';

const T = '2026-11-22T08:00:00Z';
const H = (c: string) => `sha256:${c.repeat(64)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

/** Every own property name of Object.prototype, and the spellings JSON can smuggle in. */
export const PROTOTYPE_KEYS = [
  ...Object.getOwnPropertyNames(Object.prototype),
  '__proto__',
  'prototype',
];

/** A valid body of each kind (whose other checks pass), to add one hostile member to. */
function validBody(kind: EntryKind, did: string): Record<string, Json> {
  const bodies: Partial<Record<EntryKind, Record<string, Json>>> = {
    register: { name: 'x' },
    endorse: { subject: did, role: 'builder', stake: 1 },
    revoke: { subject: did, from: 1, reason: 'r' },
    rotate: { to: did, proof: 'AAAA' },
    publish: { patch: H('a'), diff: H('b'), creator: did, reason: 'r', components: [], created: T },
    attest: { patch: H('a'), reason: 'built' },
    flag: { patch: H('a'), compromised: true, evidence: 'e' },
    posture: { subject: did, checks: {} },
    policy: { version: 1, policy: {} },
    checkpoint: { note: 'n' },
    cosign: { checkpoint: H('c'), signature: 's' },
    equivocation: { a: 'AAAA', b: 'AAAB' },
  };
  return bodies[kind] ?? {};
}

/** An unsigned line: `body` plus `extra` as own members (even "__proto__"). */
function line(
  ledger: string,
  author: string,
  kind: EntryKind,
  body: Record<string, Json>,
  extraBody: [string, Json][],
  extraTop: [string, Json][] = [],
): Uint8Array {
  const seq = kind === 'register' ? 0 : 1;
  const fields = Object.fromEntries([
    ['v', 1],
    ['ledger', ledger],
    ['author', author],
    ['seq', seq],
    ['prev', seq === 0 ? null : H('d')],
    ['refs', []],
    ['time', T],
    ['kind', kind],
    ['body', Object.fromEntries([...Object.entries(body), ...extraBody])],
    ['sig', 'A'.repeat(86) + '=='],
    ...extraTop,
  ]) as Record<string, unknown>;
  return canonicalBytes(fields);
}

const KINDS = ENTRY_KINDS.filter((kind) => kind !== 'genesis');

describe('keys named after Object.prototype members', () => {
  it('a body or entry member with such a name is refused with MALFORMED_INPUT, never a crash', async () => {
    const admin = await signer(1);
    const dev = await signer(2);
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...KINDS),
        fc.constantFrom(...PROTOTYPE_KEYS),
        fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
        fc.boolean(),
        async (kind, name, value, top) => {
          const body = validBody(kind, dev.did);
          const bytes = top
            ? line(ledger.id, dev.did, kind, body, [], [[name, value]])
            : line(ledger.id, dev.did, kind, body, [[name, value]]);
          const result = await ledger.admit(bytes);
          expect(result).toMatchObject({ status: 'rejected', code: 'MALFORMED_INPUT' });
          expect(result.message).toMatch(/not a field|unknown field/);
        },
      ),
      { numRuns: 300 },
    );
    expect(ledger.size).toBe(1);
  });

  it('such names where names are data (posture checks, roles) are kept as data', async () => {
    const admin = await signer(1);
    const dev = await signer(2);
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    await ledger.append(dev, 'register', { name: 'constructor' }, T);
    const checks = { constructor: 'pass', valueof: 'fail', tostring: 'pass' };
    await ledger.append(dev, 'posture', { subject: dev.did, checks }, T);
    await ledger.append(admin, 'endorse', { subject: dev.did, role: 'constructor', stake: 2 }, T);
    const posture = [...ledger.ofKind('posture')][0];
    expect(posture?.body).toEqual({ subject: dev.did, checks });
    const roles = ledger.registry().identities.get(dev.did)?.roles;
    expect(roles?.constructor).toEqual({ stake: 2, by: [admin.did] });
    // An identity never endorsed holds no role, whatever the role is called.
    const adminRoles = ledger.registry().identities.get(admin.did)?.roles ?? {};
    expect(adminRoles.constructor).toBeUndefined();
    expect(adminRoles.hasOwnProperty).toBeUndefined();
    expect(identities(ledger).find((i) => i.did === dev.did)?.name).toBe('constructor');
    expect(provenance(ledger, H('a')).hops).toEqual([]);
  });

  it('a signed body with such a member is refused too (the check does not depend on the signature)', async () => {
    const admin = await signer(1);
    const dev = await signer(2);
    const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    for (const name of ['constructor', 'hasOwnProperty', 'valueOf']) {
      const body = Object.fromEntries([
        ['patch', H('a')],
        ['reason', 'built'],
        [name, 1],
      ]) as unknown as Parameters<typeof signEntry<'attest'>>[1]['body'];
      await expect(
        signEntry(dev, {
          ledger: ledger.id,
          seq: 1,
          prev: ledger.head(dev.did)?.id ?? null,
          refs: [],
          time: T,
          kind: 'attest',
          body,
        }),
      ).rejects.toMatchObject({ code: 'MALFORMED_INPUT' });
    }
  });
});

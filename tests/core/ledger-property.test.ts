/**
 * Property tests of the ledger: decoding never throws anything uncoded and accepts only what
 * was signed, and the verified set and standing do not depend on arrival order (the property
 * that lets peers converge), even with conflicting admin actions, revocations and forks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { utf8Decode, utf8Encode } from '../../src/core/encoding/bytes.ts';
import { isPatchtrailError } from '../../src/core/errors.ts';
import { decodeEntry, signEntry, type Entry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T10:00:00Z';
const PATCH = `sha256:${'12'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (isPatchtrailError(error)) return error.code;
    throw error; // an uncoded throw fails the property
  }
}

describe('entry decoding', () => {
  it('any byte flip, insertion or truncation of a signed entry is refused with a code', async () => {
    const dev = await signer(3);
    const entry = await signEntry(dev, {
      ledger: `sha256:${'00'.repeat(32)}`,
      seq: 1,
      prev: `sha256:${'01'.repeat(32)}`,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason: 'tested', note: 'ünïcode ✓' },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.nat(entry.bytes.length - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'insert', 'truncate'),
        async (at, value, how) => {
          const bytes =
            how === 'flip'
              ? entry.bytes.map((b, i) => (i === at ? b ^ value : b))
              : how === 'insert'
                ? new Uint8Array([...entry.bytes.slice(0, at), value, ...entry.bytes.slice(at)])
                : entry.bytes.slice(0, at);
          const code = await codeOf(decodeEntry(bytes));
          expect(['MALFORMED_INPUT', 'INVALID_SIGNATURE', 'TOO_LARGE']).toContain(code);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random JSON never decodes and never throws uncoded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const code = await codeOf(decodeEntry(utf8Encode(JSON.stringify(value) ?? 'null')));
        expect(code).not.toBe('OK');
      }),
      { numRuns: 300 },
    );
  });

  it('signed fields round-trip: decode gives back exactly what was signed', async () => {
    const dev = await signer(4);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.nat(1_000_000_000),
        fc.constantFrom('built', 'reviewed', 'applied', 'rolled-back'),
        async (note, score, reason) => {
          const entry = await signEntry(dev, {
            ledger: `sha256:${'0a'.repeat(32)}`,
            seq: 2,
            prev: `sha256:${'0b'.repeat(32)}`,
            refs: [],
            time: T,
            kind: 'attest',
            body: { patch: PATCH, reason, score, note },
          });
          const back = await decodeEntry(entry.bytes, entry.id);
          expect(back.body).toEqual({ patch: PATCH, reason, score, note });
          expect(utf8Decode(back.bytes)).toBe(utf8Decode(entry.bytes));
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** A small history with everything that makes standing hard to get right. */
async function history(): Promise<{ genesis: Uint8Array; entries: Entry[] }> {
  const [a1, a2, dev, evil] = [await signer(1), await signer(2), await signer(3), await signer(9)];
  const ledger = await Ledger.found(a1, { name: 'p', admins: [a1.did, a2.did], threshold: 1 }, T);
  await ledger.append(a2, 'register', { name: 'a2' }, T);
  await ledger.append(dev, 'register', { name: 'dev' }, T);
  await ledger.append(evil, 'register', { name: 'evil' }, T);
  // Conflicting endorsements of one (subject, role); mutual revocation between the admins.
  await ledger.append(
    a1,
    'endorse',
    { subject: dev.did, role: 'builder', stake: 3 },
    '2026-11-22T10:00:01Z',
  );
  await ledger.append(
    a2,
    'endorse',
    { subject: dev.did, role: 'builder', stake: 7 },
    '2026-11-22T10:00:02Z',
  );
  await ledger.append(a1, 'revoke', { subject: a2.did, from: 3, reason: 'x' }, T);
  await ledger.append(a2, 'revoke', { subject: a1.did, from: 4, reason: 'y' }, T);
  await ledger.append(a2, 'endorse', { subject: evil.did, role: 'builder', stake: 1 }, T);
  await ledger.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T);
  // evil forks at seq 1 and continues one side.
  const reg = ledger.head(evil.did) as Entry;
  const fields = (reason: 'built' | 'tested', seq = 1, prev = reg.id) => ({
    ledger: ledger.id,
    seq,
    prev,
    refs: [],
    time: T,
    kind: 'attest' as const,
    body: { patch: PATCH, reason },
  });
  const left = await signEntry(evil, fields('built'));
  const right = await signEntry(evil, fields('tested'));
  const after = await signEntry(evil, fields('built', 2, left.id));
  return {
    genesis: ledger.genesis.bytes,
    entries: [...ledger.all()].slice(1).concat(left, right, after),
  };
}

describe('arrival order does not matter', () => {
  it('any permutation gives the same admitted set, digest, standing and registry', async () => {
    const { genesis, entries } = await history();
    const summarize = async (order: readonly Entry[]) => {
      const ledger = await Ledger.open(genesis);
      for (const e of order) await ledger.admit(e.bytes);
      const registry = ledger.registry();
      return {
        digest: await ledger.digest(),
        ids: [...ledger.all()].map((e) => e.id).sort(),
        held: ledger.heldCount,
        standing: [...ledger.all()]
          .map((e) => `${e.id}:${registry.standing(e)?.code ?? 'ok'}`)
          .sort(),
        identities: [...registry.identities.values()]
          .map((i) => JSON.stringify([i.did, i.roles, i.revokedFrom, i.malicious, i.equivocatedAt]))
          .sort(),
      };
    };
    const reference = await summarize(entries);
    expect(reference.held).toBe(0);
    expect(reference.standing.some((s) => s.endsWith(':EQUIVOCATION'))).toBe(true);
    expect(reference.standing.some((s) => s.endsWith(':REVOKED_KEY'))).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(entries, { minLength: entries.length }),
        async (order) => {
          expect(await summarize(order)).toEqual(reference);
        },
      ),
      { numRuns: 60 },
    );
  });
});

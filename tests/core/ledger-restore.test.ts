/**
 * `Ledger.restore`: entries a store vouches for (their bytes passed every check of their own
 * on this device before) skip those checks and nothing else. On random sequences of such
 * entries (shuffled, repeated, with revocations, a rotation, a fork and its equivocation proof,
 * an entry that breaks its chain link), restoring gives the same results, admitted set and
 * order, held entries, quarantine, registry, standing and equivocations as admitting the same
 * bytes in the same order.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { toBase64, utf8Encode } from '../../src/core/encoding/bytes.ts';
import { signEntry, type Entry } from '../../src/core/ledger/entry.ts';
import { Ledger, rotationMessage, type Equivocation } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T10:00:00Z';
const PATCH = `sha256:${'34'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

/** Every kind of standing change, a rotation, a fork, its proof and a broken chain link. */
async function history(): Promise<{ genesis: Uint8Array; entries: Entry[] }> {
  const [admin1, admin2, device, attacker, rotated] = (await Promise.all(
    [1, 2, 3, 9, 10].map(signer),
  )) as [Signer, Signer, Signer, Signer, Signer];
  const ledger = await Ledger.found(
    admin1,
    { name: 'r', admins: [admin1.did, admin2.did], threshold: 1 },
    T,
  );
  for (const [who, name] of [
    [admin2, 'a2'],
    [device, 'dev'],
    [attacker, 'evil'],
  ] as const)
    await ledger.append(who, 'register', { name }, T);
  await ledger.append(admin1, 'endorse', { subject: device.did, role: 'builder', stake: 3 }, T);
  await ledger.append(admin2, 'endorse', { subject: attacker.did, role: 'builder', stake: 1 }, T);
  await ledger.append(admin1, 'revoke', { subject: admin2.did, from: 1, reason: 'x' }, T);
  await ledger.append(device, 'attest', { patch: PATCH, reason: 'built' }, T);
  const proof = toBase64(await rotated.sign(rotationMessage(ledger.id, device.did, rotated.did)));
  await ledger.append(device, 'rotate', { to: rotated.did, proof }, T);
  await ledger.append(rotated, 'register', { name: 'dev', rotatedFrom: device.did }, T);
  const reg = ledger.head(attacker.did) as Entry;
  const fields = (reason: 'built' | 'tested', seq = 1, prev: string = reg.id) => ({
    ledger: ledger.id,
    seq,
    prev,
    refs: [],
    time: T,
    kind: 'attest' as const,
    body: { patch: PATCH, reason },
  });
  const left = await signEntry(attacker, fields('built'));
  const right = await signEntry(attacker, fields('tested'));
  const after = await signEntry(attacker, fields('built', 2, left.id));
  // Signed and well formed, but its prev is another author's entry: refused by the link check.
  const broken = await signEntry(
    attacker,
    fields('tested', 3, (ledger.head(admin1.did) as Entry).id),
  );
  let found: Equivocation | undefined;
  ledger.subscribe({ equivocation: (e) => (found = e) });
  await ledger.admit(left.bytes);
  await ledger.admit(right.bytes);
  const proofEntry = await ledger.publishEquivocation(admin1, found as Equivocation, T);
  return {
    genesis: ledger.genesis.bytes,
    entries: [...ledger.all()].slice(1).concat(after, broken, proofEntry as Entry),
  };
}

/** Everything a ledger's state shows, after the sequence went in through `put`. */
async function state(
  genesis: Uint8Array,
  order: readonly Entry[],
  put: (ledger: Ledger, entry: Entry) => Promise<unknown>,
) {
  const ledger = await Ledger.open(genesis);
  const events: string[] = [];
  ledger.subscribe({
    admitted: (e) => events.push(`admitted ${e.id}`),
    equivocation: (e) => events.push(`equivocation ${e.author} ${e.seq}`),
    quarantined: (q) => events.push(`quarantined ${q.key} ${q.code}`),
  });
  const results = [];
  for (const entry of order) results.push(await put(ledger, entry));
  const registry = ledger.registry();
  return {
    results,
    events,
    entries: [...ledger.all()],
    held: ledger.held().map((h) => h.entry.id),
    newcomers: ledger.newcomers,
    quarantined: ledger.quarantined(),
    digest: await ledger.digest(),
    standing: [...ledger.all()].map((e) => `${e.id}:${registry.standing(e)?.code ?? 'ok'}`),
    identities: [...registry.identities.values()],
    outOfStanding: ledger.outOfStanding(),
  };
}

describe('restoring vouched entries', () => {
  let genesis: Uint8Array;
  let entries: Entry[];
  beforeAll(async () => {
    ({ genesis, entries } = await history());
  });

  it('leaves the ledger exactly as admitting the same bytes in the same order does', async () => {
    const admit = (l: Ledger, e: Entry) => l.admit(e.bytes, { key: e.id });
    const restore = (l: Ledger, e: Entry) => Promise.resolve(l.restore(e.bytes, e.id));
    const whole = await state(genesis, entries, admit);
    // The history exercises what it claims to: a fork, a proof, a revocation, a broken link.
    expect(whole.events.filter((e) => e.startsWith('equivocation'))).toHaveLength(1);
    expect(whole.standing.some((s) => s.endsWith(':REVOKED_KEY'))).toBe(true);
    expect(
      whole.results.filter((r) => (r as { status: string }).status === 'rejected'),
    ).toHaveLength(1);
    expect(whole.entries.some((e) => e.kind === 'rotate')).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...entries), { maxLength: entries.length + 6 }),
        async (order) => {
          expect(await state(genesis, order, restore)).toEqual(await state(genesis, order, admit));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('refuses, with a code and into the quarantine, a record that is not an entry at all', async () => {
    const ledger = await Ledger.open(genesis);
    const result = ledger.restore(utf8Encode('[1,2]'), (entries[0] as Entry).id);
    expect(result).toMatchObject({ status: 'rejected', code: 'MALFORMED_INPUT' });
    expect(ledger.quarantined().map((q) => q.key)).toEqual([(entries[0] as Entry).id]);
    expect(ledger.restore(utf8Encode('{"v":'), 'x')).toMatchObject({ code: 'MALFORMED_INPUT' });
  });
});

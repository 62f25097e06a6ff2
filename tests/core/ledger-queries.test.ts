import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { signEntry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { auditTrail, identities, provenance } from '../../src/core/ledger/queries.ts';

const T = '2026-11-22T09:30:00Z';
const PATCH = `sha256:${'ee'.repeat(32)}`;
const OTHER = `sha256:${'ff'.repeat(32)}`;
const H = (c: string) => `sha256:${c.repeat(64)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

async function lineage() {
  const [admin, builder, reviewer, forwarder, kiosk1, kiosk2] = await Promise.all(
    [1, 2, 3, 4, 5, 6].map(signer),
  );
  const ledger = await Ledger.found(
    admin as Signer,
    { name: 'q', admins: [admin?.did ?? ''], threshold: 1 },
    T,
  );
  for (const [s, name] of [
    [builder, 'builder'],
    [reviewer, 'reviewer'],
    [forwarder, 'relay'],
    [kiosk1, 'kiosk 1'],
    [kiosk2, 'kiosk 2'],
  ] as const)
    await ledger.append(s as Signer, 'register', { name }, T);
  await ledger.append(
    builder as Signer,
    'publish',
    {
      patch: PATCH,
      diff: H('1'),
      creator: builder?.did ?? '',
      reason: 'fix',
      components: ['core'],
      created: T,
    },
    T,
  );
  const built = await ledger.append(
    builder as Signer,
    'attest',
    { patch: PATCH, reason: 'built' },
    T,
  );
  const reviewed = await ledger.append(
    reviewer as Signer,
    'attest',
    { patch: PATCH, reason: 'reviewed', parent: built.id },
    T,
  );
  const forwarded = await ledger.append(
    forwarder as Signer,
    'attest',
    { patch: PATCH, reason: 'forwarded', parent: reviewed.id },
    T,
  );
  const applied1 = await ledger.append(
    kiosk1 as Signer,
    'attest',
    {
      patch: PATCH,
      reason: 'applied',
      parent: forwarded.id,
      target: 'kiosk-1',
      treeBefore: H('a'),
      treeAfter: H('b'),
    },
    T,
  );
  const applied2 = await ledger.append(
    kiosk2 as Signer,
    'attest',
    {
      patch: PATCH,
      reason: 'applied',
      parent: forwarded.id,
      treeBefore: H('a'),
      treeAfter: H('b'),
    },
    T,
  );
  const rolled = await ledger.append(
    kiosk1 as Signer,
    'attest',
    {
      patch: PATCH,
      reason: 'rolled-back',
      parent: applied1.id,
      target: 'kiosk-1',
      treeBefore: H('b'),
      treeAfter: H('a'),
    },
    T,
  );
  await ledger.append(
    kiosk1 as Signer,
    'attest',
    { patch: OTHER, reason: 'applied', target: 'kiosk-1' },
    T,
  );
  return {
    ledger,
    admin,
    builder,
    reviewer,
    kiosk1,
    kiosk2,
    built,
    reviewed,
    forwarded,
    applied1,
    applied2,
    rolled,
  };
}

describe('ledger queries', () => {
  it('provenance: publish, then a DAG from builder to appliers, with each hop and signer', async () => {
    const q = await lineage();
    const p = provenance(q.ledger, PATCH);
    expect(p.published).toMatchObject({
      author: q.builder?.did,
      creator: q.builder?.did,
      reason: 'fix',
    });
    expect(p.hops.map((h) => [h.reason, h.name])).toEqual([
      ['built', 'builder'],
      ['reviewed', 'reviewer'],
      ['forwarded', 'relay'],
      ['applied', 'kiosk 1'],
      ['applied', 'kiosk 2'],
      ['rolled-back', 'kiosk 1'],
    ]);
    expect(p.roots).toEqual([q.built.id]);
    const byId = new Map(p.hops.map((h) => [h.id, h]));
    expect(byId.get(q.forwarded.id)?.children).toEqual([q.applied1.id, q.applied2.id]);
    expect(byId.get(q.applied1.id)).toMatchObject({
      parent: q.forwarded.id,
      treeBefore: H('a'),
      treeAfter: H('b'),
    });
    expect(p.missingParents).toEqual([]);
    expect(provenance(q.ledger, OTHER).hops).toHaveLength(1);
  });

  it('a hop by a revoked system is shown as out of standing', async () => {
    const q = await lineage();
    await q.ledger.append(
      q.admin as Signer,
      'revoke',
      { subject: q.reviewer?.did ?? '', from: 0, reason: 'key lost' },
      T,
    );
    const hop = provenance(q.ledger, PATCH).hops.find((h) => h.id === q.reviewed.id);
    expect(hop?.outOfStanding).toMatch(/revoked from sequence 0/);
  });

  it('a fork below a revocation (a thief signing on an old copy) marks both sides in provenance', async () => {
    const q = await lineage();
    const reviewer = q.reviewer as Signer;
    await q.ledger.append(
      q.admin as Signer,
      'revoke',
      { subject: reviewer.did, from: 2, reason: 'key stolen' },
      T,
    );
    // The thief's copy ends at the reviewer's registration: it signs seq 1 again.
    const forged = await signEntry(reviewer, {
      ledger: q.ledger.id,
      seq: 1,
      prev: q.reviewed.prev,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: OTHER, reason: 'reviewed' },
    });
    expect((await q.ledger.admit(forged.bytes)).status).toBe('admitted');
    expect(q.ledger.registry().identities.get(reviewer.did)?.malicious).toBe(true);
    const hop = provenance(q.ledger, OTHER).hops.find((h) => h.id === forged.id);
    expect(hop?.outOfStanding).toMatch(/equivocated at sequence 1/);
    const genuine = provenance(q.ledger, PATCH).hops.find((h) => h.id === q.reviewed.id);
    expect(genuine?.outOfStanding).toMatch(/equivocated at sequence 1/);
    expect(q.ledger.verified(forged.id)).toBeUndefined();
    // What the author signed before the fork still stands.
    expect(q.ledger.verified(q.reviewed.prev ?? '')).toBeDefined();
  });

  it('a later register renames an identity, while its author is in standing', async () => {
    const q = await lineage();
    const reviewer = q.reviewer as Signer;
    const nameOf = () => identities(q.ledger).find((i) => i.did === reviewer.did)?.name;
    expect(nameOf()).toBe('reviewer');
    await q.ledger.append(reviewer, 'register', { name: 'review bot' }, T);
    expect(nameOf()).toBe('review bot');
    const head = q.ledger.head(reviewer.did)?.seq ?? 0;
    await q.ledger.append(
      q.admin as Signer,
      'revoke',
      { subject: reviewer.did, from: head + 1, reason: 'lost' },
      T,
    );
    await q.ledger.append(reviewer, 'register', { name: 'mallory' }, T);
    expect(nameOf()).toBe('review bot');
    // The founder is not named after the ledger.
    expect(identities(q.ledger).find((i) => i.did === q.admin?.did)?.name).toBe('');
  });

  it('audit trail of a target: what was applied and rolled back, from which tree to which', async () => {
    const q = await lineage();
    expect(
      auditTrail(q.ledger, 'kiosk-1').map((e) => [e.reason, e.patch, e.treeBefore, e.treeAfter]),
    ).toEqual([
      ['applied', PATCH, H('a'), H('b')],
      ['rolled-back', PATCH, H('b'), H('a')],
      ['applied', OTHER, undefined, undefined],
    ]);
    // Without a target name, the device itself is the target.
    expect(auditTrail(q.ledger, q.kiosk2?.did ?? '').map((e) => e.id)).toEqual([q.applied2.id]);
  });

  it('identities: roles, stake, standing and history', async () => {
    const q = await lineage();
    await q.ledger.append(
      q.admin as Signer,
      'endorse',
      { subject: q.kiosk1?.did ?? '', role: 'kiosk', stake: 2 },
      T,
    );
    const kiosk = identities(q.ledger).find((i) => i.did === q.kiosk1?.did);
    expect(kiosk).toMatchObject({
      name: 'kiosk 1',
      roles: { kiosk: { stake: 2 } },
      malicious: false,
      entries: 4,
      lastSeq: 3,
    });
    expect(kiosk?.history).toEqual({ register: 1, 'attest:applied': 2, 'attest:rolled-back': 1 });
  });
});

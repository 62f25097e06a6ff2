import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { fromBase64, toBase64, utf8Decode, utf8Encode } from '../../src/core/encoding/bytes.ts';
import { decodeEntry, signEntry } from '../../src/core/ledger/entry.ts';
import { Ledger, rotationMessage, type Equivocation } from '../../src/core/ledger/ledger.ts';
import { MAX_ENTRY_BYTES } from '../../src/core/ledger/limits.ts';

const T = '2026-11-22T08:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

async function team() {
  const admin = await signer(1);
  const admin2 = await signer(2);
  const dev = await signer(3);
  const other = await signer(4);
  const ledger = await Ledger.found(
    admin,
    { name: 'team', admins: [admin.did, admin2.did], threshold: 1 },
    T,
  );
  return { ledger, admin, admin2, dev, other };
}

describe('ledger entries', () => {
  it('round-trip: signed bytes decode to the same id, fields and signature check', async () => {
    const { ledger, dev } = await team();
    const entry = await ledger.append(dev, 'register', { name: 'build box' }, T);
    const again = await decodeEntry(entry.bytes, entry.id, { ledger: ledger.id });
    expect(again.id).toBe(entry.id);
    expect(again.body).toEqual({ name: 'build box' });
    expect(again.seq).toBe(0);
    expect(again.prev).toBeNull();
  });

  it('refuses non-canonical bytes, altered bytes, a wrong key and another ledger, each with its code', async () => {
    const { ledger, dev } = await team();
    const entry = await ledger.append(dev, 'register', { name: 'a' }, T);
    const fresh = await Ledger.open(ledger.genesis.bytes);
    const text = utf8Decode(entry.bytes);
    const spaced = utf8Encode(text.replace('{', '{ '));
    expect((await fresh.admit(spaced)).code).toBe('MALFORMED_INPUT');
    const altered = utf8Encode(text.replace('"name":"a"', '"name":"b"'));
    expect((await fresh.admit(altered)).code).toBe('INVALID_SIGNATURE');
    expect((await fresh.admit(entry.bytes, { key: `sha256:${'00'.repeat(32)}` })).code).toBe(
      'MALFORMED_INPUT',
    );
    const elsewhere = await Ledger.found(dev, { name: 'x', admins: [dev.did], threshold: 1 }, T);
    const foreign = await elsewhere.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T);
    expect((await fresh.admit(foreign.bytes)).code).toBe('MALFORMED_INPUT');
    expect((await fresh.admit(new Uint8Array(MAX_ENTRY_BYTES * 4))).code).toBe('TOO_LARGE');
    expect((await fresh.admit(utf8Encode('{"v":1'))).code).toBe('MALFORMED_INPUT');
    expect(fresh.size).toBe(1);
    expect(fresh.quarantined().map((q) => q.code)).toEqual([
      'MALFORMED_INPUT',
      'INVALID_SIGNATURE',
      'MALFORMED_INPUT',
      'MALFORMED_INPUT',
      'TOO_LARGE',
      'MALFORMED_INPUT',
    ]);
    expect((await fresh.admit(entry.bytes, { key: entry.id })).status).toBe('admitted');
  });

  it('holds an entry until its predecessor arrives, then admits both', async () => {
    const { ledger, dev } = await team();
    const first = await ledger.append(dev, 'register', { name: 'dev' }, T);
    const second = await ledger.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T);
    const fresh = await Ledger.open(ledger.genesis.bytes);
    expect((await fresh.admit(second.bytes)).status).toBe('held');
    expect(fresh.get(second.id)).toBeUndefined();
    const result = await fresh.admit(first.bytes);
    expect(result).toMatchObject({ status: 'admitted', released: [second.id] });
    expect(fresh.verified(second.id)?.id).toBe(second.id);
    expect(await fresh.digest()).toBe(await ledger.digest());
  });

  it('an author’s first entry must register it', async () => {
    const { ledger, dev } = await team();
    const entryOrError = await signEntry(dev, {
      ledger: ledger.id,
      seq: 0,
      prev: null,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason: 'built' },
    }).catch((e: { code: string }) => e.code);
    expect(entryOrError).toBe('MALFORMED_INPUT');
  });
});

describe('appending as a key the ledger does not know', () => {
  it('is UNKNOWN_AUTHOR, in the signer’s terms, for every kind but register; nothing is admitted', async () => {
    const { ledger, dev } = await team();
    const before = [...ledger.all()].length;
    const error = await ledger
      .append(dev, 'attest', { patch: PATCH, reason: 'built' }, T)
      .catch((e: { code: string; message: string }) => e);
    expect(error).toMatchObject({
      code: 'UNKNOWN_AUTHOR',
      message: `${dev.did} is not registered on this ledger: a key registers before it signs anything else`,
    });
    expect([...ledger.all()].length).toBe(before);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    expect([...ledger.all()].length).toBe(before + 1);
  });
});

describe('standing', () => {
  it('endorsement sets role and stake; revocation puts later entries out of standing', async () => {
    const { ledger, admin, dev } = await team();
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    await ledger.append(admin, 'endorse', { subject: dev.did, role: 'builder', stake: 5 }, T);
    const before = await ledger.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T);
    expect(ledger.registry().identities.get(dev.did)?.roles).toEqual({
      builder: { stake: 5, by: [admin.did] },
    });
    await ledger.append(admin, 'revoke', { subject: dev.did, from: 2, reason: 'lost' }, T);
    const after = await ledger.append(dev, 'attest', { patch: PATCH, reason: 'tested' }, T);
    expect(ledger.verified(before.id)).toBeDefined();
    expect(ledger.verified(after.id)).toBeUndefined();
    expect(ledger.outOfStanding().map((o) => [o.entry.id, o.code])).toEqual([
      [after.id, 'REVOKED_KEY'],
    ]);
  });

  it('an endorsement withdrawn in the same second is withdrawn, and a re-endorsement after it counts', async () => {
    const { ledger, admin, dev } = await team();
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    const stake = (n: number) => ({ subject: dev.did, role: 'builder', stake: n });
    const first = await ledger.append(admin, 'endorse', stake(10), T);
    const withdrawn = await ledger.append(admin, 'endorse', stake(0), T);
    // The registry settles one role's endorsements by time, a tie by the larger stake: the
    // withdrawal is dated after what it withdraws, and another role or subject is not moved.
    expect([first.time, withdrawn.time]).toEqual([T, '2026-11-22T08:00:01Z']);
    expect(ledger.registry().identities.get(dev.did)?.roles.builder?.stake).toBe(0);
    const again = await ledger.append(admin, 'endorse', stake(4), T);
    expect(again.time).toBe('2026-11-22T08:00:02Z');
    expect(ledger.registry().identities.get(dev.did)?.roles.builder?.stake).toBe(4);
    const other = await ledger.append(admin, 'endorse', { ...stake(2), role: 'tester' }, T);
    expect(other.time).toBe(T);
    const later = await ledger.append(admin, 'endorse', stake(1), '2026-11-22T09:00:00Z');
    expect(later.time).toBe('2026-11-22T09:00:00Z');
  });

  it('endorse by a non-admin has no effect and is out of standing', async () => {
    const { ledger, dev, other } = await team();
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    const e = await ledger.append(
      dev,
      'endorse',
      { subject: other.did, role: 'admin', stake: 9 },
      T,
    );
    expect(ledger.verified(e.id)).toBeUndefined();
    expect(ledger.registry().identities.get(other.did)).toBeUndefined();
  });

  it('threshold 2: an endorsement takes two admins', async () => {
    const [a, b, dev] = [await signer(1), await signer(2), await signer(3)];
    const ledger = await Ledger.found(a, { name: 't', admins: [a.did, b.did], threshold: 2 }, T);
    await ledger.append(b, 'register', { name: 'b' }, T);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    await ledger.append(a, 'endorse', { subject: dev.did, role: 'builder', stake: 3 }, T);
    expect(ledger.registry().identities.get(dev.did)?.roles).toEqual({});
    await ledger.append(b, 'endorse', { subject: dev.did, role: 'builder', stake: 3 }, T);
    expect(ledger.registry().identities.get(dev.did)?.roles.builder?.stake).toBe(3);
  });

  it('threshold 2: one admin endorsing with its old and its rotated key counts once', async () => {
    const [a, b, dev, a2, a3] = [
      await signer(1),
      await signer(2),
      await signer(3),
      await signer(5),
      await signer(6),
    ];
    const ledger = await Ledger.found(a, { name: 't', admins: [a.did, b.did], threshold: 2 }, T);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    const rotate = async (from: Signer, to: Signer) => {
      const proof = toBase64(await to.sign(rotationMessage(ledger.id, from.did, to.did)));
      await ledger.append(from, 'rotate', { to: to.did, proof }, T);
      await ledger.append(to, 'register', { name: 'a', rotatedFrom: from.did }, T);
    };
    await ledger.append(a, 'endorse', { subject: dev.did, role: 'builder', stake: 3 }, T);
    await rotate(a, a2);
    await rotate(a2, a3);
    expect(ledger.registry().identities.get(a3.did)?.admin).toBe(true);
    await ledger.append(a3, 'endorse', { subject: dev.did, role: 'builder', stake: 3 }, T);
    expect(ledger.registry().identities.get(dev.did)?.roles).toEqual({});
    await ledger.append(a3, 'revoke', { subject: dev.did, from: 0, reason: 'lost' }, T);
    expect(ledger.registry().identities.get(dev.did)?.revokedFrom).toBeUndefined();
    await ledger.append(b, 'register', { name: 'b' }, T);
    await ledger.append(b, 'endorse', { subject: dev.did, role: 'builder', stake: 3 }, T);
    expect(ledger.registry().identities.get(dev.did)?.roles.builder?.stake).toBe(3);
  });

  it('key rotation needs the new key’s signature and carries roles over', async () => {
    const { ledger, admin, dev, other } = await team();
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    await ledger.append(admin, 'endorse', { subject: dev.did, role: 'builder', stake: 2 }, T);
    const forged = toBase64(await dev.sign(rotationMessage(ledger.id, dev.did, other.did)));
    await expect(
      ledger.append(dev, 'rotate', { to: other.did, proof: forged }, T),
    ).rejects.toMatchObject({
      code: 'INVALID_SIGNATURE',
    });
    const proof = toBase64(await other.sign(rotationMessage(ledger.id, dev.did, other.did)));
    await ledger.append(dev, 'rotate', { to: other.did, proof }, T);
    const late = await ledger.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T);
    expect(ledger.verified(late.id)).toBeUndefined();
    await ledger.append(other, 'register', { name: 'dev, new key', rotatedFrom: dev.did }, T);
    expect(ledger.registry().identities.get(other.did)?.roles.builder?.stake).toBe(2);
  });
});

describe('equivocation', () => {
  it('two entries with one seq: both kept, author sealed, one deduplicated proof', async () => {
    const { ledger, admin, dev } = await team();
    const reg = await ledger.append(dev, 'register', { name: 'dev' }, T);
    const fields = (reason: 'built' | 'tested') => ({
      ledger: ledger.id,
      seq: 1,
      prev: reg.id,
      refs: [],
      time: T,
      kind: 'attest' as const,
      body: { patch: PATCH, reason },
    });
    const a = await signEntry(dev, fields('built'));
    const b = await signEntry(dev, fields('tested'));
    const seen: Equivocation[] = [];
    const peer = await Ledger.open(ledger.genesis.bytes, { equivocation: (f) => seen.push(f) });
    for (const bytes of [reg.bytes, a.bytes, b.bytes]) await peer.admit(bytes);
    expect(seen).toEqual([{ author: dev.did, seq: 1, ids: [a.id, b.id].sort() }]);
    expect(peer.get(a.id)).toBeDefined();
    expect(peer.get(b.id)).toBeDefined();
    const later = await signEntry(dev, { ...fields('built'), seq: 2, prev: a.id });
    await peer.admit(later.bytes);
    expect(peer.verified(later.id)).toBeUndefined();
    expect(peer.registry().identities.get(dev.did)).toMatchObject({
      malicious: true,
      equivocatedAt: 1,
    });
    const proof = await peer.publishEquivocation(admin, seen[0] as Equivocation, T);
    expect(proof?.kind).toBe('equivocation');
    expect(await peer.publishEquivocation(admin, seen[0] as Equivocation, T)).toBeUndefined();
    // A peer that only ever sees the proof still marks the author malicious.
    const third = await Ledger.open(ledger.genesis.bytes);
    await third.admit(reg.bytes);
    for (const e of peer.all()) if (e.author === admin.did) await third.admit(e.bytes);
    expect(third.registry().identities.get(dev.did)?.malicious).toBe(true);
    const carried = await Promise.all(
      [proof?.body.a, proof?.body.b].map((s) => decodeEntry(fromBase64(s ?? ''))),
    );
    expect(carried.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
  });
});

describe('large inputs', () => {
  it('serializes 300,000 entries without exhausting the stack', async () => {
    const { serializeEntries } = await import('../../src/core/ledger/file.ts');
    const fake = Array.from({ length: 300_000 }, () => ({ bytes: utf8Encode('{}') }));
    const out = serializeEntries(fake as unknown as Parameters<typeof serializeEntries>[0]);
    expect(out.length).toBe(900_000);
    expect(out[2]).toBe(0x0a);
  });
});

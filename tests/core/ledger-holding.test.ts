/**
 * What unregistered keys and unresolvable entries may occupy: held entries are bounded (per
 * unknown author, in all), and self-registered keys no admin vouched for are admitted up to a
 * quota, while an honest newcomer can still register and be endorsed.
 */
import { describe, expect, it } from 'vitest';
import { toBase64, type Entry, type Signer } from '../../src/core/index.ts';
import { Ledger, rotationMessage } from '../../src/core/ledger/ledger.ts';
import {
  MAX_HELD_PER_UNKNOWN_AUTHOR,
  MAX_NEWCOMERS,
  MAX_WAITING_NEWCOMERS,
} from '../../src/core/ledger/limits.ts';
import { keyOf, registrations, unresolvable } from '../helpers/ledger-junk.ts';

const T = '2026-11-22T08:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;

async function founded() {
  const admin = await keyOf(1);
  const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
  const evicted: string[] = [];
  ledger.subscribe({ evicted: (e) => evicted.push(e.id) });
  return { admin, ledger, evicted };
}

describe('held entries', () => {
  it('an unknown author’s unresolvable entries are bounded, the oldest going first', async () => {
    const { ledger, evicted } = await founded();
    const junk = await unresolvable(ledger.id, await keyOf(2), 200);
    for (const entry of junk) expect((await ledger.admit(entry.bytes)).status).toBe('held');
    expect(ledger.heldCount).toBe(MAX_HELD_PER_UNKNOWN_AUTHOR);
    expect(evicted).toEqual(junk.slice(0, 200 - MAX_HELD_PER_UNKNOWN_AUTHOR).map((e) => e.id));
    expect(ledger.held().map((h) => h.entry.id)).toEqual(
      junk.slice(-MAX_HELD_PER_UNKNOWN_AUTHOR).map((e) => e.id),
    );
  });

  it('a registered author’s entries wait for their predecessor without that bound', async () => {
    const { ledger, admin } = await founded();
    const dev = await keyOf(3);
    const source = await Ledger.open(ledger.genesis.bytes);
    const chain: Entry[] = [await source.append(dev, 'register', { name: 'dev' }, T)];
    for (let i = 0; i < 60; i++)
      chain.push(await source.append(dev, 'attest', { patch: PATCH, reason: 'built' }, T));
    await ledger.append(admin, 'endorse', { subject: dev.did, role: 'builder', stake: 1 }, T);
    expect((await ledger.admit(chain[0]?.bytes as Uint8Array)).status).toBe('admitted');
    for (const entry of chain.slice(2).reverse())
      expect((await ledger.admit(entry.bytes)).status).toBe('held');
    expect(ledger.heldCount).toBe(59);
    const result = await ledger.admit(chain[1]?.bytes as Uint8Array);
    expect(result.released).toHaveLength(59);
    expect(ledger.heldCount).toBe(0);
  });
});

describe('the newcomer quota', () => {
  it('admits self-registered keys up to the quota; the rest wait, bounded', async () => {
    const { ledger, evicted } = await founded();
    const flood = await registrations(ledger.id, MAX_NEWCOMERS + MAX_WAITING_NEWCOMERS + 20);
    const statuses = [];
    for (const entry of flood) statuses.push(await ledger.admit(entry.bytes));
    expect(statuses.filter((s) => s.status === 'admitted')).toHaveLength(MAX_NEWCOMERS);
    expect(statuses.slice(MAX_NEWCOMERS)[0]).toMatchObject({
      status: 'held',
      code: 'UNKNOWN_AUTHOR',
    });
    expect(ledger.newcomers).toBe(MAX_NEWCOMERS);
    expect(ledger.heldCount).toBe(MAX_WAITING_NEWCOMERS);
    expect(evicted).toEqual(flood.slice(MAX_NEWCOMERS, MAX_NEWCOMERS + 20).map((e) => e.id));

    // An honest newcomer still gets in: an admin endorses its key, before or after it registers.
    const [late, early] = await registrations(ledger.id, 2, 9000);
    expect((await ledger.admit(late?.bytes as Uint8Array)).status).toBe('held');
    const admin = await keyOf(1);
    for (const entry of [late, early] as Entry[])
      await ledger.append(admin, 'endorse', { subject: entry.author, role: 'dev', stake: 0 }, T);
    expect(ledger.get(late?.id ?? '')).toBeDefined();
    expect((await ledger.admit(early?.bytes as Uint8Array)).status).toBe('admitted');
    // Vouching for an admitted newcomer frees a slot: the oldest waiting registration gets it.
    const waitingFirst = ledger.held()[0]?.entry as Entry;
    expect(waitingFirst.id).toBe(flood[MAX_NEWCOMERS + 21]?.id);
    await ledger.append(
      admin,
      'endorse',
      { subject: flood[0]?.author ?? '', role: 'dev', stake: 0 },
      T,
    );
    expect(ledger.get(waitingFirst.id)).toBeDefined();
    expect(ledger.newcomers).toBe(MAX_NEWCOMERS);
  }, 30_000);

  it('a key rotated to from a vouched key is no newcomer; from a newcomer, it is one', async () => {
    const { ledger, admin } = await founded();
    const rotate = async (from: Signer, to: Signer) => {
      const proof = toBase64(await to.sign(rotationMessage(ledger.id, from.did, to.did)));
      await ledger.append(from, 'rotate', { to: to.did, proof }, T);
      await ledger.append(to, 'register', { name: 'next', rotatedFrom: from.did }, T);
    };
    const [member, member2, stranger, stranger2] = await Promise.all([10, 11, 12, 13].map(keyOf));
    await ledger.append(admin, 'endorse', { subject: member?.did ?? '', role: 'dev', stake: 0 }, T);
    await ledger.append(member as Signer, 'register', { name: 'member' }, T);
    await rotate(member as Signer, member2 as Signer);
    expect(ledger.newcomers).toBe(0);
    await ledger.append(stranger as Signer, 'register', { name: 'stranger' }, T);
    await rotate(stranger as Signer, stranger2 as Signer);
    expect(ledger.newcomers).toBe(2);
  });
});

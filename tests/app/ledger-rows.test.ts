/** What the Ledger and Team screens show, built from a real ledger in Node. */
import { describe, expect, it } from 'vitest';
import {
  entryRows,
  equivocationRows,
  filterRows,
  makeEntryRows,
  type EntryRow,
  memberRows,
} from '../../src/app/ledger-rows.ts';
import { Ledger, makeSeedSigner, signEntry } from '../../src/core/index.ts';

const T = '2026-11-22T11:00:00Z';
const PATCH = `sha256:${'cd'.repeat(32)}`;
const signer = (n: number) => makeSeedSigner(new Uint8Array(32).fill(n));

async function team() {
  const admin = await signer(1);
  const [reviewer, newcomer, lost, liar] = await Promise.all([
    signer(2),
    signer(3),
    signer(4),
    signer(5),
  ]);
  const ledger = await Ledger.found(admin, { name: 'Crew', admins: [admin.did], threshold: 1 }, T);
  await ledger.append(reviewer, 'register', { name: 'Zed reviewer' }, T);
  await ledger.append(newcomer, 'register', { name: 'Newcomer' }, T);
  await ledger.append(lost, 'register', { name: 'Lost laptop' }, T);
  await ledger.append(liar, 'register', { name: 'Liar' }, T);
  await ledger.append(admin, 'endorse', { subject: reviewer.did, role: 'reviewer', stake: 7 }, T);
  await ledger.append(lost, 'attest', { patch: PATCH, reason: 'tested', note: 'all green' }, T);
  await ledger.append(admin, 'revoke', { subject: lost.did, from: 1, reason: 'lost' }, T);
  const head = ledger.head(liar.did);
  for (const note of ['one', 'two']) {
    const entry = await signEntry(liar, {
      ledger: ledger.id,
      seq: 1,
      prev: head?.id ?? null,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason: 'reviewed', note },
    });
    await ledger.admit(entry.bytes);
  }
  return { ledger, admin, reviewer, newcomer, lost, liar };
}

describe('ledger rows', () => {
  it('lists members with liars first, then pending registrations, roles, and standing in words', async () => {
    const { ledger, admin, reviewer, newcomer, lost, liar } = await team();
    const rows = memberRows(ledger);
    expect(rows.map((m) => [m.name, m.standing])).toEqual([
      ['Liar', 'malicious'],
      ['Newcomer', 'pending'],
      ['Founder', 'active'],
      ['Lost laptop', 'revoked'],
      ['Zed reviewer', 'active'],
    ]);
    const by = (did: string) => rows.find((m) => m.did === did);
    expect(by(admin.did)).toMatchObject({ admin: true, founder: true });
    expect(by(reviewer.did)?.roles).toEqual([{ role: 'reviewer', stake: 7, by: [admin.did] }]);
    expect(by(newcomer.did)?.standingText).toBe('waiting for an admin to endorse');
    expect(by(lost.did)?.standing).toBe('revoked');
    expect(by(liar.did)?.standingText).toContain('equivocation');
  });

  it('shows a role withdrawn by a stake of 0 as not held: the member waits for an endorsement again', async () => {
    const { ledger, admin, reviewer } = await team();
    // Later than the endorsement (at one time, the larger stake wins: registry.ts).
    const later = '2026-11-22T12:00:00Z';
    await ledger.append(
      admin,
      'endorse',
      { subject: reviewer.did, role: 'reviewer', stake: 0 },
      later,
    );
    expect(memberRows(ledger).find((m) => m.did === reviewer.did)).toMatchObject({
      roles: [],
      standing: 'pending',
    });
  });

  it('names a founder by the name it registered, and "Founder" only while it has none', async () => {
    const { ledger, admin } = await team();
    await ledger.append(admin, 'register', { name: 'Olga (admin)' }, T);
    expect(memberRows(ledger).find((m) => m.did === admin.did)).toMatchObject({
      name: 'Olga (admin)',
      founder: true,
    });
    expect(entryRows(ledger)[0]).toMatchObject({ kind: 'genesis', authorName: 'Olga (admin)' });
  });

  it('marks each entry verified or out of standing, with names and a searchable summary', async () => {
    const { ledger, lost, liar } = await team();
    const rows = entryRows(ledger);
    expect(rows).toHaveLength(ledger.size);
    expect(rows[0]).toMatchObject({
      index: 0,
      kind: 'genesis',
      authorName: 'Founder',
      status: 'verified',
    });
    const revoked = rows.filter((row) => row.status !== 'verified');
    // Both sides of the liar's equivocation are out of standing, as is the revoked key's entry.
    const who = (did: string) => (did === lost.did ? 'lost' : did === liar.did ? 'liar' : did);
    expect(revoked.map((row) => [who(row.author), row.status, row.statusMessage])).toEqual([
      ['lost', 'REVOKED_KEY', 'author revoked from sequence 1'],
      ['liar', 'EQUIVOCATION', 'author equivocated at sequence 1'],
      ['liar', 'EQUIVOCATION', 'author equivocated at sequence 1'],
    ]);
    expect(
      filterRows(rows, { text: 'ALL green', kind: '', status: 'all' }).map((r) => r.authorName),
    ).toEqual(['Lost laptop']);
    expect(filterRows(rows, { text: '', kind: 'endorse', status: 'all' })).toHaveLength(1);
    expect(filterRows(rows, { text: '', kind: '', status: 'out' })).toEqual(revoked);
    expect(
      filterRows(rows, { text: 'reviewer zed', kind: '', status: 'verified' }).map((r) => r.kind),
    ).toEqual(['register', 'endorse']);
  });

  it('names the author who equivocated and both conflicting entries', async () => {
    const { ledger, liar } = await team();
    const [row, ...rest] = equivocationRows(ledger);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ author: liar.did, authorName: 'Liar', seq: 1, proofs: [] });
    expect(row?.ids).toEqual(ledger.idsAt(liar.did, 1));
    expect(row?.ids).toHaveLength(2);
  });
  it('keeps the rows as entries stream in: new ones added, the earlier kept, all again after governance', async () => {
    const { ledger, admin, reviewer } = await team();
    const rowsNow = makeEntryRows(ledger);
    const first = rowsNow();
    expect(first).toEqual(entryRows(ledger));
    expect(rowsNow()).toBe(first);

    for (const score of [1, 2, 3])
      await ledger.append(reviewer, 'attest', { patch: PATCH, reason: 'tested', score }, T);
    const grown = rowsNow();
    expect(grown).toEqual(entryRows(ledger));
    // The earlier rows are the same objects: only the three new entries were read.
    grown.slice(0, first.length).forEach((row, i) => expect(row).toBe(first[i]));

    // A revocation puts the reviewer's earlier entries out of standing: every row is built again.
    const from = ledger.head(reviewer.did)?.seq ?? 0;
    await ledger.append(admin, 'revoke', { subject: reviewer.did, from, reason: 'lost' }, T);
    const after = rowsNow();
    expect(after).toEqual(entryRows(ledger));
    expect(after.filter((row) => row.status === 'REVOKED_KEY')).toHaveLength(2);
  });

  it('with `more`, builds rows a slice at a time and keeps whole rows until their rebuild is whole', async () => {
    const { ledger, admin, reviewer } = await team();
    for (let i = 0; i < 600; i++)
      await ledger.append(reviewer, 'attest', { patch: PATCH, reason: 'tested', score: i }, T);
    // A clock that moves 1 ms per reading: a budget of 1 ms ends a slice at its first look
    // (every 256 rows).
    let clock = 0;
    let asked = 0;
    const rowsNow = makeEntryRows(ledger, { more: () => asked++, budgetMs: 1, now: () => clock++ });
    const seen: number[] = [];
    for (let rows = rowsNow(); ; rows = rowsNow()) {
      seen.push(rows.length);
      if (rows.length === ledger.size) break;
    }
    expect(seen).toEqual([256, 512, ledger.size]);
    expect(asked).toBe(2); // asked for a later call while rows were missing, not after
    const whole = rowsNow();
    expect(whole).toEqual(entryRows(ledger));

    // A revocation: the whole rows stay (earlier names and standing) until all are built again.
    const from = ledger.head(reviewer.did)?.seq ?? 0;
    await ledger.append(admin, 'revoke', { subject: reviewer.did, from, reason: 'lost' }, T);
    expect(rowsNow()).toBe(whole);
    expect(rowsNow()).toBe(whole);
    const rebuilt = rowsNow();
    expect(rebuilt).toEqual(entryRows(ledger));
    const revoked = (rows: EntryRow[]) => rows.filter((row) => row.status === 'REVOKED_KEY');
    expect(revoked(rebuilt).length).toBeGreaterThan(revoked(whole).length);
    expect(asked).toBe(4);
  });
});

/**
 * A team ledger file made in Node with the real core, for the explorer's browser tests: a
 * founder, registered systems (some endorsed, one revoked), thousands of attestations, an
 * equivocation, a checkpoint with a witness's cosignature, and then lines the validator must
 * refuse (a forged signature, junk, an entry of another ledger).
 */
import {
  Ledger,
  makeSeedSigner,
  serializeEntries,
  signEntry,
  utf8Encode,
  type Signer,
} from '../../src/core/index.ts';
import { cosignLedgerCheckpoint, makeLedgerCheckpoint } from '../../src/core/ledger/proofs.ts';

const T = '2026-11-22T11:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;

export interface TeamLedgerFixture {
  ledgerId: string;
  name: string;
  bytes: Uint8Array;
  /** Entries the ledger admitted (the file's valid lines). */
  admitted: number;
  /** Lines the validator must refuse, with their codes. */
  refused: string[];
  names: { equivocator: string; revoked: string; witness: string };
}

const seed = (n: number) => new Uint8Array(32).fill(n);

async function signers(first: number, count: number): Promise<Signer[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => makeSeedSigner(seed(first + i))));
}

/** Two different entries by `who` at its next sequence number: equivocation. */
async function equivocate(ledger: Ledger, who: Signer): Promise<void> {
  const head = ledger.head(who.did);
  if (head === undefined) throw new Error('equivocate: no head');
  for (const note of ['first story', 'second story']) {
    const entry = await signEntry(who, {
      ledger: ledger.id,
      seq: head.seq + 1,
      prev: head.id,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason: 'reviewed', note },
    });
    await ledger.admit(entry.bytes, { key: entry.id });
  }
}

export async function buildTeamLedger(attestations: number): Promise<TeamLedgerFixture> {
  const [admin, ...systems] = await signers(1, 9);
  if (admin === undefined) throw new Error('no admin');
  const name = 'Fleet north';
  const ledger = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  const names = [
    'builder one',
    'builder two',
    'reviewer',
    'tester',
    'witness',
    'kiosk 7',
    'liar',
    'lost laptop',
  ];
  for (const [i, system] of systems.entries())
    await ledger.append(system, 'register', { name: names[i] ?? `system ${i}` }, T);
  for (const [i, role] of ['builder', 'builder', 'reviewer', 'tester', 'witness'].entries())
    await ledger.append(
      admin,
      'endorse',
      { subject: (systems[i] as Signer).did, role, stake: 10 },
      T,
    );
  for (let i = 0; i < attestations; i++) {
    const who = systems[i % 6] as Signer;
    await ledger.append(who, 'attest', { patch: PATCH, reason: 'built', note: `run ${i}` }, T);
  }
  const liar = systems[6] as Signer;
  const lost = systems[7] as Signer;
  await equivocate(ledger, liar);
  await ledger.append(lost, 'attest', { patch: PATCH, reason: 'tested' }, T);
  await ledger.append(admin, 'revoke', { subject: lost.did, from: 1, reason: 'laptop lost' }, T);
  await makeLedgerCheckpoint(ledger, admin, { time: T });
  await cosignLedgerCheckpoint(ledger, systems[4] as Signer, { time: T, timestamp: 1_795_000_000 });

  const valid = serializeEntries(ledger.all());
  const stranger = await makeSeedSigner(seed(99));
  const other = await Ledger.found(
    stranger,
    { name: 'elsewhere', admins: [stranger.did], threshold: 1 },
    T,
  );
  const foreign = await other.append(
    await makeSeedSigner(seed(98)),
    'register',
    { name: 'spy' },
    T,
  );
  const unsent = await signEntry(systems[0] as Signer, {
    ledger: ledger.id,
    seq: (ledger.head((systems[0] as Signer).did)?.seq ?? 0) + 1,
    prev: ledger.head((systems[0] as Signer).did)?.id ?? null,
    refs: [],
    time: T,
    kind: 'attest',
    body: { patch: PATCH, reason: 'built', note: 'forged after signing' },
  });
  const forged = new TextDecoder()
    .decode(unsent.bytes)
    .replace('forged after signing', 'forged AFTER signing');
  const extra = utf8Encode(
    `${forged}\nthis is not an entry\n${new TextDecoder().decode(foreign.bytes)}\n`,
  );
  const bytes = new Uint8Array(valid.length + extra.length);
  bytes.set(valid);
  bytes.set(extra, valid.length);
  return {
    ledgerId: ledger.id,
    name,
    bytes,
    admitted: ledger.size,
    refused: ['INVALID_SIGNATURE', 'MALFORMED_INPUT', 'MALFORMED_INPUT'],
    names: { equivocator: 'liar', revoked: 'lost laptop', witness: 'witness' },
  };
}

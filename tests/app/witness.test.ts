/**
 * Witnessing in the app (src/app/witness.ts): a device with the witness role cosigns the newest
 * checkpoint it verified and the cosign entry travels to the log keeper, whose cosigned note then
 * carries the witness's line; a device holding the entries in another order needs the keeper's
 * ledger file to check the root; a device without the role, or a checkpoint whose root is not
 * the log's, gets no cosignature.
 */
import { describe, expect, it } from 'vitest';
import { exportLedgerFile, importLedgerFile } from '../../src/app/file-sync.ts';
import { witnessNewestCheckpoint } from '../../src/app/witness.ts';
import { Ledger, makeSeedSigner, type Signer } from '../../src/core/index.ts';
import {
  cosignedNote,
  makeLedgerCheckpoint,
  readLedgerCheckpoint,
} from '../../src/core/ledger/proofs.ts';

const T = '2026-12-06T10:00:00Z';
const NOW = { time: T, timestamp: 1_796_500_000 };
const PATCH = `sha256:${'ab'.repeat(32)}`;
const signer = (b: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(b));

async function keeper() {
  const admin = await signer(1);
  const witness = await signer(7);
  const builder = await signer(2);
  const ledger = await Ledger.found(
    admin,
    { name: 'witnessed', admins: [admin.did], threshold: 1 },
    T,
  );
  await ledger.append(witness, 'register', { name: 'witness laptop' }, T);
  await ledger.append(admin, 'endorse', { subject: witness.did, role: 'witness', stake: 1 }, T);
  await ledger.append(builder, 'register', { name: 'builder' }, T);
  for (let i = 0; i < 3; i++)
    await ledger.append(builder, 'attest', { patch: PATCH, reason: 'built', score: i }, T);
  const made = await makeLedgerCheckpoint(ledger, admin, { time: T });
  return { ledger, admin, witness, builder, checkpoint: made.entry.id };
}

describe('witnessing a checkpoint', () => {
  it('cosigns a checkpoint of the log it received by file, and the cosignature travels back', async () => {
    const { ledger, witness, checkpoint } = await keeper();
    const mine = await Ledger.open(ledger.genesis.bytes);
    await importLedgerFile(mine, exportLedgerFile(ledger));
    const outcome = await witnessNewestCheckpoint(mine, witness, NOW);
    expect(outcome).toMatchObject({ status: 'cosigned', checkpoint });
    expect(await witnessNewestCheckpoint(mine, witness, NOW)).toMatchObject({ status: 'already' });

    await importLedgerFile(ledger, exportLedgerFile(mine));
    const target = await readLedgerCheckpoint(ledger.id, ledger.get(checkpoint) as never);
    const note = await cosignedNote(ledger, target);
    expect(note.split('\n').filter((l) => l.startsWith('— ')).length).toBe(2);
  });

  it('needs the keeper’s ledger file when it holds the entries in another order', async () => {
    const { ledger, witness, checkpoint } = await keeper();
    const mine = await Ledger.open(ledger.genesis.bytes);
    const entries = [...ledger.all()].slice(1).reverse(); // held, then released: another order
    for (const entry of entries) await mine.admit(entry.bytes);
    expect(mine.size).toBe(ledger.size);
    expect(await witnessNewestCheckpoint(mine, witness, NOW)).toEqual({
      status: 'needs-log',
      checkpoint,
    });
    const outcome = await witnessNewestCheckpoint(mine, witness, {
      ...NOW,
      log: exportLedgerFile(ledger),
    });
    expect(outcome).toMatchObject({ status: 'cosigned', checkpoint });
    if (outcome.status !== 'cosigned') return;
    expect(mine.get(outcome.entry.id)).toBeDefined();
    expect((await ledger.admit(outcome.entry.bytes)).status).toBe('admitted');
  });

  it('cosigns nothing without the witness role, or when the root is not the log’s', async () => {
    const { ledger, builder, witness } = await keeper();
    expect(await witnessNewestCheckpoint(ledger, builder, NOW)).toEqual({
      status: 'not-a-witness',
    });

    // A log file whose order is not the one the checkpoint commits to (two lines swapped).
    const mine = await Ledger.open(ledger.genesis.bytes);
    for (const entry of [...ledger.all()].slice(1).reverse()) await mine.admit(entry.bytes);
    const lines = new TextDecoder().decode(exportLedgerFile(ledger)).split('\n');
    [lines[1], lines[3]] = [lines[3] ?? '', lines[1] ?? ''];
    const log = new TextEncoder().encode(lines.join('\n'));
    const outcome = await witnessNewestCheckpoint(mine, witness, { ...NOW, log });
    expect(outcome).toMatchObject({ status: 'refused', code: 'INVALID_METADATA' });
  });
});

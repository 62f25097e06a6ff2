/**
 * File sync in the app's terms (src/app/file-sync.ts): an exported file imports into a fresh
 * copy with the same digest; an export since a peer's heads carries the genesis and only what is
 * new; a file of another ledger, an empty file or one not starting with a genesis is refused;
 * junk lines are rejected and quarantined, never admitted.
 */
import { describe, expect, it } from 'vitest';
import {
  exportLedgerFile,
  headsOf,
  importLedgerFile,
  parseHeads,
  readLedgerFile,
} from '../../src/app/file-sync.ts';
import { Ledger, makeSeedSigner, utf8Encode, type Signer } from '../../src/core/index.ts';
import { codeOf } from '../helpers/codes.ts';

const T = '2026-12-06T10:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const signer = (b: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(b));

async function team(name = 'files'): Promise<{ ledger: Ledger; admin: Signer; member: Signer }> {
  const admin = await signer(1);
  const member = await signer(2);
  const ledger = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  await ledger.append(member, 'register', { name: 'laptop' }, T);
  await ledger.append(admin, 'endorse', { subject: member.did, role: 'builder', stake: 5 }, T);
  await ledger.append(member, 'attest', { patch: PATCH, reason: 'built' }, T);
  return { ledger, admin, member };
}

describe('file sync', () => {
  it('exports a ledger that imports into a fresh copy with the same digest', async () => {
    const { ledger } = await team();
    const copy = await Ledger.open(ledger.genesis.bytes);
    const report = await importLedgerFile(copy, exportLedgerFile(ledger));
    expect(report).toMatchObject({ admitted: 3, rejected: [], held: 0 });
    expect(await copy.digest()).toBe(await ledger.digest());
  });

  it('exports only what is new since a peer’s heads, genesis first', async () => {
    const { ledger, member } = await team();
    const copy = await Ledger.open(ledger.genesis.bytes);
    await importLedgerFile(copy, exportLedgerFile(ledger));
    const heads = headsOf(copy);
    const fresh = await ledger.append(member, 'attest', { patch: PATCH, reason: 'tested' }, T);
    const file = await readLedgerFile(exportLedgerFile(ledger, heads));
    expect(file.genesis.id).toBe(ledger.id);
    expect(file.lines).toHaveLength(1);
    expect(await importLedgerFile(copy, exportLedgerFile(ledger, heads))).toMatchObject({
      admitted: 1,
    });
    expect(copy.get(fresh.id)).toBeDefined();
    expect(parseHeads(heads.join(',\n'))).toEqual(heads);
  });

  it('refuses a file of another ledger, an empty file, and one not starting with a genesis', async () => {
    const { ledger } = await team();
    const other = await team('another team');
    expect(await codeOf(() => importLedgerFile(ledger, exportLedgerFile(other.ledger)))).toBe(
      'MALFORMED_INPUT',
    );
    expect(await codeOf(() => importLedgerFile(ledger, new Uint8Array(0)))).toBe('MALFORMED_INPUT');
    const [, second] = [...ledger.all()];
    const headless = utf8Encode(`${new TextDecoder().decode(second?.bytes)}\n`);
    expect(await codeOf(() => importLedgerFile(ledger, headless))).toBe('MALFORMED_INPUT');
    expect(await codeOf(() => parseHeads('sha256:xyz'))).toBe('MALFORMED_INPUT');
  });

  it('rejects and quarantines junk lines, admitting the rest', async () => {
    const { ledger } = await team();
    const copy = await Ledger.open(ledger.genesis.bytes);
    const text = new TextDecoder().decode(exportLedgerFile(ledger)).split('\n');
    const tampered = text[3]?.replace('"built"', '"tested"') ?? '';
    const file = [text[0], text[1], 'not json', tampered, text[2], ''].join('\n');
    const report = await importLedgerFile(copy, utf8Encode(file));
    expect(report.admitted).toBe(2);
    expect(report.rejected.map((r) => r.code).sort()).toEqual([
      'INVALID_SIGNATURE',
      'MALFORMED_INPUT',
    ]);
    expect(copy.quarantined()).toHaveLength(2);
  });
});

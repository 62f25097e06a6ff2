/** The admission check a pool worker runs, in Node: a verdict per entry, buffers sent back. */
import { describe, expect, it } from 'vitest';
import {
  CHECK_IN_FULL,
  SIGNATURE_VERIFIED,
  isAdmitCheckAnswer,
  isAdmitCheckRequest,
} from '../../worker/admit-protocol.ts';
import { runAdmitCheck } from '../../worker/admit-job.ts';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { buildEntries } from '../bench/ledger-measure.ts';

describe('admission check job', () => {
  it('verifies each entry as the ledger reads it, and sends back the very bytes', async () => {
    const { entries } = await buildEntries(6, 2);
    const stranger = await makeSeedSigner(new Uint8Array(32).fill(9));
    const genesis = { name: 'other', admins: [stranger.did], threshold: 1 };
    const other = await Ledger.found(stranger, genesis, '2026-11-22T09:00:00Z');
    const elsewhere = await other.append(
      stranger,
      'attest',
      { patch: `sha256:${'ab'.repeat(32)}`, reason: 'tested' },
      '2026-11-22T09:00:00Z',
    );
    const ledger = entries[0]?.ledger as string;
    const text = new TextDecoder().decode(entries[2]?.bytes);
    const forgedSig = text.replace(
      /"sig":"(.)/,
      (_, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`,
    );
    const parts = [
      entries[0]?.bytes,
      new TextEncoder().encode(forgedSig),
      elsewhere.bytes, // another ledger's
      new TextEncoder().encode('not an entry'),
      entries[1]?.bytes,
    ] as Uint8Array[];
    const bytes = Buffer.concat(parts);
    let at = 0;
    const ends = Uint32Array.from(parts, (p) => (at += p.length));
    const request = {
      kind: 'admit-check',
      id: 3,
      ledger,
      bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      ends,
    };
    expect(isAdmitCheckRequest(request)).toBe(true);
    const sent = new Uint8Array(request.bytes).slice();
    const { message, transfer } = await runAdmitCheck(request as never);
    expect(isAdmitCheckAnswer(message)).toBe(true);
    expect([...message.verdicts]).toEqual([
      SIGNATURE_VERIFIED,
      CHECK_IN_FULL,
      CHECK_IN_FULL,
      CHECK_IN_FULL,
      SIGNATURE_VERIFIED,
    ]);
    expect(new Uint8Array(message.bytes)).toEqual(sent);
    expect(transfer).toContain(message.bytes);
  });

  it('refuses requests whose ends do not fit their buffer', () => {
    const bytes = new ArrayBuffer(10);
    const base = { kind: 'admit-check', id: 1, ledger: 'sha256:x', bytes };
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(4, 10) })).toBe(true);
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(4, 11) })).toBe(false);
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(5, 4) })).toBe(false);
    expect(isAdmitCheckRequest({ ...base, ends: [4, 10] })).toBe(false);
  });
});

/**
 * The admission check a pool worker runs, in Node: each entry read in full, a verdict, id and
 * digest per entry, buffers sent back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECK_IN_FULL,
  SIGNATURE_VERIFIED,
  isAdmitCheckAnswer,
  isAdmitCheckRequest,
} from '../../worker/admit-protocol.ts';
import { runAdmitCheck } from '../../worker/admit-job.ts';
import { sha256Sync } from '../../src/core/crypto/hash.ts';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { decodeEntry } from '../../src/core/ledger/entry.ts';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { buildEntries } from '../bench/ledger-measure.ts';

const T = '2026-11-22T09:00:00Z';

describe('admission check job', () => {
  it('reads each entry in full as the ledger does, and sends back the very bytes', async () => {
    const { genesis: first, entries } = await buildEntries(6, 2);
    const ledgerId = (await Ledger.open(first)).id;
    const stranger = await makeSeedSigner(new Uint8Array(32).fill(9));
    const genesis = { name: 'other', admins: [stranger.did], threshold: 1 };
    const other = await Ledger.found(stranger, genesis, '2026-11-22T09:00:00Z');
    const elsewhere = await other.append(
      stranger,
      'attest',
      { patch: `sha256:${'ab'.repeat(32)}`, reason: 'tested' },
      '2026-11-22T09:00:00Z',
    );
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
      ledger: ledgerId,
      bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      ends,
    };
    expect(isAdmitCheckRequest(request)).toBe(true);
    const sent = new Uint8Array(request.bytes).slice();
    const { message, transfer } = await runAdmitCheck(request as never);
    expect(isAdmitCheckAnswer(message)).toBe(true);
    // Another ledger's entry is signed all right, but read in full it belongs elsewhere.
    expect([...message.verdicts]).toEqual([
      SIGNATURE_VERIFIED,
      CHECK_IN_FULL,
      CHECK_IN_FULL,
      CHECK_IN_FULL,
      SIGNATURE_VERIFIED,
    ]);
    const idAt = (i: number) =>
      `sha256:${Buffer.from(message.ids.subarray(32 * i, 32 * i + 32)).toString('hex')}`;
    expect([idAt(0), idAt(4)]).toEqual([entries[0]?.id, entries[1]?.id]);
    const digestAt = (i: number) => message.digests.subarray(32 * i, 32 * i + 32);
    expect([digestAt(0), digestAt(4)]).toEqual([
      sha256Sync(parts[0] as Uint8Array),
      sha256Sync(parts[4] as Uint8Array),
    ]);
    expect(digestAt(1)).toEqual(new Uint8Array(32));
    expect(new Uint8Array(message.bytes)).toEqual(sent);
    expect(transfer).toContain(message.bytes);
  });

  it('gives a receipt exactly when the ledger reads the entry, whatever text it holds (property)', async () => {
    const signer = await makeSeedSigner(new Uint8Array(32).fill(4));
    const tricky = fc.constantFrom(',"sig":"AAAA",', '"}', '\\', 'é\u2028', '"time":"x"', '\u0000');
    const name = fc.array(fc.oneof(fc.string(), tricky), { maxLength: 6 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(
        name.filter((n) => n.length > 0 && n.length < 200),
        fc.nat(),
        async (text, flip) => {
          const ledger = await Ledger.found(
            signer,
            { name: text, admins: [signer.did], threshold: 1 },
            T,
          );
          const sound = ledger.genesis.bytes;
          const bent = sound.slice();
          bent[flip % bent.length] = (bent[flip % bent.length] as number) ^ 1;
          const both = concatBytes(sound, bent);
          const ends = Uint32Array.of(sound.length, both.length);
          const request = {
            kind: 'admit-check',
            id: 1,
            ledger: ledger.id,
            bytes: both.buffer,
            ends,
          };
          const { message } = await runAdmitCheck(request as never);
          const read = await decodeEntry(bent).then(
            (entry) => entry.id === ledger.id,
            () => false,
          );
          expect([...message.verdicts]).toEqual([SIGNATURE_VERIFIED, read ? 1 : CHECK_IN_FULL]);
          expect(message.digests.subarray(0, 32)).toEqual(sha256Sync(sound));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses requests whose ends do not fit their buffer', () => {
    const bytes = new ArrayBuffer(10);
    const base = { kind: 'admit-check', id: 1, ledger: `sha256:${'ab'.repeat(32)}`, bytes };
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(4, 10) })).toBe(true);
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(4, 11) })).toBe(false);
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(5, 4) })).toBe(false);
    expect(isAdmitCheckRequest({ ...base, ends: [4, 10] })).toBe(false);
  });
});

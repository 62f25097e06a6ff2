/** The admission check a pool worker runs, in Node: a verdict per entry, buffers sent back. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECK_IN_FULL,
  SIGNATURE_VERIFIED,
  isAdmitCheckAnswer,
  isAdmitCheckRequest,
} from '../../worker/admit-protocol.ts';
import { runAdmitCheck, signedParts } from '../../worker/admit-job.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { ENTRY_DOMAIN } from '../../src/core/ledger/entry.ts';
import { makeSeedSigner } from '../../src/core/crypto/signer.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { buildEntries } from '../bench/ledger-measure.ts';

const T = '2026-11-22T09:00:00Z';

describe('admission check job', () => {
  it('reads author, signed content and signature straight from canonical bytes', async () => {
    const { entries } = await buildEntries(3, 2);
    for (const entry of entries) {
      const parts = signedParts(entry.bytes);
      const { sig, ...content } = JSON.parse(new TextDecoder().decode(entry.bytes)) as Record<
        string,
        unknown
      >;
      expect(parts?.author).toBe(entry.author);
      expect(parts?.message).toEqual(concatBytes(ENTRY_DOMAIN, canonicalBytes(content as never)));
      expect(Buffer.from(parts?.signature ?? []).toString('base64')).toBe(sig);
    }
    expect(signedParts(new TextEncoder().encode('{"kind":"x"}'))).toBeUndefined();
    expect(signedParts(new TextEncoder().encode('{"author":"did:key:z","v":1}'))).toBeUndefined();
  });

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
      bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      ends,
    };
    expect(isAdmitCheckRequest(request)).toBe(true);
    const sent = new Uint8Array(request.bytes).slice();
    const { message, transfer } = await runAdmitCheck(request as never);
    expect(isAdmitCheckAnswer(message)).toBe(true);
    // Another ledger's entry is signed all right: admission refuses it for its ledger id.
    expect([...message.verdicts]).toEqual([
      SIGNATURE_VERIFIED,
      CHECK_IN_FULL,
      SIGNATURE_VERIFIED,
      CHECK_IN_FULL,
      SIGNATURE_VERIFIED,
    ]);
    const idAt = (i: number) =>
      `sha256:${Buffer.from(message.ids.subarray(32 * i, 32 * i + 32)).toString('hex')}`;
    expect([idAt(0), idAt(2), idAt(4)]).toEqual([entries[0]?.id, elsewhere.id, entries[1]?.id]);
    expect(new Uint8Array(message.bytes)).toEqual(sent);
    expect(transfer).toContain(message.bytes);
  });

  it('reads the same parts as the canonical parse, whatever text the body holds (property)', async () => {
    const signer = await makeSeedSigner(new Uint8Array(32).fill(4));
    const tricky = fc.constantFrom(',"sig":"AAAA",', '"}', '\\', 'é\u2028', '"time":"x"', '\u0000');
    const name = fc.array(fc.oneof(fc.string(), tricky), { maxLength: 6 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(
        name.filter((n) => n.length > 0 && n.length < 200),
        async (text) => {
          const ledger = await Ledger.found(
            signer,
            { name: text, admins: [signer.did], threshold: 1 },
            T,
          );
          const { bytes } = ledger.genesis;
          const { sig, ...content } = JSON.parse(new TextDecoder().decode(bytes)) as Record<
            string,
            unknown
          >;
          const parts = signedParts(bytes);
          expect(parts?.message).toEqual(
            concatBytes(ENTRY_DOMAIN, canonicalBytes(content as never)),
          );
          expect(Buffer.from(parts?.signature ?? []).toString('base64')).toBe(sig);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses requests whose ends do not fit their buffer', () => {
    const bytes = new ArrayBuffer(10);
    const base = { kind: 'admit-check', id: 1, bytes };
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(4, 10) })).toBe(true);
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(4, 11) })).toBe(false);
    expect(isAdmitCheckRequest({ ...base, ends: Uint32Array.of(5, 4) })).toBe(false);
    expect(isAdmitCheckRequest({ ...base, ends: [4, 10] })).toBe(false);
  });
});

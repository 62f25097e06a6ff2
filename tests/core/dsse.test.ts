import { describe, expect, it } from 'vitest';
import { dsse as sigstoreDsse } from '@sigstore/core';
import { pae, verifyEnvelopeSignature, type Envelope } from '../../src/core/envelope/dsse.ts';
import { fromBase64 } from '../../src/core/encoding/bytes.ts';
import { hex, loadVector } from '../helpers/vectors.ts';

interface PaeCase {
  name: string;
  payloadType: string;
  payload: string;
  pae_hex: string;
}
const upstream = loadVector<PaeCase & { pae: string }>('dsse/pae.json');
const extra = loadVector<{ cases: PaeCase[] }>('dsse/derived/pae-extra.json').cases;
const envelopes = loadVector<{
  publicKeyHex: string;
  cases: { name: string; envelope: Envelope; valid: boolean }[];
}>('dsse/derived/ed25519-envelopes.json');

describe('DSSE v1', () => {
  it.each([{ ...upstream, name: 'protocol.md example' }, ...extra])(
    'PAE of $name matches the vector',
    (c) => {
      const bytes = pae(c.payloadType, fromBase64(c.payload));
      expect(Buffer.from(bytes).toString('hex')).toBe(c.pae_hex);
    },
  );

  it('PAE agrees with an independent implementation (@sigstore/core)', () => {
    for (const c of extra) {
      const payload = fromBase64(c.payload);
      const theirs = sigstoreDsse.preAuthEncoding(c.payloadType, Buffer.from(payload));
      expect(Buffer.from(pae(c.payloadType, payload)).equals(theirs)).toBe(true);
    }
  });

  it.each(envelopes.cases)('Ed25519 envelope "$name" verifies as $valid', async (c) => {
    const signature = c.envelope.signatures[0];
    if (signature === undefined) throw new Error('vector has no signature');
    expect(await verifyEnvelopeSignature(c.envelope, signature, hex(envelopes.publicKeyHex))).toBe(
      c.valid,
    );
  });
});

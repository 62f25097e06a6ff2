/**
 * An entry's signature lies outside the content its id hashes, so if the signature could be
 * spelled two ways (standard or URL-safe base64, padded or not) one entry would travel as two
 * byte strings under one id: peers would hold different bytes for the same entry, and digests
 * and checkpoint leaves over those bytes would differ. Only the spelling the writer produces
 * (standard alphabet, padded) is read; every other is refused with a code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { utf8Decode, utf8Encode } from '../../src/core/encoding/bytes.ts';
import { readEntry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { isPatchtrailError } from '../../src/core/errors.ts';

const T = '2026-11-22T08:00:00Z';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

/** The entry's bytes with its `sig` value replaced by `spell(sig)`. */
function respelled(bytes: Uint8Array, spell: (sig: string) => string): Uint8Array {
  const text = utf8Decode(bytes);
  const match = /"sig":"([^"]*)"/.exec(text);
  if (match === null) throw new Error('no sig');
  return utf8Encode(text.replace(match[0], `"sig":"${spell(match[1] as string)}"`));
}

const urlSafe = (sig: string) => sig.replace(/\+/g, '-').replace(/\//g, '_');
const SPELLINGS: Record<string, (sig: string) => string> = {
  'URL-safe, padded': urlSafe,
  'URL-safe, unpadded': (sig) => urlSafe(sig).replace(/=+$/, ''),
  'standard, unpadded': (sig) => sig.replace(/=+$/, ''),
};

async function founded() {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
  return { admin, ledger };
}

describe('an entry signature has one spelling', () => {
  it('reads the writer’s spelling and refuses every other, under the same id', async () => {
    const { admin, ledger } = await founded();
    const dev = await signer(2);
    const entry = await ledger.append(dev, 'register', { name: 'dev' }, T);
    expect(readEntry(entry.bytes, entry.id).entry.id).toBe(entry.id);
    for (const [name, spell] of Object.entries(SPELLINGS)) {
      const other = respelled(entry.bytes, spell);
      if (utf8Decode(other) === utf8Decode(entry.bytes)) continue; // no + or / to swap
      let code = '';
      try {
        readEntry(other, entry.id);
      } catch (error) {
        code = isPatchtrailError(error) ? error.code : String(error);
      }
      expect(code, name).toBe('MALFORMED_INPUT');
    }
    // Through admission too: a fresh ledger offered the other spelling refuses it.
    const fresh = await Ledger.open(ledger.genesis.bytes);
    const other = respelled(entry.bytes, (sig) => sig.replace(/=+$/, ''));
    const result = await fresh.admit(other, { key: entry.id });
    expect(result).toMatchObject({ status: 'rejected', code: 'MALFORMED_INPUT' });
    expect((await fresh.admit(entry.bytes, { key: entry.id })).status).toBe('admitted');
    void admin;
  });

  it('refuses any respelling of any entry’s signature (property)', async () => {
    const { ledger } = await founded();
    const dev = await signer(3);
    await ledger.append(dev, 'register', { name: 'dev' }, T);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (note) => {
        const entry = await ledger.append(
          dev,
          'attest',
          {
            patch: `sha256:${'a'.repeat(64)}`,
            reason: 'built',
            note,
          } as never,
          T,
        );
        for (const spell of Object.values(SPELLINGS)) {
          const other = respelled(entry.bytes, spell);
          if (utf8Decode(other) === utf8Decode(entry.bytes)) continue;
          expect(() => readEntry(other, entry.id)).toThrow(/standard, padded base64|base64/);
        }
      }),
      { numRuns: 40 },
    );
  });
});

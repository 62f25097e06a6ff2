/**
 * The ledger bench's measuring loop, platform-neutral so it runs in Node and in Chromium:
 * builds a ledger of `count` entries (authors register, then attest), then times, on the same
 * entries, (a) admitting them into a fresh ledger (everything the validator does) and (b) the
 * bare Ed25519 verification of their signatures: the ratio says what the validator costs on
 * top of the signature check it cannot avoid.
 */
import { verify } from '../../src/core/crypto/ed25519.ts';
import { publicKeyFromDid } from '../../src/core/crypto/did-key.ts';
import { makeSeedSigner, type Signer } from '../../src/core/crypto/signer.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { concatBytes, fromBase64 } from '../../src/core/encoding/bytes.ts';
import { ENTRY_DOMAIN, type Entry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { MerkleTree } from '../../src/core/ledger/merkle.ts';

const T = '2026-11-22T09:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;

export interface LedgerRates {
  entries: number;
  buildMs: number;
  admitPerSec: number;
  verifyPerSec: number;
  merkleRootMs: number;
  bytes: number;
}

export async function buildEntries(
  count: number,
  authors = 100,
): Promise<{ genesis: Uint8Array; entries: Entry[] }> {
  const signers: Signer[] = [];
  for (let i = 0; i < authors; i++) {
    const seed = new Uint8Array(32);
    seed[0] = 1 + (i & 0xff);
    seed[1] = i >> 8;
    signers.push(await makeSeedSigner(seed));
  }
  const admin = signers[0] as Signer;
  const ledger = await Ledger.found(admin, { name: 'bench', admins: [admin.did], threshold: 1 }, T);
  const entries: Entry[] = [];
  for (let i = 0; entries.length < count - 1; i++) {
    const who = signers[i % authors] as Signer;
    const first = ledger.head(who.did) === undefined;
    entries.push(
      first
        ? await ledger.append(who, 'register', { name: `system ${i}` }, T)
        : await ledger.append(who, 'attest', { patch: PATCH, reason: 'tested', score: i }, T),
    );
  }
  return { genesis: ledger.genesis.bytes, entries };
}

/** Measures admission, bare verification and the Merkle root over entries from `buildEntries`. */
export async function measureLedger(
  genesis: Uint8Array,
  entries: readonly Entry[],
  buildMs = 0,
): Promise<LedgerRates> {
  const fresh = await Ledger.open(genesis);
  const t0 = performance.now();
  for (const entry of entries) {
    const result = await fresh.admit(entry.bytes, { key: entry.id });
    if (result.status !== 'admitted') throw new Error(`bench: ${result.status} ${result.message}`);
  }
  const admitMs = performance.now() - t0;

  // The same signatures, verified bare: message and key prepared outside the timed loop.
  const prepared = entries.map((e) => {
    const { sig, ...content } = JSON.parse(new TextDecoder().decode(e.bytes)) as { sig: string };
    return {
      key: publicKeyFromDid(e.author),
      message: concatBytes(ENTRY_DOMAIN, canonicalBytes(content)),
      signature: fromBase64(sig),
    };
  });
  const t1 = performance.now();
  for (const p of prepared)
    if (!(await verify(p.key, p.message, p.signature))) throw new Error('bench: bad signature');
  const verifyMs = performance.now() - t1;

  const t2 = performance.now();
  MerkleTree.fromLeaves(entries.map((e) => e.bytes)).root();
  const merkleRootMs = performance.now() - t2;

  return {
    entries: entries.length,
    buildMs,
    admitPerSec: (entries.length / admitMs) * 1000,
    verifyPerSec: (entries.length / verifyMs) * 1000,
    merkleRootMs,
    bytes: entries.reduce((n, e) => n + e.bytes.length, 0),
  };
}

/** Entries an attacker can make for free: fresh keys, self-registrations, made-up chains. */
import { makeSeedSigner, type Entry, type Signer } from '../../src/core/index.ts';
import { signEntry } from '../../src/core/ledger/entry.ts';

const T = '2026-11-22T08:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;

/** A distinct key for every n (two seed bytes). */
export function keyOf(n: number): Promise<Signer> {
  const seed = new Uint8Array(32).fill(7);
  seed[0] = n & 0xff;
  seed[1] = (n >> 8) & 0xff;
  seed[2] = 0xee;
  return makeSeedSigner(seed);
}

/** `count` entries by `signer`, each naming a made-up predecessor. */
export async function unresolvable(ledger: string, signer: Signer, count: number) {
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const prev = `sha256:${i.toString(16).padStart(64, '0')}`;
    out.push(
      await signEntry(signer, {
        ledger,
        seq: i + 1,
        prev,
        refs: [],
        time: T,
        kind: 'attest',
        body: { patch: PATCH, reason: 'built' },
      }),
    );
  }
  return out;
}

/** A self-registration of each of `count` fresh keys. */
export async function registrations(ledger: string, count: number, from = 1000) {
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const key = await keyOf(from + i);
    out.push(
      await signEntry(key, {
        ledger,
        seq: 0,
        prev: null,
        refs: [],
        time: T,
        kind: 'register',
        body: { name: `sybil ${i}` },
      }),
    );
  }
  return out;
}

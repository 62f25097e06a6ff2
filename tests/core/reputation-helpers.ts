/**
 * Helpers for reputation tests on real ledgers: deterministic signers, a ledger founded by one
 * admin (threshold 1), attestations by day, and an input's edges by name.
 */
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import type { Entry } from '../../src/core/ledger/entry.ts';
import type { AttestBody } from '../../src/core/ledger/kinds.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import type { ReputationInput } from '../../src/core/reputation/index.ts';

const T0 = Date.parse('2026-06-01T00:00:00Z');

/** 2026-06-01 plus `n` days (or fractions of one), as a ledger time. */
export const day = (n: number) =>
  new Date(T0 + Math.round(n * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const patch = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

export const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

/** Signers from seeds filled with each number, typed as a tuple of the same length. */
export async function signers<const N extends readonly number[]>(...ns: N) {
  return (await Promise.all(ns.map(signer))) as { [K in keyof N]: Signer };
}

export async function found(admin: Signer): Promise<Ledger> {
  return Ledger.found(admin, { name: 'rep', admins: [admin.did], threshold: 1 }, day(0));
}

export function attest(
  ledger: Ledger,
  who: Signer,
  p: string,
  reason: AttestBody['reason'],
  time: string,
  more: Partial<AttestBody> = {},
): Promise<Entry<'attest'>> {
  return ledger.append(who, 'attest', { patch: p, reason, ...more }, time);
}

/** Edges of an input as "from → to": weight, by did names given in `names`. */
export function edgesOf(
  input: ReputationInput,
  names: Map<string, string>,
): Record<string, number> {
  const out: Record<string, number> = {};
  const name = (i: number) => names.get(input.nodes[i]?.did ?? '') ?? '?';
  for (let e = 0; e < input.edges.from.length; e++)
    out[`${name(input.edges.from[e] as number)} → ${name(input.edges.to[e] as number)}`] = input
      .edges.weight[e] as number;
  return out;
}

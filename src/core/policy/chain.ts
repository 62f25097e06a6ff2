/**
 * The provenance chain one evaluation judges, and who its systems are. Everything here reads
 * the plain data of a `PolicyContext`; hops, flags and identities come from the verified
 * ledger, metadata from the verified bundle.
 */
import { inlineName } from '../encoding/display.ts';
import type { Hop, Provenance } from '../ledger/queries.ts';
import { systemRoot, type Identity } from '../ledger/registry.ts';

export { systemRoot };

export interface Chain {
  /**
   * The hops judged: `via` and its ancestors, or with no (known) `via` every hop that vouches
   * for the content and their ancestors (see `vouchingHops`).
   */
  hops: readonly Hop[];
  /** Attestations on the longest parent path among those hops. */
  length: number;
  /** The hop that ends that path. */
  leaf: string | undefined;
  /** Distinct systems, in order of first appearance: publisher, creator, each hop's author. */
  systems: string[];
  /** Per system, the entry that puts it in the chain ('' for a creator with no publish entry). */
  entries: string[];
}

function add(chain: Chain, seen: Set<string>, did: string, entry: string): void {
  if (seen.has(did)) return;
  seen.add(did);
  chain.systems.push(did);
  chain.entries.push(entry);
}

/** Follows parent links from `from`; a path never revisits a hop (ids are content hashes). */
function pathFrom(byId: ReadonlyMap<string, Hop>, from: Hop): Hop[] {
  const path: Hop[] = [from];
  let hop = from;
  while (hop.parent !== undefined && path.length <= byId.size) {
    const parent = byId.get(hop.parent);
    if (parent === undefined) break;
    path.push(parent);
    hop = parent;
  }
  return path;
}

function longestPath(byId: ReadonlyMap<string, Hop>, hops: readonly Hop[]) {
  const depth = new Map<string, number>();
  let length = 0;
  let leaf: string | undefined;
  for (const hop of hops) {
    // Walk up to the first hop whose depth is known, then fill depths back down.
    const up: Hop[] = [];
    let cursor: Hop | undefined = hop;
    while (cursor !== undefined && !depth.has(cursor.id) && up.length <= hops.length) {
      up.push(cursor);
      cursor = cursor.parent === undefined ? undefined : byId.get(cursor.parent);
    }
    let d = cursor === undefined ? 0 : (depth.get(cursor.id) ?? 0);
    for (let i = up.length - 1; i >= 0; i--) depth.set((up[i] as Hop).id, ++d);
    const mine = depth.get(hop.id) ?? 0;
    if (mine > length) {
      length = mine;
      leaf = hop.id;
    }
  }
  return { length, leaf };
}

/**
 * Reasons that end a copy's journey: another device's `applied`, `rejected` or `rolled-back`
 * says what happened there, not how the patch travels here.
 */
export const OUTCOME_REASONS: ReadonlySet<Hop['reason']> = new Set([
  'applied',
  'rejected',
  'rolled-back',
]);

/** Hops that only say where one copy went: they matter on the path the device names. */
const PATH_ONLY: ReadonlySet<Hop['reason']> = new Set([...OUTCOME_REASONS, 'forwarded']);

/**
 * With no `via`, the chain is every hop that vouches for the patch's content (built,
 * reviewed, tested, analyzed) and their ancestors. A patch is content-addressed, so who else
 * forwarded or applied the same bytes says nothing about this copy; those hops count only as
 * ancestors of a vouching hop. Otherwise any registered newcomer could attest `applied` or
 * `forwarded` on a patch and put itself into every later device's chain.
 */
function vouchingHops(byId: ReadonlyMap<string, Hop>, hops: readonly Hop[]): Hop[] {
  const keep = new Set<string>();
  for (const hop of hops) {
    if (PATH_ONLY.has(hop.reason)) continue;
    for (const up of pathFrom(byId, hop)) {
      if (keep.has(up.id)) break;
      keep.add(up.id);
    }
  }
  return hops.filter((h) => keep.has(h.id));
}

/** The chain of `provenance` as seen through `via` (see `PolicyContext.via`). */
export function chainOf(provenance: Provenance, creator: string, via: string | undefined): Chain {
  const byId = new Map<string, Hop>();
  for (const hop of provenance.hops) byId.set(hop.id, hop);
  const end = via === undefined ? undefined : byId.get(via);
  let chain: Chain;
  if (end !== undefined) {
    const hops = pathFrom(byId, end).reverse();
    chain = { hops, length: hops.length, leaf: end.id, systems: [], entries: [] };
  } else {
    const hops = vouchingHops(byId, provenance.hops);
    const { length, leaf } = longestPath(byId, hops);
    chain = { hops, length, leaf, systems: [], entries: [] };
  }
  const seen = new Set<string>();
  const published = provenance.published;
  if (published !== undefined) add(chain, seen, published.author, published.id);
  add(chain, seen, creator, published?.creator === creator ? published.id : '');
  for (const hop of chain.hops) add(chain, seen, hop.author, hop.id);
  return chain;
}

/** The keys one system has used: `did`, the keys it rotated from and the keys it rotated to. */
export function lineage(identities: ReadonlyMap<string, Identity>, did: string): string[] {
  const keys = [did];
  for (const step of ['rotatedFrom', 'rotatedTo'] as const) {
    let next = identities.get(did)?.[step];
    while (next !== undefined && !keys.includes(next) && keys.length < 64) {
      keys.push(next);
      next = identities.get(next)?.[step];
    }
  }
  return keys;
}

/** Holds one of `roles` (endorsed by the registry with stake above 0). */
export function holdsRole(
  identity: Identity | undefined,
  roles: readonly string[],
): string | undefined {
  if (identity === undefined) return undefined;
  for (const role of roles)
    if (Object.hasOwn(identity.roles, role) && (identity.roles[role]?.stake ?? 0) > 0) return role;
  return undefined;
}

/** Equivocation marks a system malicious for good (registry.ts). */
export function isMalicious(identity: Identity | undefined): boolean {
  return identity !== undefined && (identity.malicious || identity.equivocatedAt !== undefined);
}

/**
 * How the registry sees the signer of an in-bundle attestation. A bundle signature has no
 * position on the ledger, so a revocation of the key, or of a key it rotated to, cuts it
 * whenever it was made; a rotation alone does not (the old key still speaks for its system).
 */
export function attesterStanding(
  identities: ReadonlyMap<string, Identity>,
  did: string,
): 'registered' | 'unknown' | 'revoked' | 'malicious' {
  const identity = identities.get(did);
  if (identity === undefined || identity.registered === '') return 'unknown';
  const keys = lineage(identities, did).map((k) => identities.get(k));
  if (keys.some(isMalicious)) return 'malicious';
  if (keys.some((k) => k?.revokedFrom !== undefined)) return 'revoked';
  return 'registered';
}

/** A short human label for a system: its registered name, else an abbreviated did. */
export function label(identities: ReadonlyMap<string, Identity>, did: string): string {
  const name = identities.get(did)?.name ?? '';
  // A registered name may be 4,096 characters: every explanation names people in a sentence.
  return name === '' ? `${did.slice(0, 14)}…${did.slice(-6)}` : inlineName(name);
}

/**
 * The systems the reputation engine scores, read from the ledger's registry: one system per
 * chain of keys joined by rotation (named by its current key), with the roles, stake, admin
 * right, revocation and equivocation of its keys merged. A retired key's misbehaviour after it
 * rotated away (its entries are out of standing anyway) is not held against its successor; a
 * revocation or equivocation while it was the current key is.
 */
import type { Entry } from '../ledger/entry.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Identity } from '../ledger/registry.ts';
import { compareText, MAX_STAKE, saturatingAdd } from './integer.ts';

export interface System {
  did: string;
  admin: boolean;
  /** Endorsed role → stake, merged over the system's keys (the current key's value first). */
  roles: Map<string, number>;
  revoked: boolean;
  /** Entry ids proving equivocation (the conflicting pair, or a proof entry). */
  equivocation: string[];
}

export interface Team {
  /** By current key, in did order. */
  systems: Map<string, System>;
  /** The system (current key) a key belongs to. */
  systemOf(did: string): string;
  /** An admin or the holder of an endorsed role, neither revoked nor equivocating. */
  isMember(system: string): boolean;
  holds(system: string, role: string): boolean;
}

/** The sequence number at which each key rotated away (the rotation the registry follows). */
function rotationSeqs(ledger: Ledger): Map<string, number> {
  const seqs = new Map<string, number>();
  const rotations = [...ledger.ofKind('rotate')].sort((a, b) => compareText(a.id, b.id));
  for (const rotate of rotations as Entry<'rotate'>[])
    if (!seqs.has(rotate.author)) seqs.set(rotate.author, rotate.seq);
  return seqs;
}

function makeSystemOf(identities: Map<string, Identity>): (did: string) => string {
  const memo = new Map<string, string>();
  return (did) => {
    const known = memo.get(did);
    if (known !== undefined) return known;
    const path: string[] = [];
    let at: string | undefined = did;
    while (at !== undefined && !path.includes(at)) {
      path.push(at);
      at = identities.get(at)?.rotatedTo;
    }
    // A rotation cycle (A → B → A) has no current key: the smallest did in it names it.
    const cycle = at === undefined ? [] : path.slice(path.indexOf(at));
    const current = cycle.length > 0 ? [...cycle].sort(compareText)[0] : path[path.length - 1];
    for (const key of path) memo.set(key, current as string);
    return current as string;
  };
}

function mergeKey(system: System, key: Identity, current: boolean, retiredAt?: number): void {
  system.admin ||= key.admin;
  for (const [role, { stake }] of Object.entries(key.roles))
    if (current || (system.roles.get(role) ?? -1) < stake) system.roles.set(role, stake);
  const whileCurrent = (seq: number | undefined) =>
    seq !== undefined && (retiredAt === undefined || seq <= retiredAt);
  if (whileCurrent(key.revokedFrom)) system.revoked = true;
  if (key.malicious && whileCurrent(key.equivocatedAt))
    for (const evidence of key.equivocationEvidence ?? [])
      system.equivocation.push(...evidence.split(' '));
}

export function readTeam(ledger: Ledger): Team {
  const registry = ledger.registry();
  const systemOf = makeSystemOf(registry.identities);
  const retired = rotationSeqs(ledger);
  const systems = new Map<string, System>();
  const keys = [...registry.identities.values()].sort((a, b) => compareText(a.did, b.did));
  for (const key of keys) {
    const did = systemOf(key.did);
    if (!systems.has(did))
      systems.set(did, { did, admin: false, roles: new Map(), revoked: false, equivocation: [] });
  }
  // Retired keys first (the larger stake of a role wins), then the current key's roles win.
  const isCurrent = (key: Identity) => (systemOf(key.did) === key.did ? 1 : 0);
  for (const key of [...keys].sort((a, b) => isCurrent(a) - isCurrent(b))) {
    const did = systemOf(key.did);
    const current = did === key.did;
    mergeKey(systems.get(did) as System, key, current, current ? undefined : retired.get(key.did));
  }
  for (const system of systems.values())
    system.equivocation = [...new Set(system.equivocation)].sort(compareText);
  const sorted = new Map([...systems].sort(([a], [b]) => compareText(a, b)));
  const isMember = (did: string) => {
    const s = sorted.get(did);
    return (
      s !== undefined && (s.admin || s.roles.size > 0) && !s.revoked && s.equivocation.length === 0
    );
  };
  return {
    systems: sorted,
    systemOf,
    isMember,
    holds: (did, role) => isMember(did) && (sorted.get(did)?.roles.has(role) ?? false),
  };
}

/** Summed stake of a system's roles, saturating at MAX_STAKE. */
export function stakeOf(system: System): number {
  let stake = 0;
  for (const value of system.roles.values()) stake = saturatingAdd(stake, value, MAX_STAKE);
  return stake;
}

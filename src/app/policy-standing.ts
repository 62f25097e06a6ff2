/**
 * The policy situation on a team ledger, as `patchtrail policy show` reports it and the Policy
 * screen shows it: the policy in force (its document, who published it, the threshold), the
 * versions pending, superseded or in conflict, the policy entries that cannot count and why;
 * and what the editor needs from the ledger (roles held, systems registered, whether this
 * device may publish). Names come from the registry; a did is a detail.
 */
import type { Entry } from '../core/ledger/entry.ts';
import type { PolicyBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { Identity } from '../core/ledger/registry.ts';
import { holdsRole } from '../core/policy/chain.ts';
import { readPolicy } from '../core/policy/document.ts';
import {
  effectivePolicyAsync,
  type EffectivePolicy,
  type PolicyCandidate,
} from '../core/policy/effective.ts';
import type { PolicyDocument } from '../core/policy/types.ts';
import type { LedgerFacts } from './policy-problems.ts';

export interface Person {
  did: string;
  /** Registered name; "" when it has none. */
  name: string;
}

export type VersionState = 'in force' | 'pending' | 'superseded';

export interface PolicyVersion {
  version: number;
  hash: string;
  state: VersionState;
  /** The policy's own name, if it has one. */
  title: string;
  signers: Person[];
  /** The policy itself (from its first counted entry), to load into the editor. */
  document: PolicyDocument | undefined;
}

export interface PolicyStanding {
  ledgerId: string;
  threshold: number;
  admins: Person[];
  current: PolicyVersion | undefined;
  pending: PolicyVersion[];
  superseded: PolicyVersion[];
  conflicts: { version: number; hashes: string[]; chosen: string; rule: string }[];
  /** Policy entries that cannot count: by whom, the code and why. */
  rejected: { id: string; author: Person; code: string; message: string }[];
  facts: LedgerFacts;
  /** Registered systems by name, and the roles held with stake: what the form offers. */
  systems: Person[];
  roles: string[];
  /** The engine's own reading, for simulate and publish. */
  effective: EffectivePolicy;
}

export function personOf(ledger: Ledger, did: string): Person {
  const name = ledger.registry().identities.get(did)?.name ?? '';
  return { did, name: name === '' && did === ledger.genesis.author ? 'Founder' : name };
}

/** The document a candidate's first entry carries (it passed readPolicy to be counted). */
function documentOf(ledger: Ledger, candidate: PolicyCandidate): PolicyDocument | undefined {
  const [first] = candidate.entries;
  const entry = first === undefined ? undefined : (ledger.get(first) as Entry<'policy'>);
  if (entry === undefined) return undefined;
  try {
    return readPolicy((entry.body as PolicyBody).policy);
  } catch {
    return undefined; // a cel rule needs the engine: the summary still shows
  }
}

function versionOf(ledger: Ledger, candidate: PolicyCandidate, state: VersionState) {
  const document = documentOf(ledger, candidate);
  return {
    version: candidate.version,
    hash: candidate.hash,
    state,
    title: document?.name ?? '',
    signers: candidate.signers.map((did) => personOf(ledger, did)),
    document,
  };
}

/** Roles held with stake by identities in standing, and the registered systems. */
export function ledgerFacts(ledger: Ledger, inForce: PolicyCandidate | undefined): LedgerFacts {
  const rolesHeld = new Set<string>();
  const systems = new Set<string>();
  for (const identity of ledger.registry().identities.values()) {
    if (identity.registered !== '' || identity.admin) systems.add(identity.did);
    if (identity.revokedFrom !== undefined) continue;
    for (const role of Object.keys(identity.roles))
      if (holdsRole(identity, [role]) !== undefined) rolesHeld.add(role);
  }
  const current =
    inForce === undefined ? undefined : { version: inForce.version, hash: inForce.hash };
  return { inForce: current, rolesHeld, systems };
}

export async function readPolicyStanding(ledger: Ledger): Promise<PolicyStanding> {
  const effective = await effectivePolicyAsync(ledger);
  const facts = ledgerFacts(ledger, effective.current);
  const current =
    effective.current === undefined
      ? undefined
      : {
          ...versionOf(ledger, effective.current, 'in force'),
          document: effective.compiled?.policy as PolicyDocument | undefined,
          title: effective.compiled?.policy.name ?? '',
        };
  return {
    ledgerId: ledger.id,
    threshold: effective.threshold,
    admins: ledger.genesis.body.admins.map((did) => personOf(ledger, did)),
    current,
    pending: effective.pending.map((c) => versionOf(ledger, c, 'pending')),
    superseded: effective.superseded.map((c) => versionOf(ledger, c, 'superseded')),
    conflicts: effective.conflicts,
    rejected: effective.rejected.map((r) => ({
      id: r.id,
      author: personOf(ledger, ledger.get(r.id)?.author ?? ''),
      code: r.code,
      message: r.message,
    })),
    facts,
    systems: [...facts.systems].map((did) => personOf(ledger, did)),
    roles: [...facts.rolesHeld].sort(),
    effective,
  };
}

export type PublishRight = { allowed: true } | { allowed: false; reason: string };

const names = (people: readonly Person[]) =>
  people.map((p) => p.name || `${p.did.slice(0, 14)}…`).join(', ');

/** Whether `did` may publish a policy now: an admin in standing at its next entry. */
export function publishRight(ledger: Ledger, did: string | undefined): PublishRight {
  const registry = ledger.registry();
  const admins = ledger.genesis.body.admins.map((a) => personOf(ledger, a));
  const only = `Only the team’s admins can publish a policy (${names(admins)}).`;
  if (did === undefined) return { allowed: false, reason: 'This device has no key yet.' };
  const identity: Identity | undefined = registry.identities.get(did);
  const seq = (ledger.head(did)?.seq ?? -1) + 1;
  if (registry.isAdmin(did, seq)) return { allowed: true };
  if (identity?.admin === true)
    return {
      allowed: false,
      reason: `This device’s admin key is no longer in standing (revoked, rotated or caught equivocating), so what it signs does not count. ${only}`,
    };
  if (identity === undefined || identity.registered === '')
    return { allowed: false, reason: `This device is not registered in this team. ${only}` };
  return { allowed: false, reason: `This device is not an admin of this team. ${only}` };
}

/**
 * Questions the app and the CLI ask of the verified ledger. Each reads indexes (by patch, by
 * parent, by target, by author), so its cost follows the answer, not the ledger's size.
 */
import type { Entry } from './entry.ts';
import type { AttestBody, PublishBody } from './kinds.ts';
import type { Ledger } from './ledger.ts';
import type { Identity } from './registry.ts';

export interface Hop {
  id: string;
  author: string;
  /** The author's registered name, if any. */
  name: string;
  reason: AttestBody['reason'];
  time: string;
  parent?: string;
  target?: string;
  treeBefore?: string;
  treeAfter?: string;
  /** Why the hop does not count (its author revoked, equivocating...), when it does not. */
  outOfStanding?: string;
  /** Attestations that name this one as their parent. */
  children: string[];
}

export interface Provenance {
  patch: string;
  published?: { id: string; author: string; creator: string; reason: string; time: string };
  /** Attestations in admission order; `roots` are those with no parent in the ledger. */
  hops: Hop[];
  roots: string[];
  /** Flags that say the patch is compromised, with their authors and evidence. */
  flags: { id: string; author: string; compromised: boolean; evidence: string }[];
  /** Parents named by a hop that this ledger does not hold. */
  missingParents: string[];
}

/** The lineage DAG of a patch: publish, then attestations linked by their parents. */
export function provenance(ledger: Ledger, patch: string): Provenance {
  const registry = ledger.registry();
  const nameOf = (did: string) => registry.identities.get(did)?.name ?? '';
  const about = ledger.aboutPatch(patch);
  const result: Provenance = { patch, hops: [], roots: [], flags: [], missingParents: [] };
  for (const entry of about) {
    const why = registry.standing(entry);
    if (entry.kind === 'publish' && result.published === undefined && why === undefined) {
      const body = entry.body as PublishBody;
      result.published = {
        id: entry.id,
        author: entry.author,
        creator: body.creator,
        reason: body.reason,
        time: entry.time,
      };
    } else if (entry.kind === 'flag' && why === undefined) {
      const body = entry.body as { compromised: boolean; evidence: string };
      result.flags.push({ id: entry.id, author: entry.author, ...body });
    } else if (entry.kind === 'attest') {
      result.hops.push(hopOf(ledger, entry, nameOf(entry.author), why?.message));
    }
  }
  const here = new Set(result.hops.map((h) => h.id));
  for (const hop of result.hops) {
    if (hop.parent === undefined) result.roots.push(hop.id);
    else if (!here.has(hop.parent)) {
      result.missingParents.push(hop.parent);
      result.roots.push(hop.id);
    }
  }
  return result;
}

function hopOf(ledger: Ledger, entry: Entry, name: string, outOfStanding?: string): Hop {
  const body = entry.body as AttestBody;
  const hop: Hop = {
    id: entry.id,
    author: entry.author,
    name,
    reason: body.reason,
    time: entry.time,
    children: ledger.childrenOf(entry.id).map((c) => c.id),
  };
  for (const key of ['parent', 'target', 'treeBefore', 'treeAfter'] as const)
    if (body[key] !== undefined) hop[key] = body[key];
  if (outOfStanding !== undefined) hop.outOfStanding = outOfStanding;
  return hop;
}

export interface IdentityView extends Identity {
  entries: number;
  lastSeq: number;
  /** Counts of its entries by kind (attestations by reason as "attest:reason"). */
  history: Record<string, number>;
}

/** Every identity the ledger knows, with roles, stake, standing and a summary of its history. */
export function identities(ledger: Ledger): IdentityView[] {
  const registry = ledger.registry();
  return [...registry.identities.values()]
    .sort((a, b) => (a.did < b.did ? -1 : 1))
    .map((identity) => {
      const entries = ledger.byAuthor(identity.did);
      const history: Record<string, number> = {};
      for (const entry of entries) {
        const key =
          entry.kind === 'attest' ? `attest:${(entry.body as AttestBody).reason}` : entry.kind;
        history[key] = (history[key] ?? 0) + 1;
      }
      const lastSeq = entries.length === 0 ? -1 : (entries[entries.length - 1] as Entry).seq;
      return { ...identity, entries: entries.length, lastSeq, history };
    });
}

export interface AuditEvent {
  id: string;
  time: string;
  by: string;
  reason: AttestBody['reason'];
  patch: string;
  treeBefore?: string;
  treeAfter?: string;
  /** The target it names (a device's trail spans its targets). */
  target?: string;
  /** The code a refusal recorded. */
  code?: string;
  outOfStanding?: string;
}

function auditEvent(ledger: Ledger, entry: Entry): AuditEvent {
  const body = entry.body as AttestBody & { code?: string };
  const event: AuditEvent = {
    id: entry.id,
    time: entry.time,
    by: entry.author,
    reason: body.reason,
    patch: body.patch,
  };
  if (body.treeBefore !== undefined) event.treeBefore = body.treeBefore;
  if (body.treeAfter !== undefined) event.treeAfter = body.treeAfter;
  if (body.target !== undefined) event.target = body.target;
  if (typeof body.code === 'string') event.code = body.code;
  const why = ledger.registry().standing(entry);
  if (why !== undefined) event.outOfStanding = why.message;
  return event;
}

/** What was applied to, rolled back from or rejected by a target, in ledger order. */
export function auditTrail(ledger: Ledger, target: string): AuditEvent[] {
  return ledger.aboutTarget(target).map((entry) => auditEvent(ledger, entry));
}

const AUDITED = new Set(['applied', 'rolled-back', 'rejected']);

/**
 * A device's trail: every apply, rollback and refusal it signed, on any target (its default
 * target is its did, the app's are "<did>:workspace:<name>", the CLI's any --target), and
 * whatever others recorded about its default target; in time order, a device's own entries in
 * its order within a second.
 */
export function deviceAuditTrail(ledger: Ledger, did: string): AuditEvent[] {
  const entries = new Map<string, Entry>();
  for (const entry of ledger.aboutTarget(did)) entries.set(entry.id, entry);
  for (const entry of ledger.byAuthor(did))
    if (entry.kind === 'attest' && AUDITED.has((entry.body as AttestBody).reason))
      entries.set(entry.id, entry);
  return [...entries.values()].sort(inTimeOrder).map((entry) => auditEvent(ledger, entry));
}

/** By time, then by author, an author's entries of one second in its own (seq) order. */
function inTimeOrder(a: Entry, b: Entry): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.author !== b.author) return a.author < b.author ? -1 : 1;
  return a.seq - b.seq;
}

/** An identity the ledger holds as signing two entries at one sequence number. */
export interface Equivocator {
  did: string;
  name: string;
  seq: number;
  entries: string[];
}

/** Identities the ledger holds as equivocators, each with the sequence number it forked at. */
export function equivocatorsOf(ledger: Ledger): Map<string, number> {
  const found = new Map<string, number>();
  for (const identity of ledger.registry().identities.values())
    if (identity.equivocatedAt !== undefined) found.set(identity.did, identity.equivocatedAt);
  return found;
}

/**
 * Equivocations the ledger holds now that it did not hold `before` (from `equivocatorsOf`): new
 * liars, or an earlier fork of a known one. `entries` are the forked entries this copy holds (one
 * when a peer's proof entry showed the fork).
 */
export function newlyEquivocated(
  ledger: Ledger,
  before: ReadonlyMap<string, number>,
): Equivocator[] {
  const found: Equivocator[] = [];
  for (const identity of ledger.registry().identities.values()) {
    const seq = identity.equivocatedAt;
    if (seq === undefined || before.get(identity.did) === seq) continue;
    found.push({
      did: identity.did,
      name: identity.name,
      seq,
      entries: [...ledger.idsAt(identity.did, seq)],
    });
  }
  return found;
}

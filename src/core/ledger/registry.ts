/**
 * The identity registry and each entry's standing: a deterministic function of the set of
 * admitted entries, whatever order they arrived in, so that every honest peer computes the
 * same verified set.
 *
 * Rules (documented in README, "The ledger"):
 * - Admins are the genesis entry's founding admins (and the keys they rotate to).
 * - An endorsement or a revocation takes effect once `threshold` distinct admins, each in
 *   standing at the entry they signed, have published the same action.
 * - Revocations are evaluated in ascending order of (subject, from); one that takes effect
 *   puts its subject out of standing from `from`, which may stop a later revocation signed by
 *   that subject from counting (mutual revocation between admins: the first in that order wins).
 * - Conflicting endorsements of one (subject, role) that both reach the threshold: the one
 *   whose newest signing entry has the latest advisory time wins; ties go to the larger stake,
 *   then to the smaller entry id. Revocation always beats endorsement.
 * - Two admitted entries by one author with one sequence number are equivocation: the author
 *   is malicious, and its entries from the lowest such sequence number on are out of standing,
 *   both conflicting entries included (they stay, as evidence): nobody can tell which side the
 *   key's owner signed, e.g. when a thief signs below a revocation on an old copy. A valid
 *   equivocation-proof entry has the same effect.
 * - After `rotate` at sequence r, the old key's entries after r are out of standing; the new
 *   key inherits the old key's roles, stake and admin right.
 * - An identity's name is that of its newest register entry in standing (a register entry at
 *   seq > 0 renames it). The genesis names the ledger, never its founder.
 */
import type { Entry } from './entry.ts';
import type {
  EndorseBody,
  EquivocationBody,
  GenesisBody,
  RegisterBody,
  RevokeBody,
  RotateBody,
} from './kinds.ts';

export type StandingCode = 'REVOKED_KEY' | 'EQUIVOCATION' | 'INVALID_METADATA';

export interface OutOfStanding {
  code: StandingCode;
  message: string;
}

export interface Identity {
  did: string;
  name: string;
  registered: string;
  admin: boolean;
  roles: Record<string, { stake: number; by: string[] }>;
  /** From this sequence number on, the identity's entries are out of standing. */
  revokedFrom?: number;
  revokedBy?: string[];
  /** Lowest sequence number at which it equivocated. */
  equivocatedAt?: number;
  equivocationEvidence?: string[];
  rotatedTo?: string;
  rotatedFrom?: string;
  malicious: boolean;
}

/** What the registry needs of the ledger: its admitted entries, indexed. */
export interface RegistrySource {
  genesis: Entry<'genesis'>;
  /** Admitted entries of these kinds. */
  ofKind(kind: 'register' | 'endorse' | 'revoke' | 'rotate' | 'equivocation'): Iterable<Entry>;
  /** author → seq → admitted entry ids (more than one: equivocation). */
  bySeq(author: string): ReadonlyMap<number, readonly string[]> | undefined;
  authors(): Iterable<string>;
}

export interface Registry {
  identities: Map<string, Identity>;
  /** Why an admitted entry is out of standing; absent when it is in standing. */
  standing(entry: Entry): OutOfStanding | undefined;
  isAdmin(did: string, seq: number): boolean;
}

function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** Decodes the two entries an equivocation proof names without re-verifying (done at admission). */
export type ProofReader = (body: EquivocationBody) => { author: string; seq: number } | undefined;

/** The first key of a system (before any rotation): one system, one vote. */
export function systemRoot(identities: ReadonlyMap<string, Identity>, did: string): string {
  let root = did;
  for (let i = 0; i < 64; i++) {
    const before = identities.get(root)?.rotatedFrom;
    if (before === undefined || before === did) break;
    root = before;
  }
  return root;
}

export function computeRegistry(source: RegistrySource, readProof: ProofReader): Registry {
  const genesis = source.genesis.body;
  const identities = new Map<string, Identity>();
  const identity = (did: string): Identity => {
    let known = identities.get(did);
    if (known === undefined) {
      // Role names are attacker-chosen ("constructor" is a valid one): no prototype to answer.
      const roles = Object.create(null) as Identity['roles'];
      known = { did, name: '', registered: '', admin: false, roles, malicious: false };
      identities.set(did, known);
    }
    return known;
  };
  // The genesis names the ledger, not its founder: the founder names itself by registering.
  identity(source.genesis.author).registered = source.genesis.id;
  const registers = [...source.ofKind('register')].sort((a, b) => a.seq - b.seq);
  for (const register of registers)
    if (register.seq === 0) identity(register.author).registered = register.id;

  // Equivocation: from the sequence numbers themselves, and from admitted proofs.
  const sealAt = new Map<string, number>();
  const seal = (author: string, seq: number, evidence: string) => {
    const who = identity(author);
    who.malicious = true;
    who.equivocationEvidence = [...(who.equivocationEvidence ?? []), evidence];
    if (!sealAt.has(author) || (sealAt.get(author) as number) > seq) sealAt.set(author, seq);
    who.equivocatedAt = sealAt.get(author) as number;
  };
  for (const author of source.authors()) {
    for (const [seq, ids] of source.bySeq(author) ?? new Map<number, string[]>()) {
      if (ids.length > 1) seal(author, seq, [...ids].sort().join(' '));
    }
  }
  for (const proof of source.ofKind('equivocation')) {
    const about = readProof(proof.body as EquivocationBody);
    if (about !== undefined) seal(about.author, about.seq, proof.id);
  }

  // Rotation: the new key continues the old one.
  const rotatedAt = new Map<string, number>();
  const successor = new Map<string, string>();
  for (const rotate of [...source.ofKind('rotate')].sort(byKey((e) => e.id))) {
    const { to } = rotate.body as RotateBody;
    if (rotatedAt.has(rotate.author)) continue;
    rotatedAt.set(rotate.author, rotate.seq);
    successor.set(rotate.author, to);
    identity(rotate.author).rotatedTo = to;
    identity(to).rotatedFrom = rotate.author;
  }
  const admins = new Set((genesis as GenesisBody).admins);
  // Follow each founding admin's chain of rotations (entries come in id order, not chain
  // order); the hop bound stops a cycle of rotations.
  for (const founder of (genesis as GenesisBody).admins) {
    let at = founder;
    for (let hops = 0; successor.has(at) && hops < 64; hops++) {
      at = successor.get(at) as string;
      admins.add(at);
    }
  }
  // One admin counts once toward a threshold, whichever of its keys signs.
  const rootOf = (did: string): string => systemRoot(identities, did);
  for (const did of admins) identity(did).admin = true;

  const revokedFrom = new Map<string, number>();
  const cutOf = (author: string): number => {
    // Revocation and equivocation cut at their sequence number, rotation after it.
    const cuts = [revokedFrom.get(author), sealAt.get(author), rotatedAt.get(author)];
    return Math.min(...cuts.map((c, i) => (c === undefined ? Infinity : i === 2 ? c + 1 : c)));
  };
  const inStanding = (entry: Entry) => entry.seq < cutOf(entry.author);
  const threshold = (genesis as GenesisBody).threshold;

  // Revocations, in (subject, from) order.
  const revokes = new Map<string, Entry[]>();
  for (const revoke of source.ofKind('revoke')) {
    const body = revoke.body as RevokeBody;
    const key = `${body.subject} ${String(body.from).padStart(16, '0')}`;
    revokes.set(key, [...(revokes.get(key) ?? []), revoke]);
  }
  for (const key of [...revokes.keys()].sort()) {
    const group = revokes.get(key) as Entry[];
    const signers = new Set(
      group.filter((e) => admins.has(e.author) && inStanding(e)).map((e) => e.author),
    );
    if (new Set([...signers].map(rootOf)).size < threshold) continue;
    const { subject, from } = (group[0] as Entry<'revoke'>).body;
    if (!revokedFrom.has(subject) || (revokedFrom.get(subject) as number) > from) {
      revokedFrom.set(subject, from);
      Object.assign(identity(subject), { revokedFrom: from, revokedBy: [...signers].sort() });
    }
  }

  // Endorsements: per (subject, role), the groups of identical actions that reach threshold.
  const endorsements = new Map<string, Map<number, Entry[]>>();
  for (const endorse of source.ofKind('endorse')) {
    if (!admins.has(endorse.author) || !inStanding(endorse)) continue;
    const { subject, role, stake } = endorse.body as EndorseBody;
    const key = `${subject} ${role}`;
    const groups = endorsements.get(key) ?? new Map<number, Entry[]>();
    groups.set(stake, [...(groups.get(stake) ?? []), endorse]);
    endorsements.set(key, groups);
  }
  for (const [key, groups] of endorsements) {
    const [subject = '', role = ''] = key.split(' ');
    let best: { stake: number; time: string; id: string; by: string[] } | undefined;
    for (const [stake, group] of groups) {
      const by = [...new Set(group.map((e) => e.author))].sort();
      if (new Set(by.map(rootOf)).size < threshold) continue;
      const newest = [...group].sort(byKey((e) => `${e.time} ${e.id}`)).pop() as Entry;
      const candidate = { stake, time: newest.time, id: newest.id, by };
      const wins =
        best === undefined ||
        candidate.time > best.time ||
        (candidate.time === best.time &&
          (candidate.stake > best.stake ||
            (candidate.stake === best.stake && candidate.id < best.id)));
      if (wins) best = candidate;
    }
    if (best === undefined) continue;
    const heir = successor.get(subject);
    identity(subject).roles[role] = { stake: best.stake, by: best.by };
    if (heir !== undefined) identity(heir).roles[role] = { stake: best.stake, by: best.by };
  }

  // Names: each identity's newest register entry in standing (a later one renames it).
  for (const register of registers)
    if (inStanding(register)) identity(register.author).name = (register.body as RegisterBody).name;

  const standing = (entry: Entry): OutOfStanding | undefined => {
    const seal = sealAt.get(entry.author);
    if (seal !== undefined && entry.seq >= seal)
      return { code: 'EQUIVOCATION', message: `author equivocated at sequence ${seal}` };
    const revoked = revokedFrom.get(entry.author);
    if (revoked !== undefined && entry.seq >= revoked)
      return { code: 'REVOKED_KEY', message: `author revoked from sequence ${revoked}` };
    const rotated = rotatedAt.get(entry.author);
    if (rotated !== undefined && entry.seq > rotated)
      return { code: 'REVOKED_KEY', message: `author rotated to a new key at sequence ${rotated}` };
    if ((entry.kind === 'endorse' || entry.kind === 'revoke') && !admins.has(entry.author))
      return { code: 'INVALID_METADATA', message: `${entry.kind} takes an admin` };
    return undefined;
  };
  return {
    identities,
    standing,
    isAdmin: (did, seq) => admins.has(did) && seq < cutOf(did),
  };
}

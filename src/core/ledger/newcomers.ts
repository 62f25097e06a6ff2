/**
 * The newcomer quota. Registering takes nothing but a fresh key, so a flood of self-registered
 * keys would otherwise be admitted, stored and shared for ever. A *newcomer* is a registered
 * key that no admin has vouched for: not an admin itself (a founding admin or a key one rotated
 * to), not endorsed by an admin, and not the rotation of a key that was vouched for. At most
 * MAX_NEWCOMERS newcomers are admitted; a newcomer's registration beyond that waits (a bounded
 * pool, in the ledger) until an admin endorses the key or a slot frees. An honest newcomer
 * therefore always gets in: an admin can endorse its did:key before it registers.
 *
 * The count is kept incrementally from the entries admitted (no registry recomputation on the
 * admission path); standing, thresholds and revocations are the registry's business, not the
 * quota's: one admin's endorsement is enough to vouch.
 */
import type { Entry } from './entry.ts';
import type { EndorseBody, GenesisBody, RotateBody } from './kinds.ts';

/** Keys visited walking back along rotations (bounds the walk, whatever graph was built). */
const MAX_KEYS_WALKED = 64;

export class NewcomerQuota {
  private readonly founders: ReadonlySet<string>;
  /** Endorsement author → the subjects it endorsed. */
  private readonly endorsed = new Map<string, Set<string>>();
  /** Subjects an admin endorsed. */
  private readonly adminEndorsed = new Set<string>();
  /** New key → the keys that rotated to it, and the other way round. */
  private readonly rotatedFrom = new Map<string, Set<string>>();
  private readonly rotatedTo = new Map<string, Set<string>>();
  /** Admitted registrations whose key is not vouched for (yet). */
  private readonly newcomers = new Set<string>();

  constructor(
    genesis: Entry<'genesis'>,
    private readonly max: number,
  ) {
    this.founders = new Set((genesis.body as GenesisBody).admins);
  }

  /** Admitted newcomers. */
  get count(): number {
    return this.newcomers.size;
  }

  /** Room for this many more newcomers. */
  get free(): number {
    return Math.max(0, this.max - this.newcomers.size);
  }

  /** True when `entry` registers a newcomer and the quota is full: it must wait. */
  mustWait(entry: Entry): boolean {
    return (
      entry.kind === 'register' &&
      entry.seq === 0 &&
      this.newcomers.size >= this.max &&
      !this.vouched(entry.author)
    );
  }

  /** Notes an admitted entry; true when it may have vouched for someone. */
  admitted(entry: Entry): boolean {
    if (entry.kind === 'register' && entry.seq === 0 && !this.vouched(entry.author))
      this.newcomers.add(entry.author);
    if (entry.kind === 'endorse') {
      const { subject } = entry.body as EndorseBody;
      addTo(this.endorsed, entry.author, subject);
      if (this.isAdmin(entry.author)) this.adminEndorsed.add(subject);
      if (this.newcomers.has(subject) && this.vouched(subject)) this.newcomers.delete(subject);
      return true;
    }
    if (entry.kind !== 'rotate') return false;
    const { to } = entry.body as RotateBody;
    addTo(this.rotatedFrom, to, entry.author);
    addTo(this.rotatedTo, entry.author, to);
    // Rotations arrive in any order: `to` and the keys rotated from it may be admins now.
    if (this.isAdmin(to))
      walk(to, this.rotatedTo, (key) => {
        for (const subject of this.endorsed.get(key) ?? []) this.adminEndorsed.add(subject);
        return false;
      });
    if (!this.vouched(to)) return false;
    for (const did of this.newcomers) if (this.vouched(did)) this.newcomers.delete(did);
    return true;
  }

  /** An admin, endorsed by one, or rotated to from a key that was vouched for. */
  vouched(did: string): boolean {
    return this.along(did, (key) => this.adminEndorsed.has(key) || this.founders.has(key));
  }

  private isAdmin(did: string): boolean {
    return this.along(did, (key) => this.founders.has(key));
  }

  /** Whether `test` holds for `did` or a key it was rotated from (a bounded walk). */
  private along(did: string, test: (key: string) => boolean): boolean {
    return walk(did, this.rotatedFrom, test);
  }
}

/** Visits `start` and the keys `links` lead to (at most MAX_KEYS_WALKED) until `test` holds. */
function walk(
  start: string,
  links: ReadonlyMap<string, ReadonlySet<string>>,
  test: (key: string) => boolean,
): boolean {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    if (test(key)) return true;
    for (const next of links.get(key) ?? []) {
      if (seen.size >= MAX_KEYS_WALKED) break;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return false;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([value]));
  else set.add(value);
}

/**
 * Entries held back: checked, but waiting for something (their author's previous entry, or an
 * endorsement). Anyone can make entries that never resolve (a throwaway key, a made-up `prev`),
 * so a pool is bounded in entries and bytes, optionally per author, and what it drops to stay
 * within them (oldest first) is returned, so the caller can say so (the Yjs binding removes it
 * from the shared map).
 */
import type { Entry } from './entry.ts';

export interface HeldEntry {
  bytes: Uint8Array;
  entry: Entry;
}

export interface HoldingLimits {
  entries: number;
  bytes: number;
}

interface Slot extends HeldEntry {
  waitFor: string;
}

export class Holding {
  /** Entry id → what it waits for; Map order is arrival order. */
  private readonly held = new Map<string, Slot>();
  /** What is waited for → the ids waiting for it. */
  private readonly waiting = new Map<string, Set<string>>();
  private readonly byAuthor = new Map<string, Set<string>>();
  private bytes = 0;

  constructor(private readonly limits: HoldingLimits) {}

  get size(): number {
    return this.held.size;
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  /**
   * Holds `entry` until `waitFor` is released. The author keeps at most `authorCap` entries
   * here. Returns what had to go to stay within the limits (possibly `entry` itself).
   */
  hold(waitFor: string, entry: HeldEntry, authorCap = Infinity): Entry[] {
    const { id, author } = entry.entry;
    if (this.held.has(id)) return [];
    this.held.set(id, { ...entry, waitFor });
    add(this.waiting, waitFor, id);
    add(this.byAuthor, author, id);
    this.bytes += entry.bytes.length;
    const evicted: Entry[] = [];
    const mine = this.byAuthor.get(author) as Set<string>;
    while (mine.size > authorCap) evicted.push(this.remove(first(mine)));
    while (this.held.size > this.limits.entries || this.bytes > this.limits.bytes)
      evicted.push(this.remove(first(this.held.keys())));
    return evicted;
  }

  /** Takes the entries that waited for `key`, oldest first. */
  release(key: string): Entry[] {
    return [...(this.waiting.get(key) ?? [])].map((id) => this.remove(id));
  }

  /** Takes the oldest held entry. */
  releaseOldest(): Entry | undefined {
    const [id] = this.held.keys();
    return id === undefined ? undefined : this.remove(id);
  }

  /** What the held entries wait for, oldest first. */
  waitedFor(): string[] {
    return [...this.waiting.keys()];
  }

  /** Every held entry, oldest first. */
  *entries(): Iterable<HeldEntry> {
    for (const { bytes, entry } of this.held.values()) yield { bytes, entry };
  }

  private remove(id: string): Entry {
    const slot = this.held.get(id) as Slot;
    this.held.delete(id);
    drop(this.waiting, slot.waitFor, id);
    drop(this.byAuthor, slot.entry.author, id);
    this.bytes -= slot.bytes.length;
    return slot.entry;
  }
}

function first(ids: Iterable<string>): string {
  for (const id of ids) return id;
  throw new RangeError('Holding: nothing to remove');
}

function add(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([id]));
  else set.add(id);
}

function drop(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  set?.delete(id);
  if (set?.size === 0) map.delete(key);
}

/**
 * Entries held back: checked, but waiting for their author's previous entry. Anyone can make
 * entries that never resolve (a throwaway key, a made-up `prev`), so holding is bounded and
 * what it drops is reported (the Yjs binding removes it from the shared map).
 */
import type { Entry } from './entry.ts';
import { MAX_PENDING } from './limits.ts';

export interface HeldEntry {
  bytes: Uint8Array;
  entry: Entry;
}

export class Holding {
  /** prev id → the entries waiting for it, oldest first; Map order is arrival order. */
  private readonly waiting = new Map<string, HeldEntry[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Holds `entry` until `prev` is admitted; returns what had to go to make room. */
  hold(prev: string, held: HeldEntry): Entry[] {
    if (this.waiting.get(prev)?.some((w) => w.entry.id === held.entry.id) === true) return [];
    const evicted: Entry[] = [];
    if (this.count >= MAX_PENDING) {
      const [oldest] = this.waiting.keys();
      if (oldest !== undefined) evicted.push(...this.drop(oldest));
    }
    const list = this.waiting.get(prev) ?? [];
    list.push(held);
    this.waiting.set(prev, list);
    this.count++;
    return evicted;
  }

  /** Takes the entries that waited for `id` (it was just admitted). */
  release(id: string): Entry[] {
    return this.drop(id);
  }

  private drop(prev: string): Entry[] {
    const list = this.waiting.get(prev);
    if (list === undefined) return [];
    this.waiting.delete(prev);
    this.count -= list.length;
    return list.map((w) => w.entry);
  }

  /** Every held entry, oldest group first. */
  *entries(): Iterable<HeldEntry> {
    for (const list of this.waiting.values()) yield* list;
  }
}

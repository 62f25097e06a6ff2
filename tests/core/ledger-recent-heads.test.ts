import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../src/core/ledger/entry.ts';
import { LedgerIndexes } from '../../src/core/ledger/indexes.ts';

/** An admitted entry as the indexes see it (a kind whose body they do not read). */
function entry(author: string, seq: number, n: number): Entry {
  return {
    id: `sha256:${String(n).padStart(8, '0')}`,
    author,
    seq,
    kind: 'posture',
    body: {},
  } as unknown as Entry;
}

/** recentHeads as it was: a walk back through the log until `max` other authors are found. */
function walkBack(log: readonly Entry[], except: string, max: number): string[] {
  const heads: Entry[] = [];
  for (let i = log.length - 1; i >= 0 && heads.length < max; i--) {
    const e = log[i] as Entry;
    if (e.author !== except && !heads.some((h) => h.author === e.author)) heads.push(e);
  }
  return heads.map((h) => h.id).sort();
}

describe('recentHeads', () => {
  it('gives what the walk back through the log gave, on random ledgers', () => {
    const authors = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    fc.assert(
      fc.property(
        // Each step: who writes, and whether it forks (repeats its last seq).
        fc.array(fc.tuple(fc.nat(authors.length - 1), fc.boolean()), { maxLength: 120 }),
        fc.nat(authors.length - 1),
        fc.integer({ min: 0, max: 8 }),
        (steps, exceptAt, max) => {
          const indexes = new LedgerIndexes();
          const log: Entry[] = [];
          const seqs = new Map<string, number>();
          const except = authors[exceptAt] as string;
          steps.forEach(([at, fork], n) => {
            const author = authors[at] as string;
            const last = seqs.get(author);
            const seq = last === undefined ? 0 : fork ? last : last + 1;
            seqs.set(author, seq);
            const e = entry(author, seq, n);
            indexes.add(e);
            log.push(e);
            expect(indexes.recentHeads(except, max)).toEqual(walkBack(log, except, max));
          });
        },
      ),
    );
  });

  it('reads no entry of a long ledger with fewer active authors than it cites', () => {
    const indexes = new LedgerIndexes();
    let reads = 0;
    for (let n = 0; n < 20_000; n++) {
      const author = n % 2 === 0 ? 'alice' : 'bob';
      const e = entry(author, n >> 1, n);
      Object.defineProperty(e, 'author', {
        get: () => {
          reads++;
          return author;
        },
      });
      indexes.add(e);
    }
    reads = 0;
    expect(indexes.recentHeads('alice', 4)).toEqual([entry('bob', 9_999, 19_999).id]);
    expect(reads).toBe(0);
  });
});

/**
 * The quarantine's bounds under a flood: the newest records stay, the oldest go first, a key
 * rejected again keeps only its newest record, and the byte bound holds as well as the count.
 */
import { describe, expect, it } from 'vitest';
import { PatchtrailError } from '../../src/core/errors.ts';
import {
  MAX_QUARANTINE,
  MAX_QUARANTINE_BYTES,
  MAX_PROOF_ENTRY_BYTES,
} from '../../src/core/ledger/limits.ts';
import { Quarantine } from '../../src/core/ledger/quarantine.ts';

const junk = (n: number) => new TextEncoder().encode(`x${n}`);
const error = (n: number) => new PatchtrailError('MALFORMED_INPUT', `line ${n}`);

describe('the quarantine', () => {
  it('keeps the newest records of a flood, oldest out first, in the order they came', () => {
    const q = new Quarantine();
    const total = MAX_QUARANTINE * 3 + 17;
    for (let n = 0; n < total; n++) q.add('', error(n), junk(n));
    const kept = q.list();
    expect(kept).toHaveLength(MAX_QUARANTINE);
    expect(kept[0]?.message).toBe(`line ${total - MAX_QUARANTINE}`);
    expect(kept.at(-1)?.message).toBe(`line ${total - 1}`);
  });

  it('keeps one record per key and code, the newest, however often it is rejected', () => {
    const q = new Quarantine();
    q.add('first', error(-1), junk(-1));
    for (let n = 0; n < 50_000; n++) q.add('same', error(n), junk(n));
    for (let n = 0; n < MAX_QUARANTINE - 2; n++) q.add(`k${n}`, error(n), junk(n));
    const kept = q.list();
    expect(kept).toHaveLength(MAX_QUARANTINE);
    expect(kept.find((r) => r.key === 'same')?.message).toBe('line 49999');
    q.add('one more', error(0), junk(0)); // over the count: the oldest, 'first', goes
    expect(q.list().some((r) => r.key === 'first')).toBe(false);
    expect(q.list().some((r) => r.key === 'same')).toBe(true);
  });

  it('holds the byte bound with large inputs', () => {
    const q = new Quarantine();
    const big = new Uint8Array(MAX_PROOF_ENTRY_BYTES);
    const fits = Math.floor(MAX_QUARANTINE_BYTES / big.length);
    for (let n = 0; n < fits * 2; n++) q.add(`k${n}`, error(n), big);
    const kept = q.list();
    expect(kept.reduce((sum, r) => sum + r.bytes.length, 0)).toBeLessThanOrEqual(
      MAX_QUARANTINE_BYTES,
    );
    expect(kept.at(-1)?.key).toBe(`k${fits * 2 - 1}`);
    expect(kept.length).toBe(fits);
  });
});

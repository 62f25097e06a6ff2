/**
 * yieldingLedger (src/sync/yielding.ts): admissions through it land in the same ledger, give
 * the event loop a turn once the time budget is spent (a timer queued meanwhile gets to run
 * before the next admission), and everything else is the ledger itself.
 */
import { describe, expect, it } from 'vitest';
import { Ledger, makeSeedSigner, signEntry } from '../../src/core/index.ts';
import { yieldingLedger } from '../../src/sync/yielding.ts';

const T = '2026-12-06T10:00:00Z';

describe('yielding ledger', () => {
  it('admits into the same ledger and lets a queued task run once the budget is spent', async () => {
    const admin = await makeSeedSigner(new Uint8Array(32).fill(1));
    const ledger = await Ledger.found(admin, { name: 'y', admins: [admin.did], threshold: 1 }, T);
    const writer = await makeSeedSigner(new Uint8Array(32).fill(2));
    const register = await signEntry(writer, {
      ledger: ledger.id,
      seq: 0,
      prev: null,
      refs: [],
      time: T,
      kind: 'register',
      body: { name: 'w' },
    });
    let clock = 0;
    const view = yieldingLedger(ledger, 8, () => clock);
    const Real = globalThis.MessageChannel;
    let turns = 0;
    globalThis.MessageChannel = class extends Real {
      constructor() {
        super();
        turns++;
      }
    };
    try {
      clock = 7; // under the budget: no turn for the event loop
      expect((await view.admit(register.bytes, { key: register.id })).status).toBe('admitted');
      expect(turns).toBe(0);
      clock = 100; // over it: one task turn, then the admission
      expect((await view.admit(register.bytes, { key: register.id })).status).toBe('duplicate');
      expect(turns).toBe(1);
      clock = 104; // the budget starts again after the turn
      await view.admit(register.bytes, { key: register.id });
      expect(turns).toBe(1);
    } finally {
      globalThis.MessageChannel = Real;
    }
    expect(view.size).toBe(2);
    expect(view.get(register.id)).toBe(ledger.get(register.id));
    expect(view.id).toBe(ledger.id);
    const seen: string[] = [];
    const unsubscribe = view.subscribe({ admitted: (e) => seen.push(e.id) });
    const next = await ledger.append(
      writer,
      'attest',
      { patch: `sha256:${'ab'.repeat(32)}`, reason: 'built' },
      T,
    );
    unsubscribe();
    expect(seen).toEqual([next.id]);
  });
});

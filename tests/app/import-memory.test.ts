/**
 * Ledger file imports under way, remembered in a key-value store shared by the tabs: one whose
 * tab is gone is cut short; the count is written at most once a second (and at the end); the
 * stored text is untrusted, and whatever in it does not fit is dropped, never thrown.
 */
import { describe, expect, it } from 'vitest';
import { IMPORTS_KEY, makeImportMemory, readImports } from '../../src/app/import-memory.ts';
import type { KeyValueStore } from '../../src/app/kiosk-guard.ts';
import type { TabLiveness } from '../../src/app/unfinished.ts';
import { memoryStore } from '../helpers/key-value-store.ts';

/** Tabs: `tab` is this one; the others are alive when listed. */
const tabs = (tab: string, alive: string[] = []): TabLiveness => ({
  tab,
  alive: (other) => Promise.resolve(other === tab || alive.includes(other)),
});

describe('the memory of ledger file imports under way', () => {
  it('says an import cut short once its tab is gone, not while it lives', async () => {
    const store = memoryStore();
    let now = 1_000_000;
    const first = makeImportMemory(store, tabs('tab-1'), () => now);
    const id = first.begin('ledger-a', 'plant4.ledger', 5000);
    first.progress(id, 100, 3000); // within the second: not written
    expect(readImports(store.getItem(IMPORTS_KEY))[0]).toMatchObject({ done: 0, total: 0 });
    now += 1000;
    first.progress(id, 1200, 3000);
    // Another tab, while the first lives: nothing is cut short.
    const other = makeImportMemory(store, tabs('tab-2', ['tab-1']));
    expect(await other.cutShort('ledger-a')).toEqual([]);
    // After a reload (the first tab's lock is free): cut short, with how far it got.
    const reloaded = makeImportMemory(store, tabs('tab-3'));
    expect(await reloaded.cutShort('ledger-b')).toEqual([]);
    const [cut] = await reloaded.cutShort('ledger-a');
    expect(cut).toMatchObject({
      ...{ id, ledger: 'ledger-a', fileName: 'plant4.ledger', size: 5000 },
      ...{ started: 1_000_000, done: 1200, total: 3000 },
    });
    reloaded.dismiss(id);
    expect(await reloaded.cutShort('ledger-a')).toEqual([]);
    expect(store.map.has(IMPORTS_KEY)).toBe(false);
  });

  it('forgets an import that ended, and writes the count when it is complete', async () => {
    const store = memoryStore();
    const memory = makeImportMemory(store, tabs('tab-1'), () => 5);
    const id = memory.begin('ledger-a', 'a.ledger', 10);
    memory.progress(id, 3000, 3000);
    expect(readImports(store.getItem(IMPORTS_KEY))[0]).toMatchObject({ done: 3000, total: 3000 });
    memory.end(id);
    expect(await makeImportMemory(store, tabs('tab-2')).cutShort('ledger-a')).toEqual([]);
  });

  it('drops what does not fit in the stored text: wrong types, absurd numbers, prototype keys', () => {
    const good = {
      ...{ id: 'i', tab: 't', ledger: 'l', fileName: 'f' },
      ...{ size: 1, started: 2, done: 3, total: 4 },
    };
    const stored = JSON.stringify([
      good,
      { ...good, size: -1 },
      { ...good, started: 1e300 },
      { ...good, done: 5 }, // more done than there are
      { ...good, total: '4' },
      { ...good, fileName: '' },
      { ...good, fileName: 'x'.repeat(5000) },
      { ...good, tab: { toString: null } },
      null,
      [good],
      'text',
    ]);
    expect(readImports(stored)).toEqual([good]);
    const polluted = `[{"__proto__":{"polluted":1},"id":"i","tab":"t","ledger":"l","fileName":"f","size":1,"started":2,"done":3,"total":4}]`;
    const [read] = readImports(polluted);
    expect(read).toEqual(good);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const junk of ['{', '{}', '"a"', 'null', '1e999'])
      expect(readImports(junk), junk).toEqual([]);
  });

  it('goes on when the store refuses to write (full, or blocked)', async () => {
    const store: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const memory = makeImportMemory(store, tabs('tab-1'));
    const id = memory.begin('ledger-a', 'a.ledger', 10);
    expect(() => memory.progress(id, 1, 1)).not.toThrow();
    expect(() => memory.end(id)).not.toThrow();
    expect(await memory.cutShort('ledger-a')).toEqual([]);
  });
});

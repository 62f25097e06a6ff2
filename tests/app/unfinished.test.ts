/** The memory of applies and rollbacks under way (app/unfinished.ts): untrusted text, tabs alive. */
import { describe, expect, it } from 'vitest';
import {
  holdTabLock,
  makeUnfinishedStore,
  readUnfinished,
  UNFINISHED_KEY,
  type Unfinished,
} from '../../src/app/unfinished.ts';
import { memoryStore } from '../helpers/key-value-store.ts';

const entry = (id: string, extra: Partial<Unfinished> = {}): Unfinished => ({
  ...{ id, tab: 't1', ledger: 'sha256:aa', target: 'did:key:z:workspace:main' },
  ...{ place: { kind: 'workspace', name: 'main' }, key: 'sha256:bb', patch: 'sha256:bb' },
  ...{ fileName: 'fix.json', kind: 'apply', started: '2026-12-07 17:40 UTC' },
  ...extra,
});

describe('the unfinished-work memory', () => {
  it('adds, lists and removes, and leaves nothing stored when empty', () => {
    const kv = memoryStore();
    const store = makeUnfinishedStore(kv);
    store.add(entry('a'));
    store.add(entry('b', { kind: 'rollback' }));
    expect(store.list().map((e) => [e.id, e.kind])).toEqual([
      ['a', 'apply'],
      ['b', 'rollback'],
    ]);
    // Another tab's store sees the same entries (read afresh each time).
    expect(makeUnfinishedStore(kv).list()).toHaveLength(2);
    store.remove('a');
    store.remove('b');
    expect(store.list()).toEqual([]);
    expect(kv.map.has(UNFINISHED_KEY)).toBe(false);
  });

  it('reads hostile text field by field, dropping what does not fit', () => {
    for (const text of ['', 'null', '{', '{"__proto__":1}', '7', '"x"', '[1,null,"a",[]]'])
      expect(readUnfinished(text)).toEqual([]);
    const good = entry('ok');
    const bad: unknown[] = [
      { ...good, id: 'k1', kind: 'delete' },
      { ...good, id: 'k2', place: { kind: 'disk', name: 'main' } },
      { ...good, id: 'k3', place: 'main' },
      { ...good, id: 'k4', fileName: 7 },
      { ...good, id: 'k5', patch: '' },
      { ...good, id: 'k6', target: 'x'.repeat(5000) },
      JSON.parse('{"__proto__": {"kind": "apply"}}'),
    ];
    const read = readUnfinished(JSON.stringify([...bad, good, { ...good, extra: '<b>' }]));
    expect(read.map((e) => e.id)).toEqual(['ok', 'ok']);
    expect(read[1]).not.toHaveProperty('extra');
    expect(Object.getPrototypeOf(read[0])).toBe(Object.prototype);
  });

  it('keeps at most 64 entries, the newest', () => {
    const store = makeUnfinishedStore(memoryStore());
    for (let i = 0; i < 70; i++) store.add(entry(`e${i}`));
    const ids = store.list().map((e) => e.id);
    expect(ids).toHaveLength(64);
    expect(ids[0]).toBe('e6');
    expect(ids.at(-1)).toBe('e69');
  });

  it('tells a tab that holds its lock from one that is gone; without Web Locks, every tab counts as alive', async () => {
    const held = new Set<string>();
    const locks = {
      request: async (name: string, work: () => Promise<void>) => {
        held.add(name);
        await work();
      },
      query: async () => ({ held: [...held].map((name) => ({ name })) }),
    };
    const a = holdTabLock(locks, 'tab-a');
    holdTabLock(locks, 'tab-b');
    expect(await a.alive('tab-a')).toBe(true);
    expect(await a.alive('tab-b')).toBe(true);
    expect(await a.alive('tab-crashed')).toBe(false);
    const none = holdTabLock(undefined, 'tab-c');
    expect(await none.alive('tab-crashed')).toBe(true);
  });
});

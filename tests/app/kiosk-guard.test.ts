/**
 * Kiosk mode's lock: it survives a reload (a new guard over the same store), allows only the
 * kiosk route, falls back closed on a stored value it cannot read, and only an admin's
 * confirmation — the `confirmLeave` seam — lets the device out.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import {
  confirmLeave,
  FALLBACK_MODE,
  KIOSK_MODE_KEY,
  makeKioskGuard,
  readKioskMode,
  type KioskMode,
} from '../../src/app/kiosk-guard.ts';
import { memoryStore } from '../helpers/key-value-store.ts';

const MODE: KioskMode = {
  target: 'kiosk',
  components: ['signage/**'],
  folder: 'kiosk-drop',
  since: '2026-11-22T11:00:00.000Z',
  device: 'did:key:z6Mk-test',
};

const inRoot = <T>(work: () => T): T => createRoot((dispose) => [work(), dispose()][0] as T);

describe('the kiosk guard', () => {
  it('stays in kiosk mode across a reload and allows only the kiosk route', () => {
    const store = memoryStore();
    inRoot(() => makeKioskGuard({ store }).enter(MODE));
    const reloaded = inRoot(() => makeKioskGuard({ store }));
    expect(reloaded.mode()).toEqual(MODE);
    expect(reloaded.allowsRoute('/kiosk')).toBe(true);
    for (const path of ['/inbox', '/team', '/settings', '/ledger', '/', '/kiosk/x'])
      expect(reloaded.allowsRoute(path)).toBe(false);
  });

  it('allows every route when the device is not a kiosk', () => {
    const guard = inRoot(() => makeKioskGuard({ store: memoryStore() }));
    expect(guard.mode()).toBeUndefined();
    expect(guard.allowsRoute('/inbox')).toBe(true);
  });

  it('refuses to leave without the admin confirmation, and the mode stays stored', async () => {
    const store = memoryStore();
    const guard = inRoot(() => makeKioskGuard({ store }));
    guard.enter(MODE);
    const answer = await guard.leave();
    expect(answer.ok).toBe(false);
    expect((answer as { reason: string }).reason).toContain('needs an admin’s passkey');
    expect(guard.mode()).toEqual(MODE);
    expect(store.map.has(KIOSK_MODE_KEY)).toBe(true);
    expect(await confirmLeave()).toEqual(answer);
  });

  it('leaves when the admin confirms, and a reload is no longer a kiosk', async () => {
    const store = memoryStore();
    const confirm = () => Promise.resolve({ ok: true as const, admin: 'did:key:z6Mk-admin' });
    const guard = inRoot(() => makeKioskGuard({ store, confirm }));
    guard.enter(MODE);
    expect(await guard.leave()).toEqual({ ok: true, admin: 'did:key:z6Mk-admin' });
    expect(guard.allowsRoute('/inbox')).toBe(true);
    expect(inRoot(() => makeKioskGuard({ store })).mode()).toBeUndefined();
  });

  it('stays a kiosk when the confirmation throws', async () => {
    const confirm = () => Promise.reject(new Error('authenticator gone'));
    const guard = inRoot(() => makeKioskGuard({ store: memoryStore(), confirm }));
    guard.enter(MODE);
    expect(await guard.leave()).toEqual({
      ok: false,
      reason: 'the admin confirmation failed: authenticator gone',
    });
    expect(guard.mode()).toEqual(MODE);
  });

  it('reads a stored mode it cannot make sense of as kiosk mode (fail closed)', () => {
    for (const text of [
      '{',
      '[]',
      'null',
      '{"target":"../x"}',
      JSON.stringify({ ...MODE, components: [1] }),
    ])
      expect(readKioskMode(text)).toEqual(FALLBACK_MODE);
    expect(readKioskMode(null)).toBeUndefined();
    expect(readKioskMode(JSON.stringify(MODE))).toEqual(MODE);
  });
});

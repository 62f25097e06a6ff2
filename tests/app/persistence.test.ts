/**
 * Persistent storage and a full quota, in Node with a fake `navigator.storage`: the app asks
 * once at start (not again when already granted), reports the answer and the usage, can ask
 * again; a QuotaExceededError (also wrapped as a cause) becomes a sentence saying nothing
 * saved before was lost.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import {
  createPersistence,
  isQuotaExceeded,
  storageFailure,
  type StorageManagerLike,
} from '../../src/app/persistence.ts';

function fakeStorage(answers: boolean[], persisted = false) {
  const asked: string[] = [];
  const storage: StorageManagerLike = {
    async persisted() {
      asked.push('persisted');
      return persisted;
    },
    async persist() {
      asked.push('persist');
      return answers.shift() ?? false;
    },
    async estimate() {
      return { usage: 1536, quota: 10 * 1024 ** 3 };
    },
  };
  return { storage, asked };
}

const settle = () => new Promise((done) => setTimeout(done, 0));

describe('persistent storage', () => {
  it('asks once at start and shows the answer and the usage', async () => {
    const { storage, asked } = fakeStorage([false]);
    const service = createRoot(() => createPersistence(storage));
    expect(service.persistence()).toBe('checking');
    await settle();
    expect(service.persistence()).toBe('not-granted');
    expect(service.use()).toEqual({ usage: 1536, quota: 10 * 1024 ** 3 });
    expect(asked).toEqual(['persisted', 'persist']);
  });

  it('does not ask when the data is already kept', async () => {
    const { storage, asked } = fakeStorage([], true);
    const service = createRoot(() => createPersistence(storage));
    await settle();
    expect(service.persistence()).toBe('granted');
    expect(asked).toEqual(['persisted']);
  });

  it('asks again on request and shows the new answer', async () => {
    const { storage } = fakeStorage([false, true]);
    const service = createRoot(() => createPersistence(storage));
    await settle();
    expect(await service.request()).toBe('granted');
    expect(service.persistence()).toBe('granted');
  });

  it('says so where the browser has no storage manager', () => {
    const service = createRoot(() => createPersistence(undefined));
    expect(service.persistence()).toBe('unsupported');
  });
});

describe('a full quota', () => {
  const full = new DOMException('The quota has been exceeded.', 'QuotaExceededError');

  it('is recognised, also as the cause of another error', () => {
    expect(isQuotaExceeded(full)).toBe(true);
    expect(isQuotaExceeded(new Error('write failed', { cause: full }))).toBe(true);
    expect(isQuotaExceeded(new DOMException('gone', 'NotFoundError'))).toBe(false);
    expect(isQuotaExceeded('QuotaExceededError')).toBe(false);
  });

  it('is said in plain words: what was not saved, that nothing was lost, what to do', () => {
    const said = storageFailure(full, 'the rest of this ledger file');
    expect(said).toContain('storage for patchtrail is full');
    expect(said).toContain('the rest of this ledger file could not be saved');
    expect(said).toContain('Nothing saved before was lost');
    expect(storageFailure(new Error('disk on fire'), 'x')).toBe('disk on fire');
  });
});

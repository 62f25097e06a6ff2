/**
 * The Inbox service (src/app/inbox.ts) in Node: what it keeps across reloads, and when it does
 * not, why: a file over the limit, refused before it is read, is not a storage refusal.
 */
import { describe, expect, it } from 'vitest';
import { createInbox, INBOX_CHANNEL, type InboxStore } from '../../src/app/inbox.ts';
import { makeServices } from '../../src/app/services.ts';
import { createBundle, makeSeedSigner, serializeBundle, utf8Encode } from '../../src/core/index.ts';
import type { StoredBundle } from '../../src/storage/inbox-store.ts';

const bundles = makeServices({
  startWorker: () => {
    throw new Error('no worker in Node');
  },
});

function memoryStore(refuse = false): InboxStore & { kept: StoredBundle[] } {
  const kept: StoredBundle[] = [];
  return {
    kept,
    readInbox: async () => [],
    readBundle: async (key) => kept.find((bundle) => bundle.key === key),
    keepBundle: async (bundle) => {
      if (refuse) throw new DOMException('quota', 'QuotaExceededError');
      kept.splice(0, kept.length, ...kept.filter((other) => other.key !== bundle.key), bundle);
    },
    forgetBundle: async (key) => {
      kept.splice(0, kept.length, ...kept.filter((bundle) => bundle.key !== key));
    },
  };
}

async function bundleFile(name: string) {
  const signer = await makeSeedSigner(new Uint8Array(32).fill(4));
  const diff = '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n';
  const bytes = utf8Encode(
    serializeBundle(await createBundle({ diff, signer, reason: 'x', now: new Date(0) })),
  );
  return { name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer };
}

describe('the Inbox keeps a file, or says why not', () => {
  it('keeps a bundle it could store', async () => {
    const store = memoryStore();
    const inbox = createInbox(bundles, { store });
    const item = await inbox.open(await bundleFile('fix.json'));
    expect(item.keeping).toBe('kept');
    expect(store.kept.map((b) => b.fileName)).toEqual(['fix.json']);
  });

  it('says a file over the limit was too large, not that storage refused it', async () => {
    const store = memoryStore();
    const inbox = createInbox(bundles, { store });
    const huge = {
      name: 'huge.json',
      size: bundles.maxBundleBytes + 1,
      arrayBuffer: () => Promise.reject(new Error('read a file over the limit')),
    };
    const item = await inbox.open(huge);
    expect(item.check.problem?.code).toBe('TOO_LARGE');
    expect(item.keeping).toBe('too-large');
    expect(store.kept).toEqual([]);
  });

  it('says when this browser refused to store a bundle', async () => {
    const inbox = createInbox(bundles, { store: memoryStore(true) });
    const item = await inbox.open(await bundleFile('fix.json'));
    expect(item.keeping).toBe('storage-refused');
  });
});

describe('two tabs share the kept Inbox', () => {
  /** Two tabs of one browser: one store, each tab its own channel of the same name. */
  function twoTabs() {
    const store = memoryStore();
    const channels = [new BroadcastChannel(INBOX_CHANNEL), new BroadcastChannel(INBOX_CHANNEL)];
    const [one, two] = channels.map((channel) => createInbox(bundles, { store, channel }));
    if (one === undefined || two === undefined) throw new Error('two tabs expected');
    const close = () => channels.forEach((channel) => channel.close());
    return { one, two, close };
  }

  it('lists in one tab a bundle the other kept, and drops one the other removed', async () => {
    const { one, two, close } = twoTabs();
    try {
      const item = await one.open(await bundleFile('fix.json'));
      await expect.poll(() => two.find(item.key)?.fileName).toBe('fix.json');
      expect(await two.holds(item.key)).toBe(true);

      await two.remove(item.key);
      await expect.poll(() => one.find(item.key)).toBeUndefined();
      expect(await one.holds(item.key)).toBe(false);
    } finally {
      close();
    }
  });

  it('knows a bundle is gone when the other tab removed it before the news came', async () => {
    const store = memoryStore();
    const inbox = createInbox(bundles, { store });
    const item = await inbox.open(await bundleFile('fix.json'));
    await store.forgetBundle(item.key); // another tab's removal, not heard of yet
    expect(inbox.find(item.key)).toBeDefined();
    expect(await inbox.holds(item.key)).toBe(false);
  });
});

/**
 * The Inbox service (src/app/inbox.ts) in Node: what it keeps across reloads, and when it does
 * not, why: a file over the limit, refused before it is read, is not a storage refusal.
 */
import { describe, expect, it } from 'vitest';
import { createInbox, type InboxStore } from '../../src/app/inbox.ts';
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
    keepBundle: async (bundle) => {
      if (refuse) throw new DOMException('quota', 'QuotaExceededError');
      kept.push(bundle);
    },
    forgetBundle: async () => {},
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

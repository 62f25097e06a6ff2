/**
 * The app's apply service in Node: it runs as busy 'apply' work (so an update waits for it),
 * and refuses, before touching any workspace, a bundle with no trusted authors set, a bundle
 * by someone else, and a forged one. Applying to a real OPFS workspace is driven in Chromium
 * (tests/e2e/offline.test.ts); Node has no OPFS.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { makeApplier } from '../../src/app/apply.ts';
import { createBusy } from '../../src/app/busy.ts';
import { makeLocalLocks } from '../../src/app/locks.ts';
import { serializeBundle } from '../../src/core/index.ts';
import { sampleBundle, signer } from '../helpers/bundles.ts';

async function setup() {
  const busy = createRoot(() => createBusy(makeLocalLocks()));
  const text = serializeBundle(await sampleBundle(1));
  const bytes = new TextEncoder().encode(text);
  const author = (await signer(1)).did;
  return { busy, applier: makeApplier(busy), text, bytes, author };
}

const request = (bytes: Uint8Array, trusted: string[]) => ({
  bytes,
  workspace: 'plant-a',
  trusted,
  label: 'fix.json',
});

describe('apply service', () => {
  it('runs as busy apply work, named for the banner, until it settles', async () => {
    const { busy, applier, bytes } = await setup();
    const running = applier.applyToWorkspace(request(bytes, []));
    expect(busy.tasks().map((t) => [t.kind, t.label])).toEqual([
      ['apply', 'applying fix.json to plant-a'],
    ]);
    await running;
    expect(busy.tasks()).toEqual([]);
  });

  it('refuses to apply when no author is trusted on this device', async () => {
    const { applier, bytes } = await setup();
    expect(await applier.applyToWorkspace(request(bytes, []))).toMatchObject({
      ok: false,
      code: 'UNKNOWN_AUTHOR',
    });
  });

  it('refuses a bundle whose author is not among the trusted', async () => {
    const { applier, bytes } = await setup();
    const stranger = (await signer(9)).did;
    expect(await applier.applyToWorkspace(request(bytes, [stranger]))).toMatchObject({
      ok: false,
      code: 'UNKNOWN_AUTHOR',
    });
  });

  it('refuses a forged bundle with its code, not an exception', async () => {
    const { applier, text, author } = await setup();
    const reason = 'Fix greeting typo';
    const payload = JSON.parse(text).envelope.payload as string;
    const altered = Buffer.from(
      Buffer.from(payload, 'base64').toString('utf8').replace(reason, 'Fix greeting, and more'),
    ).toString('base64');
    const forged = new TextEncoder().encode(text.replace(payload, altered));
    const outcome = await applier.applyToWorkspace(request(forged, [author]));
    expect(outcome).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });
});

/**
 * The kiosk world the app tests share: a team founded by this device (a real WebCrypto key
 * over fake-indexeddb) that endorses itself with the kiosk role, an author and a reviewer
 * (Rita), a policy needing Rita's review; a kiosk over a memory tree and a folder held in a Map.
 */
import 'fake-indexeddb/auto';
import { createRoot } from 'solid-js';
import { expect } from 'vitest';
import { createBusy } from '../../src/app/busy.ts';
import { createDevice } from '../../src/app/device.ts';
import { createInbox } from '../../src/app/inbox.ts';
import { createKiosk, type KioskIo } from '../../src/app/kiosk.ts';
import { makeKioskGuard, type KeyValueStore } from '../../src/app/kiosk-guard.ts';
import { makeServices } from '../../src/app/services.ts';
import { createSync } from '../../src/app/sync.ts';
import { createTeams } from '../../src/app/team.ts';
import { makeLocalLocks } from '../../src/app/locks.ts';
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  serializeBundle,
  utf8Encode,
  type Bundle,
  type MemoryTree,
  type Signer,
} from '../../src/core/index.ts';
import type { Json } from '../../src/core/encoding/canonical-json.ts';

export const T = '2026-11-22T11:00:00Z';
export const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
const rules = (extra: Json[] = []): Json[] => [
  {
    id: 'review',
    kind: 'attestations',
    mode: 'enforce',
    reason: 'reviewed',
    count: 1,
    from: { roles: ['reviewer'] },
  },
  ...extra,
];
export const policy = (version: number, extra: Json[] = []): { [key: string]: Json } => ({
  format: 'urn:patchtrail:policy:v1',
  version,
  name: 'kiosks',
  rules: rules(extra),
});

export async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export { memoryStore } from '../helpers/key-value-store.ts';

/** A kiosk over a memory tree and a folder of files held in a Map. */
export function start(
  tree: MemoryTree,
  folder: Map<string, Uint8Array>,
  store: KeyValueStore,
  now = T,
  more: Partial<KioskIo> = {},
) {
  const io: KioskIo = {
    ...more,
    openTarget: () => Promise.resolve(tree),
    listFolder: () =>
      Promise.resolve(
        [...folder].map(([name, bytes]) => ({
          name,
          signature: `${bytes.length}`,
          file: new File([bytes.slice()], name),
        })),
      ),
  };
  return createRoot((dispose) => {
    const bundles = makeServices({
      startWorker: () => {
        throw new Error('no worker in Node');
      },
    });
    const device = createDevice();
    const busy = createBusy(makeLocalLocks());
    const teams = createTeams(device, createSync(undefined), busy);
    const inbox = createInbox(bundles);
    const guard = makeKioskGuard({ store });
    const kiosk = createKiosk(teams, inbox, device, {
      ...{ guard, io, store, busy, pollMs: 50 },
      now: () => new Date(now),
    });
    return { device, teams, inbox, kiosk, io, dispose };
  });
}
export type App = ReturnType<typeof start>;

export const seed = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
export const bytesOf = (bundle: Bundle) => utf8Encode(serializeBundle(bundle));

/** Founds a team on this device: an author, a reviewer, the policy; the device as a kiosk. */
export async function team(app: App, kioskRole = true) {
  await until(() => (app.teams.phase().kind === 'none' ? true : undefined), 'no team');
  expect(await app.teams.found('Lobby')).toEqual({ ok: true });
  const open = await until(() => {
    const phase = app.teams.phase();
    return phase.kind === 'open' ? phase.team : undefined;
  }, 'an open team');
  const admin = await app.device.ready();
  const [author, rita] = [await seed(1), await seed(2)];
  const { ledger } = open;
  await ledger.append(author, 'register', { name: 'Ada (author)' }, T);
  await ledger.append(rita, 'register', { name: 'Rita' }, T);
  await ledger.append(admin, 'endorse', { subject: author.did, role: 'developer', stake: 10 }, T);
  await ledger.append(admin, 'endorse', { subject: rita.did, role: 'reviewer', stake: 10 }, T);
  if (kioskRole)
    await ledger.append(admin, 'endorse', { subject: admin.did, role: 'kiosk', stake: 1 }, T);
  await ledger.append(admin, 'policy', { version: 1, policy: policy(1) }, T);
  await open.settle();
  return { open, admin, author, rita };
}

export async function bundles(author: Signer, rita: Signer, reason = 'new mode') {
  const plain = await createBundle({
    diff: DIFF,
    signer: author,
    reason,
    now: new Date(T),
  });
  const review = (verdict: 'pass' | 'fail') =>
    appendAttestation(plain, { signer: rita, role: 'reviewer', verdict, now: new Date(T) });
  return { reviewed: await review('pass'), failed: await review('fail') };
}

export const content = (tree: MemoryTree) =>
  new TextDecoder().decode(tree.snapshot().get('app.conf')?.content);

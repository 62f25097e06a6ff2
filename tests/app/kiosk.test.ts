/**
 * The kiosk's unattended loop in Node: a team founded by this device (a real WebCrypto key
 * over fake-indexeddb), which endorses itself with the kiosk role; bundles dropped into its
 * folder (a fake folder) or published by peers; a memory tree as its target. It applies an
 * allowed bundle once (recorded with tree hashes), refuses a denied one once with the reason,
 * rolls back what an admin flags, waits when the ledger is too old, and after a restart says
 * whether an interrupted apply left the target all-old or all-new.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createRoot } from 'solid-js';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBusy } from '../../src/app/busy.ts';
import { createDevice } from '../../src/app/device.ts';
import { createInbox } from '../../src/app/inbox.ts';
import { createKiosk, type KioskIo } from '../../src/app/kiosk.ts';
import { makeKioskGuard, type KeyValueStore } from '../../src/app/kiosk-guard.ts';
import { makeKioskMemory } from '../../src/app/kiosk-record.ts';
import { targetEvents } from '../../src/app/kiosk-ledger.ts';
import { makeServices } from '../../src/app/services.ts';
import { createSync } from '../../src/app/sync.ts';
import { createTeams } from '../../src/app/team.ts';
import { makeLocalLocks } from '../../src/app/locks.ts';
import {
  appendAttestation,
  createBundle,
  makeMemoryTree,
  makeSeedSigner,
  serializeBundle,
  treeHash,
  utf8Encode,
  type Bundle,
  type MemoryTree,
  type Signer,
} from '../../src/core/index.ts';
import type { Json } from '../../src/core/encoding/canonical-json.ts';
import { publishBody } from '../helpers/publish.ts';

const T = '2026-11-22T11:00:00Z';
const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
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
const policy = (version: number, extra: Json[] = []): { [key: string]: Json } => ({
  format: 'urn:patchtrail:policy:v1',
  version,
  name: 'kiosks',
  rules: rules(extra),
});

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/** A kiosk over a memory tree and a folder of files held in a Map. */
function start(tree: MemoryTree, folder: Map<string, Uint8Array>, store: KeyValueStore, now = T) {
  const io: KioskIo = {
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
    return { device, teams, inbox, kiosk, dispose };
  });
}
type App = ReturnType<typeof start>;

const seed = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const bytesOf = (bundle: Bundle) => utf8Encode(serializeBundle(bundle));

/** Founds a team on this device: an author, a reviewer, the policy; the device as a kiosk. */
async function team(app: App, kioskRole = true) {
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

async function bundles(author: Signer, rita: Signer) {
  const plain = await createBundle({
    diff: DIFF,
    signer: author,
    reason: 'new mode',
    now: new Date(T),
  });
  const review = (verdict: 'pass' | 'fail') =>
    appendAttestation(plain, { signer: rita, role: 'reviewer', verdict, now: new Date(T) });
  return { reviewed: await review('pass'), failed: await review('fail') };
}

const content = (tree: MemoryTree) =>
  new TextDecoder().decode(tree.snapshot().get('app.conf')?.content);

describe('the kiosk', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('will not enter kiosk mode on a device without the kiosk role', async () => {
    const app = start(makeMemoryTree({ 'app.conf': 'mode=old\n' }), new Map(), memoryStore());
    await team(app, false);
    const answer = app.kiosk.enter({ components: [] });
    expect(answer).toEqual({
      ok: false,
      reason: expect.stringContaining('“kiosk” role') as string,
    });
    expect(app.kiosk.mode()).toBeUndefined();
    app.dispose();
  });

  it('applies an allowed bundle from its folder once, recorded with the tree hashes', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { open, author, rita } = await team(app);
    const before = await treeHash(tree);
    expect(app.kiosk.enter({ components: [] })).toEqual({ ok: true });
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    const status = await until(
      () => (app.kiosk.status().current === undefined ? undefined : app.kiosk.status()),
      'the applied version',
    );
    expect(content(tree)).toBe('mode=new\n');
    expect(status).toMatchObject({
      state: 'up-to-date',
      current: { name: 'new mode', what: 'applied', source: 'folder', tree: await treeHash(tree) },
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // several more passes
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => e.reason)).toEqual(['applied']);
    expect(events[0]).toMatchObject({ treeBefore: before, treeAfter: await treeHash(tree) });
    app.dispose();
  });

  it('refuses a denied bundle with the reason, recorded once, and applies nothing', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { open, author, rita } = await team(app);
    app.kiosk.enter({ components: [] });
    folder.set('bad.json', bytesOf((await bundles(author, rita)).failed));
    const row = await until(() => app.kiosk.status().waiting[0], 'a waiting row');
    expect(row).toMatchObject({ state: 'refused', code: 'POLICY_DENIED', source: 'folder' });
    expect(row.why.join(' ')).toContain('Rita');
    expect(app.kiosk.status().state).toBe('needs-attention');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => [e.reason, e.code])).toEqual([['rejected', 'POLICY_DENIED']]);
    expect(content(tree)).toBe('mode=old\n');
    app.dispose();
  });

  it('rolls back an applied patch when an admin flags it, and records it', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { open, admin, author, rita } = await team(app);
    app.kiosk.enter({ components: [] });
    const { reviewed } = await bundles(author, rita);
    folder.set('fix.json', bytesOf(reviewed));
    await until(() => app.kiosk.status().current, 'applied');
    const patch = app.kiosk.status().current?.patch ?? '';
    await open.ledger.append(admin, 'flag', { patch, compromised: true, evidence: 'CVE' }, T);
    await open.settle();
    await until(
      () => (app.kiosk.status().lastUpdate?.what === 'rolled-back' ? true : undefined),
      'rolled back',
    );
    expect(content(tree)).toBe('mode=old\n');
    expect(app.kiosk.status().current).toBeUndefined();
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => e.reason)).toEqual(['applied', 'rolled-back']);
    expect(events[1]?.parent).toBe(events[0]?.id);
    app.dispose();
  });

  it('rolls back an update whose post-apply check fails, recorded, and needs attention', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { open, admin, author, rita } = await team(app);
    const health = {
      ...{ id: 'health', kind: 'post-apply', mode: 'enforce' },
      checks: [{ path: 'app.conf', contains: 'healthy' }],
    };
    await open.ledger.append(admin, 'policy', { version: 2, policy: policy(2, [health]) }, T);
    await open.settle();
    app.kiosk.enter({ components: [] });
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    const last = await until(() => app.kiosk.status().lastUpdate, 'the last update');
    expect(last).toMatchObject({
      what: 'rolled-back',
      code: 'POST_APPLY_FAILED',
      source: 'folder',
    });
    expect(last.note).toContain('rule health: app.conf');
    expect(app.kiosk.status()).toMatchObject({ state: 'needs-attention' });
    expect(app.kiosk.status().current).toBeUndefined();
    expect(content(tree)).toBe('mode=old\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => e.reason)).toEqual(['applied', 'rolled-back']);
    app.dispose();
  });

  it('takes a bundle a peer published for its components, and not one for others', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const app = start(tree, new Map(), memoryStore());
    const { open, author, rita } = await team(app);
    app.kiosk.enter({ components: ['signage/**'] });
    const make = (components: string[]) =>
      createBundle({
        diff: DIFF,
        signer: author,
        reason: components[0] ?? '',
        components,
        now: new Date(T),
      });
    for (const b of [await make(['billing']), await make(['signage/player'])]) {
      const reviewed = await appendAttestation(b, {
        ...{ signer: rita, role: 'reviewer', verdict: 'pass' },
        now: new Date(T),
      });
      const bytes = bytesOf(reviewed);
      const file = {
        name: 'x.json',
        size: bytes.length,
        arrayBuffer: async () => bytes.slice().buffer,
      };
      const item = await app.inbox.open(file, 'peer');
      if (item.check.report === undefined) throw new Error('not verified');
      await open.ledger.append(author, 'publish', publishBody(item.check.report), T);
    }
    await open.settle();
    await until(() => app.kiosk.status().current, 'applied');
    expect(app.kiosk.status().current).toMatchObject({ name: 'signage/player', source: 'peer' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => e.reason)).toEqual(['applied']); // billing is not this kiosk's
    app.dispose();
  });

  it('applies nothing that needs fresher evidence when the ledger is too old, and says so', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    // The genesis is signed at this machine's time: three days on, the newest entry is too old.
    const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const app = start(tree, folder, memoryStore(), later);
    const { open, admin, author, rita } = await team(app);
    const fresh = { id: 'fresh', kind: 'freshness', mode: 'enforce', maxAgeSeconds: 3600 };
    await open.ledger.append(admin, 'policy', { version: 2, policy: policy(2, [fresh]) }, T);
    await open.settle();
    app.kiosk.enter({ components: [] });
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    const row = await until(() => app.kiosk.status().waiting[0], 'a waiting row');
    expect(row).toMatchObject({ state: 'stale', code: 'STALE_LEDGER' });
    expect(app.kiosk.status().freshness).toMatchObject({ stale: true, budgetSeconds: 3600 });
    expect(content(tree)).toBe('mode=old\n');
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events).toEqual([]);
    app.dispose();
  });

  it('after a restart, says an interrupted apply left the target all-old, then applies it', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const store = memoryStore();
    const folder = new Map<string, Uint8Array>();
    const first = start(tree, new Map(), store);
    const { author, rita } = await team(first);
    first.dispose();
    const { reviewed } = await bundles(author, rita);
    makeKioskMemory(store).update((m) => {
      m.inFlight = {
        ...{ patch: `sha256:${'00'.repeat(32)}`, name: 'new mode', source: 'folder' },
        ...{ decision: `sha256:${'11'.repeat(32)}`, started: T },
        treeBefore: '',
      };
    });
    const before = await treeHash(tree);
    makeKioskMemory(store).update((m) => m.inFlight && (m.inFlight.treeBefore = before));
    const app = start(tree, folder, store);
    await until(() => (app.teams.phase().kind === 'open' ? true : undefined), 'the team');
    app.kiosk.enter({ components: [] });
    await until(() => app.kiosk.status().recovery, 'the recovery');
    expect(app.kiosk.status().recovery).toMatchObject({ outcome: 'all-old', name: 'new mode' });
    folder.set('fix.json', bytesOf(reviewed));
    await until(() => app.kiosk.status().current, 'applied');
    expect(content(tree)).toBe('mode=new\n');
    app.dispose();
  });
});

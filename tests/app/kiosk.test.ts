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
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import { makeKioskMemory } from '../../src/app/kiosk-record.ts';
import { targetEvents } from '../../src/app/kiosk-ledger.ts';
import { STALE_NEXT } from '../../src/app/kiosk-run.ts';
import {
  PatchtrailError,
  appendAttestation,
  createBundle,
  makeMemoryTree,
  treeHash,
  utf8Encode,
} from '../../src/core/index.ts';
import { publishBody } from '../helpers/publish.ts';
import {
  bundles,
  bytesOf,
  content,
  DIFF,
  memoryStore,
  policy,
  start,
  T,
  team,
  until,
} from './kiosk-world.ts';

// The ledger refuses a record once: IndexedDB out of space (a thrown error), or a coded
// refusal, which the agent reports as a step that stopped.
const RECORD_FAILURES: [string, () => Error][] = [
  ['a storage error', () => new DOMException('the quota has been exceeded', 'QuotaExceededError')],
  ['a coded refusal', () => new PatchtrailError('TOO_LARGE', 'the entry is too large')],
];

/** Makes `ledger` refuse its first attestation for `reason`; `count` says how many were asked. */
function refuseOnce(ledger: Ledger, reason: string, failure: () => Error) {
  const append = ledger.append.bind(ledger);
  const refused = { count: 0 };
  ledger.append = ((...args: Parameters<typeof append>) => {
    const body = args[2] as { reason?: string };
    if (args[1] === 'attest' && body.reason === reason && refused.count++ === 0)
      return Promise.reject(failure());
    return append(...args);
  }) as typeof append;
  return refused;
}

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

  it('names an update by its reason cut to 120 characters (a reason may be 4,096)', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { author, rita } = await team(app);
    app.kiosk.enter({ components: [] });
    const long = 'W'.repeat(4096);
    folder.set('fix.json', bytesOf((await bundles(author, rita, long)).reviewed));
    const current = await until(() => app.kiosk.status().current, 'the applied version');
    expect(current.name).toBe(`${'W'.repeat(120)}…`);
    expect(app.kiosk.status().lastUpdate?.name).toBe(current.name);
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
    // In plain words, each fact once: the strongest reason (no review lifts it, so nothing is
    // said to be missing).
    expect(row.why).toEqual(['A registered reviewer marked this patch as failing (Rita).']);
    expect(app.kiosk.status().state).toBe('needs-attention');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => [e.reason, e.code])).toEqual([['rejected', 'POLICY_DENIED']]);
    expect(content(tree)).toBe('mode=old\n');
    app.dispose();
  });

  it('records an allowed update its tree cannot take once, not at every pass, and applies it once it can', async () => {
    // The kiosk's tree lacks the file the patch changes: every apply would fail.
    const tree = makeMemoryTree({ 'other.txt': 'x\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { open, author, rita } = await team(app);
    app.kiosk.enter({ components: [] });
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    const row = await until(() => app.kiosk.status().waiting[0], 'a waiting row');
    expect(row).toMatchObject({ state: 'failed', code: 'APPLY_CONFLICT' });
    await new Promise((resolve) => setTimeout(resolve, 400)); // many more passes
    const target = `${(await app.device.ready()).did}:workspace:kiosk`;
    expect(targetEvents(open.ledger, target).map((e) => [e.reason, e.code])).toEqual([
      ['rejected', 'APPLY_CONFLICT'],
    ]);
    // Once the tree holds the file, the next pass applies the update and records it.
    await tree.commit([
      { action: 'write', path: 'app.conf', content: utf8Encode('mode=old\n'), executable: false },
    ]);
    await until(() => app.kiosk.status().current, 'the applied version');
    expect(content(tree)).toBe('mode=new\n');
    expect(targetEvents(open.ledger, target).map((e) => e.reason)).toEqual(['rejected', 'applied']);
    app.dispose();
  });

  it('refuses a reviewed bundle holding a symbolic link no apply carries out, and says why', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { open, author, rita } = await team(app);
    app.kiosk.enter({ components: [] });
    const link =
      'diff --git a/current b/current\nnew file mode 120000\nindex 0000000..d09b807\n' +
      '--- /dev/null\n+++ b/current\n@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n';
    const plain = await createBundle({
      diff: DIFF + link,
      signer: author,
      reason: 'r',
      now: new Date(T),
    });
    const reviewed = await appendAttestation(plain, {
      ...{ signer: rita, role: 'reviewer', verdict: 'pass' as const, now: new Date(T) },
    });
    folder.set('link.json', bytesOf(reviewed));
    const row = await until(() => app.kiosk.status().waiting[0], 'a waiting row');
    expect(row).toMatchObject({ state: 'refused', code: 'MALFORMED_INPUT', source: 'folder' });
    expect(row.why[0]).toBe('It holds a change patchtrail cannot apply exactly.');
    expect(row.why[1]).toMatch(/^This bundle changes current \(a symbolic link\), and /);
    expect(app.kiosk.status().state).toBe('needs-attention');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events.map((e) => [e.reason, e.code])).toEqual([['rejected', 'MALFORMED_INPUT']]);
    expect(content(tree)).toBe('mode=old\n');
    expect([...tree.snapshot().keys()]).toEqual(['app.conf']);
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
    // The ledger's age against the limit is the evidence line's to say; the row says what next.
    expect(row.why).toEqual([STALE_NEXT]);
    expect(app.kiosk.status().freshness).toMatchObject({ stale: true, budgetSeconds: 3600 });
    expect(content(tree)).toBe('mode=old\n');
    const events = targetEvents(open.ledger, `${(await app.device.ready()).did}:workspace:kiosk`);
    expect(events).toEqual([]);
    app.dispose();
  });

  it('says a file caught while being written only until it is read whole, then applies it', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const folder = new Map<string, Uint8Array>();
    const app = start(tree, folder, memoryStore());
    const { author, rita } = await team(app);
    expect(app.kiosk.enter({ components: [] })).toEqual({ ok: true });
    // A new file is empty until its writer closes it (OPFS, File System Access).
    folder.set('fix.json', new Uint8Array(0));
    const problem = await until(() => app.kiosk.status().problems[0], 'the problem');
    expect(problem).toBe('fix.json is not a valid bundle');
    expect(app.kiosk.status().state).toBe('needs-attention');
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    const status = await until(
      () => (app.kiosk.status().current === undefined ? undefined : app.kiosk.status()),
      'the applied version',
    );
    await until(() => (app.kiosk.status().problems.length === 0 ? true : undefined), 'no problem');
    expect(content(tree)).toBe('mode=new\n');
    expect(status.current).toMatchObject({ name: 'new mode', what: 'applied' });
    expect(app.kiosk.status().state).toBe('up-to-date');
    // A file that is not a bundle and stays is said for as long as it is there.
    folder.set('notes.txt', new TextEncoder().encode('hello'));
    await until(() => app.kiosk.status().problems[0], 'the notes problem');
    expect(app.kiosk.status().problems).toEqual(['notes.txt is not a valid bundle']);
    folder.delete('notes.txt');
    await until(() => (app.kiosk.status().problems.length === 0 ? true : undefined), 'gone');
    app.dispose();
  });

  it.each(RECORD_FAILURES)(
    'an apply whose record fails (%s) stays remembered, stops the pass and is recorded next',
    async (_, failure) => {
      const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
      const folder = new Map<string, Uint8Array>();
      const store = memoryStore();
      const app = start(tree, folder, store);
      const { open, author, rita } = await team(app);
      const before = await treeHash(tree);
      const refused = refuseOnce(open.ledger, 'applied', failure);
      expect(app.kiosk.enter({ components: [] })).toEqual({ ok: true });
      folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
      const problem = await until(() => app.kiosk.status().problems?.[0], 'the problem');
      expect(problem).toMatch(/the quota|record could not be written to the ledger/);
      expect(content(tree)).toBe('mode=new\n');
      // The next pass (the kiosk polls every 50 ms here) records it as the tree stands.
      const target = `${(await app.device.ready()).did}:workspace:kiosk`;
      const events = await until(() => {
        const found = targetEvents(open.ledger, target);
        return found.length > 0 ? found : undefined;
      }, 'the applied record');
      expect(refused.count).toBeGreaterThanOrEqual(2);
      expect(events.map((e) => e.reason)).toEqual(['applied']);
      expect(events[0]).toMatchObject({ treeBefore: before, treeAfter: await treeHash(tree) });
      const status = await until(
        () => (app.kiosk.status().current === undefined ? undefined : app.kiosk.status()),
        'the applied version',
      );
      expect(status).toMatchObject({ state: 'up-to-date', current: { what: 'applied' } });
      expect(status.problems ?? []).toEqual([]);
      // Settled as it ran, not announced as an interruption after a restart.
      expect(status.recovery).toBeUndefined();
      expect(makeKioskMemory(store).get().inFlight).toBeUndefined();
      app.dispose();
    },
  );

  it.each(RECORD_FAILURES)(
    'a rollback whose record fails (%s) stays remembered, stops the pass and is recorded next',
    async (_, failure) => {
      const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
      const folder = new Map<string, Uint8Array>();
      const store = memoryStore();
      const app = start(tree, folder, store);
      const { open, admin, author, rita } = await team(app);
      app.kiosk.enter({ components: [] });
      folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
      await until(() => app.kiosk.status().current, 'applied');
      const applied = await treeHash(tree);
      const refused = refuseOnce(open.ledger, 'rolled-back', failure);
      const patch = app.kiosk.status().current?.patch ?? '';
      await open.ledger.append(admin, 'flag', { patch, compromised: true, evidence: 'CVE' }, T);
      await open.settle();
      const problem = await until(() => app.kiosk.status().problems?.[0], 'the problem');
      expect(problem).toMatch(/the quota|record could not be written to the ledger/);
      expect(content(tree)).toBe('mode=old\n');
      // The next pass records the rollback as the tree stands, once, and tries nothing again.
      const target = `${(await app.device.ready()).did}:workspace:kiosk`;
      const events = await until(() => {
        const found = targetEvents(open.ledger, target);
        return found.length > 1 ? found : undefined;
      }, 'the rolled-back record');
      await new Promise((resolve) => setTimeout(resolve, 300)); // more passes
      expect(refused.count).toBeGreaterThanOrEqual(2);
      expect(targetEvents(open.ledger, target).map((e) => e.reason)).toEqual([
        'applied',
        'rolled-back',
      ]);
      expect(events[1]).toMatchObject({
        ...{ treeBefore: applied, treeAfter: await treeHash(tree) },
        parent: events[0]?.id,
      });
      const status = await until(
        () => (app.kiosk.status().problems.length === 0 ? app.kiosk.status() : undefined),
        'no problem left',
      );
      expect(status.current).toBeUndefined();
      expect(status.recovery).toBeUndefined();
      expect(makeKioskMemory(store).get().inFlight).toBeUndefined();
      app.dispose();
    },
  );

  it('after a restart, finishes a rollback that reached the files but not the ledger', async () => {
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const store = memoryStore();
    const folder = new Map<string, Uint8Array>();
    const first = start(tree, folder, store);
    const { open, author, rita } = await team(first);
    first.kiosk.enter({ components: [] });
    folder.set('fix.json', bytesOf((await bundles(author, rita)).reviewed));
    const current = await until(() => first.kiosk.status().current, 'applied');
    const applied = await treeHash(tree);
    await open.settle();
    first.dispose();
    // The page died after the rollback's commit, before `rolled-back` was recorded.
    makeKioskMemory(store).update((m) => {
      m.inFlight = {
        ...{ kind: 'rollback', patch: current.patch, name: 'new mode', source: 'folder' },
        ...{ decision: '', started: T, treeBefore: applied },
      };
    });
    await tree.commit([
      { action: 'write', path: 'app.conf', content: utf8Encode('mode=old\n'), executable: false },
    ]);
    const app = start(tree, folder, store);
    await until(() => (app.teams.phase().kind === 'open' ? true : undefined), 'the team');
    app.kiosk.enter({ components: [] });
    const recovery = await until(() => app.kiosk.status().recovery, 'the recovery');
    expect(recovery).toMatchObject({ kind: 'rollback', outcome: 'all-new', name: 'new mode' });
    const phase = app.teams.phase();
    if (phase.kind !== 'open') throw new Error('no team');
    const target = `${(await app.device.ready()).did}:workspace:kiosk`;
    const events = targetEvents(phase.team.ledger, target);
    expect(events.map((e) => e.reason)).toEqual(['applied', 'rolled-back']);
    expect(events[1]).toMatchObject({ treeBefore: applied, parent: events[0]?.id });
    expect(content(tree)).toBe('mode=old\n');
    expect(makeKioskMemory(store).get().inFlight).toBeUndefined();
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

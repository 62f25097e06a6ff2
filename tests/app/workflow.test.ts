/**
 * The patch workflow in Node: a team founded by this device (a real, non-extractable WebCrypto
 * key over fake-indexeddb) publishes a policy; bundles made here land in the Inbox, which keeps
 * them across a restart; each gets the verdict the policy in force gives, in plain words, with
 * what is missing and who could supply it; attest records an entry; apply, dry-run and roll
 * back run through the agent on a memory tree, and a denied patch is refused by the service.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createRoot } from 'solid-js';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBusy } from '../../src/app/busy.ts';
import { makeLocalLocks } from '../../src/app/locks.ts';
import { createDevice } from '../../src/app/device.ts';
import { createInbox } from '../../src/app/inbox.ts';
import { applyToTarget, finishInterrupted, rollbackOnTarget } from '../../src/app/patch-actions.ts';
import { policyInForce } from '../../src/app/patch-verdict.ts';
import { makeServices } from '../../src/app/services.ts';
import { createSync } from '../../src/app/sync.ts';
import { createTeams } from '../../src/app/team.ts';
import { createWorkflow } from '../../src/app/workflow.ts';
import {
  appendAttestation,
  PatchtrailError,
  createBundle,
  makeMemoryTree,
  makeSeedSigner,
  serializeBundle,
  treeHash,
  utf8Encode,
  type Bundle,
  type Signer,
} from '../../src/core/index.ts';
import { staffPlant4 } from '../helpers/plant4-team.ts';

const T = '2026-11-22T11:00:00Z';
const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
const POLICY = {
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  name: 'field',
  rules: [
    {
      id: 'review',
      kind: 'attestations',
      mode: 'enforce',
      reason: 'reviewed',
      count: 1,
      from: { roles: ['reviewer'] },
    },
  ],
};

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function start() {
  return createRoot((dispose) => {
    const bundles = makeServices({
      startWorker: () => {
        throw new Error('no worker in Node');
      },
    });
    const device = createDevice();
    const teams = createTeams(device, createSync(undefined), createBusy(makeLocalLocks()));
    const inbox = createInbox(bundles);
    const workflow = createWorkflow(inbox, teams, device, () => new Date(T));
    return { device, teams, inbox, workflow, dispose };
  });
}
type App = ReturnType<typeof start>;

const fileOf = (name: string, bundle: Bundle) => {
  const bytes = utf8Encode(serializeBundle(bundle));
  return { name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer };
};

/** Founds a team on this device and fills it: an author, two reviewers, the policy. */
async function team(app: App) {
  await until(() => (app.teams.phase().kind === 'none' ? true : undefined), 'no team');
  expect(await app.teams.found('Plant 4')).toEqual({ ok: true });
  const open = await until(() => {
    const phase = app.teams.phase();
    return phase.kind === 'open' ? phase.team : undefined;
  }, 'an open team');
  const admin = await app.device.ready();
  const [author, rita, sam] = [await seed(1), await seed(2), await seed(3)];
  const { ledger } = open;
  await staffPlant4(ledger, admin, { author, rita, sam, authorName: 'Ada (author)' }, POLICY, T);
  await open.settle();
  return { open, admin, author, rita, sam };
}

const seed = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

async function bundles(author: Signer, rita: Signer) {
  const plain = await createBundle({
    diff: DIFF,
    signer: author,
    reason: 'new mode',
    now: new Date(T),
  });
  const reviewed = await appendAttestation(plain, {
    signer: rita,
    role: 'reviewer',
    verdict: 'pass',
    now: new Date(T),
  });
  const failed = await appendAttestation(plain, {
    signer: rita,
    role: 'reviewer',
    verdict: 'fail',
    note: 'Breaks the login banner',
    now: new Date(T),
  });
  const stranger = await createBundle({
    diff: DIFF,
    signer: await seed(9),
    reason: 'x',
    now: new Date(T),
  });
  return { plain, reviewed, failed, stranger };
}

/** A founded team, its bundles, and what acting on a target with this device's key takes. */
async function acting(app: App) {
  const { author, rita, open } = await team(app);
  const b = await bundles(author, rita);
  const signer = await app.device.ready();
  const context = { ledger: open.ledger, signer, now: new Date(T) };
  return { open, b, signer, context, policy: await policyInForce(open.ledger) };
}

async function verdictOf(app: App, key: string) {
  return until(() => app.workflow.verdict(key), `the verdict on ${key}`);
}

describe('the patch workflow', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('says in plain words what the policy in force decides, naming people', async () => {
    const app = start();
    const { author, rita } = await team(app);
    const b = await bundles(author, rita);
    const needs = await app.inbox.open(fileOf('plain.json', b.plain));
    const verdict = await verdictOf(app, needs.key);
    expect(verdict.state).toBe('needs-review');
    // Under the headline, plain words; the rule's own ("0 of 1 `reviewed`…") only in the list.
    expect(verdict.because).toEqual([
      'Every other rule of the policy in force passes: with what is listed below, it can be applied here.',
    ]);
    expect(verdict.missing).toEqual([
      { text: 'needs 1 more review by a reviewer', who: ['Rita', 'Sam'], failedIt: [] },
    ]);
    expect(verdict.codes).toEqual(['POLICY_DENIED']);
    expect(verdict.rules.find((r) => r.id === 'review')).toMatchObject({
      outcome: 'fail',
      observed: '0',
    });

    const allowed = await app.inbox.open(fileOf('reviewed.json', b.reviewed));
    await until(
      () => (app.workflow.status(allowed.key) === 'allowed' ? true : undefined),
      'allowed',
    );
    expect(app.workflow.verdict(allowed.key)?.headline).toBe('Safe to apply on this device');

    const failed = await app.inbox.open(fileOf('failed.json', b.failed));
    await until(() => (app.workflow.status(failed.key) === 'denied' ? true : undefined), 'denied');
    expect(app.workflow.verdict(failed.key)?.headline).toBe(
      'Do not apply: a registered reviewer marked this patch as failing (Rita)',
    );
    // Who failed it and why, and what to do: no review lifts it (Sam's would not), a new
    // version of the patch does.
    expect(app.workflow.verdict(failed.key)?.because).toEqual([
      'Rita signed a “fail” verdict into this bundle: “Breaks the login banner”.',
      'Another review does not lift it: ask Ada (author), its author, for a new version of the patch that answers it.',
    ]);
    expect(app.workflow.verdict(failed.key)?.missing).toEqual([]);

    const stranger = await app.inbox.open(fileOf('stranger.json', b.stranger));
    const unknown = await verdictOf(app, stranger.key);
    expect(unknown).toMatchObject({
      state: 'untrusted',
      headline: 'Signed, but not by anyone this team trusts',
      codes: ['UNKNOWN_AUTHOR'],
    });
    expect(unknown.signers[0]).toMatchObject({ counted: false, standing: 'unknown' });
    app.dispose();
  });

  it("says in plain words why a file is refused, the checker's message only for support", async () => {
    const app = start();
    const { author, rita } = await team(app);
    const b = await bundles(author, rita);
    const raw = (name: string, text: string) => {
      const bytes = utf8Encode(text);
      return { name, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer };
    };
    // The author's signature over another payload: the payload changed after signing.
    const tampered = {
      ...b.plain,
      envelope: { ...b.plain.envelope, payload: b.stranger.envelope.payload },
    };
    const cases = [
      [
        fileOf('tampered.json', tampered),
        'INVALID_SIGNATURE',
        'Do not apply: the signature does not match this bundle',
        'It was changed after it was signed',
      ],
      [
        raw('notes.txt', 'hello'),
        'MALFORMED_INPUT',
        'Do not apply: this file is not a valid patch bundle',
        'It is not a signed patch bundle',
      ],
      // The diff itself, as a forge or a mail hands it over: said to be unsigned, and how to sign it.
      [
        raw('fix.patch', DIFF),
        'MALFORMED_INPUT',
        'Do not apply: this is a plain diff, not a signed patch bundle',
        'Nobody signed it, so nothing says who wrote it',
      ],
    ] as const;
    for (const [file, code, headline, because] of cases) {
      const item = await app.inbox.open(file);
      const verdict = await verdictOf(app, item.key);
      expect(verdict).toMatchObject({ state: 'invalid', headline, codes: [code] });
      expect(verdict.because).toHaveLength(1);
      expect(verdict.because[0]).toContain(because);
      // The checker's own words are the problem's, shown beside the code, not the reason.
      expect(verdict.because[0]).not.toContain(item.check.problem?.message ?? '');
    }
    app.dispose();
  });

  it('keeps the Inbox across a restart and checks each bundle again', async () => {
    const app = start();
    const { author, rita } = await team(app);
    const b = await bundles(author, rita);
    const item = await app.inbox.open(fileOf('reviewed.json', b.reviewed), 'drop');
    app.dispose();
    const again = start();
    await until(() => (again.inbox.loaded() ? true : undefined), 'the kept Inbox');
    expect(again.inbox.items().map((i) => [i.key, i.fileName, i.source, i.check.verdict])).toEqual([
      [item.key, 'reviewed.json', 'drop', 'verified'],
    ]);
    await until(
      () => (again.workflow.status(item.key) === 'allowed' ? true : undefined),
      'allowed again',
    );
    again.dispose();
  });

  it('keeps every review when another copy of a patch arrives, in either order, and across a restart', async () => {
    const app = start();
    const { author, rita } = await team(app);
    const b = await bundles(author, rita);
    const reviewed = await app.inbox.open(fileOf('reviewed.json', b.reviewed), 'drop');
    await until(
      () => (app.workflow.status(reviewed.key) === 'allowed' ? true : undefined),
      'allowed',
    );
    // An older copy without the review: it adds nothing, and the review stays.
    const plain = await app.inbox.open(fileOf('plain.json', b.plain), 'drop');
    expect([plain.key, plain.fileName, plain.copy]).toEqual([
      reviewed.key,
      'plain.json',
      { fileName: 'reviewed.json', added: 0 },
    ]);
    expect(app.inbox.items()).toHaveLength(1);
    expect(app.workflow.status(reviewed.key)).toBe('allowed');
    app.dispose();
    // The other order, on a fresh device: the review arrives on the second copy and joins it.
    globalThis.indexedDB = new IDBFactory();
    const other = start();
    const second = await team(other);
    const c = await bundles(second.author, second.rita);
    await other.inbox.open(fileOf('plain.json', c.plain), 'drop');
    const joined = await other.inbox.open(fileOf('reviewed.json', c.reviewed), 'drop');
    expect([joined.fileName, joined.copy, joined.check.report?.attestations.length]).toEqual([
      'reviewed.json',
      { fileName: 'plain.json', added: 1 },
      1,
    ]);
    await until(
      () => (other.workflow.status(joined.key) === 'allowed' ? true : undefined),
      'allowed',
    );
    other.dispose();
    const again = start();
    await until(() => (again.inbox.loaded() ? true : undefined), 'the kept Inbox');
    expect(again.inbox.items().map((i) => [i.key, i.check.report?.attestations.length])).toEqual([
      [joined.key, 1],
    ]);
    again.dispose();
  });

  it('knows the roles this device holds, and says a revoked device was revoked, not that it is in no team', async () => {
    const app = start();
    const { author, rita, open, admin } = await team(app);
    const b = await bundles(author, rita);
    const item = await app.inbox.open(fileOf('plain.json', b.plain));
    // The founding admin holds no role: the Act panel says what its records count for.
    expect(await verdictOf(app, item.key)).toMatchObject({
      deviceRegistered: true,
      deviceRevoked: false,
      deviceRoles: [],
    });
    await open.ledger.append(admin, 'endorse', { subject: admin.did, role: 'tester', stake: 2 }, T);
    await open.settle();
    await until(
      () => (app.workflow.verdict(item.key)?.deviceRoles.join() === 'tester' ? true : undefined),
      'the role this device holds',
    );
    // This device, the founding admin of a threshold-1 team, revokes itself from its next entry.
    const next = (open.ledger.head(admin.did)?.seq ?? 0) + 1;
    await open.ledger.append(
      admin,
      'revoke',
      { subject: admin.did, from: next, reason: 'lost' },
      T,
    );
    await open.settle();
    await until(
      () => (app.workflow.verdict(item.key)?.deviceRevoked === true ? true : undefined),
      'the verdict of a revoked device',
    );
    expect(app.workflow.verdict(item.key)).toMatchObject({ deviceRegistered: false });
    app.dispose();
  });

  it('attests in one step with the device key', async () => {
    const app = start();
    const { author, rita, open } = await team(app);
    const b = await bundles(author, rita);
    const item = await app.inbox.open(fileOf('plain.json', b.plain));
    await verdictOf(app, item.key);
    const outcome = await app.workflow.attest(item.key, 'tested', 'ran the bench suite');
    expect(outcome).toMatchObject({ ok: true, status: 'attested' });
    const entry = open.ledger.get((outcome as { entry: string }).entry);
    expect(entry).toMatchObject({ author: (await app.device.ready()).did, kind: 'attest' });
    expect(entry?.body).toEqual({ patch: item.key, reason: 'tested', note: 'ran the bench suite' });
    app.dispose();
  });

  it('applies, dry-runs and rolls back through the agent, recording each; refuses a denied patch', async () => {
    const app = start();
    const { open, b, signer, context, policy } = await acting(app);
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const target = { name: `${signer.did}:workspace:main`, tree };
    const bytes = (bundle: Bundle) => utf8Encode(serializeBundle(bundle));

    const denied = await applyToTarget(context, bytes(b.failed), policy, target, false);
    expect(denied).toMatchObject({ ok: false, code: 'POLICY_DENIED' });
    expect(tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=old\n'));
    const rejected = open.ledger.get((denied as { entry: string }).entry)?.body;
    expect(rejected).toMatchObject({
      reason: 'rejected',
      code: 'POLICY_DENIED',
      target: target.name,
    });

    const dry = await applyToTarget(context, bytes(b.reviewed), policy, target, true);
    expect(dry).toMatchObject({
      ok: true,
      status: 'dry-run',
      files: [{ path: 'app.conf', kind: 'modify' }],
    });
    expect((dry as { hunks: unknown[] }).hunks).toEqual([
      { path: 'app.conf', hunk: 1, line: 1, offset: 0, fuzz: 0 },
    ]);
    expect(tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=old\n'));

    const applied = await applyToTarget(context, bytes(b.reviewed), policy, target, false);
    expect(applied).toMatchObject({ ok: true, status: 'applied' });
    expect(tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=new\n'));
    const record = open.ledger.get((applied as { entry: string }).entry)?.body;
    expect(record).toMatchObject({ reason: 'applied', target: target.name });

    const undone = await rollbackOnTarget(context, bytes(b.reviewed), target);
    expect(undone).toMatchObject({ ok: true, status: 'rolled-back' });
    expect(tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=old\n'));
    await open.settle();
    const item = await app.inbox.open(fileOf('reviewed.json', b.reviewed));
    await until(
      () => (app.workflow.status(item.key) === 'rolled-back' ? true : undefined),
      'rolled back',
    );
    app.dispose();
  });

  it('does not call an apply done when the files changed but the ledger refused its record', async () => {
    const app = start();
    const { open, b, signer, context, policy } = await acting(app);
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const target = { name: `${signer.did}:workspace:main`, tree };
    const append = open.ledger.append.bind(open.ledger);
    open.ledger.append = ((...args: Parameters<typeof append>) =>
      (args[2] as { reason?: string }).reason === 'applied'
        ? Promise.reject(new PatchtrailError('TOO_LARGE', 'the entry is too large'))
        : append(...args)) as typeof append;
    const outcome = await applyToTarget(
      context,
      utf8Encode(serializeBundle(b.reviewed)),
      policy,
      target,
      false,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(outcome.message).toContain('the files changed, but the record could not be written');
    // The files did change: the caller keeps the work remembered to record it (unfinished.ts).
    expect(tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=new\n'));
    expect(outcome.steps.some((s) => s.step === 'apply' && s.ok)).toBe(true);
    app.dispose();
  });

  it('finishes an apply or a rollback cut short: recorded with the true trees, once; nothing when nothing changed', async () => {
    const app = start();
    const { open, b, signer, context, policy } = await acting(app);
    const tree = makeMemoryTree({ 'app.conf': 'mode=old\n' });
    const target = { name: `${signer.did}:workspace:main`, tree };
    const reviewed = utf8Encode(serializeBundle(b.reviewed));
    const write = (text: string) =>
      tree.commit([
        { action: 'write', path: 'app.conf', content: utf8Encode(text), executable: false },
      ]);
    const oldTree = await treeHash(tree);

    // Cut short before the commit: the files are as they were.
    expect(await finishInterrupted(context, reviewed, policy, target, 'apply')).toEqual({
      state: 'nothing-changed',
    });
    expect(open.ledger.aboutTarget(target.name)).toEqual([]);

    // Cut short after the commit (the journal rolled it forward), before `applied`.
    await write('mode=new\n');
    const newTree = await treeHash(tree);
    const finished = await finishInterrupted(context, reviewed, policy, target, 'apply');
    expect(finished).toMatchObject({ state: 'finished', outcome: { ok: true, status: 'applied' } });
    const entry = (finished as { outcome: { entry: string } }).outcome.entry;
    expect(open.ledger.get(entry)?.body).toMatchObject({
      reason: 'applied',
      treeBefore: oldTree,
      treeAfter: newTree,
    });
    expect(await finishInterrupted(context, reviewed, policy, target, 'apply')).toEqual({
      state: 'recorded',
    });

    // A rollback cut short after the files were put back: recorded from the applied tree.
    await write('mode=old\n');
    const undone = await finishInterrupted(context, reviewed, policy, target, 'rollback');
    expect(undone).toMatchObject({
      state: 'finished',
      outcome: { ok: true, status: 'rolled-back' },
    });
    const back = (undone as { outcome: { entry: string } }).outcome.entry;
    expect(open.ledger.get(back)?.body).toMatchObject({
      reason: 'rolled-back',
      parent: entry,
      treeBefore: newTree,
      treeAfter: oldTree,
    });

    // Files that are neither before nor after: nothing is recorded.
    await write('mode=someone-else\n');
    const before = open.ledger.aboutTarget(target.name).length;
    expect(await finishInterrupted(context, reviewed, policy, target, 'apply')).toEqual({
      state: 'unclear',
    });
    expect(open.ledger.aboutTarget(target.name).length).toBe(before);
    app.dispose();
  });

  it('records an apply cut short as it stands, with a note, when the policy would no longer take it', async () => {
    const app = start();
    const { open, b, signer, context, policy } = await acting(app);
    const tree = makeMemoryTree({ 'app.conf': 'mode=new\n' });
    const target = { name: `${signer.did}:workspace:main`, tree };
    // Rita's failing review denies the patch now; the files already hold it.
    const failed = utf8Encode(serializeBundle(b.failed));
    const finished = await finishInterrupted(context, failed, policy, target, 'apply');
    expect(finished).toMatchObject({ state: 'finished', outcome: { ok: true, status: 'applied' } });
    // The agent's refusal is recorded (as for any refused apply), then what the files hold.
    const bodies = open.ledger
      .aboutTarget(target.name)
      .map((e) => e.body as { reason: string; note?: string });
    expect(bodies.map((x) => x.reason)).toEqual(['rejected', 'applied']);
    expect(bodies[1]?.note).toBe(
      'finished after an interrupted apply (the target’s journal rolled it forward)',
    );
    app.dispose();
  });
});

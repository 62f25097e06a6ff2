/** The agent pipeline, step by step, with a stand-in policy (the real engine is tested alone). */
import { describe, expect, it } from 'vitest';
import {
  createBundle,
  makeMemoryTree,
  makeSeedSigner,
  serializeBundle,
  treeHash,
  utf8Encode,
  type Signer,
} from '../../src/core/index.ts';
import {
  applyPatch,
  rollbackPatch,
  type DecisionOutcome,
  type DecisionRequest,
  type StepOutcome,
} from '../../src/core/agent/agent.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T10:20:00Z';
const NOW = new Date(T);
const BASE = { 'etc/app.conf': 'mode=old\nlevel=1\n' };
const DIFF =
  '--- a/etc/app.conf\n+++ b/etc/app.conf\n@@ -1,2 +1,2 @@\n-mode=old\n+mode=new\n level=1\n';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

const allow = (): DecisionOutcome => ({
  decision: 'allow',
  hash: `sha256:${'d'.repeat(64)}`,
  reasons: [],
  explanation: {},
});
const deny = (): DecisionOutcome => ({
  decision: 'deny',
  hash: `sha256:${'e'.repeat(64)}`,
  reasons: ['needs 1 more `reviewed` attestation from role security'],
  explanation: { rules: [] },
});

async function setup(register = true) {
  const [admin, dev, reviewer, kiosk] = [
    await signer(1),
    await signer(2),
    await signer(3),
    await signer(4),
  ];
  const ledger = await Ledger.found(admin, { name: 'agent', admins: [admin.did], threshold: 1 }, T);
  if (register) await ledger.append(dev, 'register', { name: 'dev' }, T);
  await ledger.append(reviewer, 'register', { name: 'reviewer' }, T);
  await ledger.append(kiosk, 'register', { name: 'kiosk' }, T);
  const bundle = await createBundle({
    diff: DIFF,
    signer: dev,
    reason: 'switch mode',
    components: ['app'],
    now: NOW,
  });
  const bytes = utf8Encode(serializeBundle(bundle));
  return { ledger, admin, dev, reviewer, kiosk, bytes, tree: makeMemoryTree(BASE) };
}

/** The step that stopped a run (later steps record the attempt). */
const stop = (result: { steps: StepOutcome[] }) => result.steps.find((x) => !x.ok);

const dry = (s: Awaited<ReturnType<typeof setup>>) => ({
  ledger: s.ledger,
  device: s.kiosk,
  tree: s.tree,
  now: NOW,
  dryRun: true,
});

describe('the agent', () => {
  it('applies an allowed patch, records `applied` with tree hashes and parent, and shows the audit', async () => {
    const s = await setup();
    const seen: DecisionRequest[] = [];
    const result = await applyPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      target: 'kiosk-7',
      tree: s.tree,
      now: NOW,
      decide: (r) => (seen.push(r), allow()),
    });
    expect(result.status).toBe('applied');
    expect(result.steps.map((x) => [x.step, x.ok])).toEqual([
      ['verify-signature', true],
      ['extract-metadata', true],
      ['verify-identities', true],
      ['verify-attesters', true],
      ['validate-metadata', true],
      ['policy', true],
      ['apply', true],
      ['record', true],
      ['audit', true],
    ]);
    expect(s.tree.snapshot().get('etc/app.conf')?.content).toEqual(
      utf8Encode('mode=new\nlevel=1\n'),
    );
    expect(result.attestation?.body).toMatchObject({
      reason: 'applied',
      target: 'kiosk-7',
      treeBefore: result.apply?.treeBefore,
      treeAfter: await treeHash(s.tree),
      decision: `sha256:${'d'.repeat(64)}`,
    });
    expect(result.audit?.map((e) => e.reason)).toEqual(['applied']);
    expect(seen[0]?.patch).toBe(result.patch);
  });

  it('names the newest reviewed or forwarded hop by a team member as the parent', async () => {
    const s = await setup();
    await s.ledger.append(
      s.admin,
      'endorse',
      { subject: s.reviewer.did, role: 'security', stake: 1 },
      T,
    );
    const first = await applyPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      tree: makeMemoryTree(BASE),
      now: NOW,
      dryRun: true,
      decide: allow,
    });
    const digest = first.patch as string;
    const built = await s.ledger.append(s.dev, 'attest', { patch: digest, reason: 'built' }, T);
    const reviewed = await s.ledger.append(
      s.reviewer,
      'attest',
      { patch: digest, reason: 'reviewed', parent: built.id },
      T,
    );
    const result = await applyPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      tree: s.tree,
      now: NOW,
      decide: allow,
    });
    expect(result.attestation?.body.parent).toBe(reviewed.id);
  });

  it('credits no stranger without via, and the hop it came through with via', async () => {
    const s = await setup();
    await s.ledger.append(s.admin, 'endorse', { subject: s.dev.did, role: 'builder', stake: 1 }, T);
    const digest = (await applyPatch(s.bytes, { ...dry(s), decide: allow })).patch as string;
    const built = await s.ledger.append(s.dev, 'attest', { patch: digest, reason: 'built' }, T);
    const stranger = await signer(9);
    await s.ledger.append(stranger, 'register', { name: 'helpful stranger' }, T);
    const forwarded = await s.ledger.append(
      stranger,
      'attest',
      { patch: digest, reason: 'forwarded', parent: built.id },
      T,
    );
    const plain = await applyPatch(s.bytes, { ...dry(s), dryRun: false, decide: allow });
    expect(plain.attestation?.body.parent).toBe(built.id);
    const seen: DecisionRequest[] = [];
    const viaStranger = await applyPatch(s.bytes, {
      ...dry(s),
      dryRun: false,
      tree: makeMemoryTree(BASE),
      via: forwarded.id,
      decide: (r) => (seen.push(r), allow()),
    });
    expect(seen[0]?.via).toBe(forwarded.id);
    expect(viaStranger.attestation?.body.parent).toBe(forwarded.id);
  });

  it('refuses a via that is not an attestation of this patch, before the policy', async () => {
    const s = await setup();
    let asked = 0;
    const result = await applyPatch(s.bytes, {
      ...dry(s),
      via: `sha256:${'0'.repeat(64)}`,
      decide: () => (asked++, allow()),
    });
    expect(result.status).toBe('rejected');
    expect(stop(result)).toMatchObject({ step: 'policy', code: 'INVALID_METADATA' });
    expect(asked).toBe(0);
  });

  it('a dry run says what would happen and writes and records nothing', async () => {
    const s = await setup();
    const before = s.ledger.size;
    const result = await applyPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      tree: s.tree,
      now: NOW,
      dryRun: true,
      decide: allow,
    });
    expect(result.status).toBe('dry-run');
    expect(result.apply?.files).toEqual([{ path: 'etc/app.conf', kind: 'modify' }]);
    expect(result.apply?.treeAfter).not.toBe(result.apply?.treeBefore);
    expect(s.tree.snapshot().get('etc/app.conf')?.content).toEqual(
      utf8Encode(BASE['etc/app.conf']),
    );
    expect(s.ledger.size).toBe(before);
  });

  it('a denial stops before apply with POLICY_DENIED and the reasons', async () => {
    const s = await setup();
    const before = await treeHash(s.tree);
    const result = await applyPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      tree: s.tree,
      now: NOW,
      decide: deny,
    });
    expect(result.status).toBe('denied');
    expect(stop(result)).toMatchObject({ step: 'policy', ok: false, code: 'POLICY_DENIED' });
    expect(stop(result)?.message).toMatch(/needs 1 more/);
    expect(await treeHash(s.tree)).toBe(before);
    expect(result.attestation?.body).toMatchObject({ reason: 'rejected', code: 'POLICY_DENIED' });
  });

  it('refuses an unregistered author, a revoked one, a tampered bundle and contradicting metadata', async () => {
    const unknown = await setup(false);
    const opts = (s: Awaited<ReturnType<typeof setup>>) => ({
      ledger: s.ledger,
      device: s.kiosk,
      tree: s.tree,
      now: NOW,
      decide: allow,
    });
    const last = async (bytes: Uint8Array, s: Awaited<ReturnType<typeof setup>>) =>
      stop(await applyPatch(bytes, opts(s)));
    expect(await last(unknown.bytes, unknown)).toMatchObject({
      step: 'verify-identities',
      code: 'UNKNOWN_AUTHOR',
    });

    const revoked = await setup();
    await revoked.ledger.append(
      revoked.admin,
      'revoke',
      { subject: revoked.dev.did, from: 0, reason: 'stolen' },
      T,
    );
    expect(await last(revoked.bytes, revoked)).toMatchObject({
      step: 'verify-identities',
      code: 'REVOKED_KEY',
    });

    const s = await setup();
    const tampered = utf8Encode(
      new TextDecoder().decode(s.bytes).replace('"payload": "', '"payload": "e'),
    );
    expect(await last(tampered, s)).toMatchObject({ step: 'verify-signature', ok: false });

    const first = await applyPatch(s.bytes, { ...opts(s), dryRun: true });
    await s.ledger.append(
      s.dev,
      'publish',
      {
        patch: first.patch as string,
        diff: `sha256:${'0'.repeat(64)}`,
        creator: s.dev.did,
        reason: 'x',
        components: [],
        created: T,
      },
      T,
    );
    expect(await last(s.bytes, s)).toMatchObject({
      step: 'validate-metadata',
      code: 'INVALID_METADATA',
    });
  });

  it('rollback restores the tree exactly and records `rolled-back` with the applied attestation as parent', async () => {
    const s = await setup();
    const before = await treeHash(s.tree);
    const applied = await applyPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      tree: s.tree,
      now: NOW,
      decide: allow,
    });
    const rolled = await rollbackPatch(s.bytes, {
      ledger: s.ledger,
      device: s.kiosk,
      tree: s.tree,
      now: NOW,
    });
    expect(await treeHash(s.tree)).toBe(before);
    expect(rolled.attestation?.body).toMatchObject({
      reason: 'rolled-back',
      parent: applied.attestation?.id,
      treeAfter: before,
    });
  });
});

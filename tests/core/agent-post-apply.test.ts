/** The post-apply check a policy names: the checks alone, then the agent rolling back on them. */
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  createBundle,
  makeMemoryTree,
  makeSeedSigner,
  POLICY_FORMAT,
  serializeBundle,
  sha256Hex,
  treeHash,
  utf8Encode,
  policyDecider,
  type DecisionOutcome,
  type PolicyDecision,
  type PolicyRule,
  type Signer,
} from '../../src/core/index.ts';
import {
  applyPatch,
  checkPatch,
  rollbackPatch,
  runPostApplyChecks,
} from '../../src/core/agent/agent.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T10:20:00Z';
const NOW = new Date(T);
const BASE = { 'app.conf': 'mode=old\n' };
const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));

const policyOf = (rules: PolicyRule[], mode: 'enforce' | 'warn' = 'enforce') =>
  compilePolicy({ format: POLICY_FORMAT, version: 1, mode, rules });
const health = (checks: object[], mode = 'enforce') =>
  ({ id: 'health', kind: 'post-apply', mode, checks }) as PolicyRule;

const allow = (): DecisionOutcome => ({
  decision: 'allow',
  hash: `sha256:${'d'.repeat(64)}`,
  reasons: [],
  explanation: {},
});

describe('runPostApplyChecks', () => {
  const tree = () =>
    makeMemoryTree({ 'app.conf': 'mode=new\n', 'bin/run': 'x', 'dir/inner': 'y' }, ['link']);

  it('passes when every named file is as the policy says', async () => {
    const digest = await sha256Hex(utf8Encode('mode=new\n'));
    const policy = policyOf([
      health([
        { path: 'app.conf', sha256: digest, contains: 'mode=new' },
        { path: 'bin/run' },
        { path: 'maintenance.flag', absent: true },
      ]),
    ]);
    expect(await runPostApplyChecks(tree(), policy)).toEqual([]);
  });

  it('fails a missing file, a wrong digest, a missing text, a present `absent`, a symlink and a directory', async () => {
    const policy = policyOf([
      health([
        { path: 'gone.conf' },
        { path: 'app.conf', sha256: '0'.repeat(64) },
        { path: 'app.conf', contains: 'mode=old' },
        { path: 'bin/run', absent: true },
        { path: 'link' },
        { path: 'link/through' },
        { path: 'dir' },
      ]),
    ]);
    const failures = await runPostApplyChecks(tree(), policy);
    expect(
      failures.map((f) => [f.path, f.mode, f.problem.split(' ').slice(0, 2).join(' ')]),
    ).toEqual([
      ['gone.conf', 'enforce', 'is missing'],
      ['app.conf', 'enforce', 'has sha256'],
      ['app.conf', 'enforce', 'does not'],
      ['bin/run', 'enforce', 'exists (a'],
      ['link', 'enforce', 'cannot be'],
      ['link/through', 'enforce', 'cannot be'],
      ['dir', 'enforce', 'is a'],
    ]);
    expect(failures[4]?.problem).toMatch(/"link" is a symbolic link/);
    expect(failures[5]?.problem).toMatch(/"link" is a symbolic link/);
    expect(failures[6]?.problem).toBe('is a dir, not a regular file');
  });

  it('reports a failure as `warn` when the rule or the whole policy is in warn mode', async () => {
    const rule = health([{ path: 'gone.conf' }], 'warn');
    expect((await runPostApplyChecks(tree(), policyOf([rule])))[0]?.mode).toBe('warn');
    const policy = policyOf([health([{ path: 'gone.conf' }])], 'warn');
    expect((await runPostApplyChecks(tree(), policy))[0]?.mode).toBe('warn');
  });
});

async function setup() {
  const [admin, dev, kiosk] = [await signer(1), await signer(2), await signer(4)];
  const ledger = await Ledger.found(admin, { name: 'post', admins: [admin.did], threshold: 1 }, T);
  await ledger.append(dev, 'register', { name: 'dev' }, T);
  await ledger.append(kiosk, 'register', { name: 'kiosk' }, T);
  const bundle = await createBundle({ diff: DIFF, signer: dev, reason: 'mode', now: NOW });
  const bytes = utf8Encode(serializeBundle(bundle));
  const tree = makeMemoryTree(BASE);
  const run = { ledger, device: kiosk, tree, target: 'kiosk-1', now: NOW, decide: allow };
  return { ledger, bytes, tree, run };
}

describe('the agent with a post-apply check', () => {
  it('rolls back when an enforced check fails, and records `applied` then `rolled-back`', async () => {
    const s = await setup();
    const before = await treeHash(s.tree);
    const policy = policyOf([health([{ path: 'app.conf', contains: 'mode=broken' }])]);
    const result = await applyPatch(s.bytes, {
      ...s.run,
      postApply: (tree) => runPostApplyChecks(tree, policy),
    });
    expect(result.status).toBe('rolled-back');
    expect(result.steps.slice(-6).map((x) => [x.step, x.ok, x.code])).toEqual([
      ['apply', true, undefined],
      ['post-apply-check', false, 'POST_APPLY_FAILED'],
      ['roll-back', true, undefined],
      ['record', true, undefined],
      ['record', true, undefined],
      ['audit', true, undefined],
    ]);
    expect(await treeHash(s.tree)).toBe(before);
    expect(s.tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=old\n'));
    expect(result.audit?.map((e) => e.reason)).toEqual(['applied', 'rolled-back']);
    const applied = s.ledger.aboutTarget('kiosk-1')[0];
    expect(result.attestation?.body).toMatchObject({
      reason: 'rolled-back',
      parent: applied?.id,
      code: 'POST_APPLY_FAILED',
      treeBefore: result.apply?.treeAfter,
      treeAfter: before,
    });
    expect(result.attestation?.body.note).toMatch(
      /^post-apply check failed: rule health: app.conf does not contain/,
    );
  });

  it('keeps the apply when the checks pass, or fail only in warn mode', async () => {
    for (const [checks, mode] of [
      [[{ path: 'app.conf', contains: 'mode=new' }], 'enforce'],
      [[{ path: 'gone.conf' }], 'warn'],
    ] as const) {
      const s = await setup();
      const policy = policyOf([health([...checks], mode)]);
      const result = await applyPatch(s.bytes, {
        ...s.run,
        postApply: (tree) => runPostApplyChecks(tree, policy),
      });
      expect(result.status).toBe('applied');
      expect(result.steps.find((x) => x.step === 'post-apply-check')?.ok).toBe(true);
      expect(result.audit?.map((e) => e.reason)).toEqual(['applied']);
      expect(result.postApply?.length).toBe(mode === 'warn' ? 1 : 0);
    }
  });

  it('the policy passes the rule before the apply, saying it is checked after', async () => {
    const s = await setup();
    const policy = policyOf([health([{ path: 'gone.conf' }])]);
    const checked = await checkPatch(s.bytes, {
      ledger: s.ledger,
      now: NOW,
      decide: policyDecider(policy, { now: NOW }),
    });
    expect(checked.status).toBe('allowed');
    const rules = (checked.decision?.explanation as PolicyDecision).rules;
    expect(rules.find((r) => r.id === 'health')).toMatchObject({
      outcome: 'pass',
      observed: 'checked after apply',
      message: 'checked after apply (1 file check)',
    });
  });

  it('runs no post-apply step when the caller gives no check', async () => {
    const s = await setup();
    const result = await applyPatch(s.bytes, s.run);
    expect(result.status).toBe('applied');
    expect(result.steps.some((x) => x.step === 'post-apply-check')).toBe(false);
  });
});

describe('an interrupted apply, resumed', () => {
  it('records `applied` for a target the interrupted run changed but did not record, once', async () => {
    const s = await setup();
    const before = await treeHash(s.tree);
    await s.tree.commit([
      { action: 'write', path: 'app.conf', content: utf8Encode('mode=new\n'), executable: false },
    ]);
    const plain = await applyPatch(s.bytes, s.run);
    expect([plain.status, plain.attestation]).toEqual(['already-applied', undefined]);
    const resumed = await applyPatch(s.bytes, { ...s.run, resumed: true });
    expect(resumed.status).toBe('applied');
    expect(resumed.attestation?.body).toMatchObject({
      reason: 'applied',
      treeBefore: before,
      treeAfter: await treeHash(s.tree),
    });
    const again = await applyPatch(s.bytes, { ...s.run, resumed: true });
    expect([again.status, again.attestation]).toEqual(['already-applied', undefined]);
    expect(
      s.ledger.aboutTarget('kiosk-1').map((e) => (e.body as { reason: string }).reason),
    ).toEqual(['applied']);
  });

  it('runs the post-apply check on the resumed apply and rolls it back when it fails', async () => {
    const s = await setup();
    await s.tree.commit([
      { action: 'write', path: 'app.conf', content: utf8Encode('mode=new\n'), executable: false },
    ]);
    const policy = policyOf([health([{ path: 'app.conf', contains: 'mode=old' }])]);
    const result = await applyPatch(s.bytes, {
      ...s.run,
      resumed: true,
      postApply: (tree) => runPostApplyChecks(tree, policy),
    });
    expect(result.status).toBe('rolled-back');
    expect(s.tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=old\n'));
    expect(result.audit?.map((e) => e.reason)).toEqual(['applied', 'rolled-back']);
  });

  /** Applied and recorded, then put back by a rollback that recorded nothing (its tab was killed). */
  async function rolledBackUnrecorded() {
    const s = await setup();
    const applied = await applyPatch(s.bytes, s.run);
    const appliedTree = await treeHash(s.tree);
    await s.tree.commit([
      { action: 'write', path: 'app.conf', content: utf8Encode('mode=old\n'), executable: false },
    ]);
    const rollback = { ledger: s.ledger, device: s.run.device, tree: s.tree, now: NOW };
    return {
      s,
      applied,
      appliedTree,
      oldTree: await treeHash(s.tree),
      rollback: { ...rollback, target: 'kiosk-1' },
    };
  }

  it('records `rolled-back` from the applied tree for a rollback the interrupted run made but did not record', async () => {
    const { s, applied, appliedTree, oldTree, rollback } = await rolledBackUnrecorded();
    expect(applied.attestation?.body).toMatchObject({ reason: 'applied', treeAfter: appliedTree });
    const resumed = await rollbackPatch(s.bytes, { ...rollback, resumed: true });
    expect(resumed.status).toBe('rolled-back');
    expect(resumed.attestation?.body).toMatchObject({
      reason: 'rolled-back',
      parent: applied.attestation?.id,
      treeBefore: appliedTree,
      treeAfter: oldTree,
    });
    expect(await treeHash(s.tree)).toBe(oldTree);
  });

  it('without `resumed`, a rollback that finds the change gone records the tree it found', async () => {
    const { s, oldTree, rollback } = await rolledBackUnrecorded();
    const plain = await rollbackPatch(s.bytes, rollback);
    expect(plain.attestation?.body).toMatchObject({ treeBefore: oldTree, treeAfter: oldTree });
  });
});

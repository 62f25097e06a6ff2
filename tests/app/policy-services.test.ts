/**
 * The Policy screen's services against a real team ledger: the check lists every problem at
 * its path (CEL compile errors included) and refuses a version at or below the one in force;
 * the standing reads what `policy show` reports; simulate finds the patches a stricter draft
 * denies and the rule that differs, in slices; publish signs as an admin only and reports the
 * threshold's progress.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenTeam } from '../../src/app/ledger-session.ts';
import { checkDocument, ledgerProblems, problemsAt } from '../../src/app/policy-problems.ts';
import { progressText, publishPolicy, takesEffect } from '../../src/app/policy-publish.ts';
import { simulatePolicy } from '../../src/app/policy-simulate.ts';
import { loadedDraft } from '../../src/app/policy-service.ts';
import { publishRight, readPolicyStanding } from '../../src/app/policy-standing.ts';
import {
  KINDS,
  nextVersionOf,
  ruleTemplate,
  starterPolicy,
} from '../../src/app/policy-templates.ts';
import { loadCelEngine } from '../../src/core/policy/cel-load.ts';
import { compilePolicy } from '../../src/core/policy/evaluate.ts';
import { buildPolicyTeam, POLICY_V1, T, type PolicyTeam } from '../helpers/policy-team.ts';
import { makeLedgerTrust } from '../../src/app/ledger-trust.ts';

const draftV2 = (count: number) => ({
  ...structuredClone(POLICY_V1),
  version: 2,
  rules: [{ ...POLICY_V1.rules[0], count }],
});

const teamOf = (t: PolicyTeam) =>
  ({
    ledger: t.ledger,
    settle: async () => {},
    trust: makeLedgerTrust(undefined),
  }) as unknown as OpenTeam;

describe('checking a draft', () => {
  it('lists every schema problem at its field', () => {
    const draft = draftV2(0) as Record<string, unknown>;
    draft.name = 5;
    const result = checkDocument(draft, undefined);
    if (!('problems' in result)) throw new Error('accepted');
    const paths = result.problems.map((p) => p.path);
    expect(paths).toContain('/name');
    expect(paths.some((p) => p.startsWith('/rules/0'))).toBe(true);
    expect(problemsAt(result.problems, '/rules/0').length).toBeGreaterThan(0);
  });

  it('reports a CEL expression that does not compile at the rule, and accepts one that does', async () => {
    const cel = await loadCelEngine();
    const rule = (expression: string) => ({
      ...starterPolicy('T'),
      rules: [{ ...ruleTemplate('cel', 'custom'), expression }],
    });
    const bad = checkDocument(rule('patch.creater == ""'), cel);
    expect('problems' in bad && bad.problems.map((p) => p.path)).toContain('/rules/0/expression');
    expect('document' in checkDocument(rule('patch.reason.startsWith("fix")'), cel)).toBe(true);
  });

  it('has a template of every rule kind that the engine accepts as it stands, but the tree hashes', () => {
    for (const kind of KINDS) {
      if (kind === 'cel') continue; // compiled only with the engine: checked above
      const policy = { ...starterPolicy('T'), rules: [ruleTemplate(kind, kind)] };
      const result = checkDocument(policy, undefined);
      const paths = 'document' in result ? [] : result.problems.map((p) => p.path);
      // A target's exact tree hash cannot be guessed: the form asks for it at the field.
      expect(paths).toEqual(kind === 'target-tree' ? ['/rules/0/treeHashes'] : []);
    }
  });

  it('refuses a version at or below the one in force, and warns of roles nobody holds', () => {
    const facts = {
      inForce: { version: 1, hash: 'x' },
      rolesHeld: new Set(['reviewer']),
      systems: new Set<string>(),
    };
    const same = compilePolicy({ ...draftV2(1), version: 1 });
    const errors = ledgerProblems(same.policy, same.hash, facts);
    expect(errors).toContainEqual(expect.objectContaining({ path: '/version', severity: 'error' }));
    const next = compilePolicy({
      ...draftV2(1),
      rules: [{ ...POLICY_V1.rules[0], from: { roles: ['auditor'] } }],
    });
    expect(ledgerProblems(next.policy, next.hash, facts)).toEqual([
      expect.objectContaining({ path: '/rules/0/from/roles/0', severity: 'warning' }),
    ]);
  });
});

describe('on a team ledger', () => {
  let team: PolicyTeam;
  beforeAll(async () => {
    team = await buildPolicyTeam({ patches: 30 });
  });

  it('reads the policy in force with its signers, the threshold and the admins', async () => {
    const standing = await readPolicyStanding(team.ledger);
    expect(standing.current).toMatchObject({
      version: 1,
      state: 'in force',
      title: 'Plant policy',
    });
    const signers = standing.current?.signers.map((s) => s.did);
    expect(signers?.sort()).toEqual([team.signers.ada.did, team.signers.bo.did].sort());
    expect(standing.threshold).toBe(2);
    expect(standing.facts.rolesHeld).toEqual(new Set(['developer', 'reviewer']));
  });

  it('lets admins publish and tells everyone else why not', () => {
    expect(publishRight(team.ledger, team.signers.bo.did)).toEqual({ allowed: true });
    const dev = publishRight(team.ledger, team.signers.dev.did);
    expect(dev).toMatchObject({ allowed: false });
    expect(!dev.allowed && dev.reason).toContain('not an admin');
    expect(publishRight(team.ledger, undefined)).toMatchObject({ allowed: false });
  });

  it('simulates a stricter draft: the patches with one review become denied, by that rule', async () => {
    const standing = await readPolicyStanding(team.ledger);
    let pauses = 0;
    let tick = 0;
    const result = await simulatePolicy(
      team.ledger,
      {
        draft: compilePolicy(draftV2(2)),
        inForce: standing.effective.compiled,
        scores: new Map(),
        scoreHash: '',
        now: T,
        newestLedgerTime: T,
        actingRole: undefined,
      },
      { sliceMs: 5, clock: () => (tick += 1), pause: async () => void pauses++ },
    );
    expect(result.total).toBe(30);
    expect(result.newlyDenied).toBe(team.reviews[1].length);
    expect(result.newlyAllowed).toBe(0);
    const changed = result.rows.filter((r) => r.before !== r.after);
    expect(new Set(changed.map((r) => r.patch))).toEqual(new Set(team.reviews[1]));
    expect(result.rows.slice(0, changed.length)).toEqual(changed);
    expect(changed[0]?.changes).toEqual([
      expect.objectContaining({ id: 'reviewed', before: 'pass', after: 'fail' }),
    ]);
    expect(pauses).toBeGreaterThan(1);
  });

  it("takes the ledger's digest read with the scores, and reads it itself only without one", async () => {
    const standing = await readPolicyStanding(team.ledger);
    const digests = vi.spyOn(team.ledger, 'digest');
    const input = {
      ...{ draft: compilePolicy(draftV2(2)), inForce: standing.effective.compiled },
      ...{ scores: new Map(), scoreHash: '', now: T, newestLedgerTime: T, actingRole: undefined },
    };
    const digest = await team.ledger.digest();
    digests.mockClear();
    const given = await simulatePolicy(team.ledger, { ...input, ledgerDigest: digest });
    expect(digests).not.toHaveBeenCalled();
    const read = await simulatePolicy(team.ledger, input);
    expect(digests).toHaveBeenCalledTimes(1);
    expect(given.rows).toEqual(read.rows);
    digests.mockRestore();
  });

  it('refuses to publish a version at or below the one in force, and as a non-admin', async () => {
    const t = teamOf(team);
    const size = team.ledger.size;
    const old = await publishPolicy(t, team.signers.bo, { ...draftV2(2), version: 1 }, new Date(T));
    expect(old).toMatchObject({ ok: false, code: 'INVALID_METADATA' });
    const dev = await publishPolicy(t, team.signers.dev, draftV2(2), new Date(T));
    expect(dev).toMatchObject({ ok: false, code: 'INVALID_METADATA' });
    expect(team.ledger.size).toBe(size);
  });

  it('publishes as an admin: pending at 1 of 2, in force at 2 of 2, no second entry for the same key', async () => {
    const t = teamOf(team);
    const first = await publishPolicy(t, team.signers.bo, draftV2(2), new Date(T));
    expect(first).toMatchObject({ ok: true, appended: true, state: 'pending', threshold: 2 });
    expect(first.ok && first.signers.map((s) => s.name)).toEqual(['Bo']);
    const again = await publishPolicy(t, team.signers.bo, draftV2(2), new Date(T));
    expect(again).toMatchObject({ ok: true, appended: false, state: 'pending' });
    const second = await publishPolicy(t, team.signers.ada, draftV2(2), new Date(T));
    expect(second).toMatchObject({ ok: true, appended: true, state: 'in force', version: 2 });
    expect((await readPolicyStanding(team.ledger)).current?.version).toBe(2);
  });

  it('starts the next version from the one in force, in the order people read', async () => {
    const standing = await readPolicyStanding(team.ledger);
    const current = standing.current?.document;
    if (current === undefined) throw new Error('no policy in force');
    const next = nextVersionOf(current);
    expect(Object.keys(next)).toEqual(['format', 'version', 'name', 'rules']);
    expect(next.version).toBe(current.version + 1);
    expect(Object.keys((next.rules as object[])[0] ?? {}).slice(0, 3)).toEqual([
      'id',
      'kind',
      'mode',
    ]);
    expect(compilePolicy(next).policy.rules).toEqual(current.rules);
  });

  it('numbers a template and a copy of a version after the one in force, and loads a pending one as it is', async () => {
    const standing = await readPolicyStanding(team.ledger);
    const inForce = standing.current;
    if (inForce === undefined) throw new Error('no policy in force');
    const next = inForce.version + 1;
    const starter = loadedDraft('starter', 'Plant', standing) as { version: number; name: string };
    expect(starter).toMatchObject({ version: next, name: 'Plant policy' });
    const compiled = compilePolicy(starter);
    expect(ledgerProblems(compiled.policy, compiled.hash, standing.facts)).toEqual([]);
    expect(loadedDraft(inForce, 'Plant', standing)).toMatchObject({ version: next });
    for (const old of standing.superseded)
      expect(loadedDraft(old, 'Plant', standing)).toMatchObject({ version: next });
    const pending = { ...inForce, state: 'pending' as const, version: next + 3 };
    if (pending.document === undefined) throw new Error('no document');
    pending.document = { ...pending.document, version: next + 3 };
    expect(loadedDraft(pending, 'Plant', standing)).toMatchObject({ version: next + 3 });
    expect(loadedDraft('next', 'Plant', standing)).toMatchObject({ version: next });
  });

  it('words the threshold progress as people say it', () => {
    expect(progressText(1, 2, 4)).toBe('Version 4 published by 1 admin (2 needed)');
    expect(progressText(2, 1, 2)).toBe('Version 2 published by 2 admins (1 needed)');
    expect(takesEffect(2, 3)).toBe(
      'A version takes effect when 2 of the 3 admins have published it.',
    );
    expect(takesEffect(1, 3)).toBe(
      'A version takes effect when 1 of the 3 admins has published it.',
    );
    expect(takesEffect(1, 1)).toBe(
      'A version takes effect when the team’s one admin has published it.',
    );
  });
});

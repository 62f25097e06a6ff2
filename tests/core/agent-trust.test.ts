/**
 * The agent with the real policy engine on a real ledger: in-bundle attesters meet the
 * registry, rotation is not revocation, the acting role comes from the device's registration,
 * a device state feeds `component-version`, and every attempt with a device key is recorded.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  appendAttestation,
  compilePolicy,
  createBundle,
  makeMemoryTree,
  makeSeedSigner,
  policyDecider,
  readDeviceState,
  rotationMessage,
  serializeBundle,
  toBase64,
  utf8Encode,
  type Bundle,
  type PolicyDecision,
  type PolicyRule,
  type Signer,
} from '../../src/core/index.ts';
import {
  applyPatch,
  checkPatch,
  rollbackPatch,
  type StepOutcome,
} from '../../src/core/agent/agent.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { evidenceClock } from '../../src/core/reputation/index.ts';

const T = '2026-11-22T10:20:00Z';
const NOW = new Date(T);
const BASE = { 'app.conf': 'mode=old\n' };
const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const stop = (r: { steps: StepOutcome[] }) => r.steps.find((s) => !s.ok);
const rules = (...list: PolicyRule[]) =>
  compilePolicy({ format: 'urn:patchtrail:policy:v1', version: 1, rules: list });
const OPEN = rules({ id: 'fuzz', kind: 'fuzz', mode: 'enforce', allowed: false });

async function team() {
  const [admin, dev, reviewer, stranger, kiosk, fresh] = [
    await signer(1),
    await signer(2),
    await signer(3),
    await signer(4),
    await signer(5),
    await signer(6),
  ];
  const ledger = await Ledger.found(admin, { name: 't', admins: [admin.did], threshold: 1 }, T);
  for (const [who, name] of [
    [dev, 'dev'],
    [reviewer, 'reviewer'],
    [kiosk, 'kiosk'],
  ] as const)
    await ledger.append(who, 'register', { name }, T);
  const endorse = (who: Signer, role: string) =>
    ledger.append(admin, 'endorse', { subject: who.did, role, stake: 1 }, T);
  await endorse(dev, 'builder');
  await endorse(reviewer, 'security');
  await endorse(kiosk, 'technician');
  const bundle = await createBundle({ diff: DIFF, signer: dev, reason: 'mode', now: NOW });
  return { ledger, admin, dev, reviewer, stranger, kiosk, fresh, bundle, endorse };
}

const bytes = (bundle: Bundle) => utf8Encode(serializeBundle(bundle));
const attest = async (bundle: Bundle, who: Signer, verdict: 'pass' | 'fail', role = 'security') =>
  appendAttestation(bundle, { signer: who, role, verdict, now: NOW });

describe('in-bundle attestations meet the registry', () => {
  it("denies a bundle with a stranger's pass and a registered reviewer's fail", async () => {
    const w = await team();
    const signed = await attest(await attest(w.bundle, w.stranger, 'pass'), w.reviewer, 'fail');
    const result = await checkPatch(bytes(signed), {
      ledger: w.ledger,
      now: NOW,
      decide: policyDecider(OPEN, { now: NOW }),
    });
    expect(result.status).toBe('denied');
    expect(stop(result)).toMatchObject({ step: 'policy', code: 'POLICY_DENIED' });
    expect(stop(result)?.message).toMatch(/reviewer marked the patch as failing/);
    expect(result.attesters?.map((a) => [a.name, a.standing, a.verdict])).toEqual([
      ['', 'unknown', 'pass'],
      ['reviewer', 'registered', 'fail'],
    ]);
    expect(result.steps.find((s) => s.step === 'verify-attesters')?.message).toMatch(
      /1 of 2 attester\(s\) registered.*not counted: did:key:\S+ \(unknown\)/,
    );
  });

  it('counts a registered security pass as a review, never a claimed role or the author itself', async () => {
    const w = await team();
    const review = rules({
      id: 'review',
      kind: 'attestations',
      mode: 'enforce',
      reason: 'reviewed',
      count: 1,
      from: { roles: ['security'] },
    });
    const run = async (bundle: Bundle) =>
      (
        await checkPatch(bytes(bundle), {
          ledger: w.ledger,
          now: NOW,
          decide: policyDecider(review, { now: NOW }),
        })
      ).status;
    expect(await run(await attest(w.bundle, w.reviewer, 'pass'))).toBe('allowed');
    expect(await run(await attest(w.bundle, w.stranger, 'pass'))).toBe('denied');
    expect(await run(await attest(w.bundle, w.kiosk, 'pass', 'security'))).toBe('denied');
    expect(await run(await attest(w.bundle, w.dev, 'pass', 'security'))).toBe('denied');
  });
});

describe('rotation is not revocation', () => {
  async function rotate(ledger: Ledger, old: Signer, next: Signer) {
    const proof = await next.sign(rotationMessage(ledger.id, old.did, next.did));
    await ledger.append(old, 'rotate', { to: next.did, proof: toBase64(proof) }, T);
    await ledger.append(next, 'register', { name: 'dev', rotatedFrom: old.did }, T);
  }
  const check = (w: Awaited<ReturnType<typeof team>>, bundle: Bundle) =>
    checkPatch(bytes(bundle), {
      ledger: w.ledger,
      now: NOW,
      decide: policyDecider(OPEN, { now: NOW }),
    });

  it('keeps a patch the old key recorded before rotating, and refuses one it did not', async () => {
    const w = await team();
    const digest = (await check(w, w.bundle)).patch as string;
    await w.ledger.append(w.dev, 'attest', { patch: digest, reason: 'built' }, T);
    await rotate(w.ledger, w.dev, w.fresh);
    expect((await check(w, w.bundle)).status).toBe('allowed');
    const later = await createBundle({ diff: DIFF, signer: w.dev, reason: 'again', now: NOW });
    const refused = await check(w, later);
    expect(stop(refused)).toMatchObject({ step: 'verify-identities', code: 'REVOKED_KEY' });
    expect(stop(refused)?.message).toMatch(/did not record this patch on the ledger before/);
  });

  it('revocation cuts even what the key recorded before', async () => {
    const w = await team();
    const digest = (await check(w, w.bundle)).patch as string;
    await w.ledger.append(w.dev, 'attest', { patch: digest, reason: 'built' }, T);
    await w.ledger.append(w.admin, 'revoke', { subject: w.dev.did, from: 5, reason: 'lost' }, T);
    expect(stop(await check(w, w.bundle))).toMatchObject({ code: 'REVOKED_KEY' });
  });
});

describe("the device's role and state", () => {
  const policy = rules(
    { id: 'op', kind: 'acting-role', mode: 'enforce', roles: ['technician'] },
    { id: 'fw', kind: 'component-version', mode: 'enforce', component: 'fw', constraint: '>=2' },
  );
  const state = readDeviceState({
    format: 'urn:patchtrail:device-state:v1',
    components: { fw: '2.4.0' },
  }).components;

  it('takes the acting role from the registry and the versions from the state file', async () => {
    const w = await team();
    const run = (deviceDid: string, components?: Record<string, string>, role?: string) =>
      checkPatch(bytes(w.bundle), {
        ledger: w.ledger,
        now: NOW,
        deviceDid,
        ...(role === undefined ? {} : { role }),
        decide: policyDecider(policy, { now: NOW, ...(components ? { components } : {}) }),
      });
    expect((await run(w.kiosk.did, state)).status).toBe('allowed');
    expect(stop(await run(w.kiosk.did))?.message).toMatch(/fw is not installed/);
    expect(stop(await run(w.reviewer.did, state))?.message).toMatch(/acting role security/);
    const claimed = await run(w.reviewer.did, state, 'technician');
    expect(stop(claimed)).toMatchObject({ step: 'verify-identities', code: 'POLICY_DENIED' });
    expect(stop(claimed)?.message).toMatch(
      /does not hold role technician; it holds role\(s\) security/,
    );
    expect(stop(await run(w.stranger.did, state))).toMatchObject({ code: 'UNKNOWN_AUTHOR' });
  });
});

describe('the whole audit trail', () => {
  const apply = (w: Awaited<ReturnType<typeof team>>, bundle: Uint8Array, tree = BASE) =>
    applyPatch(bundle, {
      ledger: w.ledger,
      device: w.kiosk,
      tree: makeMemoryTree(tree),
      target: 'kiosk-1',
      now: NOW,
      decide: policyDecider(OPEN, { now: NOW }),
    });

  it('records denied, conflicting and forged attempts as `rejected` with the code', async () => {
    const w = await team();
    const denied = await apply(w, bytes(await attest(w.bundle, w.reviewer, 'fail')));
    expect(denied.attestation?.body).toMatchObject({
      reason: 'rejected',
      target: 'kiosk-1',
      code: 'POLICY_DENIED',
      decision: denied.decision?.hash,
    });
    const conflict = await apply(w, bytes(w.bundle), { 'app.conf': 'mode=other\n' });
    expect(conflict.status).toBe('rejected');
    expect(conflict.attestation?.body).toMatchObject({
      reason: 'rejected',
      code: 'APPLY_CONFLICT',
    });
    const text = new TextDecoder().decode(bytes(w.bundle));
    const forged = utf8Encode(
      text.replace(/"sig": "(.)/, (_m, c: string) => `"sig": "${c === 'A' ? 'B' : 'A'}`),
    );
    const bad = await apply(w, forged);
    expect(stop(bad)).toMatchObject({ step: 'verify-signature', code: 'INVALID_SIGNATURE' });
    expect(bad.attestation?.body).toMatchObject({ code: 'INVALID_SIGNATURE', patch: denied.patch });
    expect(bad.audit?.map((e) => e.reason)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('records nothing for a dry run, or for a device the ledger does not know', async () => {
    const w = await team();
    const size = w.ledger.size;
    const dry = await applyPatch(bytes(await attest(w.bundle, w.reviewer, 'fail')), {
      ledger: w.ledger,
      device: w.kiosk,
      tree: makeMemoryTree(BASE),
      now: NOW,
      dryRun: true,
      decide: policyDecider(OPEN, { now: NOW }),
    });
    expect(dry.status).toBe('denied');
    const unknown = await applyPatch(bytes(w.bundle), {
      ledger: w.ledger,
      device: w.stranger,
      tree: makeMemoryTree(BASE),
      now: NOW,
      decide: policyDecider(OPEN, { now: NOW }),
    });
    expect(stop(unknown)).toMatchObject({ step: 'verify-identities', code: 'UNKNOWN_AUTHOR' });
    expect(w.ledger.size).toBe(size);
  });
});

describe('progress', () => {
  it('says each step as it starts, in the order the result lists them, for an apply and a rollback', async () => {
    const w = await team();
    const tree = makeMemoryTree(BASE);
    const heard: string[] = [];
    const onStep = (step: string) => heard.push(step);
    const run = { ledger: w.ledger, device: w.kiosk, tree, target: 'kiosk-1', now: NOW, onStep };
    const applied = await applyPatch(bytes(w.bundle), {
      ...run,
      decide: policyDecider(OPEN, { now: NOW }),
    });
    expect(applied.status).toBe('applied');
    expect(heard).toEqual(applied.steps.map((s) => s.step));
    expect(heard).toContain('policy');
    heard.length = 0;
    const rolled = await rollbackPatch(bytes(w.bundle), run);
    expect(heard).toEqual(rolled.steps.map((s) => s.step));
    heard.length = 0;
    // A stop is heard too: the step that stopped is the last one said.
    const again = await rollbackPatch(bytes(w.bundle), run);
    expect(stop(again)?.step).toBe('find-applied');
    expect(heard).toEqual(['verify-signature', 'find-applied']);
  });
});

describe('rollback through the agent', () => {
  it('undoes a patch whose author was revoked since, and records the tree hashes', async () => {
    const w = await team();
    const tree = makeMemoryTree(BASE);
    const run = { ledger: w.ledger, device: w.kiosk, tree, target: 'kiosk-1', now: NOW };
    const applied = await applyPatch(bytes(w.bundle), {
      ...run,
      decide: policyDecider(OPEN, { now: NOW }),
    });
    expect(applied.status).toBe('applied');
    await w.ledger.append(w.admin, 'revoke', { subject: w.dev.did, from: 0, reason: 'bad' }, T);
    const rolled = await rollbackPatch(bytes(w.bundle), run);
    expect(rolled.status).toBe('rolled-back');
    expect(rolled.steps.map((s) => s.step)).toEqual([
      'verify-signature',
      'find-applied',
      'apply',
      'record',
      'audit',
    ]);
    expect(tree.snapshot().get('app.conf')?.content).toEqual(utf8Encode('mode=old\n'));
    expect(rolled.attestation?.body).toMatchObject({
      reason: 'rolled-back',
      parent: applied.attestation?.id,
      treeBefore: applied.apply?.treeAfter,
      treeAfter: applied.apply?.treeBefore,
    });
    const again = await rollbackPatch(bytes(w.bundle), run);
    expect(stop(again)).toMatchObject({ step: 'find-applied', code: 'INVALID_METADATA' });
    expect(stop(again)?.message).toMatch(/already rolled back/);
    const elsewhere = await rollbackPatch(bytes(w.bundle), { ...run, target: 'kiosk-2' });
    expect(stop(elsewhere)?.message).toMatch(/records no `applied` of it there/);
  });
});

describe('freshness counts news from the team, not what the device signed itself', () => {
  it("a kiosk cut off for three days stays stale however many entries it signs, and its own fast clock is not the team's", async () => {
    const w = await team();
    const later = new Date(NOW.getTime() + 3 * 86_400_000);
    const stamp = later.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const fresh = rules({ id: 'fresh', kind: 'freshness', mode: 'enforce', maxAgeSeconds: 86_400 });
    const check = (deviceDid?: string) =>
      checkPatch(bytes(w.bundle), {
        ledger: w.ledger,
        now: later,
        decide: policyDecider(fresh, { now: later }),
        ...(deviceDid === undefined ? {} : { deviceDid }),
      });
    // The kiosk signs an entry three days on, cut off: its own, dated now.
    await w.ledger.append(
      w.kiosk,
      'attest',
      { patch: `sha256:${'00'.repeat(32)}`, reason: 'reviewed' },
      stamp,
    );
    const own = await check(w.kiosk.did);
    expect(own.status).toBe('denied');
    const explained = own.decision?.explanation as PolicyDecision | undefined;
    const rule = explained?.rules.find((r) => r.id === 'fresh');
    expect(rule).toMatchObject({ outcome: 'fail', observed: 3 * 86_400 });
    // Another member's entry of the same time is news from the team: fresh.
    await w.ledger.append(
      w.reviewer,
      'attest',
      { patch: `sha256:${'11'.repeat(32)}`, reason: 'reviewed' },
      stamp,
    );
    expect((await check(w.kiosk.did)).status).toBe('allowed');
  });

  it("a member's entry dated in the future is no news: it neither fails every device's freshness nor makes a stale one fresh", async () => {
    const w = await team();
    const fresh = rules({ id: 'fresh', kind: 'freshness', mode: 'enforce', maxAgeSeconds: 86_400 });
    const at = (date: Date) =>
      checkPatch(bytes(w.bundle), {
        ledger: w.ledger,
        now: date,
        decide: policyDecider(fresh, { now: date }),
        deviceDid: w.kiosk.did,
      });
    const ruleOf = (r: Awaited<ReturnType<typeof at>>) =>
      (r.decision?.explanation as PolicyDecision).rules.find((x) => x.id === 'fresh');
    expect((await at(NOW)).status).toBe('allowed');
    // A member signs an entry dated 2099: every device still reads the ledger as it was.
    const forged = { patch: `sha256:${'22'.repeat(32)}`, reason: 'reviewed' as const };
    await w.ledger.append(w.reviewer, 'attest', forged, '2099-01-01T00:00:00Z');
    expect((await at(NOW)).status).toBe('allowed');
    expect(ruleOf(await at(NOW))).toMatchObject({ outcome: 'pass', observed: 0 });
    // Two days on, with no other news, the ledger is stale: the 2099 entry does not refresh it.
    const later = new Date(NOW.getTime() + 2 * 86_400_000);
    expect(ruleOf(await at(later))).toMatchObject({ outcome: 'fail', observed: 2 * 86_400 });
    // Within the tolerated skew (five minutes) a time ahead still counts, as before.
    const ahead = new Date(NOW.getTime() + 240_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await w.ledger.append(w.reviewer, 'attest', { ...forged, reason: 'tested' as const }, ahead);
    expect(ruleOf(await at(NOW))).toMatchObject({ outcome: 'pass', observed: -240 });
    // A device whose own clock is far behind reads its whole ledger as from the future (its
    // genesis too), which the rule says is clock skew or a forged time.
    expect(evidenceClock(w.ledger, w.kiosk.did, new Date('2020-01-01T00:00:00Z'))).toBe(T);
  });
});

describe('decisions on one ledger', () => {
  it('read the ledger whole once per state of it, and again once it grows', async () => {
    const w = await team();
    const digests = vi.spyOn(w.ledger, 'digest');
    const decide = policyDecider(OPEN, { now: NOW });
    const check = async (bundle: Bundle) =>
      checkPatch(bytes(bundle), { ledger: w.ledger, now: NOW, decide });
    const first = await check(w.bundle);
    const second = await check(await attest(w.bundle, w.reviewer, 'pass'));
    expect(digests).toHaveBeenCalledTimes(1);
    expect(second.decision?.explanation).toMatchObject({
      hashes: {
        scores: (first.decision?.explanation as PolicyDecision).hashes.scores,
        ledger: (first.decision?.explanation as PolicyDecision).hashes.ledger,
      },
    });
    // A new entry: the scores and the digest are those of the grown ledger.
    await w.ledger.append(w.fresh, 'register', { name: 'fresh' }, T);
    const third = await check(w.bundle);
    expect(digests).toHaveBeenCalledTimes(2);
    expect((third.decision?.explanation as PolicyDecision).hashes.ledger).not.toBe(
      (first.decision?.explanation as PolicyDecision).hashes.ledger,
    );
  });

  it('reads the scores from a trust source once per state, and computes them itself without an answer', async () => {
    const w = await team();
    const same = await team(); // the same ledger, built again: its decisions are computed here
    const asked: number[] = [];
    const scoreHash = `sha256:${'ab'.repeat(32)}`;
    const source = async (ledger: Ledger) => {
      asked.push(ledger.size);
      return { scores: new Map([[w.dev.did, 7]]), scoreHash, digest: 'ld1:0123456789abcdef0123' };
    };
    const decide = policyDecider(OPEN, { now: NOW, trust: source });
    const check = async (bundle: Bundle) =>
      checkPatch(bytes(bundle), { ledger: w.ledger, now: NOW, decide });
    const hashesOf = (result: Awaited<ReturnType<typeof check>>) =>
      (result.decision?.explanation as PolicyDecision).hashes;
    const first = hashesOf(await check(w.bundle));
    await check(await attest(w.bundle, w.reviewer, 'pass'));
    expect(asked).toEqual([w.ledger.size]);
    expect(first.scores).toBe(scoreHash);
    const here = policyDecider(OPEN, { now: NOW });
    const computed = hashesOf(
      await checkPatch(bytes(w.bundle), { ledger: same.ledger, now: NOW, decide: here }),
    );
    expect(first.ledger).toBe('ld1:0123456789abcdef0123');
    expect(computed.scores).not.toBe(scoreHash);
    // A new state: asked again; a source with no answer leaves the scores to this thread.
    await w.ledger.append(w.fresh, 'register', { name: 'fresh' }, T);
    await same.ledger.append(same.fresh, 'register', { name: 'fresh' }, T);
    const none = policyDecider(OPEN, { now: NOW, trust: async () => undefined });
    const grown = hashesOf(
      await checkPatch(bytes(w.bundle), { ledger: w.ledger, now: NOW, decide: none }),
    );
    const grownHere = hashesOf(
      await checkPatch(bytes(w.bundle), { ledger: same.ledger, now: NOW, decide: here }),
    );
    expect(grown).toEqual(grownHere);
  });
});

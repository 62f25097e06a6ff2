/**
 * The agent with the real policy engine and real scores: whose reputation a decision depends
 * on. Newcomers' outcomes and forwards must not enter other devices' chains (a registered
 * stranger could otherwise block a patch for everyone under `min-reputation`), and `via`
 * judges the path a device names.
 */
import { describe, expect, it } from 'vitest';
import {
  compilePolicy,
  createBundle,
  makeMemoryTree,
  makeSeedSigner,
  policyDecider,
  serializeBundle,
  utf8Encode,
  type Signer,
} from '../../src/core/index.ts';
import { applyPatch, checkPatch } from '../../src/core/agent/agent.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const T = '2026-11-22T10:20:00Z';
const NOW = new Date(T);
const BASE = { 'app.conf': 'mode=old\n' };
const DIFF = '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n';
const signer = (n: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(n));
const policy = compilePolicy({
  format: 'urn:patchtrail:policy:v1',
  version: 1,
  rules: [
    { id: 'rep', kind: 'min-reputation', mode: 'enforce', min: 1_000_000 },
    { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
  ],
});

async function world() {
  const [admin, dev, kiosk1, kiosk2, stranger] = [
    await signer(1),
    await signer(2),
    await signer(3),
    await signer(4),
    await signer(5),
  ];
  const ledger = await Ledger.found(admin, { name: 'c', admins: [admin.did], threshold: 1 }, T);
  for (const [who, name] of [
    [dev, 'dev'],
    [kiosk1, 'kiosk 1'],
    [kiosk2, 'kiosk 2'],
    [stranger, 'stranger'],
  ] as const)
    await ledger.append(who, 'register', { name }, T);
  await ledger.append(admin, 'endorse', { subject: dev.did, role: 'builder', stake: 5 }, T);
  const bundle = await createBundle({ diff: DIFF, signer: dev, reason: 'mode', now: NOW });
  const bytes = utf8Encode(serializeBundle(bundle));
  const run = (device: Signer, via?: string) =>
    applyPatch(bytes, {
      ledger,
      device,
      tree: makeMemoryTree(BASE),
      now: NOW,
      decide: policyDecider(policy, { now: NOW }),
      ...(via === undefined ? {} : { via }),
    });
  const digest = (
    await checkPatch(bytes, {
      ledger,
      now: NOW,
      decide: () => ({ decision: 'deny', hash: '', reasons: [], explanation: {} }),
    })
  ).patch as string;
  const built = await ledger.append(dev, 'attest', { patch: digest, reason: 'built' }, T);
  return { ledger, admin, dev, kiosk1, kiosk2, stranger, run, digest, built };
}

describe('whose reputation a decision depends on', () => {
  it("a newcomer's applied does not block the next device", async () => {
    const w = await world();
    expect((await w.run(w.kiosk1)).status).toBe('applied');
    const second = await w.run(w.kiosk2);
    expect(second.status).toBe('applied');
  });

  it("a stranger's forward counts only for a device that names it as via", async () => {
    const w = await world();
    const forwarded = await w.ledger.append(
      w.stranger,
      'attest',
      { patch: w.digest, reason: 'forwarded', parent: w.built.id },
      T,
    );
    const plain = await w.run(w.kiosk1);
    expect(plain.status).toBe('applied');
    expect(plain.attestation?.body.parent).toBe(w.built.id);
    const through = await w.run(w.kiosk2, forwarded.id);
    expect(through.status).toBe('denied');
    expect(through.decision?.reasons.join(' ')).toContain('stranger');
    const direct = await w.run(w.kiosk2, w.built.id);
    expect(direct.status).toBe('applied');
    expect(direct.attestation?.body.parent).toBe(w.built.id);
  });

  it("a stranger's review still counts without via: it vouches for the content", async () => {
    const w = await world();
    await w.ledger.append(
      w.stranger,
      'attest',
      { patch: w.digest, reason: 'reviewed', parent: w.built.id },
      T,
    );
    expect((await w.run(w.kiosk1)).status).toBe('denied');
    expect((await w.run(w.kiosk1, w.built.id)).status).toBe('applied');
  });
});

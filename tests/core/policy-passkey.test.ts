/**
 * The `attestations` rule with `passkey: true`: only ledger attestations whose passkey
 * assertion verifies count (assertions from Chromium's virtual authenticator, in
 * tests/fixtures/passkeys). A review without one is named in the rule's message and in what is
 * missing; a bundle's appended `pass` never counts there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeSeedSigner } from '../../src/core/index.ts';
import { ledgerLines, loadLedgerFile } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { provenance } from '../../src/core/ledger/queries.ts';
import { compilePolicy, POLICY_FORMAT, type PolicyRule } from '../../src/core/policy/index.ts';
import { passkeyContext } from '../helpers/passkey-context.ts';

const T = '2026-12-01T09:00:00Z';
const PATCH = `sha256:${'5a'.repeat(32)}`;
const file = readFileSync(new URL('../fixtures/passkeys/team.jsonl', import.meta.url));
const seeded = (n: number) => makeSeedSigner(new Uint8Array(32).fill(n));

const review = (passkey: boolean): PolicyRule => ({
  id: 'review',
  kind: 'attestations',
  reason: 'reviewed',
  count: 1,
  from: { roles: ['reviewer'] },
  mode: 'enforce',
  ...(passkey ? { passkey } : {}),
});

async function decide(ledger: Ledger, rule: PolicyRule, bundlePass?: string) {
  const pass = bundlePass === undefined ? [] : [{ did: bundlePass, verdict: 'pass' as const }];
  const context = await passkeyContext(ledger, PATCH, T, pass);
  return compilePolicy({ format: POLICY_FORMAT, version: 1, rules: [rule] }).evaluate(context);
}

/** The team ledger up to the publish, plus a second reviewer who reviews without a passkey. */
async function reviewedWithoutPasskey() {
  const lines = ledgerLines(file).lines;
  const ledger = await Ledger.open(lines[0] as Uint8Array);
  for (const line of lines.slice(1)) {
    const result = await ledger.admit(line);
    const entry = ledger.get(result.id ?? '');
    if (entry?.kind === 'publish') break;
  }
  const [admin, bob] = [await seeded(41), await seeded(44)];
  await ledger.append(bob, 'register', { name: 'Bob' }, T);
  await ledger.append(admin, 'endorse', { subject: bob.did, role: 'reviewer', stake: 1 }, T);
  await ledger.append(bob, 'attest', { patch: PATCH, reason: 'reviewed' }, T);
  return { ledger, rita: (await seeded(42)).did };
}

describe('attestations rule requiring a passkey', () => {
  it('denies a patch reviewed without a passkey, saying why and what is missing', async () => {
    const { ledger, rita } = await reviewedWithoutPasskey();
    // Rita's `pass` appended to the bundle is a review too, but carries no passkey assertion.
    expect((await decide(ledger, review(false), rita)).rules[0]?.observed).toBe(2);
    const denied = await decide(ledger, review(true), rita);
    expect(denied.decision).toBe('deny');
    expect(denied.rules[0]?.message).toMatch(/1 without a verified passkey assertion/);
    expect(denied.missing).toEqual([
      'needs 1 more `reviewed` attestation from role reviewer, backed by a passkey',
    ]);
  });

  it('allows it once a reviewer attests with a passkey assertion that verifies', async () => {
    const { ledger } = await loadLedgerFile(file);
    const allowed = await decide(ledger, review(true));
    expect(allowed.decision).toBe('allow');
    const [reviewed] = provenance(ledger, PATCH).hops.filter((h) => h.reason === 'reviewed');
    expect(allowed.rules[0]?.evidence).toEqual([reviewed?.id]);
  });
});

/**
 * The `admin-passkey` rule (assertions from Chromium's virtual authenticator, in
 * tests/fixtures/passkeys/admin*.jsonl): while a policy naming `policy` is in force, a higher
 * version counts only the admins' entries that carry a verified passkey assertion, and the others
 * are listed as not counting with the reason; a compromise flag without one does not count in
 * that policy's decisions, and the rule says so; the same flag counts without the rule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadLedgerFile } from '../../src/core/ledger/file.ts';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  compilePolicy,
  effectivePolicy,
  effectivePolicyAsync,
} from '../../src/core/policy/index.ts';
import { adminPolicy } from '../fixtures/passkeys/generate-admin.ts';
import { FIXTURE_PATCH } from '../fixtures/passkeys/generate.ts';
import { passkeyContext } from '../helpers/passkey-context.ts';

const T = '2026-12-01T10:00:00Z';
const load = (name: string) =>
  loadLedgerFile(readFileSync(new URL(`../fixtures/passkeys/${name}`, import.meta.url)));
const policyIds = (ledger: Ledger) => [...ledger.ofKind('policy')].map((e) => e.id);

async function decide(ledger: Ledger, policy: unknown) {
  return compilePolicy(policy).evaluate(await passkeyContext(ledger, FIXTURE_PATCH, T));
}

describe('admin-passkey for policy', () => {
  it('counts a higher version only with a verified passkey, naming the entry that did not count', async () => {
    const { ledger } = await load('admin.jsonl');
    const effective = await effectivePolicyAsync(ledger);
    expect(effective.current?.version).toBe(3);
    const [v1, v2, v3] = policyIds(ledger);
    expect(effective.current?.entries).toEqual([v3]);
    expect(effective.rejected).toEqual([
      expect.objectContaining({ id: v2, code: 'POLICY_DENIED' }),
    ]);
    expect(effective.rejected[0]?.message).toMatch(/requires an admin’s passkey for policy/);
    expect(effective.pending.map((p) => [p.version, p.signers.length])).toEqual([[2, 0]]);
    expect(effective.superseded.map((p) => p.entries)).toEqual([[v1]]);
  });

  it('decides from the verified set: none verified leaves v1 in force, all of them v3', async () => {
    const { ledger } = await load('admin.jsonl');
    expect(effectivePolicy(ledger).current?.version).toBe(1);
    const all = new Set(policyIds(ledger));
    expect(effectivePolicy(ledger, { passkeyBacked: all }).current?.version).toBe(3);
    // The first policy counts without one: nothing was in force to ask for it.
    expect(effectivePolicy(ledger, { passkeyBacked: new Set() }).rejected).toHaveLength(2);
  });
});

describe('admin-passkey for flag', () => {
  it('leaves a flag without a passkey out of not-flagged, and says so', async () => {
    const { ledger } = await load('admin.jsonl');
    const decision = await decide(ledger, adminPolicy(3));
    expect(decision.decision).toBe('allow');
    const rule = decision.rules.find((r) => r.id === 'admins');
    expect(rule).toMatchObject({ outcome: 'pass', observed: 1 });
    expect(rule?.message).toMatch(
      /policy and flag need an admin’s passkey: 1 flag by .+ did not count/,
    );
    const clean = decision.rules.find((r) => r.id === 'clean');
    expect(clean?.message).toMatch(/1 flag without a verified passkey did not count/);
  });

  it('counts the same flag under a policy without the rule', async () => {
    const { ledger } = await load('admin.jsonl');
    const plain = { ...adminPolicy(3), rules: adminPolicy(3).rules.slice(1) };
    expect((await decide(ledger, plain)).decision).toBe('deny');
  });

  it('counts a flag signed with the admin’s passkey', async () => {
    const { ledger } = await load('admin-flagged.jsonl');
    const decision = await decide(ledger, adminPolicy(3));
    expect(decision.decision).toBe('deny');
    expect(decision.reasons.join(' ')).toMatch(/clean: flagged compromised by/);
  });

  it('in warn mode leaves nothing out, and says what would not count', async () => {
    const { ledger } = await load('admin.jsonl');
    const warned = adminPolicy(3);
    warned.rules[0] = { ...warned.rules[0], mode: 'warn' } as (typeof warned.rules)[0];
    const decision = await decide(ledger, warned);
    expect(decision.decision).toBe('deny');
    expect(decision.rules.find((r) => r.id === 'admins')?.message).toMatch(/would not count/);
  });
});

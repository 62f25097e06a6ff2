/**
 * Publishing a policy from the app while the policy in force has an `admin-passkey` rule for
 * `policy` (tests/fixtures/passkeys/admin.jsonl, version 3 in force): without a passkey nothing
 * is signed and the reason says what to do; with one, the admin is asked for an assertion over
 * the entry, and an assertion that does not verify leaves the new version pending, not in force.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OpenTeam } from '../../src/app/ledger-session.ts';
import { PASSKEY_NEEDED, publishPolicy } from '../../src/app/policy-publish.ts';
import { makeSeedSigner } from '../../src/core/index.ts';
import type { PasskeyAssertion } from '../../src/core/ledger/kinds.ts';
import { loadLedgerFile } from '../../src/core/ledger/file.ts';
import { adminPolicy } from '../fixtures/passkeys/generate-admin.ts';
import { makeLedgerTrust } from '../../src/app/ledger-trust.ts';

const T = new Date('2026-12-01T11:00:00Z');
const fixture = (name: string) => new URL(`../fixtures/passkeys/${name}`, import.meta.url);
const { assertion } = JSON.parse(readFileSync(fixture('webauthn.json'), 'utf8')) as {
  assertion: PasskeyAssertion;
};

async function world() {
  const { ledger } = await loadLedgerFile(readFileSync(fixture('admin.jsonl')));
  const team = {
    ledger,
    settle: async () => {},
    trust: makeLedgerTrust(undefined),
  } as unknown as OpenTeam;
  return { ledger, team, admin: await makeSeedSigner(new Uint8Array(32).fill(41)) };
}

describe('publishing under admin-passkey for policy', () => {
  it('refuses without a passkey, signing nothing, and says what to do', async () => {
    const { ledger, team, admin } = await world();
    const size = ledger.size;
    const outcome = await publishPolicy(team, admin, adminPolicy(4), T);
    expect(outcome).toEqual({ ok: false, code: 'POLICY_DENIED', message: PASSKEY_NEEDED });
    expect(ledger.size).toBe(size);
  });

  it('asks the passkey over the entry; one that does not verify leaves the version pending', async () => {
    const { ledger, team, admin } = await world();
    const asked: Uint8Array[] = [];
    const passkey = (challenge: Uint8Array) => {
      asked.push(challenge);
      return Promise.resolve(assertion); // made over another challenge: it does not verify
    };
    const outcome = await publishPolicy(team, admin, adminPolicy(4), T, passkey);
    expect(asked).toHaveLength(1);
    expect(outcome).toMatchObject({ ok: true, appended: true, state: 'pending', version: 4 });
    const entry = ledger.get(outcome.ok ? (outcome.entry ?? '') : '');
    expect((entry?.body as { passkey?: unknown }).passkey).toEqual(assertion);
  });
});

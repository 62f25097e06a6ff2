/**
 * Simulating a policy whose `admin-passkey` rule names `flag` reads the passkey assertions the
 * way a real decision does: a compromise flag signed with the admin's passkey counts, so the
 * flagged patch is shown denied (tests/fixtures/passkeys/admin-flagged.jsonl, from Chromium's
 * virtual authenticator).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulatePolicy } from '../../src/app/policy-simulate.ts';
import { loadLedgerFile } from '../../src/core/ledger/file.ts';
import { compilePolicy } from '../../src/core/policy/index.ts';
import { adminPolicy } from '../fixtures/passkeys/generate-admin.ts';
import { FIXTURE_PATCH } from '../fixtures/passkeys/generate.ts';

const T = '2026-12-01T11:00:00Z';

describe('simulating under admin-passkey for flag', () => {
  it('counts the flag signed with a passkey, as the decision would', async () => {
    const file = readFileSync(new URL('../fixtures/passkeys/admin-flagged.jsonl', import.meta.url));
    const { ledger } = await loadLedgerFile(file);
    const simulation = await simulatePolicy(ledger, {
      draft: compilePolicy(adminPolicy(4)),
      inForce: compilePolicy(adminPolicy(3)),
      ...{ scores: new Map(), scoreHash: `sha256:${'00'.repeat(32)}` },
      ...{ now: T, newestLedgerTime: T, actingRole: undefined },
    });
    const row = simulation.rows.find((r) => r.patch === FIXTURE_PATCH);
    expect(row).toMatchObject({ before: 'deny', after: 'deny' });
    expect(row?.reasons.join(' ')).toMatch(/clean: flagged compromised by/);
  });
});

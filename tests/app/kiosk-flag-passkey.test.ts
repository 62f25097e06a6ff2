/**
 * A kiosk rolls back on an admin's compromise flag; under a policy whose `admin-passkey` rule
 * names `flag`, only on one carrying a verified passkey assertion (fixtures made with Chromium's
 * virtual authenticator, tests/fixtures/passkeys/generate-admin.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flaggedByAdmin } from '../../src/app/kiosk-ledger.ts';
import { loadLedgerFile } from '../../src/core/ledger/file.ts';
import { compilePolicy } from '../../src/core/policy/index.ts';
import { adminPolicy } from '../fixtures/passkeys/generate-admin.ts';
import { FIXTURE_PATCH } from '../fixtures/passkeys/generate.ts';

const load = (name: string) =>
  loadLedgerFile(readFileSync(new URL(`../fixtures/passkeys/${name}`, import.meta.url)));
const strict = compilePolicy(adminPolicy(3));

describe('an admin’s flag on a kiosk', () => {
  it('counts a flag without a passkey when no rule asks for one', async () => {
    const { ledger } = await load('admin.jsonl');
    expect(await flaggedByAdmin(ledger, FIXTURE_PATCH)).toMatch(/leaked build key/);
  });

  it('ignores it under admin-passkey for flag, and counts the one signed with a passkey', async () => {
    expect(await flaggedByAdmin((await load('admin.jsonl')).ledger, FIXTURE_PATCH, strict)).toBe(
      undefined,
    );
    const flagged = (await load('admin-flagged.jsonl')).ledger;
    expect(await flaggedByAdmin(flagged, FIXTURE_PATCH, strict)).toMatch(/confirmed/);
  });
});

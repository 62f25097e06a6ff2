/**
 * A compromise flag on the ledger is always said by `check`: a policy with a `not-flagged` rule
 * denies on it (its outcome says why), and a policy without one still allows, with a `warn`
 * line naming who flagged it and their evidence, rather than a bare "=> allowed".
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, ok, pt } = cliWorkspace('pt-check-flags-');
const L = () => ['--ledger', at('team.ledger')];
const policy = (rules: object[]) =>
  JSON.stringify({ format: 'urn:patchtrail:policy:v1', version: 1, name: 'p', rules });

beforeAll(async () => {
  const dev = await ok(['keygen', '--out', at('dev.pem')]);
  await ok(['keygen', '--out', at('admin.pem')]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), '--admin-name', 'Olga', ...L()]);
  await ok(['ledger', 'register', '--key', at('dev.pem'), '--name', 'Ada', ...L()]);
  await ok(['ledger', 'endorse', dev, '--role', 'developer', '--key', at('admin.pem'), ...L()]);
  writeFileSync(at('fix.diff'), '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
  await ok([
    'create',
    '--diff',
    at('fix.diff'),
    '--key',
    at('dev.pem'),
    '--reason',
    'r',
    '--out',
    at('b.json'),
  ]);
  const authors = {
    id: 'authors',
    kind: 'authors',
    mode: 'enforce',
    allow: { roles: ['developer'] },
  };
  writeFileSync(at('loose.json'), policy([authors]));
  writeFileSync(
    at('strict.json'),
    policy([authors, { id: 'clean', kind: 'not-flagged', mode: 'enforce' }]),
  );
});

describe('check on a patch flagged as compromised', () => {
  it('says nothing of flags before there is one', async () => {
    const out = await ok(['check', at('b.json'), '--policy', at('loose.json'), ...L()]);
    expect(out).not.toContain('flagged');
    expect(out.trim().split('\n').at(-1)).toBe('=> allowed');
  });

  it('allows under a policy without a not-flagged rule, but warns, naming the flagger and the evidence', async () => {
    await ok([
      'ledger',
      'flag',
      at('b.json'),
      '--evidence',
      'CVE-2026-0001: it\u001b[2K opens a shell',
      '--key',
      at('admin.pem'),
      ...L(),
    ]);
    const out = await ok(['check', at('b.json'), '--policy', at('loose.json'), ...L()]);
    const lines = out.trim().split('\n');
    expect(lines.at(-1)).toBe('=> allowed');
    expect(lines).toContain(
      'warn flagged compromised by Olga (“CVE-2026-0001: it\\u001b[2K opens a shell”); the policy in force has no not-flagged rule, so the flag does not deny',
    );
  });

  it('denies under a policy with the rule, whose outcome says why, without the warning', async () => {
    const r = await pt(['check', at('b.json'), '--policy', at('strict.json'), ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^POLICY_DENIED: .*flagged compromised by Olga/);
    expect(r.stdout).not.toContain('no not-flagged rule');
  });
});

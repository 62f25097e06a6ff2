/** `patchtrail check` with a policy file that has `cel` rules: real processes and files. */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-cel-');
const L = () => ['--ledger', at('team.ledger')];

function celPolicy(name: string, expression: string, message: string): string {
  const doc = {
    format: 'urn:patchtrail:policy:v1',
    version: 1,
    rules: [
      { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
      { id: 'custom', kind: 'cel', mode: 'enforce', expression, message },
    ],
  };
  writeFileSync(at(name), JSON.stringify(doc));
  return at(name);
}

beforeAll(async () => {
  await ok(['keygen', '--out', at('admin.pem')]);
  const reviewer = await ok(['keygen', '--out', at('reviewer.pem')]);
  await ok(['keygen', '--out', at('dev.pem')]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), ...L()]);
  for (const who of ['dev', 'reviewer'])
    await ok(['ledger', 'register', '--key', at(`${who}.pem`), '--name', who, ...L()]);
  const endorse = ['--role', 'security', '--stake', '5', '--key', at('admin.pem')];
  await ok(['ledger', 'endorse', reviewer, ...endorse, ...L()]);
  writeFileSync(at('fix.diff'), '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-a\n+b\n');
  const bundle = ['--key', at('dev.pem'), '--component', 'core/net', '--out', at('b.json')];
  await ok(['create', '--diff', at('fix.diff'), '--reason', 'fix: retry', ...bundle]);
  const built = await ok([
    'ledger',
    'attest',
    at('b.json'),
    '--key',
    at('dev.pem'),
    '--reason',
    'built',
    ...L(),
  ]);
  const review = ['--reason', 'reviewed', '--parent', built];
  await ok(['ledger', 'attest', at('b.json'), '--key', at('reviewer.pem'), ...review, ...L()]);
});

describe('check with a cel policy', () => {
  const REVIEWED =
    'chain.exists(h, h.reason == "reviewed" && "security" in systems[h.author].roles) && ' +
    'patch.components.all(c, c.startsWith("core/"))';

  it('allows when the expression holds, and shows the rule', async () => {
    const file = celPolicy('allow.json', REVIEWED, 'needs a security review of core code');
    const result = JSON.parse(
      await ok(['check', at('b.json'), '--policy', file, '--json', ...L()]),
    ) as {
      status: string;
      decision: { explanation: { rules: { id: string; outcome: string; observed: unknown }[] } };
    };
    expect(result.status).toBe('allowed');
    expect(result.decision.explanation.rules[1]).toMatchObject({
      id: 'custom',
      outcome: 'pass',
      observed: true,
    });
  });

  it('denies with POLICY_DENIED and the rule message when it does not', async () => {
    const file = celPolicy(
      'deny.json',
      'patch.reason.startsWith("security:")',
      'security fixes only',
    );
    const r = await pt(['check', at('b.json'), '--policy', file, ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^POLICY_DENIED: .*custom: security fixes only/);
    expect(r.stdout).toContain('=> denied');
  });

  it('refuses a policy whose expression does not compile, naming the rule and the problem', async () => {
    const file = celPolicy('bad.json', 'patch.reviewer == "x"', 'never');
    const r = await pt(['check', at('b.json'), '--policy', file, ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^MALFORMED_INPUT: .*\/rules\/1\/expression: patch has no member 'reviewer'/,
    );
  });

  it('validates, publishes and puts in force a CEL policy through the policy words', async () => {
    const file = celPolicy('ledger.json', REVIEWED, 'needs a security review of core code');
    expect(await ok(['policy', 'validate', file])).toContain(
      'policy version 1, mode enforce, 2 rule(s) (2 enforce',
    );
    await ok(['policy', 'publish', file, '--key', at('admin.pem'), ...L()]);
    expect(await ok(['policy', 'show', ...L()])).toContain('in force: ');
    const result = JSON.parse(
      await ok(['check', at('b.json'), '--policy-from-ledger', '--json', ...L()]),
    ) as { status: string };
    expect(result.status).toBe('allowed');
  });
});

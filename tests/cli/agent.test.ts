/** `patchtrail check` and `apply --ledger --policy` end to end: real processes and files. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-agent-');
const dids: Record<string, string> = {};
const ids: Record<string, string> = {};
const L = () => ['--ledger', at('team.ledger')];

function policy(name: string, reviews: number): string {
  const doc = {
    format: 'urn:patchtrail:policy:v1',
    version: 1,
    name,
    mode: 'enforce',
    rules: [
      { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
      { id: 'short', kind: 'max-chain-length', mode: 'enforce', max: 5 },
      {
        id: 'review',
        kind: 'attestations',
        mode: 'enforce',
        reason: 'reviewed',
        count: reviews,
        from: { roles: ['security'] },
      },
    ],
  };
  writeFileSync(at(name), JSON.stringify(doc));
  return at(name);
}

beforeAll(async () => {
  for (const who of ['admin', 'dev', 'reviewer', 'kiosk'])
    dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), ...L()]);
  for (const who of ['dev', 'reviewer', 'kiosk'])
    await ok(['ledger', 'register', '--key', at(`${who}.pem`), '--name', who, ...L()]);
  await ok([
    'ledger',
    'endorse',
    dids.dev as string,
    '--role',
    'builder',
    '--stake',
    '5',
    '--key',
    at('admin.pem'),
    ...L(),
  ]);
  await ok([
    'ledger',
    'endorse',
    dids.reviewer as string,
    '--role',
    'security',
    '--stake',
    '5',
    '--key',
    at('admin.pem'),
    ...L(),
  ]);
  writeFileSync(
    at('fix.diff'),
    '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n',
  );
  await ok([
    'create',
    '--diff',
    at('fix.diff'),
    '--key',
    at('dev.pem'),
    '--reason',
    'mode',
    '--out',
    at('b.json'),
  ]);
  ids.built = await ok([
    'ledger',
    'attest',
    at('b.json'),
    '--key',
    at('dev.pem'),
    '--reason',
    'built',
    ...L(),
  ]);
  await ok([
    'ledger',
    'attest',
    at('b.json'),
    '--key',
    at('reviewer.pem'),
    '--reason',
    'reviewed',
    '--parent',
    ids.built,
    ...L(),
  ]);
  mkdirSync(at('target'));
  writeFileSync(at('target/app.conf'), 'mode=old\n');
});

describe('check and apply with a ledger and a policy', () => {
  it('check allows a patch the policy allows, and says why', async () => {
    const result = JSON.parse(
      await ok(['check', at('b.json'), '--policy', policy('one.json', 1), '--json', ...L()]),
    ) as {
      status: string;
      decision: {
        decision: string;
        hash: string;
        explanation: { rules: { id: string; outcome: string }[] };
      };
    };
    expect(result.status).toBe('allowed');
    expect(result.decision.explanation.rules.map((r) => [r.id, r.outcome])).toEqual([
      ['clean', 'pass'],
      ['short', 'pass'],
      ['review', 'pass'],
      ['implicit:fail-verdicts', 'pass'],
    ]);
    expect(result.decision.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('check denies with POLICY_DENIED and what is missing', async () => {
    const r = await pt(['check', at('b.json'), '--policy', policy('two.json', 2), ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^POLICY_DENIED: .*needs 1 more `reviewed` attestation/);
    expect(r.stdout).toContain('=> denied');
    const none = await pt(['check', at('b.json'), '--policy-from-ledger', ...L()]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^POLICY_DENIED: no policy is in force/);
  });

  it('apply --ledger: dry run changes nothing; a real run applies and records `applied`', async () => {
    const args = [
      'apply',
      at('b.json'),
      '--dir',
      at('target'),
      '--policy',
      at('one.json'),
      '--key',
      at('kiosk.pem'),
      '--target',
      'kiosk-1',
      ...L(),
    ];
    const dry = JSON.parse(await ok([...args, '--dry-run', '--json'])) as { status: string };
    expect(dry.status).toBe('dry-run');
    expect(readFileSync(at('target/app.conf'), 'utf8')).toBe('mode=old\n');
    const done = JSON.parse(await ok([...args, '--json'])) as {
      status: string;
      attestation: { id: string; entry: { body: { treeAfter: string; parent: string } } };
    };
    expect(done.status).toBe('applied');
    expect(readFileSync(at('target/app.conf'), 'utf8')).toBe('mode=new\n');
    const audit = JSON.parse(await ok(['ledger', 'audit', 'kiosk-1', '--json', ...L()])) as {
      events: { id: string; reason: string; treeAfter: string }[];
    };
    expect(audit.events).toEqual([
      expect.objectContaining({
        id: done.attestation.id,
        reason: 'applied',
        treeAfter: done.attestation.entry.body.treeAfter,
      }),
    ]);
    const again = JSON.parse(await ok([...args, '--json'])) as { status: string };
    expect(again.status).toBe('already-applied');
  });

  it('an unregistered author is refused at verify-identities', async () => {
    await ok(['keygen', '--out', at('stranger.pem')]);
    await ok([
      'create',
      '--diff',
      at('fix.diff'),
      '--key',
      at('stranger.pem'),
      '--reason',
      'x',
      '--out',
      at('s.json'),
    ]);
    const r = await pt(['check', at('s.json'), '--policy', at('one.json'), ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^UNKNOWN_AUTHOR: /);
  });

  it('--via judges the hop the bundle came through, and must name one of its attestations', async () => {
    const args = ['check', at('b.json'), '--policy', policy('via.json', 1), ...L()];
    const built = JSON.parse(await ok([...args, '--via', ids.built as string, '--json'])) as {
      status: string;
      decision: { explanation: { rules: { id: string; outcome: string }[] } };
    };
    expect(built.status).toBe('allowed');
    const unknown = await pt([...args, '--via', `sha256:${'0'.repeat(64)}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^INVALID_METADATA: via sha256:0+ is not an attestation/);
    expect((await pt([...args, '--via', 'yesterday'])).code).toBe(2);
    const stray = await pt([
      'apply',
      at('b.json'),
      '--dir',
      at('target'),
      '--via',
      ids.built as string,
    ]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--via need(s) --ledger FILE');
  });
});

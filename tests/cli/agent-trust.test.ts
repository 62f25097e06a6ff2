/**
 * `check`, `apply --ledger` and `rollback` as a team would run them: in-bundle attesters judged
 * by the registry, the acting role from the device key, a device state file, every attempt on
 * the ledger, warn-mode rules in the text output, and untrusted names escaped.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle, makeSeedSigner, parsePem, serializeBundle } from '../../src/core/index.ts';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-agent-trust-');
const dids: Record<string, string> = {};
const L = () => ['--ledger', at('team.ledger')];
const FAKE = 'mallory\u001b[2K\r\n=> allowed';

function policy(name: string, rules: object[], mode = 'enforce'): string {
  const doc = { format: 'urn:patchtrail:policy:v1', version: 1, mode, rules };
  writeFileSync(at(name), JSON.stringify(doc));
  return at(name);
}
const OPEN = () =>
  policy('open.json', [{ id: 'no-fuzz', kind: 'fuzz', mode: 'enforce', allowed: false }]);

/** `apply --ledger` of a bundle to a directory as the kiosk, under a target name. */
const applyArgs = (bundle: string, dir: string, name: string) => [
  ...['apply', at(bundle), '--dir', dir, '--policy', OPEN()],
  ...['--key', at('kiosk.pem'), '--target', name, ...L()],
];

async function target(name: string): Promise<string> {
  mkdirSync(at(name));
  writeFileSync(at(`${name}/app.conf`), 'mode=old\n');
  return at(name);
}

beforeAll(async () => {
  for (const who of ['admin', 'dev', 'reviewer', 'kiosk', 'stranger', 'mallory'])
    dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), ...L()]);
  for (const who of ['dev', 'reviewer', 'kiosk'])
    await ok(['ledger', 'register', '--key', at(`${who}.pem`), '--name', who, ...L()]);
  await ok(['ledger', 'register', '--key', at('mallory.pem'), '--name', FAKE, ...L()]);
  for (const [who, role] of [
    ['dev', 'builder'],
    ['reviewer', 'security'],
    ['kiosk', 'technician'],
  ] as const)
    await ok([
      'ledger',
      'endorse',
      dids[who] as string,
      '--role',
      role,
      '--stake',
      '1',
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
  const attest = (from: string, key: string, verdict: string, out: string, role = 'security') =>
    ok([
      'attest',
      at(from),
      '--key',
      at(key),
      '--role',
      role,
      '--verdict',
      verdict,
      '--out',
      at(out),
    ]);
  await attest('b.json', 'stranger.pem', 'pass', 'b1.json');
  await attest('b1.json', 'reviewer.pem', 'fail', 'failed.json');
  await attest('b.json', 'mallory.pem', 'fail', 'mallory.json');
});

describe('in-bundle attestations meet the ledger', () => {
  it("check denies a stranger's pass with a registered reviewer's fail, and says who counted", async () => {
    const r = await pt(['check', at('failed.json'), '--policy', OPEN(), ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^POLICY_DENIED: implicit:fail-verdicts: reviewer marked the patch as failing/,
    );
    expect(r.stdout).toMatch(
      new RegExp(`attester ${dids.stranger}: pass \\(claims security; UNKNOWN: not counted\\)`),
    );
    expect(r.stdout).toContain('attester reviewer (');
    expect(r.stdout).toContain(': fail (claims security; registered, role(s) security)');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('=> denied');
  });

  it('an attester name with escapes and a newline cannot fake a line', async () => {
    const r = await pt(['check', at('mallory.json'), '--policy', OPEN(), ...L()]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l === '=> allowed')).toEqual([]);
    expect(lines.filter((l) => l.startsWith('=> '))).toEqual(['=> denied']);
    expect(r.stdout).toContain('mallory\\u001b[2K\\u000d\\u000a=> allowed');
    expect(r.stderr).not.toMatch(/\n./);
  });
});

describe('apply --ledger records every attempt', () => {
  it('a denied apply leaves a `rejected` entry with the code; --json prints entries as JSON', async () => {
    const dir = await target('t-denied');
    const args = applyArgs('failed.json', dir, 'kiosk-d');
    const r = await pt([...args, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      status: string;
      attestation: { id: string; entry: { kind: string; body: Record<string, unknown> } };
    };
    expect(out).toMatchObject({ ok: false, status: 'denied' });
    expect(out.attestation.entry.body).toMatchObject({
      reason: 'rejected',
      code: 'POLICY_DENIED',
      target: 'kiosk-d',
    });
    expect(r.stdout).not.toMatch(/"0":/);
    expect(r.stdout.length).toBeLessThan(8000);
    expect(readFileSync(`${dir}/app.conf`, 'utf8')).toBe('mode=old\n');
    const audit = JSON.parse(await ok(['ledger', 'audit', 'kiosk-d', '--json', ...L()])) as {
      events: { id: string; reason: string }[];
    };
    expect(audit.events).toEqual([
      expect.objectContaining({ id: out.attestation.id, reason: 'rejected' }),
    ]);
  });

  it('a conflicting apply is recorded too; a dry run is not', async () => {
    const dir = await target('t-conflict');
    writeFileSync(`${dir}/app.conf`, 'mode=other\n');
    const args = applyArgs('b.json', dir, 'kiosk-c');
    const dry = await pt([...args, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(JSON.parse(await ok(['ledger', 'audit', 'kiosk-c', '--json', ...L()]))).toMatchObject({
      events: [],
    });
    const r = await pt(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^APPLY_CONFLICT: /);
    expect(r.stdout).toMatch(/ok {3}record {12}recorded rejected sha256:/);
    const audit = await ok(['ledger', 'audit', 'kiosk-c', '--json', ...L()]);
    expect(audit).toContain('"reason":"rejected"');
  });
});

describe('rollback', () => {
  it('undoes what this target applied, records `rolled-back`, and refuses a second time', async () => {
    const dir = await target('t-roll');
    const key = ['--key', at('kiosk.pem'), '--target', 'kiosk-r', ...L()];
    await ok(['apply', at('b.json'), '--dir', dir, '--policy', OPEN(), ...key]);
    expect(readFileSync(`${dir}/app.conf`, 'utf8')).toBe('mode=new\n');
    const rolled = JSON.parse(
      await ok(['rollback', at('b.json'), '--dir', dir, ...key, '--json']),
    ) as {
      status: string;
      apply: { treeBefore: string; treeAfter: string };
      attestation: { entry: { body: Record<string, unknown> } };
    };
    expect(rolled.status).toBe('rolled-back');
    expect(rolled.attestation.entry.body).toMatchObject({
      reason: 'rolled-back',
      treeBefore: rolled.apply.treeBefore,
      treeAfter: rolled.apply.treeAfter,
    });
    expect(readFileSync(`${dir}/app.conf`, 'utf8')).toBe('mode=old\n');
    const again = await pt(['rollback', at('b.json'), '--dir', dir, ...key]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^INVALID_METADATA: nothing to roll back on kiosk-r/);
    expect(again.stdout.trimEnd().split('\n').at(-1)).toBe('=> rejected');
    expect((await pt(['rollback', at('b.json'), ...key])).code).toBe(2);
    expect((await pt(['rollback', at('b.json'), '--dir', dir, ...L()])).code).toBe(2);
  });
});

describe("the device's role and state", () => {
  const rules = [
    { id: 'op', kind: 'acting-role', mode: 'enforce', roles: ['technician'] },
    {
      id: 'fw',
      kind: 'component-version',
      mode: 'enforce',
      component: '__proto__',
      constraint: '>=2',
    },
  ];

  it('the role comes from the device key; --role cannot claim one it does not hold', async () => {
    // A component named like an Object.prototype member is a component like any other.
    writeFileSync(
      at('state.json'),
      '{"format":"urn:patchtrail:device-state:v1","components":{"__proto__":"2.1"}}',
    );
    const p = policy('role.json', rules);
    const check = ['check', at('b.json'), '--policy', p, ...L()];
    await ok([...check, '--key', at('kiosk.pem'), '--state', at('state.json')]);
    const typed = await pt([...check, '--role', 'technician']);
    expect(typed.code).toBe(2);
    const claimed = await pt([
      ...check,
      '--key',
      at('reviewer.pem'),
      '--role',
      'technician',
      '--state',
      at('state.json'),
    ]);
    expect(claimed.code).toBe(1);
    expect(claimed.stderr).toMatch(
      /^POLICY_DENIED: this device's key does not hold role technician/,
    );
    const none = await pt([...check, '--key', dids.kiosk as string]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/__proto__ is not installed/);
  });

  it('a malformed state file is MALFORMED_INPUT', async () => {
    writeFileSync(
      at('bad-state.json'),
      JSON.stringify({ format: 'urn:patchtrail:device-state:v1', components: { fw: 2 } }),
    );
    const r = await pt([
      'check',
      at('b.json'),
      '--policy',
      policy('role2.json', rules),
      '--key',
      at('kiosk.pem'),
      '--state',
      at('bad-state.json'),
      ...L(),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^MALFORMED_INPUT: device state: \/components\/"fw": the version must be a string/,
    );
  });
});

describe('warn mode speaks', () => {
  it("a warn-mode policy's failing rules are in the text output", async () => {
    const p = policy(
      'warn.json',
      [
        {
          id: 'review',
          kind: 'attestations',
          mode: 'enforce',
          reason: 'reviewed',
          count: 2,
          from: { roles: ['security'] },
        },
      ],
      'warn',
    );
    const out = await ok(['check', at('b.json'), '--policy', p, ...L()]);
    expect(out).toMatch(/^warn review: 0 of 2 `reviewed` attestations from role security$/m);
    expect(out.split('\n').at(-1)).toBe('=> allowed');
  });
});

describe('one metadata check for both apply paths', () => {
  it('plain apply and apply --ledger both refuse a bundle created on 9999-12-31', async () => {
    const pem = parsePem(readFileSync(at('dev.pem'), 'utf8'));
    if (pem.kind !== 'private') throw new Error('dev.pem is a private key');
    const bundle = await createBundle({
      diff: readFileSync(at('fix.diff'), 'utf8'),
      signer: await makeSeedSigner(pem.seed),
      reason: 'from the future',
      now: new Date('9999-12-31T00:00:00Z'),
    });
    writeFileSync(at('future.json'), serializeBundle(bundle));
    const dir = await target('t-future');
    const plain = await pt(['apply', at('future.json'), '--dir', dir, '--trust', at('dev.pem')]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /^INVALID_METADATA: creation_timestamp 9999-12-31T00:00:00Z is in the future/,
    );
    const ledger = await pt(applyArgs('future.json', dir, 'kiosk-f'));
    expect(ledger.code).toBe(1);
    expect(ledger.stderr).toMatch(
      /^INVALID_METADATA: creation_timestamp 9999-12-31T00:00:00Z is in the future/,
    );
    expect(readFileSync(`${dir}/app.conf`, 'utf8')).toBe('mode=old\n');
  });
});

describe('self-reported reputation', () => {
  it('is recorded, never trusted, and flagged when far above the computed score', async () => {
    const boast = await ok([
      ...['ledger', 'attest', at('b.json'), '--key', at('mallory.pem'), '--reason', 'forwarded'],
      ...['--score', '950000000', '--json', ...L()],
    ]);
    const { id } = JSON.parse(boast) as { id: string };
    const rules = [{ id: 'rep', kind: 'min-reputation', mode: 'enforce', min: 900_000_000 }];
    const args = ['check', at('b.json'), '--policy', policy('rep.json', rules), '--via', id];
    const r = await pt([...args, ...L()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^POLICY_DENIED: rep: /);
    expect(r.stdout).toMatch(
      new RegExp(
        `^warn self-reported score: mallory.* reports 0\\.950 for itself in ${id}; its computed score is 0\\.0\\d\\d$`,
        'm',
      ),
    );
    const json = JSON.parse((await pt([...args, '--json', ...L()])).stdout) as {
      decision: { selfReports: { entry: string; reported: number }[] };
    };
    expect(json.decision.selfReports).toEqual([
      expect.objectContaining({ entry: id, reported: 950_000_000 }),
    ]);
    const explained = await ok(['reputation', '--explain', dids.mallory as string, ...L()]);
    expect(explained).toContain(`self-reported 95.000% in ${id}: FAR ABOVE its computed score`);
    expect(
      (
        await pt([
          'ledger',
          'attest',
          at('b.json'),
          '--key',
          at('dev.pem'),
          '--reason',
          'built',
          '--score',
          '2000000000',
          ...L(),
        ])
      ).code,
    ).toBe(2);
  });
});

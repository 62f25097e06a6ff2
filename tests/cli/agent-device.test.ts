/**
 * The device's side of `check` and `apply --ledger`: the acting role from the device key, a
 * device state file, warn-mode rules in the text output, one metadata check for both apply
 * paths, and self-reported scores flagged, never trusted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBundle, makeSeedSigner, parsePem, serializeBundle } from '../../src/core/index.ts';
import { cliTeam } from '../helpers/cli-team.ts';

const { at, pt, ok, dids, L, policy, applyArgs, target, setup } = cliTeam('pt-agent-device-');

beforeAll(setup);

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

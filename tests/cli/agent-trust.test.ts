/**
 * `check`, `apply --ledger` and `rollback` as a team would run them: in-bundle attesters judged
 * by the registry, every attempt on the ledger, a rollback recorded with its tree hashes, and
 * untrusted names escaped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliTeam } from '../helpers/cli-team.ts';

const { at, pt, ok, dids, L, open: OPEN, applyArgs, target, setup } = cliTeam('pt-agent-trust-');

beforeAll(setup);

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

describe('ledger audit DID', () => {
  it('gives what a device did on every target it named, with refusal codes, where the target alone gave nothing', async () => {
    const dir = await target('t-by-did');
    await pt(applyArgs('failed.json', dir, 'plant-4/line,1'));
    const kiosk = dids.kiosk ?? '';
    const text = await ok(['ledger', 'audit', kiosk, ...L()]);
    expect(text).not.toContain('nothing recorded');
    // Each line: time, outcome, patch, by whom, on which target, and a refusal's code.
    expect(text).toMatch(
      / rejected {4}sha256:\S+ by did:key:\S+ on plant-4\/line,1 POLICY_DENIED$/m,
    );
    expect(text).toContain(' on kiosk-d ');
    const json = JSON.parse(await ok(['ledger', 'audit', kiosk, '--json', ...L()])) as {
      events: { by: string; target: string; code?: string }[];
    };
    expect(json.events.length).toBeGreaterThanOrEqual(3);
    expect(json.events.every((e) => e.by === kiosk)).toBe(true);
    expect(json.events).toContainEqual(
      expect.objectContaining({ target: 'plant-4/line,1', code: 'POLICY_DENIED' }),
    );
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

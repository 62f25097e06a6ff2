/** `patchtrail policy validate|publish|show` end to end: real processes, keys and ledger files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-policy-');
const L = () => ['--ledger', at('team.ledger')];
const dids: Record<string, string> = {};
const lines = () => readFileSync(at('team.ledger'), 'utf8').trim().split('\n').length;

function policyFile(name: string, version: number, reviewers = 'security'): string {
  const doc = {
    format: 'urn:patchtrail:policy:v1',
    version,
    name,
    rules: [
      { id: 'clean', kind: 'no-malicious', mode: 'enforce' },
      { id: 'short', kind: 'max-chain-length', mode: 'warn', max: 5 },
      {
        id: 'review',
        kind: 'attestations',
        mode: 'enforce',
        reason: 'reviewed',
        count: 1,
        from: { roles: [reviewers] },
      },
    ],
  };
  writeFileSync(at(name), JSON.stringify(doc));
  return at(name);
}

beforeAll(async () => {
  for (const who of ['admin', 'admin2', 'dev'])
    dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
  const admins = `${dids.admin},${dids.admin2}`;
  await ok([
    'ledger',
    'init',
    '--key',
    at('admin.pem'),
    '--admins',
    admins,
    '--threshold',
    '2',
    ...L(),
  ]);
  for (const who of ['admin2', 'dev'])
    await ok(['ledger', 'register', '--key', at(`${who}.pem`), '--name', who, ...L()]);
});

describe('policy validate', () => {
  it("a policy's name cannot add lines to the output", async () => {
    const doc = JSON.parse(readFileSync(policyFile('named.json', 1), 'utf8')) as object;
    writeFileSync(at('named.json'), JSON.stringify({ ...doc, name: 'x\nvalid: "all" version 99' }));
    const out = await ok(['policy', 'validate', at('named.json')]);
    expect(out.split('\n').filter((l) => l.startsWith('valid:'))).toHaveLength(1);
    expect(out).toContain('"x\\u000avalid: "all" version 99" version 1');
  });

  it('summarises a valid policy with its hash', async () => {
    const result = JSON.parse(
      await ok(['policy', 'validate', policyFile('p1.json', 1), '--json']),
    ) as {
      ok: boolean;
      version: number;
      rules: number;
      enforce: number;
      warn: number;
      hash: string;
    };
    expect(result).toMatchObject({ ok: true, version: 1, rules: 3, enforce: 2, warn: 1 });
    expect(result.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await ok(['policy', 'validate', at('p1.json')])).toContain('"p1.json" version 1');
  });

  it('refuses a policy with every problem listed, and a file that is not JSON', async () => {
    writeFileSync(
      at('bad.json'),
      JSON.stringify({
        format: 'urn:patchtrail:policy:v1',
        version: 0,
        name: 'bad',
        rules: [{ id: 'x', kind: 'min-reputation', mode: 'sometimes' }],
      }),
    );
    const bad = await pt(['policy', 'validate', at('bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^MALFORMED_INPUT: /);
    expect(bad.stderr).toContain('version');
    expect(bad.stderr).toContain('mode');
    writeFileSync(at('junk.json'), '{"format": ');
    const junk = JSON.parse(
      (await pt(['policy', 'validate', at('junk.json'), '--json'])).stdout,
    ) as {
      ok: boolean;
      code: string;
    };
    expect(junk).toMatchObject({ ok: false, code: 'MALFORMED_INPUT' });
    writeFileSync(at('huge.json'), ' '.repeat(1024 * 1024 + 1));
    expect((await pt(['policy', 'validate', at('huge.json')])).stderr).toMatch(/^TOO_LARGE: /);
  });

  it('with --ledger, warns about roles nobody in standing holds', async () => {
    const text = await ok(['policy', 'validate', policyFile('p-ghost.json', 1, 'auditor'), ...L()]);
    expect(text).toContain('warning: rule review: no identity in standing holds role auditor');
  });

  it('has usage errors for a missing file and an unknown word', async () => {
    expect((await pt(['policy', 'validate'])).code).toBe(2);
    const unknown = await pt(['policy', 'enact']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('validate|publish|show');
  });
});

describe('policy publish and show', () => {
  it('takes effect only when the threshold of admins published it', async () => {
    expect(await ok(['policy', 'show', ...L()])).toContain('no policy is in force');
    const file = policyFile('v2.json', 2);
    const first = JSON.parse(
      await ok(['policy', 'publish', file, '--key', at('admin.pem'), '--json', ...L()]),
    ) as { state: string; entry: string; signers: string[] };
    expect(first).toMatchObject({ state: 'pending', signers: [dids.admin] });
    const size = lines();
    const again = await ok(['policy', 'publish', file, '--key', at('admin.pem'), ...L()]);
    expect(again).toContain('nothing appended');
    expect(lines()).toBe(size);
    const second = await ok(['policy', 'publish', file, '--key', at('admin2.pem'), ...L()]);
    expect(second).toContain('in force: 2 of 2 admin(s)');
    const shown = JSON.parse(await ok(['policy', 'show', '--json', ...L()])) as {
      current: { version: number; signers: string[] };
      policy: { name: string };
    };
    expect(shown.current.version).toBe(2);
    expect(shown.current.signers).toEqual([dids.admin, dids.admin2].sort());
    expect(shown.policy.name).toBe('v2.json');
  });

  it('refuses a non-admin and a version that can never replace the one in force', async () => {
    const size = lines();
    const stranger = await pt([
      'policy',
      'publish',
      policyFile('v3.json', 3),
      '--key',
      at('dev.pem'),
      ...L(),
    ]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/^INVALID_METADATA: .*not an admin/);
    const older = await pt([
      'policy',
      'publish',
      policyFile('v1.json', 1),
      '--key',
      at('admin.pem'),
      ...L(),
    ]);
    expect(older.code).toBe(1);
    expect(older.stderr).toMatch(/^INVALID_METADATA: version 1 can never take effect/);
    const rival = await pt([
      'policy',
      'publish',
      policyFile('v2-rival.json', 2, 'auditor'),
      '--key',
      at('admin.pem'),
      ...L(),
    ]);
    expect(rival.stderr).toMatch(/^INVALID_METADATA: version 2 can never take effect/);
    expect(lines()).toBe(size);
  });
});

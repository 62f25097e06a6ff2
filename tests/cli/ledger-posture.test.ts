/**
 * `patchtrail ledger posture`: an assessor records a posture report about a system; reputation
 * counts it only from a holder of the assessor role, and the word says whether it counts.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-posture-');
const dids: Record<string, string> = {};
const L = () => ['--ledger', at('team.ledger')];

beforeAll(async () => {
  for (const who of ['admin', 'assessor', 'kiosk', 'neighbour'])
    dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), ...L()]);
  for (const who of ['assessor', 'kiosk', 'neighbour'])
    await ok(['ledger', 'register', '--key', at(`${who}.pem`), '--name', who, ...L()]);
  const endorse = (who: string, role: string) =>
    ok([
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
  await endorse('assessor', 'assessor');
  await endorse('kiosk', 'technician');
  writeFileSync(at('scan.txt'), 'lynis report: firewall ok, disk not encrypted\n');
});

const explain = async (who: string) =>
  (
    JSON.parse(await ok(['reputation', '--explain', dids[who] as string, '--json', ...L()])) as {
      explanation: { posture?: { assessor: string; passed: number; total: number; entry: string } };
    }
  ).explanation.posture;

describe('ledger posture', () => {
  it('an assessor records a report that reputation counts, with its digest, scanner and findings', async () => {
    const args = ['ledger', 'posture', dids.kiosk as string, '--key', at('assessor.pem')];
    const made = JSON.parse(
      await ok([
        ...args,
        ...['--check', 'firewall=pass', '--check', 'disk-encryption=fail'],
        ...['--report', at('scan.txt'), '--scanner', 'lynis 3.0.9', '--findings', '1 high'],
        ...['--assessed', '2026-11-20T08:00:00Z', '--json', ...L()],
      ]),
    ) as { id: string; counted: boolean; why: string };
    expect(made).toMatchObject({ counted: true, why: `${dids.assessor} holds the assessor role` });
    expect(await explain('kiosk')).toMatchObject({ entry: made.id, passed: 1, total: 2 });
    const log = JSON.parse(await ok(['ledger', 'log', '--json', ...L()])) as {
      entries: { id: string; body: Record<string, unknown> }[];
    };
    expect(log.entries.find((e) => e.id === made.id)?.body).toMatchObject({
      subject: dids.kiosk,
      checks: { firewall: 'pass', 'disk-encryption': 'fail' },
      report: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      scanner: 'lynis 3.0.9',
      findings: '1 high',
      assessed: '2026-11-20T08:00:00Z',
    });
  });

  it('a report by a system without the assessor role is recorded but not counted, and says so', async () => {
    const before = await explain('kiosk');
    const r = await pt([
      ...['ledger', 'posture', dids.kiosk as string, '--key', at('neighbour.pem')],
      ...['--check', 'firewall=fail', ...L()],
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(r.stderr).toBe(
      `warning: recorded but not counted by reputation: ${dids.neighbour} does not hold the assessor role in standing\n`,
    );
    expect(await explain('kiosk')).toEqual(before);
    const self = await pt([
      'ledger',
      'posture',
      dids.kiosk as string,
      '--key',
      at('kiosk.pem'),
      '--check',
      'firewall=pass',
      ...L(),
    ]);
    expect(self.stderr).toContain('a system assessing itself is not counted');
  });

  it('refuses bad arguments with usage errors', async () => {
    const base = ['ledger', 'posture', dids.kiosk as string, '--key', at('assessor.pem'), ...L()];
    for (const extra of [
      [],
      ['--check', 'Firewall=pass'],
      ['--check', 'firewall'],
      ['--check', 'a=1', '--check', 'a=2'],
      ['--check', 'a=1', '--assessed', 'yesterday'],
      ['--check', 'a=1', '--report', 'sha256:xyz'],
    ])
      expect((await pt([...base, ...extra])).code).toBe(2);
    expect(
      (
        await pt([
          'ledger',
          'posture',
          'did:key:nope',
          '--key',
          at('assessor.pem'),
          '--check',
          'a=1',
          ...L(),
        ])
      ).code,
    ).toBe(2);
  });
});

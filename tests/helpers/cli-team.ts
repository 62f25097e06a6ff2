/**
 * A small team on a ledger file, for the agent's CLI tests: an admin; dev (builder), reviewer
 * (security) and kiosk (technician), each endorsed with stake; an unregistered stranger; and
 * mallory, registered under a name that tries to fake a line. dev's bundle `b.json` changes
 * app.conf; `failed.json` carries the stranger's pass and the reviewer's fail, `mallory.json`
 * mallory's fail.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cliWorkspace } from './cli.ts';

export const FAKE_NAME = 'mallory\u001b[2K\r\n=> allowed';

export function cliTeam(prefix: string) {
  const space = cliWorkspace(prefix);
  const { at, ok } = space;
  const dids: Record<string, string> = {};
  const L = () => ['--ledger', at('team.ledger')];

  /** Writes a policy file with these rules and returns its path. */
  const policy = (name: string, rules: object[], mode = 'enforce'): string => {
    const doc = { format: 'urn:patchtrail:policy:v1', version: 1, mode, rules };
    writeFileSync(at(name), JSON.stringify(doc));
    return at(name);
  };
  /** A policy that allows anything without fuzz: what the agent adds is all that is judged. */
  const open = () =>
    policy('open.json', [{ id: 'no-fuzz', kind: 'fuzz', mode: 'enforce', allowed: false }]);

  /** `apply --ledger` of a bundle to a directory as the kiosk, under a target name. */
  const applyArgs = (bundle: string, dir: string, name: string) => [
    ...['apply', at(bundle), '--dir', dir, '--policy', open()],
    ...['--key', at('kiosk.pem'), '--target', name, ...L()],
  ];

  /** A fresh target directory holding app.conf before the patch. */
  const target = (name: string): string => {
    mkdirSync(at(name));
    writeFileSync(at(`${name}/app.conf`), 'mode=old\n');
    return at(name);
  };

  /** Appends an attestation by `key` with `verdict` to bundle `from`, written to `out`. */
  const attest = (from: string, key: string, verdict: string, out: string) =>
    ok([
      ...['attest', at(from), '--key', at(key), '--role', 'security'],
      ...['--verdict', verdict, '--out', at(out)],
    ]);

  async function setup(): Promise<void> {
    for (const who of ['admin', 'dev', 'reviewer', 'kiosk', 'stranger', 'mallory'])
      dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
    await ok(['ledger', 'init', '--key', at('admin.pem'), ...L()]);
    for (const who of ['dev', 'reviewer', 'kiosk'])
      await ok(['ledger', 'register', '--key', at(`${who}.pem`), '--name', who, ...L()]);
    await ok(['ledger', 'register', '--key', at('mallory.pem'), '--name', FAKE_NAME, ...L()]);
    const roles = { dev: 'builder', reviewer: 'security', kiosk: 'technician' };
    for (const [who, role] of Object.entries(roles))
      await ok([
        ...['ledger', 'endorse', dids[who] as string, '--role', role, '--stake', '1'],
        ...['--key', at('admin.pem'), ...L()],
      ]);
    writeFileSync(
      at('fix.diff'),
      '--- a/app.conf\n+++ b/app.conf\n@@ -1 +1 @@\n-mode=old\n+mode=new\n',
    );
    await ok([
      ...['create', '--diff', at('fix.diff'), '--key', at('dev.pem'), '--reason', 'mode'],
      ...['--out', at('b.json')],
    ]);
    await attest('b.json', 'stranger.pem', 'pass', 'b1.json');
    await attest('b1.json', 'reviewer.pem', 'fail', 'failed.json');
    await attest('b.json', 'mallory.pem', 'fail', 'mallory.json');
  }

  return { ...space, dids, L, policy, open, applyArgs, target, setup };
}

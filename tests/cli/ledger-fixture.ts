/**
 * A small ledger for the `patchtrail ledger` CLI tests: an admin, a developer who registered
 * and attested a bundle; `copy(name)` gives each test its own file of it.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

type Workspace = ReturnType<typeof cliWorkspace>;

/** Keys for `who` (their did:keys into `dids`), and b.json: a bundle of fix.diff by dev. */
export async function keysAndBundle(
  { at, ok }: Workspace,
  who: readonly string[],
  dids: Record<string, string>,
): Promise<void> {
  for (const name of who) dids[name] = await ok(['keygen', '--out', at(`${name}.pem`)]);
  writeFileSync(at('fix.diff'), '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n');
  const bundle = ['create', '--diff', at('fix.diff'), '--key', at('dev.pem'), '--reason', 'fix'];
  await ok([...bundle, '--out', at('b.json')]);
}

export function ledgerFixture(prefix: string) {
  const workspace = cliWorkspace(prefix);
  const { at, ok } = workspace;
  const dids: Record<string, string> = {};
  const L = (name: string) => ['--ledger', at(name)];

  beforeAll(async () => {
    await keysAndBundle(workspace, ['admin', 'dev'], dids);
    await ok(['ledger', 'init', '--key', at('admin.pem'), ...L('base.ledger')]);
    await ok(['ledger', 'register', '--key', at('dev.pem'), '--name', 'dev', ...L('base.ledger')]);
    await ok([
      'ledger',
      'attest',
      at('b.json'),
      '--key',
      at('dev.pem'),
      '--reason',
      'built',
      ...L('base.ledger'),
    ]);
  });

  /** A copy of the base ledger under a new name. */
  const copy = (name: string): string => {
    copyFileSync(at('base.ledger'), at(name));
    return at(name);
  };
  const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n');
  return { ...workspace, dids, L, copy, lines };
}

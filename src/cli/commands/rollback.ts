/**
 * `patchtrail rollback`: undo a patch this target applied, through the agent, and record
 * `rolled-back` with the tree hashes. It needs an intact bundle and the ledger's record of the
 * apply, not a trusted author: rolling back a bad patch is the remedy when its author turned out
 * malicious or was revoked.
 */
import { MAX_BUNDLE_BYTES, rollbackPatch } from '../../core/index.ts';
import { report } from '../agent-output.ts';
import type { Command } from '../context.ts';
import { treeStatCacheDir } from '../cache-dir.ts';
import { readInput } from '../io.ts';
import { appendEntries } from '../ledger-file.ts';
import { makeNodeTree } from '../node-tree.ts';
import { withTargetLock } from '../target-lock.ts';
import { existingDir } from './apply.ts';
import { signerFrom } from './create.ts';
import { ledgerPath, openLedger } from './ledger-common.ts';

export const rollback: Command = {
  name: 'rollback',
  summary:
    'undo a patch this target applied (exact reverse) and record `rolled-back` on the ledger',
  usage:
    'patchtrail rollback BUNDLE --dir DIR --ledger FILE --key DEVICE.pem [--target NAME] [--json]',
  options: {
    dir: { type: 'string' },
    ledger: { type: 'string' },
    key: { type: 'string' },
    target: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: 1,
  async run(values, [bundle = ''], context) {
    const dir = existingDir(values.dir);
    const path = ledgerPath(values);
    const device = await signerFrom(values.key);
    // Like apply, one process at a time changes the target: the ledger is read under the lock
    // too, so the record of the apply being undone is the newest there is.
    const result = await withTargetLock(dir, 'rollback', context.now(), async () => {
      const { ledger } = await openLedger(path, context);
      const before = ledger.size;
      const outcome = await rollbackPatch(await readInput(bundle, MAX_BUNDLE_BYTES, 'bundle'), {
        ledger,
        device,
        tree: makeNodeTree(dir, { statCache: treeStatCacheDir() }),
        now: context.now(),
        ...(typeof values.target === 'string' ? { target: values.target } : {}),
      });
      await appendEntries(path, [...ledger.all()].slice(before));
      return outcome;
    });
    return report(result, values, context);
  },
};

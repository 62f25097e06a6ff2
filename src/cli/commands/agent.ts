/**
 * `patchtrail agent --watch DIR`: the attestation agent as a service on the target (seed 001).
 * Bundles dropped into DIR are decided with the same agent as `apply --ledger` (the policy, the
 * post-apply check and its rollback, every attempt recorded on the ledger), one line logged per
 * decision; decisions are remembered in TARGET/.patchtrail/agent-state.json so a restart
 * applies nothing twice. It holds the target's lock while it runs (target-lock.ts). SIGINT and
 * SIGTERM stop it between bundles. `--post-check PROGRAM` adds a health check run in the target
 * after each apply (agent-post-check.ts).
 */
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { makeNodeTree } from '../node-tree.ts';
import { treeStatCacheDir } from '../cache-dir.ts';
import { agentOptions } from '../agent-common.ts';
import { milliseconds, postCheckOption, watchOptions } from '../agent-options.ts';
import { loadAgentState, statePath } from '../agent-state.ts';
import { watchFolder } from '../agent-watch.ts';
import type { Command } from '../context.ts';
import { makeDropFolder } from '../drop-folder.ts';
import { UsageError } from '../errors.ts';
import { crashStep, existingDir } from './apply.ts';
import { deviceAgent } from './apply-ledger.ts';
import { openLedger, type Values } from './ledger-common.ts';
import { withTargetLock } from '../target-lock.ts';

const DEFAULT_INTERVAL_MS = 2000;
const DEFAULT_SETTLE_MS = 2000;

/** The drop folder inside the target would be part of what is patched and hashed. */
function checkApart(watch: string, dir: string): void {
  const [w, d] = [realpathSync(watch), realpathSync(dir)];
  if (w === d || w.startsWith(d + sep))
    throw new UsageError('--watch must not be the target or inside it (--dir)');
}

function checkUsage(values: Values): void {
  if (typeof values.key !== 'string') throw new UsageError('--key DEVICE.pem is required');
  if (values.via !== undefined)
    throw new UsageError("--via names one bundle's path; the agent takes many: leave it out");
}

/** The crash failpoint `apply` has (PATCHTRAIL_CRASH_AT_STEP), for the restart tests. */
function failpoint(): { onStep?: (step: number) => void } {
  const onStep = crashStep();
  return onStep === undefined ? {} : { onStep };
}

/** Stops the loop on SIGINT or SIGTERM while it runs; the handlers go when it ends. */
async function untilSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export const agent: Command = {
  name: 'agent',
  summary: 'watch a folder for bundles: decide, apply or refuse, record, roll back; one line each',
  usage:
    'patchtrail agent --watch DIR --dir TARGET --ledger FILE --key DEVICE.pem (--policy FILE | --policy-from-ledger)\n' +
    '       [--role ROLE] [--state FILE] [--target NAME] [--interval MS] [--settle MS] [--once] [--json]\n' +
    '       [--post-check PROGRAM [--post-check-arg ARG]... [--post-check-timeout MS]]',
  options: { ...agentOptions, ...watchOptions },
  positionals: 0,
  async run(values, _positionals, context) {
    const watch = existingDir(values.watch, 'watch');
    const dir = existingDir(values.dir);
    checkApart(watch, dir);
    checkUsage(values);
    const intervalMs = milliseconds(values.interval, 'interval', DEFAULT_INTERVAL_MS);
    const settleMs = milliseconds(values.settle, 'settle', DEFAULT_SETTLE_MS);
    const check = postCheckOption(values);
    return untilSignal(async (signal) => {
      const device = await deviceAgent(values);
      await openLedger(device.path, context); // an unreadable ledger is a usage error now
      const lockedAs = `agent --watch${values.once === true ? ' --once' : ''}`;
      return withTargetLock(dir, lockedAs, context.now(), async () => {
        const path = statePath(dir);
        const state = await loadAgentState(path);
        return watchFolder({
          ...{ agent: device, folder: makeDropFolder(watch, settleMs), state, statePath: path },
          tree: makeNodeTree(dir, { statCache: treeStatCacheDir(), ...failpoint() }),
          ...{ intervalMs, settleMs, once: values.once === true, json: values.json === true },
          ...{ signal, context, watch, dir: resolve(dir), ...check },
          ...(typeof values.target === 'string' ? { targetName: values.target } : {}),
        });
      });
    });
  },
};

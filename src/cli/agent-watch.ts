/**
 * The loop of `agent --watch`: look at the drop folder, decide each whole bundle file not
 * decided before (the agent's `applyPatch`, through `applyOnLedger`), remember it, log one
 * line, sleep, again. A stop (SIGINT, SIGTERM: `signal`) is only looked at between bundles, so
 * an apply is finished, recorded and remembered, or not started.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isPatchtrailError, utcTimestamp, type ErrorCode, type Tree } from '../core/index.ts';
import { saveAgentState, type AgentState } from './agent-state.ts';
import { formatLine, resultLine, type DecisionLine } from './agent-log.ts';
import { applyOnLedger, type DeviceAgent } from './commands/apply-ledger.ts';
import type { CliContext } from './context.ts';
import type { DropEntry, DropFolder } from './drop-folder.ts';

export interface WatchLoop {
  agent: DeviceAgent;
  folder: DropFolder;
  tree: Tree;
  state: AgentState;
  statePath: string;
  intervalMs: number;
  settleMs: number;
  once: boolean;
  json: boolean;
  signal: AbortSignal;
  context: CliContext;
  /** The drop folder's path, for the `watching` line. */
  watch: string;
}

/**
 * Statuses that leave the target with the patch in: anything else in `--once` (denied,
 * rejected, rolled back, refused, still waiting, an error) exits 1.
 */
const GOOD = new Set(['applied', 'already-applied']);

type Bundle = Extract<DropEntry, { kind: 'bundle' }>;

export async function watchFolder(loop: WatchLoop): Promise<number> {
  const { state, signal, context } = loop;
  const time = () => utcTimestamp(context.now());
  const log = (line: DecisionLine) => context.stdout(formatLine(line, loop.json));
  /** What was last said about a name that is not decided (refused, error), said once. */
  const said = new Map<string, string>();
  const sayOnce = (line: DecisionLine) => {
    const key = `${line.status}:${line.code ?? ''}:${line.message ?? ''}`;
    if (said.get(line.file ?? '') !== key) log(line);
    said.set(line.file ?? '', key);
  };
  if (!loop.once) {
    const message = `folder ${loop.watch}, every ${loop.intervalMs} ms`;
    log({ time: time(), status: 'watching', message });
  }
  const resumed = state.pending?.digest;
  if (state.pending !== undefined) {
    const { name, digest } = state.pending;
    const message = 'was being decided when the agent stopped; it is decided again';
    log({ time: time(), status: 'resumed', file: name, digest, message });
  }
  let bad = 0;
  const deadline = Date.now() + 2 * loop.settleMs + 1000;
  while (!signal.aborted) {
    const entries = await loop.folder.scan(Date.now(), (d) => Object.hasOwn(state.decided, d));
    for (const entry of entries) {
      if (signal.aborted) break;
      if (entry.kind === 'refused') {
        const { name: file, code, message } = entry;
        sayOnce({ time: time(), status: 'refused', file, code, message });
        bad++;
      } else if (entry.kind === 'bundle') {
        const line = await decide(loop, entry, time, entry.digest === resumed);
        if (line.status === 'error') sayOnce(line);
        else log(line);
        if (!GOOD.has(line.status)) bad++;
      }
    }
    const waiting = entries.filter((e) => e.kind === 'waiting');
    if (loop.once && (waiting.length === 0 || Date.now() > deadline)) {
      for (const { name } of waiting) {
        const message = 'still being written: not taken (it must keep its size and time)';
        log({ time: time(), status: 'waiting', file: name, message });
        bad++;
      }
      break;
    }
    const pause = loop.once
      ? Math.min(loop.intervalMs, Math.max(loop.settleMs / 4, 20))
      : loop.intervalMs;
    await sleep(pause, undefined, { signal }).catch(() => undefined);
  }
  if (signal.aborted) log({ time: time(), status: 'stopped', message: 'stopped on a signal' });
  return loop.once && bad > 0 ? 1 : 0;
}

/**
 * Decides one bundle file: marks it pending, applies through the agent, remembers the outcome.
 * A coded failure that is not the bundle's fault (no policy in force on the ledger) is not
 * remembered, so the bundle is decided once the ledger allows it.
 */
async function decide(
  loop: WatchLoop,
  entry: Bundle,
  time: () => string,
  resumed: boolean,
): Promise<DecisionLine> {
  const { state, statePath } = loop;
  const { name, digest } = entry;
  state.pending = { digest, name, time: time() };
  saveAgentState(statePath, state);
  let line: DecisionLine;
  try {
    const result = await applyOnLedger(loop.agent, entry.bytes, loop.tree, loop.context, resumed);
    line = resultLine(time(), name, digest, result);
    state.decided[digest] = {
      ...{ name, status: result.status, time: line.time },
      ...(line.code === undefined ? {} : { code: line.code }),
      ...(line.patch === undefined ? {} : { patch: line.patch }),
    };
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    const code: ErrorCode = error.code;
    line = { time: time(), status: 'error', file: name, digest, code, message: error.message };
  }
  delete state.pending;
  saveAgentState(statePath, state);
  return line;
}

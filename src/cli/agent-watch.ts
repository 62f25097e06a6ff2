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
import type { PostCheckCommand, PostCheckRun } from './agent-post-check.ts';
import { bundleCheck, MAX_CHECK_STARTS } from './agent-watch-check.ts';

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
  /** The target directory, absolute (where `--post-check` runs), and its name on the ledger. */
  dir: string;
  targetName?: string;
  postCheck?: PostCheckCommand;
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
    log({ time: time(), status: 'resumed', file: name, digest, message: resumedWhy(state) });
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
  const checks = resumed ? checkStarts(state) : 0;
  state.pending = { digest, name, time: time(), ...(checks > 0 ? { checks } : {}) };
  saveAgentState(statePath, state);
  let line: DecisionLine;
  let evidence: PostCheckRun | undefined;
  const more =
    loop.postCheck === undefined
      ? undefined
      : bundleCheck(entry, {
          ...{ command: loop.postCheck, dir: loop.dir, seen: (run) => (evidence = run) },
          ...(loop.targetName === undefined ? {} : { targetName: loop.targetName }),
          started: () => started(loop),
        });
  try {
    const { agent, tree, context } = loop;
    const result = await applyOnLedger(agent, entry.bytes, tree, context, resumed, more);
    line = resultLine(time(), name, digest, result);
    if (evidence?.problem !== undefined)
      Object.assign(line, { output: evidence.output, outputBytes: evidence.outputBytes });
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

/** How often the pending bundle's `--post-check` was started (a damaged count is none). */
function checkStarts(state: AgentState): number {
  const checks = state.pending?.checks;
  return Number.isSafeInteger(checks) && (checks ?? 0) > 0 ? (checks as number) : 0;
}

/** Counts one more start of the pending bundle's check, saved before the program runs. */
function started(loop: WatchLoop): number {
  const pending = loop.state.pending;
  if (pending === undefined) return 1;
  pending.checks = checkStarts(loop.state) + 1;
  saveAgentState(loop.statePath, loop.state);
  return pending.checks;
}

/** The `resumed` line's reason: whether the post-check was under way, and what happens now. */
function resumedWhy(state: AgentState): string {
  const checks = checkStarts(state);
  if (checks === 0) return 'was being decided when the agent stopped; it is decided again';
  const times = `started ${checks} time(s)`;
  return checks >= MAX_CHECK_STARTS
    ? `its post-check (${times}) never finished: it is not run again, the apply is rolled back`
    : `its post-check (${times}) had not finished when the agent stopped: it is checked again`;
}

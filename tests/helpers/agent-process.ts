/**
 * `patchtrail agent --watch` as a process (the built binary) for the tests about processes:
 * its JSON lines as they come, its exit, a signal to it; and waiting for a condition.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './cli.ts';
import { watchLines, type WatchLine } from './watch-team.ts';

const BIN = `${ROOT}bin/patchtrail.mjs`;

export interface Running {
  pid: number;
  lines(): WatchLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** The children started and not yet seen to exit. */
const running = new Set<ChildProcess>();

/** SIGKILLs every child still running (for afterAll: a failed test leaves none behind). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Starts the CLI with `args` and `env` added to this process's environment. */
export function startCli(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return {
    pid: child.pid ?? 0,
    lines: () => watchLines(stdout),
    stderr: () => stderr,
    exited: new Promise((done) => child.on('exit', (code, signal) => done({ code, signal }))),
    kill: (signal) => void child.kill(signal),
  };
}

/** Waits until `test` holds, looking every 25 ms; throws naming `what` after `ms`. */
export async function until(what: string, test: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

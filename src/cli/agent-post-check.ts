/**
 * The health check `agent --post-check PROGRAM` runs in the target after each apply: the
 * program with its `--post-check-arg`s, never through a shell, with stdin closed and the
 * bundle it checks named in its environment. It passes when it exits with status 0. It fails
 * when it exits otherwise, is killed by a signal, cannot be started, or outlives the timeout:
 * then it and its process group are killed (SIGKILL). Its process group is killed when it
 * exits too, so a background child it left behind cannot hold the agent (a daemon that leaves
 * the group with setsid is not waited for: its pipes are closed after a second).
 *
 * What it prints (stdout and stderr, interleaved as they come) is kept bounded: the last
 * OUTPUT_LIMIT bytes, as evidence for the agent's log line; it is never written to the terminal
 * as it is, and never to the ledger (the ledger names the failure, not the output).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const OUTPUT_LIMIT = 4096;
/** How long the pipes may stay open after the check exited and its group was killed. */
const DRAIN_MS = 1000;

export interface PostCheckCommand {
  /** Absolute path of the program. */
  program: string;
  args: readonly string[];
  timeoutMs: number;
}

export interface PostCheckRun {
  /** Why it failed; undefined when it passed. */
  problem?: string;
  /** The last OUTPUT_LIMIT bytes it printed, decoded leniently. */
  output: string;
  /** How many bytes it printed in all. */
  outputBytes: number;
}

/** The last `limit` bytes of a stream of chunks. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  constructor(private readonly limit: number) {}
  add = (chunk: Buffer): void => {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - (this.chunks[0]?.length ?? 0) >= this.limit) {
      this.kept -= this.chunks.shift()?.length ?? 0;
    }
  };
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8');
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

function outcome(code: number | null, signal: string | null, timeoutMs: number | undefined) {
  if (timeoutMs !== undefined)
    return `did not finish within ${timeoutMs} ms: killed with its process group`;
  if (signal !== null) return `was killed by ${signal}`;
  return code === 0 ? undefined : `exited with status ${String(code)}`;
}

/** Runs the check in `cwd` with `env` added to the agent's environment. */
export function runPostCheck(
  check: PostCheckCommand,
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<PostCheckRun> {
  const tail = new OutputTail(OUTPUT_LIMIT);
  const child = spawn(check.program, check.args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, to kill it whole
    shell: false,
  });
  child.stdout.on('data', tail.add);
  child.stderr.on('data', tail.add);
  return new Promise((done) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, check.timeoutMs);
    let finished = false;
    const finish = (problem: string | undefined) => {
      if (finished) return; // a program that cannot start says so twice: 'error', then 'exit'
      finished = true;
      clearTimeout(timer);
      killGroup(child);
      void drained(child).then(() =>
        done({
          ...(problem === undefined ? {} : { problem }),
          ...{ output: tail.text(), outputBytes: tail.total },
        }),
      );
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) finish(`cannot be run (${error.code ?? error.message})`);
    });
    child.once('exit', (code, signal) =>
      finish(outcome(code, signal, timedOut ? check.timeoutMs : undefined)),
    );
  });
}

/** Resolves when both pipes closed (all output read), or after DRAIN_MS with them closed. */
function drained(child: ChildProcess): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((s) => s !== null);
  const closed = streams.map(
    (s) => new Promise<void>((done) => (s.closed ? done() : s.once('close', () => done()))),
  );
  return new Promise<void>((done) => {
    const timer = setTimeout(() => {
      for (const s of streams) s.destroy();
      done();
    }, DRAIN_MS);
    void Promise.all(closed).then(() => {
      clearTimeout(timer);
      done();
    });
  });
}

/**
 * Runs the CLI as a user would, on real files. `patchtrail` runs it in this process through the
 * same entry point the binary uses (`runCli`: terminal net, exit codes, exit 70 on a crash), so a
 * test costs no process start; `patchtrailProcess` starts the built binary, for the tests that
 * are about the process itself (exit status, stdin, a kill).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/patchtrail.mjs`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
}

/** One CLI run at a time per test process: the environment is set for the run and restored. */
let running: Promise<unknown> = Promise.resolve();

export function patchtrail(args: string[], options: RunOptions = {}): Promise<Run> {
  const result = running.then(() => runInProcess(args, options));
  running = result.catch(() => undefined);
  return result;
}

async function runInProcess(args: string[], options: RunOptions): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(options.env ?? {})) {
    saved.set(key, process.env[key]);
    process.env[key] = value;
  }
  const input = options.input;
  try {
    const code = await runCli(args, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      now: () => new Date(),
      ...(input === undefined
        ? {}
        : {
            stdin: async function* () {
              yield typeof input === 'string' ? new TextEncoder().encode(input) : input;
            },
          }),
    });
    return { code, stdout, stderr };
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  }
}

/** The built binary in a child process: real exit status, real stdin. */
export function patchtrailProcess(
  args: string[],
  options: RunOptions & { cwd?: string } = {},
): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    input: options.input,
    env: options.env === undefined ? process.env : { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function run(cmd: string, args: string[], cwd?: string): Run {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A scratch directory for one CLI test file, with the CLI bound to it: `at(name)` is a path in
 * it, `pt(args)` runs the CLI (in process) with its own verification cache there, `ok(args)` also
 * asserts success with nothing on stderr and returns stdout trimmed; `proc(args)` runs the built
 * binary instead.
 */
export function cliWorkspace(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const at = (name: string) => join(dir, name);
  const env = () => ({ PATCHTRAIL_CACHE_DIR: at('cache') });
  const pt = (args: string[], options: RunOptions = {}) =>
    patchtrail(args, { ...options, env: { ...env(), ...options.env } });
  const proc = (args: string[], options: RunOptions = {}) =>
    patchtrailProcess(args, { ...options, env: { ...env(), ...options.env } });
  const ok = async (args: string[]) => {
    const r = await pt(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim();
  };
  return { dir, at, env, pt, ok, proc };
}

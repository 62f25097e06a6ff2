/** Runs the built CLI as a user would: a child process, real files, real exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/patchtrail.mjs`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function patchtrail(
  args: string[],
  options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {},
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
 * it, `pt(args)` runs the CLI with its own verification cache there, `ok(args)` also asserts
 * success with nothing on stderr and returns stdout trimmed.
 */
export function cliWorkspace(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const at = (name: string) => join(dir, name);
  const env = () => ({ PATCHTRAIL_CACHE_DIR: at('cache') });
  const pt = (args: string[]) => patchtrail(args, { env: env() });
  const ok = (args: string[]) => {
    const r = pt(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout.trim();
  };
  return { dir, at, env, pt, ok };
}

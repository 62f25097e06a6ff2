/**
 * The options of `agent --watch` that are its own: the look and settle intervals and the
 * post-apply health check (`--post-check PROGRAM`, its `--post-check-arg`s and
 * `--post-check-timeout`). A program that is not there or cannot be run is a usage error at
 * start (exit 2), before anything is applied.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PostCheckCommand } from './agent-post-check.ts';
import { UsageError } from './errors.ts';
import type { Values } from './commands/ledger-common.ts';
import { shown } from './terminal.ts';

export const DEFAULT_POST_CHECK_TIMEOUT_MS = 60_000;

export const watchOptions = {
  watch: { type: 'string' },
  dir: { type: 'string' },
  target: { type: 'string' },
  interval: { type: 'string' },
  settle: { type: 'string' },
  once: { type: 'boolean' },
  'post-check': { type: 'string' },
  'post-check-arg': { type: 'string', multiple: true },
  'post-check-timeout': { type: 'string' },
} as const;

export function milliseconds(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[0-9]{1,7}$/.test(value))
    throw new UsageError(`--${option} takes a number of milliseconds (0 to 9999999)`);
  return Number(value);
}

/** The program's absolute path: an executable regular file (symlinks to one are fine). */
function program(path: string): string {
  const absolute = resolve(path);
  let info;
  try {
    info = statSync(absolute);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UsageError(`--post-check ${shown(path)}: cannot use it (${code})`);
  }
  if (!info.isFile()) throw new UsageError(`--post-check ${shown(path)} is not a regular file`);
  try {
    accessSync(absolute, constants.X_OK);
  } catch {
    throw new UsageError(`--post-check ${shown(path)} is not executable`);
  }
  return absolute;
}

/** `--post-check PROGRAM [--post-check-arg ARG]... [--post-check-timeout MS]`, or none. */
export function postCheckOption(values: Values): { postCheck?: PostCheckCommand } {
  const args = values['post-check-arg'];
  const path = values['post-check'];
  if (path === undefined) {
    if (args !== undefined || values['post-check-timeout'] !== undefined)
      throw new UsageError('--post-check-arg and --post-check-timeout need --post-check PROGRAM');
    return {};
  }
  if (typeof path !== 'string' || path === '')
    throw new UsageError('--post-check takes the path of a program');
  const timeoutMs = milliseconds(
    values['post-check-timeout'],
    'post-check-timeout',
    DEFAULT_POST_CHECK_TIMEOUT_MS,
  );
  if (timeoutMs === 0) throw new UsageError('--post-check-timeout must be at least 1 ms');
  const list = Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [];
  return { postCheck: { program: program(path), args: list, timeoutMs } };
}

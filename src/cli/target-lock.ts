/**
 * One process at a time changes a target: `agent --watch` for as long as it runs, `apply` for
 * one apply. The lock is TARGET/.patchtrail/lock, beside the apply journal and the agent's
 * state it protects, so every process acting on the target sees it whatever its user or cache
 * directory. It holds who took it (pid, host, command, time, a random token) and appears whole:
 * it is written under a temporary name and hard-linked into place, which fails when anything
 * is there (a symlink too), so no reader sees half a lock and nothing is ever followed.
 *
 * A lock whose holder is dead is stale and is taken over: on this host, kill(pid, 0) answers
 * ESRCH, or (Linux) the lock was taken in an earlier boot (its boot id differs: a power loss
 * killed its holder, and after a reboot its pid may well belong to something else), or the
 * process that has the pid now started at another time than the holder did (the pid was
 * reused). A lock without a boot id or start time (an earlier build, or no /proc) is judged by
 * pid. Two processes taking over the same stale lock are serialised by a second lock,
 * lock.takeover, taken the same way: under it the lock is read again and removed only when its
 * holder is still dead, so exactly one of them removes it and the next link decides the
 * holder. The target is hostile ground: .patchtrail and the lock are checked with lstat, opened
 * with O_NOFOLLOW | O_NONBLOCK (a FIFO cannot hang the read) and checked again with fstat; a
 * symlink, FIFO, directory or a file that is not a lock is UNSAFE_PATH, with nothing removed.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmdirSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { reject, utcTimestamp } from '../core/index.ts';
import { STATE_DIR } from '../core/diff/journal.ts';
import { lstatOrUndefined } from './node-fs.ts';

export const LOCK_FILE = 'lock';
const LOCK_FORMAT = 'urn:patchtrail:target-lock:v1';
const MAX_LOCK_BYTES = 4096;
/** How often a contender looks again while another takes a stale lock over (10 ms apart). */
const ATTEMPTS = 200;

export interface Holder {
  format: typeof LOCK_FORMAT;
  pid: number;
  host: string;
  command: string;
  since: string;
  token: string;
  /** Linux: the boot the holder ran in (/proc/sys/kernel/random/boot_id). */
  boot?: string;
  /** Linux: when the holder started, in clock ticks since boot (/proc/PID/stat, field 22). */
  start?: string;
}

export interface TargetLock {
  path: string;
  holder: Holder;
  /** Removes the lock (when it is still this one) and .patchtrail when that leaves it empty. */
  release(): void;
}

interface Found {
  holder: Holder;
  info: Stats;
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

function kind(info: Stats): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  return info.isFile() ? 'a file that is not a patchtrail lock' : 'a socket or device';
}

/** `path` as the messages name it: inside the target (the target is the one given). */
const named = (path: string) => `${STATE_DIR}/${basename(path)}`;

function unsafe(path: string, what: string): never {
  return reject(
    'UNSAFE_PATH',
    `${named(path)} in the target is ${what}, not a lock patchtrail wrote: nothing was changed; remove it once no patchtrail process uses the target`,
  );
}

function parseHolder(text: string): Holder | undefined {
  try {
    const v = JSON.parse(text) as Partial<Holder> | null;
    if (v?.format !== LOCK_FORMAT || !Number.isSafeInteger(v.pid) || (v.pid ?? 0) <= 0)
      return undefined;
    // Said in messages as they are: a planted lock can only name words of this shape.
    const words = { host: /^[\x21-\x7e]{1,255}$/u, command: /^[a-z -]{1,40}$/u };
    if (!words.host.test(String(v.host)) || !words.command.test(String(v.command)))
      return undefined;
    if (!/^[0-9TZ:.-]{1,40}$/u.test(String(v.since)) || typeof v.token !== 'string')
      return undefined;
    const shaped = (x: unknown, shape: RegExp) => typeof x === 'string' && shape.test(x);
    if (v.boot !== undefined && !shaped(v.boot, BOOT)) return undefined;
    if (v.start !== undefined && !shaped(v.start, /^[0-9]{1,20}$/u)) return undefined;
    return v as Holder;
  } catch {
    return undefined;
  }
}

/** The lock at `path`, or undefined when there is none; anything that is not a lock refuses. */
export function readLock(path: string): Found | undefined {
  const seen = lstatOrUndefined(path);
  if (seen === undefined) return undefined;
  if (!seen.isFile()) unsafe(path, kind(seen));
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined; // released meanwhile
    if (errno(error) === 'ELOOP') unsafe(path, 'a symbolic link');
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_LOCK_BYTES) unsafe(path, kind(info));
    const bytes = Buffer.alloc(info.size);
    const read = readSync(fd, bytes, 0, bytes.length, 0);
    const holder = parseHolder(bytes.subarray(0, read).toString('utf8'));
    return holder === undefined ? unsafe(path, kind(info)) : { holder, info };
  } finally {
    closeSync(fd);
  }
}

const BOOT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

let bootMemo: { id: string | undefined } | undefined;

/** This boot's id (Linux), or undefined; read once (it cannot change under a process). */
export function bootId(): string | undefined {
  if (bootMemo !== undefined) return bootMemo.id;
  let id: string | undefined;
  try {
    id = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    id = undefined;
  }
  bootMemo = { id: id !== undefined && BOOT.test(id) ? id : undefined };
  return bootMemo.id;
}

/** When process `pid` started, in clock ticks since boot (Linux), or undefined. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // After the command name, which may hold spaces and parentheses: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[22 - 3];
    return start !== undefined && /^[0-9]{1,20}$/u.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder may still be running: another host's (cannot tell), or on this host a
 * live pid that is still the holder's (same boot, same start time, where both are known).
 */
export function holderAlive(holder: Pick<Holder, 'pid' | 'host' | 'boot' | 'start'>): boolean {
  if (holder.host !== hostname()) return true;
  const boot = bootId();
  if (holder.boot !== undefined && boot !== undefined && holder.boot !== boot) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return errno(error) !== 'ESRCH';
  }
  if (holder.start === undefined) return true;
  const start = processStart(holder.pid);
  return start === undefined || start === holder.start;
}

/** .patchtrail as a real directory (made when missing); anything else refuses. */
function stateDir(target: string): string {
  const dir = join(target, STATE_DIR);
  const info = lstatOrUndefined(dir);
  if (info === undefined) {
    try {
      mkdirSync(dir, { mode: 0o755 });
    } catch (error) {
      if (errno(error) !== 'EEXIST') throw error;
    }
  } else if (!info.isDirectory()) unsafe(dir, kind(info));
  return dir;
}

/** Writes `holder` under a fresh name and links it to `path`: false when `path` exists. */
function linkNew(dir: string, path: string, holder: Holder): boolean {
  const temp = join(dir, `.lock.${holder.pid}.${randomBytes(6).toString('hex')}`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const fd = openSync(temp, flags, 0o644);
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

function held(holder: Holder, path: string): string {
  const who =
    holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
  return `the target is locked by ${who} (${holder.command} since ${holder.since}; ${named(path)}): one process at a time changes a target; try again when it has finished`;
}

/**
 * Test-only: PATCHTRAIL_LOCK_TAKEOVER_DELAY_MS waits that long between finding a lock stale and
 * taking it over, so that racing takers all find it stale (the race tests).
 */
function takeoverDelay(): number {
  const ms = Number(process.env.PATCHTRAIL_LOCK_TAKEOVER_DELAY_MS ?? '');
  return Number.isInteger(ms) && ms > 0 ? Math.min(ms, 10_000) : 0;
}

const pause = (ms: number) =>
  ms <= 0 ? 'timed-out' : Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes the stale lock `stale` found at `path`, unless it changed: under lock.takeover, so
 * that of several processes finding it stale one removes it. A live takeover is waited for;
 * a takeover whose taker died (between two system calls) refuses, naming the file to remove.
 */
function takeOver(dir: string, path: string, stale: Found, self: Holder): void {
  const mutex = `${path}.takeover`;
  if (!linkNew(dir, mutex, self)) {
    const other = readLock(mutex);
    if (other === undefined || holderAlive(other.holder)) return void pause(10);
    reject(
      'APPLY_CONFLICT',
      `a takeover of a stale lock by pid ${other.holder.pid} was interrupted: remove ${named(mutex)} from the target once no patchtrail process uses the target`,
    );
  }
  try {
    const now = readLock(path);
    if (now !== undefined && now.info.ino === stale.info.ino && !holderAlive(now.holder))
      unlinkSync(path);
  } finally {
    unlinkSync(mutex);
  }
}

/**
 * Takes the target's lock for `command`, or refuses: APPLY_CONFLICT naming the live holder's
 * pid, UNSAFE_PATH when something that is not a lock is in its place.
 */
export function lockTarget(target: string, command: string, now: Date): TargetLock {
  const boot = bootId();
  const start = processStart(process.pid);
  const self: Holder = {
    ...{ format: LOCK_FORMAT, pid: process.pid, host: hostname(), command },
    ...{ since: utcTimestamp(now), token: randomBytes(12).toString('hex') },
    ...(boot === undefined ? {} : { boot }),
    ...(start === undefined ? {} : { start }),
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const dir = stateDir(target);
    const path = join(dir, LOCK_FILE);
    try {
      if (linkNew(dir, path, self))
        return { path, holder: self, release: () => release(path, self) };
    } catch (error) {
      if (errno(error) === 'ENOENT') continue; // .patchtrail removed by a holder that finished
      throw error;
    }
    const found = readLock(path);
    if (found === undefined) continue;
    if (holderAlive(found.holder)) reject('APPLY_CONFLICT', held(found.holder, path));
    pause(takeoverDelay());
    takeOver(dir, path, found, self);
  }
  return reject(
    'APPLY_CONFLICT',
    `the target's lock could not be taken: other processes keep taking it`,
  );
}

/** Runs `work` holding the target's lock; the lock goes when it ends, however it ends. */
export async function withTargetLock<T>(
  target: string,
  command: string,
  now: Date,
  work: () => Promise<T>,
): Promise<T> {
  const lock = lockTarget(target, command, now);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/**
 * Removes what a process killed while writing a lock left (`.lock.PID.HEX` of a dead pid on
 * this host): only the lock's holder does, and only regular files of that exact name.
 */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = /^\.lock\.([0-9]{1,10})\.[0-9a-f]{12}$/u.exec(name)?.[1];
    if (pid === undefined || lstatOrUndefined(join(dir, name))?.isFile() !== true) continue;
    if (!holderAlive({ pid: Number(pid), host: hostname() })) unlinkSync(join(dir, name));
  }
}

function release(path: string, self: Holder): void {
  try {
    if (readLock(path)?.holder.token !== self.token) return; // not ours any more: leave it
    removeLeftovers(join(path, '..'));
    unlinkSync(path);
    rmdirSync(join(path, '..')); // leave no trace when nothing else is kept there
  } catch {
    // something else in its place, .patchtrail not empty (the journal, the agent's state) or
    // gone: the lock is not ours to touch, or .patchtrail is kept
  }
}

/**
 * A target lock whose pid now belongs to another process: after a power loss and a reboot the
 * dead holder's pid is soon someone else's (a daemon, a shell), and a lock judged by pid alone
 * would block every apply on that target for good. The lock records the boot and the holder's
 * start time (Linux), and a lock from another boot, or whose pid started at another time, is
 * stale. Locks without them (earlier builds) are still judged by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootId, lockTarget, processStart } from '../../src/cli/target-lock.ts';

const linux = bootId() !== undefined && processStart(process.pid) !== undefined;
const NOW = new Date('2026-12-06T12:00:00Z');
let other: ChildProcess;

beforeAll(() => {
  // A live process that is not the holder the planted locks name.
  other = spawn('sleep', ['60'], { stdio: 'ignore' });
});
afterAll(() => {
  other.kill('SIGKILL');
});

function target(lock?: Record<string, unknown>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pt-lock-reuse-')), 'target');
  mkdirSync(join(dir, '.patchtrail'), { recursive: true });
  if (lock !== undefined)
    writeFileSync(
      join(dir, '.patchtrail', 'lock'),
      JSON.stringify({
        format: 'urn:patchtrail:target-lock:v1',
        host: hostname(),
        command: 'agent --watch',
        since: '2026-12-01T00:00:00Z',
        token: 'planted',
        ...lock,
      }),
    );
  return dir;
}

const holderOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, '.patchtrail', 'lock'), 'utf8')) as Record<string, unknown>;

describe.skipIf(!linux)(
  'a target lock whose pid was reused (Linux: boot id and start time)',
  () => {
    it('records this boot and this process’s start time', () => {
      const dir = target();
      const lock = lockTarget(dir, 'apply', NOW);
      expect(holderOf(dir)).toMatchObject({
        pid: process.pid,
        boot: bootId(),
        start: processStart(process.pid),
      });
      lock.release();
      expect(existsSync(join(dir, '.patchtrail', 'lock'))).toBe(false);
    });

    it('is refused while its holder runs: the pid, this boot and the start time all match', () => {
      const pid = other.pid as number;
      const dir = target({ pid, boot: bootId(), start: processStart(pid) });
      expect(() => lockTarget(dir, 'apply', NOW)).toThrow(/^the target is locked by pid \d+/);
      expect(holderOf(dir).token).toBe('planted');
    });

    it('is taken over when the pid now belongs to a process that started at another time', () => {
      const pid = other.pid as number;
      const start = String(Number(processStart(pid)) - 1);
      const dir = target({ pid, boot: bootId(), start });
      const lock = lockTarget(dir, 'apply', NOW);
      expect(holderOf(dir)).toMatchObject({ pid: process.pid, token: lock.holder.token });
      lock.release();
    });

    it('is taken over when it was taken in another boot, whatever runs under its pid now', () => {
      const pid = other.pid as number;
      const dir = target({
        pid,
        boot: '00000000-0000-4000-8000-000000000000',
        start: processStart(pid),
      });
      const lock = lockTarget(dir, 'apply', NOW);
      expect(holderOf(dir).pid).toBe(process.pid);
      lock.release();
    });

    it('written by an earlier build (no boot, no start), is judged by its pid alone', () => {
      const dir = target({ pid: other.pid as number });
      expect(() => lockTarget(dir, 'apply', NOW)).toThrow(/locked by pid/);
    });

    it('with a boot or start that is not of their shape is not a lock patchtrail wrote', () => {
      for (const bad of [
        { boot: 'not-a-boot-id' },
        { start: '12 34' },
        { start: 5 },
        { boot: `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}\n` },
      ]) {
        const dir = target({ pid: other.pid as number, ...bad });
        expect(() => lockTarget(dir, 'apply', NOW)).toThrow(
          /^\.patchtrail\/lock in the target is a file that is not a patchtrail lock/,
        );
      }
    });
  },
);

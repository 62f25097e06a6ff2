/**
 * One process at a time changes a target (TARGET/.patchtrail/lock): a second agent, a plain
 * `apply` or a `rollback` refuses at start with APPLY_CONFLICT naming the holder's pid, a dead holder's lock is
 * taken over (by exactly one of several agents racing for it), and whatever a hostile target
 * plants where the lock goes is refused, never followed, never removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startCli, until, type Running } from '../helpers/agent-process.ts';
import { watchTeam } from '../helpers/watch-team.ts';

const team = watchTeam('pt-lock-');
const { at, pt, env } = team;

beforeAll(() => team.setup(), 60_000);
afterAll(killAll);

/** A pid no process has now: one that just ran and exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

/** Writes a lock as patchtrail does, held by `pid`. */
function plantLock(target: string, pid: number, name = 'lock'): void {
  mkdirSync(`${target}/.patchtrail`, { recursive: true });
  const lock = { format: 'urn:patchtrail:target-lock:v1', pid, host: hostname() };
  const more = { command: 'agent --watch', since: '2026-01-01T00:00:00Z', token: 'x' };
  writeFileSync(`${target}/.patchtrail/${name}`, JSON.stringify({ ...lock, ...more }));
}

/** A station whose agent serves (JSON lines, looking every 50 ms) until told to stop. */
function serving() {
  const s = team.station();
  const start = (): Running => startCli(s.args('--json', '--interval', '50'), env());
  return { ...s, start };
}

const DELAY = { PATCHTRAIL_LOCK_TAKEOVER_DELAY_MS: '1000' };

async function stop(agent: Running): Promise<void> {
  agent.kill('SIGTERM');
  expect(await agent.exited).toEqual({ code: 0, signal: null });
}

describe('the target lock', () => {
  it('a second agent, a plain apply and a rollback refuse while an agent serves, naming its pid; a dry run does not', async () => {
    const s = serving();
    const first = s.start();
    await until('the first agent to serve', () => first.lines().length >= 1);
    const second = startCli(s.args('--once', '--settle', '0'), env());
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toMatch(
      new RegExp(`^APPLY_CONFLICT: the target is locked by pid ${first.pid} \\(agent --watch `),
    );
    const apply = await pt(team.applyArgs('b.json', s.target, s.name));
    expect([apply.code, apply.stderr]).toEqual([
      1,
      expect.stringMatching(new RegExp(`^APPLY_CONFLICT: .*pid ${first.pid}`)),
    ]);
    const rollback = await pt([
      ...['rollback', at('b.json'), '--dir', s.target, '--key', at('kiosk.pem')],
      ...['--target', s.name, ...team.L()],
    ]);
    expect([rollback.code, rollback.stderr]).toEqual([
      1,
      expect.stringMatching(new RegExp(`^APPLY_CONFLICT: .*pid ${first.pid}`)),
    ]);
    const plain = ['apply', at('b.json'), '--dir', s.target, '--trust', at('dev.pem')];
    expect((await pt(plain)).stderr).toMatch(`pid ${first.pid}`);
    expect((await pt([...plain, '--dry-run'])).code).toBe(0);
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=old\n');
    await stop(first);
    expect(existsSync(`${s.target}/.patchtrail/lock`)).toBe(false);
    expect((await pt(plain)).code).toBe(0);
  }, 60_000);

  it('takes over the lock of a dead holder, also one killed with SIGKILL', async () => {
    const s = serving();
    plantLock(s.target, deadPid());
    s.put('b.json', 'b.json');
    const agent = s.start();
    await until('the bundle applied', () => agent.lines().some((l) => l.status === 'applied'));
    agent.kill('SIGKILL');
    await agent.exited;
    expect(existsSync(`${s.target}/.patchtrail/lock`)).toBe(true);
    const again = startCli(s.args('--once', '--settle', '0'), env());
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(`${s.target}/.patchtrail/lock`)).toBe(false);
    expect(await s.audit()).toEqual(['applied']);
  }, 60_000);

  it('of several agents started at once on a stale lock, exactly one serves', async () => {
    for (let round = 0; round < 4; round++) {
      const s = serving();
      plantLock(s.target, deadPid());
      // Each finds the lock stale, then waits a second before taking it over: all race.
      const racing = () => startCli(s.args('--json', '--interval', '50'), { ...env(), ...DELAY });
      const agents = [racing(), racing(), racing()];
      const codes: (number | null)[] = [];
      const exits = agents.map((a) => a.exited.then(({ code }) => codes.push(code) && code));
      await until('all but one to give up', () => codes.length === 2);
      const winner = agents.find((a) => a.lines()[0]?.status === 'watching') as Running;
      await until('the winner to serve', () => winner.lines().length >= 1);
      for (const loser of agents.filter((a) => a !== winner))
        expect(loser.lines()[0]?.message, `round ${round}`).toMatch(`locked by pid ${winner.pid} `);
      await stop(winner);
      expect((await Promise.all(exits)).sort()).toEqual([0, 1, 1]);
    }
  }, 120_000);

  const plants: [string, (path: string) => void][] = [
    ['a symbolic link to a file outside', (p) => symlinkSync(at('outside.txt'), p)],
    ['a dangling symbolic link', (p) => symlinkSync(at('nowhere'), p)],
    ['a FIFO', (p) => expect(spawnSync('mkfifo', [p]).status).toBe(0)],
    ['a directory', (p) => mkdirSync(p)],
    ['a file that is not a lock', (p) => writeFileSync(p, '{"pid": 1}')],
  ];

  it.each(plants)(
    'refuses UNSAFE_PATH when the lock is %s, and leaves it',
    async (_what, plant) => {
      writeFileSync(at('outside.txt'), 'not yours\n');
      const s = team.station();
      mkdirSync(`${s.target}/.patchtrail`);
      plant(`${s.target}/.patchtrail/lock`);
      s.put('b.json', 'b.json');
      for (const args of [
        s.args('--once', '--settle', '0'),
        team.applyArgs('b.json', s.target, s.name),
      ]) {
        const r = await pt(args);
        expect([r.code, r.stdout]).toEqual([1, '']);
        expect(r.stderr).toMatch(/^UNSAFE_PATH: \.patchtrail\/lock in the target is /);
      }
      expect(existsSync(`${s.target}/.patchtrail/lock`) || _what.includes('dangling')).toBe(true);
      expect(readFileSync(at('outside.txt'), 'utf8')).toBe('not yours\n');
      expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=old\n');
      expect(await s.audit()).toEqual([]);
    },
  );

  it('refuses UNSAFE_PATH when .patchtrail is a symbolic link, writing nothing through it', async () => {
    const s = team.station();
    mkdirSync(at('elsewhere'));
    symlinkSync(at('elsewhere'), `${s.target}/.patchtrail`);
    const r = await pt(s.args('--once', '--settle', '0'));
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/^UNSAFE_PATH: \.patchtrail/)]);
    expect(spawnSync('ls', ['-A', at('elsewhere')], { encoding: 'utf8' }).stdout).toBe('');
  });

  it("a takeover interrupted by the taker's death refuses, naming the file to remove", async () => {
    const s = team.station();
    plantLock(s.target, deadPid());
    plantLock(s.target, deadPid(), 'lock.takeover');
    const r = await pt(s.args('--once', '--settle', '0'));
    expect([r.code, r.stderr]).toEqual([
      1,
      expect.stringMatching(/^APPLY_CONFLICT: a takeover .* remove \.patchtrail\/lock\.takeover /),
    ]);
  });
});

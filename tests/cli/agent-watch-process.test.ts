/**
 * `patchtrail agent --watch` as a process (the built binary): it serves until SIGTERM or SIGINT
 * and stops between bundles, and a restart, also after SIGKILL in the middle of an apply,
 * applies nothing twice.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startCli, until } from '../helpers/agent-process.ts';
import { watchTeam } from '../helpers/watch-team.ts';

const team = watchTeam('pt-watchp-');
const { env } = team;

const start = (args: string[], extra: Record<string, string> = {}) =>
  startCli(args, { ...env(), ...extra });

/** A fresh station; its `args` print JSON lines. */
function station() {
  const s = team.station();
  return { ...s, args: (...more: string[]) => s.args('--json', ...more) };
}

beforeAll(() => team.setup(), 60_000);
afterAll(killAll);

describe('agent --watch, the process', () => {
  it('serves dropped bundles, stops on SIGTERM with exit 0, and a restart decides nothing again', async () => {
    const s = station();
    const agent = start(s.args('--interval', '50', '--settle', '100'));
    await until('the agent to start', () => agent.lines().length >= 1);
    s.put('b.json', 'a-good.json');
    s.put('failed.json', 'b-denied.json');
    s.put('breaks.json', 'c-breaks.json');
    await until('three decisions', () => agent.lines().length >= 4);
    agent.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.lines().map((l) => [l.file, l.status, l.code])).toEqual([
      [undefined, 'watching', undefined],
      ['a-good.json', 'applied', undefined],
      ['b-denied.json', 'denied', 'POLICY_DENIED'],
      ['c-breaks.json', 'rolled-back', 'POST_APPLY_FAILED'],
      [undefined, 'stopped', undefined],
    ]);
    expect(await s.audit()).toEqual(['applied', 'rejected', 'applied', 'rolled-back']);

    const again = start(s.args('--once', '--settle', '0'));
    expect(await again.exited).toEqual({ code: 0, signal: null });
    expect(again.lines()).toEqual([]);
    expect(await s.audit()).toHaveLength(4);
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=new\n');
  }, 60_000);

  it('SIGINT while a bundle arrives: it is decided whole or not at all, and once after a restart', async () => {
    const s = station();
    const agent = start(s.args('--interval', '10', '--settle', '0'));
    await until('the agent to start', () => agent.lines().length >= 1);
    s.put('b.json', 'b.json');
    await new Promise((r) => setTimeout(r, 40));
    agent.kill('SIGINT');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const first = agent.lines().filter((l) => l.status !== 'stopped' && l.status !== 'watching');
    const content = readFileSync(`${s.target}/app.conf`, 'utf8');
    // Finished (applied, recorded, remembered) or not started: never a half.
    expect(first.length === 1 ? ['applied', 'mode=new\n'] : [undefined, 'mode=old\n']).toEqual([
      first[0]?.status,
      content,
    ]);
    expect(await s.audit()).toEqual(first.length === 1 ? ['applied'] : []);
    const again = start(s.args('--once', '--settle', '0'));
    expect((await again.exited).code).toBe(0);
    expect(again.lines().map((l) => l.status)).toEqual(first.length === 1 ? [] : ['applied']);
    expect(await s.audit()).toEqual(['applied']);
  }, 60_000);

  it('killed (SIGKILL) at each step of an apply and restarted: the patch is in once and recorded once', async () => {
    const seen = new Set<string>();
    for (const step of [1, 2, 3, 4, 5]) {
      const s = station();
      s.put('b.json', 'b.json');
      const killed = start(s.args('--once', '--settle', '0'), {
        PATCHTRAIL_CRASH_AT_STEP: String(step),
      });
      const { signal } = await killed.exited;
      const again = start(s.args('--once', '--settle', '0'));
      expect((await again.exited).code, `crash at step ${step}`).toBe(0);
      const statuses = again.lines().map((l) => l.status);
      seen.add(`${signal}:${statuses.join(',')}`);
      expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=new\n');
      const applied = (await s.audit()).filter((r) => r === 'applied');
      if (signal === 'SIGKILL') {
        expect(statuses[0], `crash at step ${step}`).toBe('resumed');
        expect(statuses[1]).toBe('applied');
        expect(applied).toHaveLength(1);
      } else {
        expect(statuses).toEqual([]); // the commit had fewer steps: it finished
        expect(applied).toHaveLength(1);
      }
      const third = start(s.args('--once', '--settle', '0'));
      expect((await third.exited).code).toBe(0);
      expect(third.lines()).toEqual([]);
    }
    expect(seen).toContain('SIGKILL:resumed,applied');
  }, 120_000);
});

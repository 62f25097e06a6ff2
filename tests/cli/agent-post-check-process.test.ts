/**
 * `agent --post-check` across a restart: an agent killed (SIGKILL) while its check runs finds
 * the target all-new and unrecorded; the check runs again and the outcome is recorded once. A
 * check that never finishes three times (it takes the agent down) is not run a fourth: the
 * apply is rolled back.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, startCli, until } from '../helpers/agent-process.ts';
import { watchTeam } from '../helpers/watch-team.ts';

const team = watchTeam('pt-postcheckp-');
const { at, env } = team;

beforeAll(() => team.setup(), 60_000);
afterAll(killAll);

/**
 * A station whose check, while `verdict` is absent, writes its pid to `started` and hangs;
 * with `verdict` present it exits with the status written there.
 */
function station() {
  const s = team.station();
  const [started, verdict, check] = [
    at(`${s.name}.started`),
    at(`${s.name}.verdict`),
    at(`${s.name}.sh`),
  ];
  writeFileSync(
    check,
    `#!/bin/sh\n[ -e ${verdict} ] && exit "$(cat ${verdict})"\necho $$ > ${started}\nexec sleep 1000\n`,
  );
  chmodSync(check, 0o755);
  s.put('b.json', 'b.json');
  const once = () =>
    startCli(s.args('--json', '--once', '--settle', '0', '--post-check', check), env());
  /** Runs the agent until its check hangs, kills it, then kills the orphaned check. */
  const killedWhileChecking = async () => {
    rmSync(started, { force: true });
    const agent = once();
    await until(
      'the check to start',
      () => existsSync(started) && readFileSync(started, 'utf8') !== '',
    );
    agent.kill('SIGKILL');
    expect((await agent.exited).signal).toBe('SIGKILL');
    process.kill(-Number(readFileSync(started, 'utf8')), 'SIGKILL'); // its own process group
  };
  return {
    ...s,
    once,
    killedWhileChecking,
    verdict: (status: number) => writeFileSync(verdict, String(status)),
  };
}

describe('agent --post-check across a restart', () => {
  it.each([
    [0, 'applied', ['applied'], 'mode=new\n'],
    [4, 'rolled-back', ['applied', 'rolled-back'], 'mode=old\n'],
  ])(
    'killed while its check ran, then the check exits %i: %s, recorded once',
    async (status, outcome, audit, content) => {
      const s = station();
      await s.killedWhileChecking();
      expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=new\n');
      expect(await s.audit()).toEqual([]);
      s.verdict(status);
      const again = s.once();
      expect((await again.exited).code).toBe(status === 0 ? 0 : 1);
      expect(again.lines().map((l) => [l.status, l.message])).toEqual([
        [
          'resumed',
          'its post-check (started 1 time(s)) had not finished when the agent stopped: it is checked again',
        ],
        [outcome, status === 0 ? undefined : expect.stringMatching(/exited with status 4$/)],
      ]);
      expect(await s.audit()).toEqual(audit);
      expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe(content);
      const third = s.once();
      expect((await third.exited).code).toBe(0);
      expect(third.lines()).toEqual([]);
      expect(await s.audit()).toEqual(audit);
    },
    60_000,
  );

  it('a check that never finished three times is not run again: the apply is rolled back once', async () => {
    const s = station();
    for (let i = 0; i < 3; i++) await s.killedWhileChecking();
    expect(await s.audit()).toEqual([]);
    const last = s.once();
    expect((await last.exited).code).toBe(1);
    expect(last.lines().map((l) => l.status)).toEqual(['resumed', 'rolled-back']);
    expect(last.lines()[0]?.message).toMatch(/started 3 time\(s\)\) never finished/);
    expect(last.lines()[1]?.message).toMatch(
      /was started 3 times for this bundle and never finished/,
    );
    expect(await s.audit()).toEqual(['applied', 'rolled-back']);
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=old\n');
  }, 90_000);
});

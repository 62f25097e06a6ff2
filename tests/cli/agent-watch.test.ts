/**
 * `patchtrail agent --watch DIR --once`, in process: bundles dropped into a folder are applied,
 * refused with their reason or rolled back after a failed post-apply check, each recorded on the
 * ledger and logged in one line; decided bundles are remembered; hostile entries are refused.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { watchLines as lines, watchTeam } from '../helpers/watch-team.ts';

const team = watchTeam('pt-watch-');
const { at, pt, ok, L } = team;

/** A fresh station, and its `agent --watch --once` taking files at once. */
function station() {
  const s = team.station();
  return { ...s, once: (...more: string[]) => s.args('--once', '--settle', '0', ...more) };
}

beforeAll(() => team.setup(), 60_000);

describe('agent --watch', () => {
  it('applies an allowed bundle, refuses a denied one with its reason, rolls back a failing one, and records all three', async () => {
    const s = station();
    copyFileSync(at('b.json'), `${s.drop}/a-good.json`);
    copyFileSync(at('failed.json'), `${s.drop}/b-denied.json`);
    copyFileSync(at('breaks.json'), `${s.drop}/c-breaks.json`);
    const r = await pt(s.once('--json'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // not everything was applied
    const out = lines(r.stdout);
    expect(out.map((l) => [l.file, l.status, l.code])).toEqual([
      ['a-good.json', 'applied', undefined],
      ['b-denied.json', 'denied', 'POLICY_DENIED'],
      ['c-breaks.json', 'rolled-back', 'POST_APPLY_FAILED'],
    ]);
    expect(out[1]?.message).toMatch(/fail/);
    expect(out[2]?.message).toBe('rule health: health.txt does not contain "healthy"');
    expect(out[2]?.recorded).toHaveLength(2);
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=new\n');
    expect(readFileSync(`${s.target}/health.txt`, 'utf8')).toBe('status=healthy\n');
    expect(await s.audit()).toEqual(['applied', 'rejected', 'applied', 'rolled-back']);

    const again = await pt(s.once('--json'));
    expect([again.code, again.stdout, again.stderr]).toEqual([0, '', '']);
    copyFileSync(at('b.json'), `${s.drop}/same-bytes-new-name.json`);
    expect(await ok(s.once('--json'))).toBe('');
    expect(await s.audit()).toHaveLength(4);
  });

  it('logs one human line per decision, every name and reason escaped', async () => {
    const s = station();
    copyFileSync(at('mallory.json'), `${s.drop}/x\u001b[2K.json`);
    const r = await pt(s.once());
    expect(r.code).toBe(1);
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ refused +x\\u001b\[2K\.json UNSAFE_PATH: a name with control characters$/,
    );
    writeFileSync(`${s.drop}/plain.json`, readFileSync(at('mallory.json')));
    const denied = (await pt(s.once())).stdout.trim().split('\n');
    expect(denied.filter((l) => l.includes('plain.json'))).toHaveLength(1);
    expect(denied.join('\n')).toContain('POLICY_DENIED');
    expect(denied.join('\n')).not.toContain('\u001b');
    expect(denied.join('\n')).toContain('mallory\\u001b[2K\\u000d\\u000a=> allowed');
  });

  it('refuses symlinks, FIFOs, directories and huge files without following or reading them', async () => {
    const s = station();
    symlinkSync(at('b.json'), `${s.drop}/link.json`);
    execFileSync('mkfifo', [`${s.drop}/pipe.json`]);
    mkdirSync(`${s.drop}/dir.json`);
    writeFileSync(`${s.drop}/huge.json`, '');
    truncateSync(`${s.drop}/huge.json`, 17 * 1024 * 1024);
    writeFileSync(`${s.drop}/.incoming.json`, readFileSync(at('b.json')));
    writeFileSync(`${s.drop}/upload.json.part`, readFileSync(at('b.json')));
    const latin1 = Buffer.concat([
      Buffer.from(`${s.drop}/caf`),
      Buffer.from([0xe9]),
      Buffer.from('.json'),
    ]);
    writeFileSync(latin1, readFileSync(at('b.json')));
    const r = await pt(s.once('--json'));
    expect(r.stderr).toBe('');
    expect(lines(r.stdout).map((l) => [l.file, l.status, l.code])).toEqual([
      ['caf\u00e9.json', 'refused', 'UNSAFE_PATH'],
      ['dir.json', 'refused', 'MALFORMED_INPUT'],
      ['huge.json', 'refused', 'TOO_LARGE'],
      ['link.json', 'refused', 'UNSAFE_PATH'],
      ['pipe.json', 'refused', 'UNSAFE_PATH'],
    ]);
    expect(r.code).toBe(1); // --once: something in the folder was not applied
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=old\n');
    expect(await s.audit()).toEqual([]);
  });

  it('decides a torn bundle as it is, and its completed bytes again as a new file', async () => {
    const s = station();
    const whole = readFileSync(at('b.json'));
    writeFileSync(`${s.drop}/b.json`, whole.subarray(0, whole.length >> 1));
    const torn = await pt(s.once('--json'));
    expect(lines(torn.stdout).map((l) => [l.status, l.code])).toEqual([
      ['rejected', 'MALFORMED_INPUT'],
    ]);
    writeFileSync(`${s.drop}/b.json`, whole);
    const done = await pt(s.once('--json'));
    expect(lines(done.stdout).map((l) => l.status)).toEqual(['applied']);
  });

  it('does not take a file that is still growing', async () => {
    const s = station();
    const path = `${s.drop}/slow.json`;
    writeFileSync(path, '{');
    const grow = setInterval(() => writeFileSync(path, '{ '.repeat(Math.random() * 100)), 20);
    try {
      const r = await pt([...s.once('--json'), '--settle', '300']);
      expect(lines(r.stdout).map((l) => [l.file, l.status])).toEqual([['slow.json', 'waiting']]);
    } finally {
      clearInterval(grow);
    }
    expect(await s.audit()).toEqual([]);
  });

  it('refuses to start on a damaged state file, and takes usage errors as usage errors', async () => {
    const s = station();
    mkdirSync(`${s.target}/.patchtrail`);
    writeFileSync(`${s.target}/.patchtrail/agent-state.json`, '{"format":"nope"}');
    const r = await pt(s.once());
    expect([r.code, r.stderr.split(':')[0]]).toEqual([1, 'MALFORMED_INPUT']);
    expect((await pt(['agent', '--dir', s.target, '--key', at('kiosk.pem'), ...L()])).code).toBe(2);
    expect((await pt([...s.once(), '--via', `sha256:${'0'.repeat(64)}`])).code).toBe(2);
    expect((await pt([...s.once(), '--interval', 'soon'])).code).toBe(2);
    const inside = [...s.once(), '--watch', s.target];
    expect(await pt(inside)).toMatchObject({ code: 2, stderr: expect.stringMatching(/inside/) });
  });

  it('apply --ledger rolls back on the same post-apply check, exit 1 with POST_APPLY_FAILED', async () => {
    const s = station();
    const args = s.args().slice(3); // --dir TARGET ... --ledger FILE, without agent --watch DROP
    const r = await pt(['apply', at('breaks.json'), ...args, '--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { status: string; postApply: { problem: string }[] };
    expect([result.status, result.postApply[0]?.problem]).toEqual([
      'rolled-back',
      'does not contain "healthy"',
    ]);
    expect(readFileSync(`${s.target}/health.txt`, 'utf8')).toBe('status=healthy\n');
    expect(await s.audit()).toEqual(['applied', 'rolled-back']);
  });
});

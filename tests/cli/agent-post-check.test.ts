/**
 * `agent --watch --post-check PROGRAM`: a health check run in the target after each apply,
 * never through a shell. It passes with exit status 0; otherwise (a status, a signal, a
 * timeout, a program that cannot run) the apply is rolled back and `applied` then `rolled-back`
 * are recorded with POST_APPLY_FAILED, its output kept (bounded, escaped) in the log line only.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OUTPUT_LIMIT, OutputTail, runPostCheck } from '../../src/cli/agent-post-check.ts';
import { watchLines, watchTeam } from '../helpers/watch-team.ts';

const team = watchTeam('pt-postcheck-');
const { at, pt, ok } = team;

beforeAll(() => team.setup(), 60_000);

interface Line {
  status: string;
  code?: string;
  message?: string;
  patch?: string;
  output?: string;
  outputBytes?: number;
  recorded?: string[];
}

let scripts = 0;
/** An executable shell script with this body; returns its path. */
function script(body: string): string {
  const path = at(`check${++scripts}.sh`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A station with b.json dropped as a.json; `run` decides it once with this check. */
function dropped() {
  const s = team.station();
  s.put('b.json', 'a.json');
  const run = async (check: string, ...more: string[]) => {
    const r = await pt(s.args('--once', '--settle', '0', '--json', '--post-check', check, ...more));
    expect(r.stderr).toBe('');
    return { code: r.code, line: watchLines(r.stdout)[0] as Line };
  };
  return { ...s, run };
}

/** Whether a process is gone (or a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || / Z /.test(readFileSync(stat, 'utf8'));
}

describe('agent --post-check', () => {
  it('lets the apply stand when it exits 0; it runs in the target, no shell, the bundle in its environment', async () => {
    const s = dropped();
    const seen = at('seen.txt');
    const check = script(
      `{ pwd -P; printf '%s|%s\\n' "$1" "$2"; echo "$PATCHTRAIL_BUNDLE"; echo "$PATCHTRAIL_BUNDLE_SHA256"; echo "$PATCHTRAIL_PATCH"; echo "$PATCHTRAIL_TARGET_NAME"; } > ${seen}`,
    );
    const args = ['--post-check-arg', 'two words', '--post-check-arg', '$HOME;`id`'];
    const { code, line } = await s.run(check, ...args);
    expect([code, line.status, line.output]).toEqual([0, 'applied', undefined]);
    const digest = createHash('sha256')
      .update(readFileSync(at('b.json')))
      .digest('hex');
    expect(readFileSync(seen, 'utf8').split('\n')).toEqual([
      realpathSync(s.target),
      'two words|$HOME;`id`',
      'a.json',
      digest,
      line.patch,
      s.name,
      '',
    ]);
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=new\n');
    expect(await s.audit()).toEqual(['applied']);
  });

  it('rolls back when it fails: applied then rolled-back, POST_APPLY_FAILED, its output in the line only', async () => {
    const s = dropped();
    const check = script(`printf 'disk \\033[31mfull\\n=> applied\\n'; echo oops >&2; exit 3`);
    const { code, line } = await s.run(check);
    expect([code, line.status, line.code]).toEqual([1, 'rolled-back', 'POST_APPLY_FAILED']);
    expect(line.message).toBe(`rule post-check: ${check} exited with status 3`);
    expect(line.output).toBe('disk \u001b[31mfull\n=> applied\noops\n');
    expect(line.recorded).toHaveLength(2);
    expect(readFileSync(`${s.target}/app.conf`, 'utf8')).toBe('mode=old\n');
    expect(await s.audit()).toEqual(['applied', 'rolled-back']);
    const log = await ok(['ledger', 'log', '--json', ...team.L()]);
    expect(log).toContain(
      `post-apply check failed: rule post-check: ${check} exited with status 3`,
    );
    expect(log).not.toContain('disk');
  });

  it('shows the output escaped on the one human line', async () => {
    const s = team.station();
    s.put('b.json', 'a.json');
    const check = script(`printf 'bad\\033[2K\\r\\n=> allowed\\n'; exit 1`);
    const r = await pt(s.args('--once', '--settle', '0', '--post-check', check));
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('output: bad\\u001b[2K\\u000d\\u000a=> allowed\\u000a');
  });

  it('fails when killed by a signal', async () => {
    const { line } = await dropped().run(script('kill -9 $$'));
    expect([line.status, line.message]).toEqual([
      'rolled-back',
      expect.stringMatching(/ was killed by SIGKILL$/),
    ]);
  });

  it('kills a hung check and its process group at --post-check-timeout, and rolls back', async () => {
    const child = at('hung-child');
    const check = script(`sleep 1000 & echo $! > ${child}; echo waiting; sleep 1000`);
    const { line } = await dropped().run(check, '--post-check-timeout', '300');
    expect([line.status, line.code, line.output]).toEqual([
      'rolled-back',
      'POST_APPLY_FAILED',
      'waiting\n',
    ]);
    expect(line.message).toMatch(/ did not finish within 300 ms: killed with its process group$/);
    expect(gone(Number(readFileSync(child, 'utf8')))).toBe(true);
  });

  it('is not held by a daemon it leaves behind, which is killed with its group', async () => {
    const daemon = at('daemon');
    const check = script(`sleep 1000 & echo $! > ${daemon}; echo started; exit 0`);
    const { line } = await dropped().run(check);
    expect(line.status).toBe('applied');
    expect(gone(Number(readFileSync(daemon, 'utf8')))).toBe(true);
  });

  it('keeps only the last 4 KiB of a flood of output', async () => {
    const check = script(`head -c 5000000 /dev/zero | tr '\\0' x; echo END; exit 1`);
    const { line } = await dropped().run(check);
    expect(line.outputBytes).toBe(5_000_004);
    expect(line.output).toBe(`${'x'.repeat(OUTPUT_LIMIT - 4)}END\n`);
  });

  it('is a usage error at start when the program is missing, not executable or a directory', async () => {
    writeFileSync(at('not-executable.sh'), '#!/bin/sh\nexit 0\n');
    mkdirSync(at('a-dir'));
    const s = dropped();
    for (const [program, why] of [
      [at('missing.sh'), ': cannot use it (ENOENT)'],
      [at('not-executable.sh'), ' is not executable'],
      [at('a-dir'), ' is not a regular file'],
    ] as const) {
      const r = await pt(s.args('--once', '--post-check', program));
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([
        2,
        `patchtrail agent: --post-check ${program}${why}`,
      ]);
    }
    for (const more of [
      ['--post-check-arg', 'x'],
      ['--post-check-timeout', '5'],
    ]) {
      expect((await pt(s.args('--once', ...more))).code).toBe(2);
    }
    expect(
      (await pt(s.args('--once', '--post-check', script('exit 0'), '--post-check-timeout', '0')))
        .code,
    ).toBe(2);
    expect(await s.audit()).toEqual([]);
  });

  it('a program that is gone or not executable when it is run fails, coded, without throwing', async () => {
    writeFileSync(at('plain.txt'), 'not a program\n');
    for (const [program, code] of [
      [at('gone.sh'), 'ENOENT'],
      [at('plain.txt'), 'EACCES'],
    ] as const) {
      const run = await runPostCheck({ program, args: [], timeoutMs: 5000 }, at('.'), {});
      expect(run).toEqual({ problem: `cannot be run (${code})`, output: '', outputBytes: 0 });
    }
  });

  it('keeps exactly the last bytes of its output, however it is cut into chunks', () => {
    const chunks = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 });
    fc.assert(
      fc.property(chunks, fc.integer({ min: 1, max: 2000 }), (parts, limit) => {
        const tail = new OutputTail(limit);
        for (const part of parts) tail.add(Buffer.from(part));
        const all = Buffer.concat(parts);
        expect(tail.total).toBe(all.length);
        const kept = all.subarray(Math.max(0, all.length - limit));
        expect(tail.text()).toBe(kept.toString('utf8'));
      }),
    );
  });
});

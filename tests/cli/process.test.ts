/**
 * The built binary in real processes: exit status, stdin, output through the terminal net. The
 * other CLI tests run the same entry point in process; these keep the process itself honest.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliWorkspace } from '../helpers/cli.ts';
import { SAMPLE_DIFF } from '../helpers/bundles.ts';
import { isTerminalSafe } from '../../src/cli/terminal.ts';

const { at, proc } = cliWorkspace('pt-process-');

beforeAll(() => {
  expect(proc(['keygen', '--out', at('author.pem')]).code).toBe(0);
  writeFileSync(at('sample.diff'), SAMPLE_DIFF);
});

describe('the patchtrail binary', () => {
  it('exits 0 on success, 2 on a usage error, 1 with a code on rejected input', () => {
    const made = proc(['create', '--diff', '-', '--key', at('author.pem'), '--reason', 'r'], {
      input: SAMPLE_DIFF,
    });
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toHaveProperty('envelope');
    expect(proc(['verify']).code).toBe(2);
    expect(proc(['no-such-command']).code).toBe(2);
    writeFileSync(at('garbage.json'), '{"mediaType": 5');
    const bad = proc(['verify', at('garbage.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^MALFORMED_INPUT: [^\n]+\n$/);
  });

  it('ends its output quietly when the reader stops early (| head), and exits with the command’s own status', () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => `-${i}\n+x${i}\n`).join('');
    writeFileSync(at('long.diff'), `--- a/f\n+++ b/f\n@@ -1,60000 +1,60000 @@\n${lines}`);
    const made = proc([
      'create',
      '--diff',
      at('long.diff'),
      '--key',
      at('author.pem'),
      '--reason',
      'r',
      '--out',
      at('long.json'),
    ]);
    expect(made.code).toBe(0);
    const script = `"$0" "$1" inspect "$2" | head -c 100 > /dev/null; echo "status \${PIPESTATUS[0]}"`;
    const run = spawnSync('bash', ['-c', script, process.execPath, BIN, at('long.json')], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('status 0\n');
  });

  it('escapes control and bidi characters an attacker put in a reason before they reach the terminal', () => {
    const reason = 'fix\u001b[2K\u001b[1A\rALL TRUSTED\u202e';
    const made = proc([
      'create',
      '--diff',
      at('sample.diff'),
      '--key',
      at('author.pem'),
      '--reason',
      reason,
      '--out',
      at('b.json'),
    ]);
    expect(made.code).toBe(0);
    const shown = proc(['inspect', at('b.json')]);
    expect(shown.code).toBe(0);
    expect(isTerminalSafe(shown.stdout)).toBe(true);
    expect(shown.stdout).toContain('\\u001b[2K');
    const json = proc(['inspect', at('b.json'), '--json']);
    expect(isTerminalSafe(json.stdout)).toBe(true);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(reason).slice(1, -1));
  });
});

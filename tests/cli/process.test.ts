/**
 * The built binary in real processes: exit status, stdin, output through the terminal net. The
 * other CLI tests run the same entry point in process; these keep the process itself honest.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';
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

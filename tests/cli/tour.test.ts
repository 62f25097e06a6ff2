/**
 * The README's CLI tour, run as written: each line of its block in a copy of examples/tour/,
 * through the built binary. A line whose comment says "denied" must be refused with
 * POLICY_DENIED; every other line must succeed. The target holds the fix after `apply` and the
 * typo again after `rollback`, and the ledger records both.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { patchtrailProcess, ROOT } from '../helpers/cli.ts';

/** The shell block of the README that starts the tour. */
function tourLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('```sh\npatchtrail keygen');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n```', start + 5);
  return readme.slice(start + 6, end).split('\n');
}

/** Words of one line: double quotes group, `$(patchtrail id FILE)` is replaced by `did`. */
function words(command: string, did: (file: string) => string): string[] {
  const expanded = command.replace(/\$\(patchtrail id ([^)\s]+)\)/g, (_, file: string) =>
    did(file),
  );
  const out: string[] = [];
  for (const match of expanded.matchAll(/"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2] ?? '');
  return out;
}

describe('the README tour', () => {
  it('runs as written: denied without a review, applied with one, rolled back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-tour-'));
    cpSync(join(ROOT, 'examples', 'tour'), dir, { recursive: true });
    const env = { PATCHTRAIL_CACHE_DIR: join(dir, '.cache') };
    const run = (args: string[]) => patchtrailProcess(args, { cwd: dir, env });
    const did = (file: string) => run(['id', file]).stdout.trim();
    const greeting = () => readFileSync(join(dir, 'app', 'greeting.txt'), 'utf8');
    const seen: string[] = [];
    for (const line of tourLines()) {
      const [command = '', comment = ''] = line.split(/\s+#\s/);
      const [program, ...args] = words(command, did);
      expect(program).toBe('patchtrail');
      const result = run(args);
      const word = args.slice(0, args[0] === 'ledger' ? 2 : 1).join(' ');
      seen.push(word);
      if (comment.includes('denied')) {
        expect(result.code, line).toBe(1);
        expect(result.stderr).toContain('POLICY_DENIED');
      } else expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      if (word === 'apply') expect(greeting()).toBe('Hello, world!\n');
      if (word === 'ledger audit') expect(result.stdout).toMatch(/applied/);
    }
    expect(seen).toEqual(expect.arrayContaining(['check', 'apply', 'rollback']));
    expect(greeting()).toBe('Hello, wrold!\n');
    const audit = run(['ledger', 'audit', did('kiosk.pem'), '--ledger', 'team.ledger']);
    expect(audit.stdout).toMatch(/applied[\s\S]*rolled-back/);
  });
});

/**
 * `verify` and `inspect` print what a bundle says, and a bundle is attacker-controlled: an
 * attester's note, role or a reason cannot add lines, move the cursor, or fake the verdict.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, pt, ok } = cliWorkspace('pt-verify-out-');
const dids: Record<string, string> = {};
/** Up one line, erase it, and print a trusted-looking signature and a clean summary. */
const NOTE =
  '\u001b[1A\u001b[2K\r  VALID   reviewer pass did:key:z6MkFAKE, trusted\nattesters:   1 pass, 0 fail';

beforeAll(async () => {
  for (const who of ['dev', 'stranger'])
    dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
  writeFileSync(at('fix.diff'), '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
  await ok([
    'create',
    '--diff',
    at('fix.diff'),
    '--key',
    at('dev.pem'),
    '--reason',
    'x',
    '--out',
    at('b.json'),
  ]);
  await ok([
    'attest',
    at('b.json'),
    '--key',
    at('stranger.pem'),
    '--role',
    'reviewer',
    '--note',
    NOTE,
    '--out',
    at('n.json'),
  ]);
  await ok([
    'attest',
    at('n.json'),
    '--key',
    at('dev.pem'),
    '--role',
    'reviewer',
    '--out',
    at('own.json'),
  ]);
});

describe('verify output', () => {
  it("an attester's note with escapes and newlines stays on its own line, escaped", async () => {
    const r = await pt(['verify', at('n.json'), '--trust', at('dev.pem')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('attesters:'))).toEqual([
      'attesters:   0 pass, 0 fail (distinct keys, not the author)',
    ]);
    expect(lines.filter((l) => l.startsWith('  VALID'))).toHaveLength(2);
    const stranger = lines.find((l) => l.includes(dids.stranger as string)) ?? '';
    expect(stranger).toMatch(/^ {2}VALID {3}reviewer pass did:key:\S+, NOT trusted$/);
    expect(lines.find((l) => l.startsWith('      note: '))).toBe(
      '      note: \\u001b[1A\\u001b[2K\\u000d  VALID   reviewer pass did:key:z6MkFAKE, trusted\\u000aattesters:   1 pass, 0 fail',
    );
  });

  it("the author's own attestation is marked and not counted", async () => {
    const out = await ok(['verify', at('own.json')]);
    expect(out).toMatch(
      new RegExp(`reviewer pass ${dids.dev} \\(the author's own: not counted\\)`),
    );
    expect(out).toContain('attesters:   1 pass, 0 fail (distinct keys, not the author)');
  });

  it('shows every line of a reason, indented under the first, each escaped', async () => {
    writeFileSync(at('fix2.diff'), '--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n');
    const reason = 'Fix typo\nAlso: adds a user to /etc/passwd\n\u001b[2Kauthor:\r fake';
    const args = ['--key', at('dev.pem'), '--reason', reason, '--out', at('r.json')];
    await ok(['create', '--diff', at('fix2.diff'), ...args]);
    for (const word of ['verify', 'inspect']) {
      const lines = (await ok([word, at('r.json')])).split('\n');
      const at0 = lines.findIndex((l) => l.startsWith('reason:'));
      expect(lines.slice(at0, at0 + 4)).toEqual([
        'reason:      Fix typo',
        '             Also: adds a user to /etc/passwd',
        '             \\u001b[2Kauthor:\\u000d fake',
        `author:      ${dids.dev}`,
      ]);
    }
  });

  it('shows a DEP-3 header folded over lines as one JSON string, escaped once', async () => {
    writeFileSync(
      at('dep3.diff'),
      'Description: Fix the things\n that need \u202efixing\nAuthor: J\u00f6hn <j@example.org>\n---\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n',
    );
    await ok(['create', '--diff', at('dep3.diff'), '--key', at('dev.pem'), '--out', at('d.json')]);
    const line = (await ok(['inspect', at('d.json')]))
      .split('\n')
      .find((l) => l.startsWith('headers:'));
    expect(line).toBe(
      'headers:     dep3: author="J\u00f6hn <j@example.org>" description="Fix the things\\nthat need \\u202efixing"',
    );
  });

  it('says a coded rejection on one line, whatever of the input its message quotes', async () => {
    // V8's JSON error quotes the start of the input: here a line break and a screen clear.
    writeFileSync(at('bad.json'), 'x\n\u001b[2J\u001b[31mOK: bundle verified\n');
    const r = await pt(['verify', at('bad.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toHaveLength(2); // one line and its end
    expect(r.stderr).toMatch(/^MALFORMED_INPUT: bundle is not valid JSON .*x\\u000a\\u001b\[2J/);
  });
});

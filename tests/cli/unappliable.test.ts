/**
 * A git diff with changes no apply carries out (a real `git diff --binary` of a changed file and
 * of a new symbolic link, beside a text change): `create` still signs it (a bundle carries any
 * bytes) but warns its author on stderr, `verify` lists them, a ledger `check` stops it before
 * the policy with MALFORMED_INPUT, and `apply` refuses it with nothing written.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';

const { at, ok, pt } = cliWorkspace('pt-binary-');
const L = () => ['--ledger', at('team.ledger')];
// `git diff --binary` of b.bin (6 bytes to 7) after a text change to a.txt.
const DIFF =
  'diff --git a/a.txt b/a.txt\nindex 94954ab..c4c0417 100644\n--- a/a.txt\n+++ b/a.txt\n' +
  '@@ -1,2 +1,2 @@\n hello\n-world\n+there\n' +
  'diff --git a/b.bin b/b.bin\n' +
  'index 677273046bce3115f56c248238f3b83f77cfc239..4e0e1df897e1d1c62cc34ba4198ecc6c02b2c878 100644\n' +
  'GIT binary patch\nliteral 7\nOcmZQzWKPP=GXeku?E!EA\n\nliteral 6\nNcmZQzWJ=1+0{{Yf0X+Z!\n\n' +
  'diff --git a/link b/link\nnew file mode 120000\nindex 0000000..d09b807\n--- /dev/null\n' +
  '+++ b/link\n@@ -0,0 +1 @@\n+../outside\n\\ No newline at end of file\n';

beforeAll(async () => {
  for (const who of ['admin', 'dev']) await ok(['keygen', '--out', at(`${who}.pem`)]);
  await ok(['ledger', 'init', '--key', at('admin.pem'), ...L()]);
  await ok(['ledger', 'register', '--key', at('dev.pem'), '--name', 'dev', ...L()]);
  writeFileSync(at('bin.diff'), DIFF);
  writeFileSync(
    at('allow.json'),
    JSON.stringify({
      format: 'urn:patchtrail:policy:v1',
      version: 1,
      name: 'short chains',
      mode: 'enforce',
      rules: [{ id: 'short', kind: 'max-chain-length', mode: 'enforce', max: 5 }],
    }),
  );
  mkdirSync(at('target'));
  writeFileSync(at('target/a.txt'), 'hello\nworld\n');
  writeFileSync(at('target/b.bin'), Buffer.from([0, 1, 2, 0x62, 0x69, 0x6e]));
});

describe('a diff with a binary patch and a symbolic link', () => {
  it('is signed by create, which warns on stderr and exits 0', async () => {
    const args = ['--key', at('dev.pem'), '--reason', 'r', '--out', at('b.json')];
    const r = await pt(['create', '--diff', at('bin.diff'), ...args]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'warning: b.bin: a binary patch; apply refuses it, so this bundle cannot be applied as it is\n' +
        'warning: link: a symbolic link; apply refuses it, so this bundle cannot be applied as it is\n',
    );
    expect(JSON.parse(readFileSync(at('b.json'), 'utf8'))).toHaveProperty('envelope');
    // A link however its mode is spelt (an octal number git reads as one: '0120000').
    writeFileSync(
      at('link0.diff'),
      DIFF.slice(DIFF.indexOf('diff --git a/link')).replace('mode 120000', 'mode 0120000'),
    );
    const link = await pt(['create', '--diff', at('link0.diff'), ...args, '--out', at('l.json')]);
    expect([link.code, link.stderr]).toEqual([
      0,
      'warning: link: a symbolic link; apply refuses it, so this bundle cannot be applied as it is\n',
    ]);
    // A text-only diff gets no warning.
    writeFileSync(at('text.diff'), DIFF.slice(0, DIFF.indexOf('diff --git a/b.bin')));
    const text = await pt(['create', '--diff', at('text.diff'), ...args, '--out', at('t.json')]);
    expect([text.code, text.stderr]).toEqual([0, '']);
  });

  it('is listed by verify, in words and in --json', async () => {
    const out = await ok(['verify', at('b.json')]);
    expect(out).toMatch(/^files: +a\.txt, b\.bin, link$/m);
    expect(out).toMatch(
      /^unappliable: b\.bin \(a binary patch\), link \(a symbolic link\): no apply carries these out$/m,
    );
    const json = JSON.parse(await ok(['verify', at('b.json'), '--json'])) as {
      report: { unappliable: unknown[] };
    };
    expect(json.report.unappliable).toEqual([
      { path: 'b.bin', what: 'binary patch' },
      { path: 'link', what: 'symbolic link' },
    ]);
    expect(await ok(['verify', at('t.json')])).not.toMatch(/^unappliable:/m);
  });

  it('is stopped by a ledger check before the policy, and refused by apply, nothing written', async () => {
    const check = await pt(['check', at('b.json'), '--policy', at('allow.json'), '--json', ...L()]);
    expect(check.code).not.toBe(0);
    const result = JSON.parse(check.stdout) as {
      status: string;
      steps: { step: string; code?: string }[];
    };
    expect(result.status).toBe('rejected');
    expect(result.steps.at(-1)).toMatchObject({
      step: 'extract-metadata',
      code: 'MALFORMED_INPUT',
    });
    const apply = await pt([
      'apply',
      at('b.json'),
      '--dir',
      at('target'),
      '--trust',
      at('dev.pem'),
    ]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'MALFORMED_INPUT: b.bin: binary patches cannot be applied exactly',
    );
    expect(readFileSync(at('target/a.txt'), 'utf8')).toBe('hello\nworld\n');
    expect(existsSync(at('target/link'))).toBe(false);
    expect([...readFileSync(at('target/b.bin'))]).toEqual([0, 1, 2, 0x62, 0x69, 0x6e]);
  });
});

describe('a real `diff -ruN` of two trees where a file that is not text changed', () => {
  it('is warned about by create, stopped by check and refused by apply, as the git form is', async () => {
    for (const side of ['old', 'new']) mkdirSync(at(side));
    writeFileSync(at('old/t.txt'), 'a\nb\n');
    writeFileSync(at('new/t.txt'), 'a\nc\n');
    writeFileSync(at('old/bin.dat'), Buffer.from([0, 1, 2]));
    writeFileSync(at('new/bin.dat'), Buffer.from([0, 1, 3]));
    // GNU diff: exit 1 when the trees differ; its "Binary files … differ" line carries nothing.
    const diff = spawnSync('diff', ['-ruN', 'old', 'new'], {
      cwd: at('.'),
      env: { ...process.env, LC_ALL: 'C' },
    });
    expect(diff.status).toBe(1);
    expect(diff.stdout.toString()).toContain('Binary files old/bin.dat and new/bin.dat differ');
    writeFileSync(at('du.diff'), diff.stdout);
    const args = ['--key', at('dev.pem'), '--reason', 'r', '--out', at('du.json')];
    const created = await pt(['create', '--diff', at('du.diff'), ...args]);
    expect([created.code, created.stderr]).toEqual([
      0,
      'warning: bin.dat: a binary patch; apply refuses it, so this bundle cannot be applied as it is\n',
    ]);
    expect(await ok(['verify', at('du.json')])).toMatch(/^files: +bin\.dat, t\.txt$/m);
    const check = await pt([
      'check',
      at('du.json'),
      '--policy',
      at('allow.json'),
      '--json',
      ...L(),
    ]);
    expect((JSON.parse(check.stdout) as { status: string }).status).toBe('rejected');
    cpSync(at('old'), at('du-target'), { recursive: true });
    const apply = await pt([
      'apply',
      at('du.json'),
      '--dir',
      at('du-target'),
      '--trust',
      at('dev.pem'),
    ]);
    expect(apply.code).toBe(1);
    expect(readFileSync(at('du-target/t.txt'), 'utf8')).toBe('a\nb\n');
  });

  it('warns of the files a `diff -ru` without -N names as in one tree only, which no bundle carries', async () => {
    writeFileSync(at('new/extra.txt'), 'added\n');
    const diff = spawnSync('diff', ['-ru', 'old', 'new'], {
      cwd: at('.'),
      env: { ...process.env, LC_ALL: 'C' },
    });
    expect(diff.stdout.toString()).toContain('Only in new: extra.txt');
    writeFileSync(at('ru.diff'), diff.stdout);
    const args = ['--key', at('dev.pem'), '--reason', 'r', '--out', at('ru.json')];
    const created = await pt(['create', '--diff', at('ru.diff'), ...args]);
    expect(created.code).toBe(0);
    expect(created.stderr.split('\n')).toContain(
      'warning: new/extra.txt: in one tree only (diff -r without -N leaves such a file out); this bundle does not carry it',
    );
    expect(await ok(['verify', at('ru.json')])).toMatch(/^files: +bin\.dat, t\.txt$/m);
  });

  it('prints an "Only in" name escaped: its control and bidi characters never reach the terminal raw', async () => {
    writeFileSync(
      at('only-hostile.diff'),
      'Only in new: red\u001b[31m\u202egnp.exe\n--- a/t.txt\n+++ b/t.txt\n@@ -1 +1 @@\n-a\n+b\n',
    );
    const args = ['--key', at('dev.pem'), '--reason', 'r', '--out', at('oh.json')];
    const created = await pt(['create', '--diff', at('only-hostile.diff'), ...args]);
    expect(created.code).toBe(0);
    expect(created.stderr).toBe(
      'warning: new/red\\u001b[31m\\u202egnp.exe: in one tree only (diff -r without -N leaves such a file out); this bundle does not carry it\n',
    );
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchtrail } from '../helpers/cli.ts';
import { hashDir, writeTree } from '../helpers/trees.ts';

let dir: string;
const at = (name: string) => join(dir, name);

const BASE = { 'src/main.c': 'int main(void) {\n  return 1;\n}\n', README: 'hello\n' };
const DIFF = `diff --git a/src/main.c b/src/main.c
--- a/src/main.c
+++ b/src/main.c
@@ -1,3 +1,3 @@
 int main(void) {
-  return 1;
+  return 0;
 }
diff --git a/docs/NEWS b/docs/NEWS
new file mode 100644
--- /dev/null
+++ b/docs/NEWS
@@ -0,0 +1 @@
+main returns 0 now
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pt-apply-'));
  writeFileSync(at('fix.diff'), DIFF);
  expect((await patchtrail(['keygen', '--out', at('author.pem')])).code).toBe(0);
  expect((await patchtrail(['keygen', '--out', at('other.pem')])).code).toBe(0);
  expect(
    (
      await patchtrail([
        'create',
        '--diff',
        at('fix.diff'),
        '--key',
        at('author.pem'),
        '--reason',
        'exit 0',
        '--out',
        at('b.json'),
      ])
    ).code,
  ).toBe(0);
  writeTree(at('base'), BASE);
});

function freshTarget(name: string): string {
  cpSync(at('base'), at(name), { recursive: true });
  return at(name);
}

describe('patchtrail apply', () => {
  it('refuses with UNKNOWN_AUTHOR and changes nothing when no trusted author is given', async () => {
    const target = freshTarget('t1');
    const before = await hashDir(target);
    for (const extra of [[], ['--trust', at('other.pem')]]) {
      const result = await patchtrail(['apply', at('b.json'), '--dir', target, ...extra]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^UNKNOWN_AUTHOR: /);
    }
    expect(await hashDir(target)).toBe(before);
  });

  it('applies, reports tree hashes and files as JSON, detects a second apply, and reverses exactly', async () => {
    const target = freshTarget('t2');
    const before = await hashDir(target);
    const dry = JSON.parse(
      (
        await patchtrail([
          'apply',
          at('b.json'),
          '--dir',
          target,
          '--trust',
          at('author.pem'),
          '--dry-run',
          '--json',
        ])
      ).stdout,
    );
    expect(dry).toMatchObject({ ok: true, status: 'dry-run', treeBefore: before });
    expect(await hashDir(target)).toBe(before);
    const applied = await patchtrail([
      'apply',
      at('b.json'),
      '--dir',
      target,
      '--trust',
      at('author.pem'),
      '--json',
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    const report = JSON.parse(applied.stdout);
    expect(report).toMatchObject({
      ok: true,
      status: 'applied',
      treeBefore: before,
      treeAfter: dry.treeAfter,
    });
    expect(report.files).toEqual([
      { path: 'src/main.c', kind: 'modify' },
      { path: 'docs/NEWS', kind: 'create' },
    ]);
    expect(await hashDir(target)).toBe(report.treeAfter);
    expect(readFileSync(join(target, 'docs/NEWS'), 'utf8')).toBe('main returns 0 now\n');
    expect(existsSync(join(target, '.patchtrail'))).toBe(false);
    const again = JSON.parse(
      (
        await patchtrail([
          'apply',
          at('b.json'),
          '--dir',
          target,
          '--trust',
          at('author.pem'),
          '--json',
        ])
      ).stdout,
    );
    expect(again.status).toBe('already-applied');
    const reversed = await patchtrail([
      'apply',
      at('b.json'),
      '--dir',
      target,
      '--trust',
      at('author.pem'),
      '--reverse',
    ]);
    expect(reversed.code).toBe(0);
    expect(reversed.stdout).toMatch(/^reversed: 2 file/);
    expect(await hashDir(target)).toBe(before);
    expect(existsSync(join(target, 'docs'))).toBe(false);
  });

  it('refuses a diff through a symlink that points outside, and writes nothing outside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pt-outside-'));
    const target = freshTarget('t3');
    symlinkSync(outside, join(target, 'docs'));
    const result = await patchtrail([
      'apply',
      at('b.json'),
      '--dir',
      target,
      '--trust',
      at('author.pem'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^UNSAFE_PATH: /);
    expect(existsSync(join(outside, 'NEWS'))).toBe(false);
    expect(readFileSync(join(target, 'src/main.c'), 'utf8')).toBe(BASE['src/main.c']);
  });

  it('names the file and hunk of a conflict and leaves the target as it was', async () => {
    const target = freshTarget('t4');
    writeFileSync(join(target, 'src/main.c'), 'int main(void) {\n  return 2;\n}\n');
    const before = await hashDir(target);
    const result = await patchtrail([
      'apply',
      at('b.json'),
      '--dir',
      target,
      '--trust',
      at('author.pem'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^APPLY_CONFLICT: src\/main\.c: hunk #1/);
    expect(await hashDir(target)).toBe(before);
    expect(existsSync(join(target, 'docs'))).toBe(false);
  });

  it('has usage errors for a missing --dir and a bad --fuzz', async () => {
    expect((await patchtrail(['apply', at('b.json')])).code).toBe(2);
    expect(
      (await patchtrail(['apply', at('b.json'), '--dir', at('base'), '--fuzz', '9'])).code,
    ).toBe(2);
  });
});

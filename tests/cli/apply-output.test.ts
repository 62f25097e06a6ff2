/**
 * `apply` on ordinary bad input, and what it says: a usage error (exit 2) or a coded rejection
 * (exit 1) with a clear message, never an internal error (70); a reverse says it reversed; and
 * paths from the diff reach the terminal escaped.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTerminalSafe } from '../../src/cli/terminal.ts';
import { applyWorkspace } from '../helpers/apply-workspace.ts';

const BASE = { keep: 'old\n' };

const DIFFS = {
  fix: '--- a/keep\n+++ b/keep\n@@ -1 +1 @@\n-old\n+new\n',
  /** A format-patch series of two commits, both changing keep, the second also adding more. */
  series:
    'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/2] one\n\n---\n' +
    'diff --git a/keep b/keep\n--- a/keep\n+++ b/keep\n@@ -1 +1 @@\n-old\n+mid\n' +
    'From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 2/2] two\n\n---\n' +
    'diff --git a/keep b/keep\n--- a/keep\n+++ b/keep\n@@ -1 +1 @@\n-mid\n+new\n' +
    'diff --git a/more b/more\nnew file mode 100644\n--- /dev/null\n+++ b/more\n@@ -0,0 +1 @@\n+x\n',
  longName: `--- /dev/null\n+++ b/${'n'.repeat(300)}\n@@ -0,0 +1 @@\n+x\n`,
  /** Names with ESC, U+202E and a tab (git quotes them). */
  oddNames:
    'diff --git "a/red\\033[31m.txt" "b/red\\033[31m.txt"\nnew file mode 100644\n--- /dev/null\n+++ "b/red\\033[31m.txt"\n@@ -0,0 +1 @@\n+x\n' +
    'diff --git "a/\u202etxt.exe" "b/\u202etxt.exe"\nnew file mode 100644\n--- /dev/null\n+++ "b/\u202etxt.exe"\n@@ -0,0 +1 @@\n+x\n' +
    'diff --git "a/tab\\there" "b/tab\\there"\nnew file mode 100644\n--- /dev/null\n+++ "b/tab\\there"\n@@ -0,0 +1 @@\n+x\n',
  bidiName:
    'diff --git "a/\u202etxt.exe" "b/\u202etxt.exe"\nnew file mode 100644\n--- /dev/null\n+++ "b/\u202etxt.exe"\n@@ -0,0 +1 @@\n+x\n',
  tabName:
    'diff --git "a/tab\\there" "b/tab\\there"\nnew file mode 100644\n--- /dev/null\n+++ "b/tab\\there"\n@@ -0,0 +1 @@\n+x\n',
};

const { at, ok, target, apply } = applyWorkspace('pt-apply-output-', DIFFS, BASE);

describe('apply on ordinary bad input', () => {
  it('is a usage error (exit 2) when --dir names a file or nothing', async () => {
    writeFileSync(at('plain-file'), 'x');
    for (const dir of [at('plain-file'), at('no-such-dir')]) {
      const result = await apply('fix', dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^patchtrail apply: --dir .* (is not a directory|cannot use it)/,
      );
    }
  });

  it('refuses a 300-byte path component with UNSAFE_PATH (exit 1)', async () => {
    const dir = target();
    const result = await apply('longName', dir);
    expect(result.stderr).toMatch(/^UNSAFE_PATH: .*component longer than 255 bytes/);
    expect(result.code).toBe(1);
  });
});

describe('apply --reverse says what happened', () => {
  it('reports "reversed" in text and JSON, and "not applied" when there is nothing to undo', async () => {
    const dir = target();
    await ok(['apply', at('fix.json'), '--dir', dir, '--trust', at('k.pem')]);
    const reversed = JSON.parse((await apply('fix', dir, '--reverse', '--json')).stdout);
    expect(reversed).toMatchObject({ ok: true, reverse: true, status: 'reversed' });
    await ok(['apply', at('fix.json'), '--dir', dir, '--trust', at('k.pem')]);
    expect((await apply('fix', dir, '--reverse')).stdout).toMatch(/^reversed: 1 file\(s\)/);
    const again = await apply('fix', dir, '--reverse', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'already-reversed', files: [] });
    expect((await apply('fix', dir, '--reverse')).stdout).toMatch(
      /^not applied, nothing to reverse/,
    );
  });
});

describe('apply output', () => {
  it('refuses a name holding a control or bidi character (UNSAFE_PATH), escaped in the message, writing nothing', async () => {
    const cases: [keyof typeof DIFFS, string][] = [
      // The message names the path as JSON does ("\u001b", "\t"), and the terminal's escaping
      // then shows each backslash doubled; what JSON leaves raw (U+202E) is escaped once.
      ['oddNames', 'unsafe path "red\\\\u001b[31m.txt": holds a control character (U+001B)'],
      ['bidiName', 'unsafe path "\\u202etxt.exe": holds a control character (U+202E)'],
      ['tabName', 'unsafe path "tab\\\\there": holds a control character (U+0009)'],
    ];
    for (const [name, message] of cases) {
      const dir = target();
      const result = await apply(name, dir);
      expect(result.code, result.stderr).toBe(1);
      expect(isTerminalSafe(result.stderr)).toBe(true);
      expect(result.stderr).not.toContain('\t');
      expect(result.stderr).toContain(`UNSAFE_PATH: ${message}`);
      expect(readdirSync(dir).sort()).toEqual(Object.keys(BASE).sort());
    }
  });

  it('counts changes and files apart when a series changes a file twice', async () => {
    const one = await apply('fix', target());
    expect(one.stdout).toMatch(/^applied: 1 file\(s\); tree /);
    const two = await apply('series', target());
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/^applied: 3 change\(s\) to 2 file\(s\); tree /);
  });
});

/**
 * Git's mode lines ("new file mode", "deleted file mode", "old mode", "new mode", the "index"
 * line's mode) give one of the modes git writes for a file: 100644, 100755 (its legacy 100664 is
 * read as 100644), or a symbolic link's 120000 or a submodule's 160000 (any permission bits on
 * those read as the same type, as git reads them), which stay refused by name. Before, any
 * digits were taken and read by their 0o100 bit alone: a directory's 40755 made an executable
 * file, 104755 and 106755 dropped setuid and setgid without a word, and a 20-digit number made
 * a 0644 file. Anything else is now MALFORMED_INPUT naming the line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDiff } from '../../src/core/diff/parse.ts';
import { applyDiff, makeMemoryTree, treeHash } from '../../src/core/index.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

const created = (mode: string) =>
  `diff --git a/x b/x\nnew file mode ${mode}\n--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+#!/bin/sh\n`;
const deleted = (mode: string) =>
  `diff --git a/e b/e\ndeleted file mode ${mode}\n--- a/e\n+++ /dev/null\n@@ -1 +0,0 @@\n-e\n`;
const changed = (from: string, to: string) =>
  `diff --git a/e b/e\nold mode ${from}\nnew mode ${to}\n`;
const indexed = (mode: string) =>
  `diff --git a/e b/e\nindex 1234567..89abcde ${mode}\n--- a/e\n+++ b/e\n@@ -1 +1 @@\n-e\n+E\n`;

/** Every way a diff states a mode, with the line that states it. */
const PLACES: [string, (mode: string) => string, number][] = [
  ['new file mode', created, 2],
  ['deleted file mode', deleted, 2],
  ['old mode', (m) => changed(m, '100755'), 2],
  ['new mode', (m) => changed('100644', m), 3],
  ['index', indexed, 2],
];

function outcome(diff: string): string {
  try {
    parseDiff(diff);
    return 'read';
  } catch (error) {
    if (error instanceof PatchtrailError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe('git mode lines', () => {
  it.each(PLACES)('"%s": refuses what is not a file mode, naming the line', (key, diff, line) => {
    for (const mode of ['40755', '040000', '104755', '106755', '102755', '100777', '100600']) {
      expect(outcome(diff(mode))).toBe(
        `MALFORMED_INPUT: diff line ${line}: "${key} ${mode}": not a mode git gives a file (100644 or 100755)`,
      );
    }
    for (const mode of ['99999999999999999999', '1e5', '-100644', '0x81a4', '1120000', '100644x'])
      expect(outcome(diff(mode))).toMatch(new RegExp(`^MALFORMED_INPUT: diff line ${line}: `));
    expect(outcome(diff('9'.repeat(100_000)))).toMatch(/…": not a mode/);
    for (const mode of [
      '100644',
      '100755',
      '100664',
      '0100644',
      '100644 ',
      '120000',
      '120777',
      '160000',
    ])
      expect(outcome(diff(mode))).toBe('read');
  });

  it('reads any other string of digits as refused, over a sweep of modes', () => {
    const files = new Set([0o100644, 0o100755, 0o100664]);
    // A link's or a submodule's type, whatever its permission bits, as git reads it.
    const accepted = (mode: number) =>
      files.has(mode) || (mode <= 0o177777 && [0o12, 0o16].includes(mode >> 12));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 0o177777 }).map((n) => n.toString(8)),
          fc.stringMatching(/^[0-9]{1,25}$/),
        ),
        fc.constantFrom(...PLACES),
        (mode, [, diff]) => {
          const octal = /^[0-7]+$/.test(mode) && mode.length <= 12 ? parseInt(mode, 8) : -1;
          expect(outcome(diff(mode)) === 'read').toBe(accepted(octal));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('applies 100644, 100755 and 100664 (as 100644) and refuses the rest with the target untouched', async () => {
    const results: Record<string, boolean | string> = {};
    for (const mode of [
      '100644',
      '100755',
      '100664',
      '40755',
      '104755',
      '106755',
      '99999999999999999999',
    ]) {
      const tree = makeMemoryTree({ e: 'e\n' });
      const before = await treeHash(tree);
      try {
        await applyDiff(tree, created(mode));
        results[mode] = tree.snapshot().get('x')?.executable === true;
      } catch (error) {
        results[mode] = (error as PatchtrailError).code;
        expect(await treeHash(tree)).toBe(before);
      }
    }
    expect(results).toEqual({
      '100644': false,
      '100755': true,
      '100664': false,
      '40755': 'MALFORMED_INPUT',
      '104755': 'MALFORMED_INPUT',
      '106755': 'MALFORMED_INPUT',
      '99999999999999999999': 'MALFORMED_INPUT',
    });
    const tree = makeMemoryTree({ e: 'e\n' });
    await applyDiff(tree, changed('100664', '100755'));
    expect(tree.snapshot().get('e')?.executable).toBe(true);
  });

  it('still refuses a symbolic link and a submodule by name, in every mode line', async () => {
    for (const diff of [
      created('120000'),
      created('0120000'),
      created('160000'),
      indexed('120000'),
      changed('100644', '120000'),
    ]) {
      const tree = makeMemoryTree({ e: 'e\n' });
      await expect(applyDiff(tree, diff)).rejects.toMatchObject({
        code: 'MALFORMED_INPUT',
        message: expect.stringMatching(
          /: a (symbolic link|submodule); patchtrail writes regular files only/,
        ),
      });
    }
  });
});

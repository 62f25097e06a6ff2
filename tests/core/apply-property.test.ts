/**
 * For random files a and b, a diff written by an independent generator (jsdiff's createPatch,
 * and git diff --no-index) applies to a to give b exactly, and reverses to a.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPatch } from 'diff';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDiff, makeMemoryTree } from '../../src/core/index.ts';

/** Files built from a small alphabet of lines, so diffs have repeats, moves and near-matches. */
const fileText = fc
  .array(fc.constantFrom('a', 'b', 'c', '', '  indented', 'x\r', 'd', 'é', 'end'), {
    maxLength: 40,
  })
  .chain((lines) =>
    fc
      .boolean()
      .map((finalNewline) => lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '')),
  );

async function roundTrip(a: string, b: string, diff: string, strip: number): Promise<void> {
  const tree = makeMemoryTree({ 'f.txt': a });
  await applyDiff(tree, diff, { strip });
  expect(new TextDecoder().decode(tree.snapshot().get('f.txt')?.content)).toBe(b);
  await applyDiff(tree, diff, { strip, reverse: true });
  expect(new TextDecoder().decode(tree.snapshot().get('f.txt')?.content)).toBe(a);
}

describe('apply agrees with independent diff generators', () => {
  it('jsdiff createPatch: a + diff = b, and back', async () => {
    await fc.assert(
      fc.asyncProperty(fileText, fileText, fc.nat({ max: 4 }), async (a, b, context) => {
        fc.pre(a !== b);
        const diff = createPatch('f.txt', a, b, '', '', { context });
        await roundTrip(a, b, diff.replace(/^Index: .*\n=+\n/, ''), 0);
      }),
      { numRuns: 400 },
    );
  });

  it('git diff --no-index: a + diff = b, and back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-prop-'));
    await fc.assert(
      fc.asyncProperty(fileText, fileText, async (a, b) => {
        fc.pre(a !== b);
        writeFileSync(join(dir, 'a'), a);
        writeFileSync(join(dir, 'b'), b);
        const git = spawnSync(
          'git',
          [
            'diff',
            '--no-index',
            '--no-color',
            '--text',
            '--src-prefix=x/',
            '--dst-prefix=x/',
            'a',
            'b',
          ],
          { cwd: dir, encoding: 'utf8' },
        );
        const diff = git.stdout.replaceAll('x/a', 'x/f.txt').replaceAll('x/b', 'x/f.txt');
        await roundTrip(a, b, diff, 1);
      }),
      { numRuns: 60 },
    );
  });

  it('a git copy (its source also changed, or not): applied as git apply makes it, and undone', async () => {
    const hunks = (from: string, to: string) =>
      createPatch('f', from, to, '', '', { context: 2 }).replace(/^[\s\S]*?(?=^@@)/m, '');
    await fc.assert(
      fc.asyncProperty(fileText, fileText, fileText, async (a, b, c) => {
        fc.pre(a !== b);
        const change =
          a === c ? '' : `diff --git a/src b/src\n--- a/src\n+++ b/src\n${hunks(a, c)}`;
        const copy =
          'diff --git a/src b/dst\ncopy from src\ncopy to dst\n--- a/src\n+++ b/dst\n' +
          hunks(a, b);
        const tree = makeMemoryTree({ src: a });
        const text = (path: string) => new TextDecoder().decode(tree.snapshot().get(path)?.content);
        await applyDiff(tree, change + copy);
        expect([text('src'), text('dst')]).toEqual([c, b]);
        await applyDiff(tree, change + copy, { reverse: true });
        expect([...tree.snapshot().keys()]).toEqual(['src']);
        expect(text('src')).toBe(a);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Diffs that are not UTF-8: content lines carry any bytes (Latin-1, NUL, lone continuation
 * bytes) and apply byte for byte, as GNU patch applies them; paths must be UTF-8; text for
 * people shows each undecodable byte as \xNN, never U+FFFD.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree, parseDiff, type MemoryTree } from '../../src/core/index.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const cat = (...parts: (string | Uint8Array | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...ascii(p)] : [...p])));

/** "café" in Latin-1, and a line holding NUL, a stray continuation byte and 0xFF. */
const LATIN1 = cat('caf', [0xe9]);
const JUNK = cat([0x00, 0x80, 0x41, 0xff, 0x0d]);

function fileOf(tree: MemoryTree, path: string): Uint8Array {
  const entry = tree.snapshot().get(path);
  if (entry === undefined) throw new Error(`${path} missing`);
  return entry.content;
}

describe('diffs that are not UTF-8', () => {
  const before = cat('keep\n', LATIN1, '\n', JUNK, '\nend\n');
  const after = cat('keep\n', LATIN1, '!\n', 'new ', [0xfc], '\nend\n');
  const diff = cat(
    '--- a/t.txt\n+++ b/t.txt\n@@ -1,4 +1,4 @@\n keep\n-',
    LATIN1,
    '\n-',
    JUNK,
    '\n+',
    LATIN1,
    '!\n+new ',
    [0xfc],
    '\n end\n',
  );

  it('applies removed and added lines that are not UTF-8 byte for byte, and reverses them', async () => {
    const tree = makeMemoryTree({ 't.txt': before });
    await applyDiff(tree, diff);
    expect(fileOf(tree, 't.txt')).toEqual(after);
    await applyDiff(tree, diff, { reverse: true });
    expect(fileOf(tree, 't.txt')).toEqual(before);
  });

  it('refuses a file whose bytes differ from a non-UTF-8 context line only in an undecodable byte', async () => {
    const other = cat('keep\ncaf', [0xe8], '\n', JUNK, '\nend\n');
    const tree = makeMemoryTree({ 't.txt': other });
    await expect(applyDiff(tree, diff)).rejects.toMatchObject({ code: 'APPLY_CONFLICT' });
    expect(fileOf(tree, 't.txt')).toEqual(other);
  });

  it('keeps the bytes in HunkLine.bytes and shows them as \\xNN in text, never U+FFFD', () => {
    const [file] = parseDiff(diff).files;
    const lines = file?.hunks[0]?.lines ?? [];
    expect(lines.map((l) => l.text)).toEqual([
      'keep',
      'caf\\xE9',
      '\u0000\\x80A\\xFF\r',
      'caf\\xE9!',
      'new \\xFC',
      'end',
    ]);
    expect(lines[1]?.bytes).toEqual(LATIN1);
    expect(lines[2]?.bytes).toEqual(JUNK);
    expect(lines[0]?.bytes).toBeUndefined();
    expect(lines.some((l) => l.text.includes('\uFFFD'))).toBe(false);
  });

  it('shows preamble bytes that are not UTF-8 escaped (DEP-3 headers in Latin-1)', () => {
    const text = cat('Author: Ren', [0xe9], ' <r@example.org>\nDescription: fix\n\n', diff);
    expect(parseDiff(text).preamble).toBe('Author: Ren\\xE9 <r@example.org>\nDescription: fix\n');
  });

  it.each([
    ['a "---" path', cat('--- a/caf', [0xe9], '\n+++ b/cafe\n@@ -1 +1 @@\n-a\n+b\n')],
    ['a "+++" path', cat('--- a/cafe\n+++ b/caf', [0xe9], '\n@@ -1 +1 @@\n-a\n+b\n')],
    [
      'a "diff --git" path',
      cat('diff --git a/', [0xe9], ' b/', [0xe9], '\nnew file mode 100644\n'),
    ],
    ['a "rename from" path', cat('diff --git a/x b/y\nrename from ', [0xe9], '\nrename to y\n')],
  ])('refuses %s that is not UTF-8 with MALFORMED_INPUT naming the line', (_what, text) => {
    let error: unknown;
    try {
      parseDiff(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PatchtrailError);
    expect((error as PatchtrailError).code).toBe('MALFORMED_INPUT');
    expect((error as PatchtrailError).message).toMatch(
      /^diff line \d+: a path that is not UTF-8: .*\\xE9/,
    );
  });

  it('reads git-quoted paths exactly: a leading BOM and a character outside the BMP stay', () => {
    const name = '"a/\\357\\273\\277x\\t\u{1F600}"';
    const text = `diff --git ${name} ${name.replace('a/', 'b/')}\n--- ${name}\n+++ ${name.replace('a/', 'b/')}\n@@ -1 +1 @@\n-a\n+b\n`;
    expect(parseDiff(text).files[0]?.newPath).toBe('\uFEFFx\t\u{1F600}');
    const bare = '--- "\\357\\273\\277y"\n+++ "\\357\\273\\277y"\n@@ -1 +1 @@\n-a\n+b\n';
    expect(parseDiff(bare, 0).files[0]?.newPath).toBe('\uFEFFy');
  });

  it('does not take a hunk line that starts with an undecodable byte for an op or a marker', () => {
    const text = cat('--- a/f\n+++ b/f\n@@ -1 +1 @@\n', [0xe9], 'a\n+b\n');
    expect(() => parseDiff(text)).toThrow(/diff line 4: expected a hunk line/);
    const marker = cat('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n', [0x5c, 0xe9], '\n+b\n');
    expect(parseDiff(marker).files[0]?.hunks[0]?.lines[0]).toMatchObject({ eol: false });
  });

  it('parses a UTF-8 diff the same from its text and from its bytes', () => {
    const line = fc.oneof(
      fc.constantFrom('--- a/f', '+++ b/f', '@@ -1,2 +1,2 @@', ' ctx', '-old', '+new', ''),
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => ` ${s}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const text = `--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n${lines.join('\n')}`;
        const outcome = (input: string | Uint8Array) => {
          try {
            return parseDiff(input);
          } catch (error) {
            return (error as PatchtrailError).message;
          }
        };
        expect(outcome(new TextEncoder().encode(text))).toEqual(outcome(text));
      }),
      { numRuns: 500 },
    );
  });
});

/** Random lines of any bytes but "\n"; a change of some of them; the diff between. */
const anyLine = fc.uint8Array({ maxLength: 12 }).map((b) => b.filter((x) => x !== 0x0a));
const change = fc
  .record({
    old: fc.array(anyLine, { minLength: 1, maxLength: 8 }),
    replaced: fc.array(anyLine, { maxLength: 3 }),
    at: fc.nat(),
    eol: fc.boolean(),
  })
  .map(({ old, replaced, at, eol }) => {
    const i = at % old.length;
    const next = [...old.slice(0, i), ...replaced, ...old.slice(i + 1)];
    const file = (lines: Uint8Array[]) =>
      lines.length === 0
        ? new Uint8Array(0)
        : cat(...lines.flatMap((l, k) => [l, k < lines.length - 1 || eol ? '\n' : '']));
    const body = (op: string, lines: Uint8Array[], last: boolean) =>
      lines.flatMap((l, k) => [
        op,
        l,
        '\n',
        last && k === lines.length - 1 && !eol ? '\\ No newline at end of file\n' : '',
      ]);
    const oldLast = i === old.length - 1;
    const diff = cat(
      '--- a/f\n+++ b/f\n',
      `@@ -1,${old.length} +1,${next.length} @@\n`,
      ...body(' ', old.slice(0, i), false),
      ...body('-', [old[i] as Uint8Array], oldLast),
      ...body('+', replaced, oldLast),
      ...body(' ', old.slice(i + 1), true),
    );
    // Without a final newline the last line must hold something, or it is no line at all.
    const lastHolds = (lines: Uint8Array[]) => eol || (lines.at(-1)?.length ?? 0) > 0;
    // Removing a last line that has no newline would move "no newline" to the line before it,
    // which a diff writes as a change of that line too; this generator does not.
    const valid = lastHolds(old) && lastHolds(next) && (eol || !oldLast || replaced.length > 0);
    return { before: file(old), after: file(next), diff, valid };
  })
  .filter(({ after, valid }) => valid && after.length > 0);

describe('any bytes, property-tested', () => {
  it('applies a change of arbitrary byte lines exactly, and reverses it', async () => {
    await fc.assert(
      fc.asyncProperty(change, async ({ before, after, diff }) => {
        const tree = makeMemoryTree({ f: before });
        await applyDiff(tree, diff);
        expect(fileOf(tree, 'f')).toEqual(after);
        await applyDiff(tree, diff, { reverse: true });
        expect(fileOf(tree, 'f')).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with GNU patch on arbitrary byte lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-bytes-gnu-'));
    try {
      const samples = fc.sample(change, { numRuns: 40, seed: 20260 });
      for (const { before, after, diff } of samples) {
        writeFileSync(join(dir, 'f'), before);
        writeFileSync(join(dir, 'p.diff'), diff);
        execFileSync('patch', ['-s', '-p1', '--fuzz=0', '-i', 'p.diff'], { cwd: dir });
        const gnu = new Uint8Array(readFileSync(join(dir, 'f')));
        const tree = makeMemoryTree({ f: before });
        await applyDiff(tree, diff);
        expect(fileOf(tree, 'f')).toEqual(gnu);
        expect(gnu).toEqual(after);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The diff viewer's model: line numbers, files, side by side pairs, built in slices; and the
 * highlighter, which may only colour text, never change it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDiff } from '../../src/ui/pages/patch/diff-lines.ts';
import {
  buildDiffModel,
  buildDiffModelInSlices,
  lineColumns,
  spokenKind,
  utf8InSlices,
} from '../../src/ui/pages/patch/diff-rows.ts';
import { highlight, languageOf } from '../../src/ui/pages/patch/highlight.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

const DIFF = [
  'diff --git a/src/greet.c b/src/greet.c',
  '--- a/src/greet.c',
  '+++ b/src/greet.c',
  '@@ -10,4 +10,4 @@',
  ' int main(void) {',
  '-  printf("hello\\n");',
  '-  return 1;',
  '+  printf("hello, world\\n");',
  '   }',
  '+/* end */',
  '',
].join('\n');

describe('the diff model', () => {
  it('numbers old and new lines from the hunk header and names the file', () => {
    const model = buildDiffModel(utf8(DIFF));
    expect(model.files).toEqual(['', 'src/greet.c']);
    const code = model.rows.filter((r) => r.kind !== 'meta' && r.kind !== 'hunk');
    expect(code.map((r) => [r.kind, r.oldNo, r.newNo])).toEqual([
      ['context', 10, 10],
      ['del', 11, undefined],
      ['del', 12, undefined],
      ['add', undefined, 11],
      ['context', 13, 12],
      ['add', undefined, 13],
    ]);
    expect([model.adds, model.dels]).toEqual([2, 2]);
  });

  it('pairs a run of removals with the additions that replace it, side by side', () => {
    const { split } = buildDiffModel(utf8(DIFF));
    const shape = split.map((r) =>
      r.full !== undefined ? r.full.kind : `${r.left?.kind ?? '-'}|${r.right?.kind ?? '-'}`,
    );
    expect(shape).toEqual([
      'meta',
      'meta',
      'meta',
      'hunk',
      'context|context',
      'del|add',
      'del|-',
      'context|context',
      '-|add',
    ]);
  });

  it('knows the widest line on each side of the side by side view, in columns', () => {
    const diff = [
      'diff --git a/greeting.txt b/greeting.txt',
      '@@ -1,2 +1,2 @@',
      ' same',
      '-Good morning',
      '+Good morning, plant 4! The shift starts at six.',
      '',
    ].join('\n');
    // The halves are sized from these (diff.css): a side narrower than its widest line cut
    // that line at the half with no way to see its end.
    expect(buildDiffModel(utf8(diff)).columns).toEqual({ left: 13, right: 48, full: 40 });
    expect(lineColumns('+\tx')).toBe(6); // a tab is up to a whole stop
    expect(lineColumns('+日本')).toBe(5); // wide characters count double
    expect(lineColumns('+🙂')).toBe(3);
  });

  it('keeps every line, in order, whole or in slices, for any diff text', async () => {
    const line = fc.oneof(
      fc.constantFrom('@@ -1,2 +1,2 @@', '--- a/x', '+++ b/x.ts', 'diff --git a/x b/x'),
      fc
        .tuple(fc.constantFrom('+', '-', ' '), fc.string({ maxLength: 12 }))
        .map(([op, s]) => `${op}${s}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 60 }), async (lines) => {
        const bytes = utf8(lines.join('\n'));
        const lines0 = classifyDiff(bytes);
        const whole = buildDiffModel(bytes);
        expect(whole.rows.map(({ kind, text }) => ({ kind, text }))).toEqual(
          lines0.map(({ kind, text }) => ({ kind, text })),
        );
        // Side by side shows each row once (context on both sides of one row).
        const shown = whole.split.flatMap((r) =>
          r.full !== undefined ? [r.full] : r.left === r.right ? [r.left] : [r.left, r.right],
        );
        expect(new Set(shown.filter((r) => r !== undefined)).size).toBe(whole.rows.length);
        let ticks = 0;
        const sliced = await buildDiffModelInSlices(bytes, { budgetMs: 0, now: () => ticks++ });
        expect(sliced?.rows).toEqual(whole.rows);
      }),
      { numRuns: 60 },
    );
  });

  it('gives progress and stops when cancelled', async () => {
    const big = utf8(`@@ -1,2000 +1,2000 @@\n${' same\n'.repeat(2000)}`);
    const seen: number[] = [];
    let ticks = 0;
    const stopped = await buildDiffModelInSlices(big, {
      budgetMs: 0,
      now: () => ticks++,
      progress: (done) => seen.push(done),
      cancelled: () => seen.length >= 2,
    });
    expect(stopped).toBeUndefined();
    expect(seen).toEqual([256, 512]);
  });

  it('encodes a text diff in slices with a turn between them, to exactly TextEncoder’s bytes', async () => {
    // Surrogate pairs at every slice boundary, lone surrogates, and the pairs' halves alone.
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 2, max: 7 }), async (diff, sliceChars) => {
        const sliced = await utf8InSlices(diff, { sliceChars });
        expect(sliced).toEqual(new TextEncoder().encode(diff));
      }),
    );
    const order: string[] = [];
    const encoded = utf8InSlices('é'.repeat(8), { sliceChars: 4 }).then(() => order.push('done'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    order.push('the page had a turn');
    await encoded;
    expect(order).toEqual(['the page had a turn', 'done']);
  });

  it('builds the same model from a text diff as from its bytes', async () => {
    const text = '@@ -1 +1 @@\n-old\n+néw 🙂\n';
    const model = await buildDiffModelInSlices(text);
    expect(model?.rows).toEqual(buildDiffModel(utf8(text)).rows);
  });
});

describe('the highlighter', () => {
  it('knows languages by extension and colours keywords, strings, numbers and comments', () => {
    expect([languageOf('src/a.c'), languageOf('x/Makefile'), languageOf('README')]).toEqual([
      'c',
      'shell',
      undefined,
    ]);
    expect(highlight('  return "hi"; // 42', 'c')).toEqual([
      { text: '  ', kind: 'text' },
      { text: 'return', kind: 'keyword' },
      { text: ' ', kind: 'text' },
      { text: '"hi"', kind: 'string' },
      { text: '; ', kind: 'text' },
      { text: '// 42', kind: 'comment' },
    ]);
    expect(highlight('x = 10', 'python').find((t) => t.kind === 'number')?.text).toBe('10');
  });

  it('never changes the text, whatever the line and language', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80, unit: 'binary' }),
        fc.constantFrom('c', 'js', 'go', 'rust', 'python', 'shell', 'json', 'css', undefined),
        (text, language) => {
          expect(
            highlight(text, language)
              .map((t) => t.text)
              .join(''),
          ).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('spokenKind', () => {
  it('says added and removed, and the side in side by side; nothing for context', () => {
    expect(spokenKind('add')).toBe('added: ');
    expect(spokenKind('del')).toBe('removed: ');
    expect(spokenKind('context')).toBe('');
    expect(spokenKind('del', 'old')).toBe('old, removed: ');
    expect(spokenKind('add', 'new')).toBe('new, added: ');
    expect(spokenKind('context', 'old')).toBe('old: ');
  });
});

/** The diff view's lines: kinds from the hunk counts, and nothing shown mangled or invisible. */
import { describe, expect, it } from 'vitest';
import { classifyDiff, SHOWN_PER_LINE } from '../../src/ui/pages/patch/diff-lines.ts';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)),
  );

describe('diff lines for display', () => {
  it('shows bytes that are not UTF-8 as \\xNN pieces, kinds kept', () => {
    const lines = classifyDiff(
      bytes('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-caf', [0xe9], '\n+caf\u00e9 ', [0xff, 0xfe], '\n'),
    );
    expect(lines.map((l) => [l.kind, l.text])).toEqual([
      ['meta', '--- a/f'],
      ['meta', '+++ b/f'],
      ['hunk', '@@ -1 +1 @@'],
      ['del', '-caf\\xE9'],
      ['add', '+café \\xFF\\xFE'],
    ]);
    expect(lines[3]?.pieces).toEqual([
      { text: '-caf', kind: 'text' },
      { text: '\\xE9', kind: 'byte' },
    ]);
    expect(lines[0]?.pieces).toBeUndefined();
  });

  it('shows control and bidi characters escaped, so they cannot hide or reorder code', () => {
    const diff =
      '--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-x\n+if (ok) {\u202E } \u2066// admin\u2069\n+\u0000\u001b[2K\tend\n';
    const [del, bidi, control] = classifyDiff(bytes(diff)).slice(3);
    expect(del?.text).toBe('-x');
    expect(bidi?.text).toBe('+if (ok) {\\u{202E} } \\u{2066}// admin\\u{2069}');
    expect(control?.text).toBe('+\\x00\\x1B[2K\tend');
    expect(control?.pieces?.filter((p) => p.kind === 'control').map((p) => p.text)).toEqual([
      '\\x00',
      '\\x1B',
    ]);
  });

  it('reads a line that starts with an undecodable byte as no op (meta), never as context', () => {
    const lines = classifyDiff(bytes('@@ -1 +1 @@\n', [0xe9], 'x\n-a\n+b\n'));
    expect(lines.map((l) => l.kind)).toEqual(['hunk', 'meta', 'del', 'add']);
  });

  it('shows a line of megabytes cut, with the count of what is left out, kinds and lines kept', () => {
    const long = 'x'.repeat(5_000_000);
    const lines = classifyDiff(bytes(`--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+${long}\n`));
    expect(lines.map((l) => l.kind)).toEqual(['meta', 'meta', 'hunk', 'del', 'add']);
    const add = lines[4];
    expect(add?.text).toBe(`+${'x'.repeat(SHOWN_PER_LINE - 1)}`);
    expect(add?.more).toBe(5_000_001 - SHOWN_PER_LINE);
    expect(lines[3]?.more).toBeUndefined();
  });

  it('cuts a long line that is not UTF-8 the same way, and never inside a surrogate pair', () => {
    const bad = classifyDiff(
      bytes('@@ -0,0 +1 @@\n+', [0xff], 'y'.repeat(SHOWN_PER_LINE + 50), '\n'),
    )[1];
    expect(bad?.pieces?.slice(0, 2)).toEqual([
      { text: '+', kind: 'text' },
      { text: '\\xFF', kind: 'byte' },
    ]);
    // Characters as shown: '+', the byte's escape (4) and the rest.
    expect(bad?.more).toBe(1 + 4 + SHOWN_PER_LINE + 50 - SHOWN_PER_LINE);
    const emoji = classifyDiff(bytes(`@@ -0,0 +1 @@\n+${'a'.repeat(SHOWN_PER_LINE - 2)}😀😀\n`))[1];
    expect(emoji?.text).toBe(`+${'a'.repeat(SHOWN_PER_LINE - 2)}`);
    expect(emoji?.more).toBe(4);
  });
});

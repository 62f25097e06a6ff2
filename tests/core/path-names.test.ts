/**
 * Names a diff may give a file, beyond leaving the target: a component holding a C0 or C1
 * control character, DEL or a bidi control is UNSAFE_PATH (apply wrote "gr\e[31meeting.txt",
 * which ls, git and shells later print raw); and names that are the same once Unicode's
 * default-ignorable code points are removed collide, with each other and with the target's
 * files, as names equal under case folding already did ("gre\u200Beting.txt" was written beside
 * "greeting.txt"). A single name with a zero-width joiner, which some scripts and emoji need,
 * is still written when it collides with nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPathSyntax, collisionKey } from '../../src/core/diff/safety.ts';
import { applyDiff, makeMemoryTree, treeHash } from '../../src/core/index.ts';
import { PatchtrailError } from '../../src/core/errors.ts';

const create = (...paths: string[]) =>
  paths.map((p) => `--- /dev/null\n+++ b/${p}\n@@ -0,0 +1 @@\n+x\n`).join('');

function refusal(path: string): string {
  try {
    checkPathSyntax(path);
    return 'accepted';
  } catch (error) {
    if (error instanceof PatchtrailError) return error.code;
    throw error;
  }
}

const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i), // DEL and C1
  0x200e,
  0x200f,
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e],
  ...[0x2066, 0x2067, 0x2068, 0x2069],
];

const IGNORABLE_RANGES: [number, number][] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfff8],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe0fff],
];
const IGNORABLES = IGNORABLE_RANGES.flatMap(([from, to]) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i),
);

describe('the lists', () => {
  it("of invisible code points is Unicode's Default_Ignorable_Code_Point, over every code point", () => {
    const listed = new Set(IGNORABLES);
    const property = /^\p{Default_Ignorable_Code_Point}$/u;
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      if (listed.has(code) !== property.test(String.fromCodePoint(code)))
        expect(code.toString(16)).toBe('in both or neither');
    }
  });
});

describe('control characters in names', () => {
  it('refuses every C0 and C1 control, DEL and bidi control, in any component', () => {
    for (const code of CONTROLS) {
      const char = String.fromCodePoint(code);
      for (const path of [`a${char}b`, `${char}x`, `d/e${char}`, `d${char}/e`])
        expect([code.toString(16), refusal(path)]).toEqual([code.toString(16), 'UNSAFE_PATH']);
    }
  });

  it('accepts the characters around them (a sweep of the Basic Multilingual Plane and beyond)', () => {
    const refused = new Set(CONTROLS);
    fc.assert(
      fc.property(
        fc.integer({ min: 0x20, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
        (code) => {
          const char = String.fromCodePoint(code);
          if (refused.has(code) || '/\\'.includes(char)) return;
          // Whatever else checkPathSyntax says (NFKC look-alikes of "/" or "."), never a control.
          expect(refusal(`a${char}b.txt`) === 'accepted' || char.normalize('NFKC') !== char).toBe(
            true,
          );
        },
      ),
      { numRuns: 5000 },
    );
    for (const path of ['héllo.txt', '日本語/ファイル.md', 'emoji-👩‍💻.txt', 'tab-free name.txt'])
      expect(refusal(path)).toBe('accepted');
  });

  it('applies nothing for team/ansipath.diff ("gr\\e[31meeting.txt")', async () => {
    const tree = makeMemoryTree({ 'greeting.txt': 'hi\n' });
    const before = await treeHash(tree);
    const diff = '--- a/gr\u001b[31meeting.txt\n+++ b/gr\u001b[31meeting.txt\n@@ -0,0 +1 @@\n+x\n';
    await expect(applyDiff(tree, diff)).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      message: expect.stringContaining('holds a control character (U+001B)'),
    });
    expect(await treeHash(tree)).toBe(before);
  });
});

describe('names that look the same once invisible characters are removed', () => {
  it('collide for every default-ignorable code point (the collision key drops them)', () => {
    for (const code of IGNORABLES) {
      const name = `gre${String.fromCodePoint(code)}eting.txt`;
      expect([code.toString(16), collisionKey(name)]).toEqual([code.toString(16), 'greeting.txt']);
    }
  });

  it('refuses t3/zw.diff ("gre\\u200Beting.txt" beside "greeting.txt") and names in one diff that collide', async () => {
    const tree = makeMemoryTree({ 'greeting.txt': 'hi\n' });
    const before = await treeHash(tree);
    for (const code of [0x200b, 0x200d, 0x00ad, 0xfeff, 0x2060, 0xfe0f, 0x3164, 0xe0001]) {
      const name = `gre${String.fromCodePoint(code)}eting.txt`;
      const refusals = [create(name), create('new.txt', `n${String.fromCodePoint(code)}ew.txt`)];
      for (const diff of refusals) {
        await expect(applyDiff(tree, diff)).rejects.toMatchObject({
          code: 'UNSAFE_PATH',
          message: expect.stringMatching(/collides with .* once invisible characters are removed/),
        });
      }
    }
    expect(await treeHash(tree)).toBe(before);
    // Case folding is still said as such.
    await expect(applyDiff(tree, create('GREETING.txt'))).rejects.toMatchObject({
      message: expect.stringContaining('under case folding'),
    });
  });

  it('writes a single name with a zero-width joiner when it collides with nothing', async () => {
    const tree = makeMemoryTree({ 'greeting.txt': 'hi\n' });
    const names = ['क्\u200dष.txt', '👩\u200d💻.txt'];
    await applyDiff(tree, create(...names));
    for (const name of names) expect(tree.snapshot().has(name)).toBe(true);
  });

  it('refuses a component of only dots, spaces and invisible characters ("..\\u200B")', () => {
    for (const path of ['..\u200b/x', 'a/\u200b', 'a/.\u00ad/b', '\u2060'])
      expect(refusal(path)).toBe('UNSAFE_PATH');
  });
});

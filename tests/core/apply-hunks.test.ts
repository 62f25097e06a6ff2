/**
 * Hunk placement: misordered and overlapping hunks are refused as GNU patch refuses them
 * ("misordered hunks! output would be garbled"), and placing hunks costs work linear in the
 * file and the hunks, also for shapes built to be expensive: line numbers far past the end of
 * the file, and long runs of identical context. Work is counted (line comparisons and scanner
 * steps), not timed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, makeMemoryTree, parseDiff } from '../../src/core/index.ts';
import { applyHunks, type PlacementWork } from '../../src/core/diff/hunks.ts';
import { firstMatch, walkCandidates } from '../../src/core/diff/line-search.ts';
import { codeOf } from '../helpers/codes.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

function hunksOf(body: string) {
  return parseDiff(`--- a/f\n+++ b/f\n${body}`).files[0]?.hunks ?? [];
}

/** Applies `body` (hunks) to `content`, counting the work placement took. */
function place(content: string, body: string) {
  const work: PlacementWork = { steps: 0 };
  const result = applyHunks(encode(content), hunksOf(body), 'f', 0, work);
  return { text: decode(result.content), steps: work.steps };
}

describe('misordered and overlapping hunks', () => {
  it('refuses two hunks that replace the same line, and writes nothing', async () => {
    const tree = makeMemoryTree({ f: 'a\nb\nc\n' });
    const diff = '--- a/f\n+++ b/f\n@@ -2 +2 @@\n-b\n+B\n@@ -2 +2 @@\n-b\n+C\n';
    await expect(applyDiff(tree, diff)).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
      message: expect.stringMatching(/^f: hunk #2 .*hunks overlap/),
    });
    expect(decode(tree.snapshot().get('f')?.content ?? new Uint8Array())).toBe('a\nb\nc\n');
  });

  it('refuses a hunk whose leading context is a line the hunk before it removed (GNU patch applies it; reversing the result then fails)', async () => {
    const tree = makeMemoryTree({ f: '1\n2\n3\n4\n5\n' });
    const diff =
      '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n@@ -2,3 +2,3 @@\n 2\n-3\n+three\n 4\n';
    await expect(applyDiff(tree, diff)).rejects.toMatchObject({
      code: 'APPLY_CONFLICT',
      message:
        'f: hunk #2 (@@ -2,3 +2,3 @@) matches only where its context takes line 2, which an earlier hunk removed (hunks overlap)',
    });
    expect(decode(tree.snapshot().get('f')?.content ?? new Uint8Array())).toBe('1\n2\n3\n4\n5\n');
  });

  it('refuses hunks out of order (a later line first) instead of garbling the file', async () => {
    const tree = makeMemoryTree({ f: 'a\nb\nc\nd\n' });
    const diff = '--- a/f\n+++ b/f\n@@ -3 +3 @@\n-c\n+C\n@@ -1 +1 @@\n-a\n+A\n';
    expect(await codeOf(() => applyDiff(tree, diff))).toBe('APPLY_CONFLICT');
    expect(decode(tree.snapshot().get('f')?.content ?? new Uint8Array())).toBe('a\nb\nc\nd\n');
  });

  it('refuses an insertion before where the previous hunk changed the file', async () => {
    const diff = '--- a/f\n+++ b/f\n@@ -3 +3 @@\n-c\n+C\n@@ -1,0 +2 @@\n+new\n';
    const tree = makeMemoryTree({ f: 'a\nb\nc\n' });
    expect(await codeOf(() => applyDiff(tree, diff))).toBe('APPLY_CONFLICT');
  });

  it('still applies hunks in order whose contexts touch, and reverses them', async () => {
    const body = '@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -2,2 +2,2 @@\n b\n-c\n+C\n';
    expect(place('a\nb\nc\n', body).text).toBe('A\nb\nC\n');
    const tree = makeMemoryTree({ f: 'a\nb\nc\n' });
    await applyDiff(tree, `--- a/f\n+++ b/f\n${body}`);
    await applyDiff(tree, `--- a/f\n+++ b/f\n${body}`, { reverse: true });
    expect(decode(tree.snapshot().get('f')?.content ?? new Uint8Array())).toBe('a\nb\nc\n');
  });
});

/** H hunks, each replacing one line of a numbered file but claiming line `claim(j)`. */
function farClaims(lines: number, hunks: number, claim: (j: number) => number): string {
  return Array.from({ length: hunks }, (_, j) => {
    const at = Math.floor(((j + 1) * lines) / (hunks + 1));
    return `@@ -${claim(j)} +${claim(j)} @@\n-line ${at}\n+LINE ${at}\n`;
  }).join('');
}

describe('placement work is linear', () => {
  it('places hunks that claim line 100,000,000 in work linear in the file', () => {
    const steps = [10_000, 20_000, 40_000].map((n) => {
      const { text, steps } = place(
        numbered(n),
        farClaims(n, 300, () => 100_000_000),
      );
      expect(text.match(/^LINE /gm)).toHaveLength(300);
      expect(steps).toBeLessThan(8 * n + 100 * 300);
      return steps;
    });
    console.info(
      `300 hunks claiming line 100,000,000, file of 10k/20k/40k lines: ${steps.join(' / ')} steps`,
    );
    // Doubling the file at most doubles the work (plus the constant per hunk).
    expect(steps[2]).toBeLessThan(2.2 * (steps[1] ?? 0));
  });

  it('bounds each hunk by the file when every claim is far off (alternating ends)', () => {
    const n = 20_000;
    const hunks = 50;
    const claims = (j: number) => (j % 2 === 0 ? 100_000_000 : 1);
    const { text, steps } = place(numbered(n), farClaims(n, hunks, claims));
    console.info(`50 hunks claiming line 1 and 100,000,000 in turn, 20k lines: ${steps} steps`);
    expect(text.match(/^LINE /gm)).toHaveLength(hunks);
    expect(steps).toBeLessThan(hunks * 4 * n);
  });

  it('finds a hunk with long repeated context in work linear in file and hunk, not their product', () => {
    const run = (n: number) => {
      // n identical lines on each side of the one line the hunk changes, n/2 of them as its
      // context on each side, and a claim of line 1: at each of the first n/2 positions the
      // context matches up to the changed line, so GNU patch's loop compares about n²/4 lines.
      const content = `${'x\n'.repeat(n)}y\n${'x\n'.repeat(n)}`;
      const k = n / 2;
      const side = ' x\n'.repeat(k);
      const body = `@@ -1,${2 * k + 1} +1,${2 * k + 1} @@\n${side}-y\n+Y\n${side}`;
      const placed = place(content, body);
      expect(placed.text).toBe(`${'x\n'.repeat(n)}Y\n${'x\n'.repeat(n)}`);
      return placed.steps;
    };
    const [small, large] = [run(2_000), run(8_000)];
    console.info(
      `repeated context, 2k and 8k lines each side (GNU patch's loop: about n²/4 comparisons): ${small} / ${large} steps`,
    );
    expect(large).toBeLessThan(10 * 8_000);
    expect(large).toBeLessThan(5 * small); // 4x the input: about 4x the work, not 16x
  });

  it('applies a diff of 300 hunks claiming line 100,000,000 through the whole pipeline', async () => {
    const tree = makeMemoryTree({ f: numbered(5_000) });
    const result = await applyDiff(
      tree,
      `--- a/f\n+++ b/f\n${farClaims(5_000, 300, () => 100_000_000)}`,
    );
    expect(result.hunks).toHaveLength(300);
    expect(result.hunks[0]?.offset).toBeLessThan(-99_990_000);
  });
});

describe('the linear search', () => {
  it('finds the same first position as comparing at every candidate in order', () => {
    const input = fc.record({
      text: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 60 }),
      pattern: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
      skip: fc.nat(2),
      guess: fc.integer({ min: -80, max: 80 }),
      frozen: fc.nat(30),
    });
    fc.assert(
      fc.property(input, ({ text, pattern, skip, guess, frozen }) => {
        const ids = Int32Array.from(text);
        const highest = ids.length - (skip + pattern.length);
        const maxPos = highest - guess;
        const maxNeg = Math.min(guess - frozen, guess);
        const minOffset = maxPos < 0 ? guess - highest : maxNeg < 0 ? guess - frozen : 0;
        const c = { guess, minOffset, maxPos, maxNeg, lowest: -skip, highest };
        const direct = walkCandidates(c, (at) =>
          pattern.every((id, i) => ids[at + skip + i] === id),
        );
        const work = { steps: 0 };
        expect(firstMatch(ids, Int32Array.from(pattern), skip, c, work)).toBe(direct);
        expect(work.steps).toBeLessThan(6 * (ids.length + pattern.length) + 10);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

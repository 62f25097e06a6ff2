/**
 * The tree hash as documented (README, "Tree hashes"): one line per regular file, sorted by
 * the UTF-8 bytes of the path, hashed with SHA-256. Checked against an independent rendition
 * of that recipe, on paths where UTF-8 and UTF-16 orders agree and where they part.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTreeHashState, treeHashOf, type FileDigest } from '../../src/core/diff/tree-hash.ts';
import { byUtf8, editTreeText, treeTextOf } from '../../src/core/diff/tree-hash-text.ts';

function documented(files: ReadonlyMap<string, FileDigest>): string {
  const paths = [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const text = paths
    .map((p) => {
      const file = files.get(p) as FileDigest;
      return `${file.digest} ${file.executable ? '100755' : '100644'} ${p}\n`;
    })
    .join('');
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

// U+FF01 sorts after U+10000 in UTF-8 but before it in UTF-16 (whose surrogates are D800-DFFF).
const CHARS = ['a', 'b', 'Z', '/', '.', '-', 'é', '中', '\uD7FF', '\uE000', '\uFF01', '😀', '𐀀'];
const path = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 6 })
  .map((chars) => chars.join(''));
const files = fc
  .uniqueArray(path, { maxLength: 40 })
  .map(
    (paths) =>
      new Map<string, FileDigest>(
        paths.map((p) => [
          p,
          { digest: createHash('sha256').update(p).digest('hex'), executable: p.length % 2 === 0 },
        ]),
      ),
  );

describe('the tree hash', () => {
  it('hashes the files sorted by the UTF-8 bytes of their paths (property)', async () => {
    await fc.assert(
      fc.asyncProperty(files, async (map) => {
        expect(await treeHashOf(map)).toBe(documented(map));
      }),
      { numRuns: 300 },
    );
  });

  it('orders U+FF01 before U+10000, as UTF-8 does and UTF-16 does not', async () => {
    const map = new Map<string, FileDigest>([
      ['\u{10000}', { digest: '0'.repeat(64), executable: false }],
      ['\uFF01', { digest: '1'.repeat(64), executable: true }],
    ]);
    expect(await treeHashOf(map)).toBe(documented(map));
  });

  it('after a few changes, equals the hash of the changed tree computed afresh (property)', async () => {
    const digest = (p: string, salt: number) =>
      createHash('sha256').update(`${salt}${p}`).digest('hex');
    const change = fc.tuple(path, fc.option(fc.nat(3), { nil: null }), fc.boolean());
    await fc.assert(
      fc.asyncProperty(files, fc.array(change, { maxLength: 8 }), async (map, edits) => {
        const paths = [...map.keys()].sort(byUtf8);
        const text = treeTextOf(
          paths,
          paths.map((p) => map.get(p) as FileDigest),
        );
        const state = makeTreeHashState(text, await treeHashOf(map));
        const changes = new Map<string, FileDigest | null>();
        for (const [p, salt, executable] of edits)
          changes.set(p, salt === null ? null : { digest: digest(p, salt), executable });
        const changed = new Map(map);
        for (const [p, file] of changes) {
          if (file === null) changed.delete(p);
          else changed.set(p, file);
        }
        expect(state.hash).toBe(documented(map));
        expect(await state.after(changes)).toBe(documented(changed));
        const edited = editTreeText(text, changes);
        expect(edited.paths).toEqual([...changed.keys()].sort(byUtf8));
        expect(edited.ends.at(-1) ?? 0).toBe(edited.text.length);
      }),
      { numRuns: 300 },
    );
  });
});

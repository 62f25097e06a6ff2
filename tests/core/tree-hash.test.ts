/**
 * The tree hash as documented (README, "Tree hashes"): one line per regular file, sorted by
 * the UTF-8 bytes of the path, hashed with SHA-256. Checked against an independent rendition
 * of that recipe, on paths where UTF-8 and UTF-16 orders agree and where they part.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { treeHashOf, type FileDigest } from '../../src/core/diff/tree-hash.ts';

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
});

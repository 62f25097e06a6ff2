/**
 * SHA-256 of a file in the app's worker pool, end to end in headless Chromium: a file over the
 * one-call limit streams through the WebAssembly SHA-256 kernel in a pool worker and gives the
 * digest node:crypto gives for the same bytes; one under it goes to WebCrypto. Skipped, with a
 * printed reason, without /usr/bin/chromium (see ./browser.ts), unless
 * PATCHTRAIL_REQUIRE_BROWSER=1.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WHOLE_FILE_LIMIT } from '../../worker/hash-job.ts';
import { openBundledPage, type BundledPage } from '../bench/chromium-page.ts';
import { collectPageErrors, describeBrowser } from './browser.ts';
import { patternedBytes } from './file-hash-pattern.ts';

const ENTRY = fileURLToPath(new URL('./file-hash-page-entry.ts', import.meta.url));
const nodeSha256 = (size: number, seed: number) =>
  createHash('sha256').update(patternedBytes(size, seed)).digest('hex');

describeBrowser('SHA-256 of a file in the worker pool, in headless Chromium', () => {
  let bench: BundledPage | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    bench = await openBundledPage(ENTRY, 'patchtrailFileHash');
    errors = collectPageErrors(bench.page);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('streams a file over the one-call limit through the kernel in a worker: node:crypto’s digest', async () => {
    const page = (bench as BundledPage).page;
    // The kernel compiles in this browser (the worker runs the same module in the same engine).
    expect(await page.evaluate(() => window.patchtrailFileHash.fileSha256Engine())).toBe('kernel');
    // Over the limit by an odd number of bytes, so the last block is a partial one.
    for (const [size, seed] of [
      [WHOLE_FILE_LIMIT + 4_099, 3],
      [WHOLE_FILE_LIMIT - 1, 4],
    ] as const) {
      const answer = await page.evaluate(
        ([s, n]) => window.patchtrailFileHash.hashPatterned(s, n),
        [size, seed] as const,
      );
      expect(answer).toEqual({
        digest: nodeSha256(size, seed),
        bytes: size,
        engine: 'worker',
        method: size > WHOLE_FILE_LIMIT ? 'stream' : 'webcrypto',
      });
    }
    expect(errors).toEqual([]);
  });
});

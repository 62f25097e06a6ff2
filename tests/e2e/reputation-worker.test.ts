/**
 * Trust scores in the reputation Worker, end to end in headless Chromium: vite bundles
 * ./reputation-worker-page-entry.ts, which calls the app's `computeTrustScores` (src/app, the
 * production code path, starting worker/pool.worker.ts), on a synthetic ledger large
 * enough for the worker. It must run there, and its score hash must equal the one Node
 * computes for the same input; with Workers unavailable it must fall back to the main thread
 * and give the same hash. Skipped, with a printed reason, without /usr/bin/chromium (see
 * ./browser.ts), unless PATCHTRAIL_REQUIRE_BROWSER=1.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WORKER_THRESHOLD } from '../../src/app/trust-scores.ts';
import { computeReputation, defaultReputationParams } from '../../src/core/reputation/index.ts';
import {
  bundleTestPage,
  collectPageErrors,
  describeBrowser,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import type { ScoreRequest } from './reputation-worker-page-entry.ts';
import { syntheticInput } from './reputation-synthetic.ts';

const ENTRY = fileURLToPath(new URL('./reputation-worker-page-entry.ts', import.meta.url));
const AS_OF = '2026-06-01T00:00:00Z';
/** 20k systems and about 200k edges: ten times the threshold. */
const LARGE: ScoreRequest = { nodes: 20_000, edgesPerNode: 10, seed: 42, asOf: AS_OF };
const SMALL: ScoreRequest = { nodes: 200, edgesPerNode: 5, seed: 42, asOf: AS_OF };

const nodeHash = ({ nodes, edgesPerNode, seed, asOf }: ScoreRequest) =>
  computeReputation(syntheticInput(nodes, edgesPerNode, seed), defaultReputationParams(asOf))
    .scoreHash;

describeBrowser('trust scores in the reputation Worker, in headless Chromium', () => {
  let bundleDir: string | undefined;
  let server: WebServer | undefined;
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    bundleDir = await bundleTestPage(ENTRY, 'patchtrail trust scores');
    server = await serveWebApp(bundleDir);
    browser = await launchChromium();
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundleDir !== undefined) await rm(bundleDir, { recursive: true, force: true });
  });

  /** A fresh page on the test bundle; `withoutWorkers` removes `Worker` before any script runs. */
  async function openPage(withoutWorkers = false): Promise<{ page: Page; errors: string[] }> {
    if (browser === undefined || server === undefined) throw new Error('Chromium did not start');
    const page = await browser.context.newPage();
    const errors = collectPageErrors(page);
    if (withoutWorkers)
      await page.addInitScript(() => {
        Reflect.deleteProperty(globalThis, 'Worker');
      });
    await page.goto(server.url);
    await page.waitForFunction(() => window.patchtrailTrustScores !== undefined);
    return { page, errors };
  }

  it('scores a large ledger in the Worker, with the score hash Node computes', async () => {
    const { page, errors } = await openPage();
    const scored = await page.evaluate((r) => window.patchtrailTrustScores.score(r), LARGE);
    expect(scored.size).toBeGreaterThan(10 * WORKER_THRESHOLD);
    expect(scored).toMatchObject({ engine: 'worker', inputIntact: true });
    expect(scored.scoreHash).toBe(nodeHash(LARGE));
    expect(page.workers().map((w) => w.url())).toEqual([
      expect.stringMatching(/\/pool\.worker-[\w-]+\.js$/),
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the page running while the Worker computes, unlike the main thread', async () => {
    const { page } = await openPage();
    const score = (engine: 'worker' | 'main-thread') =>
      page.evaluate((r) => window.patchtrailTrustScores.score(r), { ...LARGE, engine });
    await score('worker'); // started and warm, as in an app that has scored before
    const worker = await score('worker');
    const main = await score('main-thread');
    console.log(
      `trust scores, ${worker.size} nodes + edges: in the worker ${worker.elapsedMs.toFixed(0)} ms, ` +
        `longest main-thread stall ${worker.longestStallMs.toFixed(0)} ms; on the main thread ` +
        `${main.elapsedMs.toFixed(0)} ms, stall ${main.longestStallMs.toFixed(0)} ms`,
    );
    expect([worker.engine, main.engine]).toEqual(['worker', 'main-thread']);
    expect(worker.scoreHash).toBe(main.scoreHash);
    // On the main thread the page stalls for the whole computation; with the worker, only
    // for encoding the input and rebuilding the result.
    expect(worker.longestStallMs).toBeLessThan(main.longestStallMs);
    await page.close();
  });

  it('scores a small ledger on the main thread, where it costs less than posting it', async () => {
    const { page, errors } = await openPage();
    const scored = await page.evaluate((r) => window.patchtrailTrustScores.score(r), SMALL);
    expect(scored.size).toBeLessThan(WORKER_THRESHOLD);
    expect(scored).toMatchObject({ engine: 'main-thread', scoreHash: nodeHash(SMALL) });
    expect(page.workers()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('falls back to the main thread without Workers, with the same score hash', async () => {
    const { page, errors } = await openPage(true);
    expect(await page.evaluate(() => typeof Worker)).toBe('undefined');
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    const scored = await page.evaluate((r) => window.patchtrailTrustScores.score(r), LARGE);
    expect(scored).toMatchObject({ engine: 'main-thread', inputIntact: true });
    expect(scored.scoreHash).toBe(nodeHash(LARGE));
    expect(warnings).toEqual([expect.stringContaining('pool worker could not start')]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

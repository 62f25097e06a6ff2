/**
 * Bit-identical reputation in Node and in headless Chromium: vite bundles
 * ./reputation-page-entry.ts (the real engine from src/core/reputation), a loopback server from
 * ./browser.ts serves it, and the page computes (a) the input read from a real ledger in Node,
 * passed as JSON, and (b) a 10k-system synthetic input it builds itself from the same seed.
 * Every score and the score hash must equal Node's. Skipped, with a printed reason, without
 * /usr/bin/chromium (see ./browser.ts), unless PATCHTRAIL_REQUIRE_BROWSER=1.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  computeReputation,
  defaultReputationParams,
  reputationClock,
  reputationInputs,
} from '../../src/core/reputation/index.ts';
import {
  bundleTestPage,
  describeBrowser,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { inputToJson, summarize, syntheticInput } from './reputation-synthetic.ts';

const ENTRY = fileURLToPath(new URL('./reputation-page-entry.ts', import.meta.url));
const AS_OF = '2026-06-01T00:00:00Z';

/**
 * A small ledger: an admin, two endorsed members, a chain of attestations, a flag, and a
 * system that keeps the flagged patch.
 */
async function ledgerInput() {
  const signers = await Promise.all(
    [1, 2, 3, 4, 5, 6].map((n) => makeSeedSigner(new Uint8Array(32).fill(n))),
  );
  const [admin, reviewer, builder, relay, kiosk, dealer] = signers as [
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
  ];
  const ledger = await Ledger.found(
    admin,
    { name: 'e2e', admins: [admin.did], threshold: 1 },
    AS_OF,
  );
  for (const [who, name] of [
    [reviewer, 'reviewer'],
    [builder, 'builder'],
    [relay, 'relay'],
    [kiosk, 'kiosk'],
    [dealer, 'dealer'],
  ] as const)
    await ledger.append(who, 'register', { name }, AS_OF);
  await ledger.append(
    admin,
    'endorse',
    { subject: reviewer.did, role: 'reviewer', stake: 7 },
    AS_OF,
  );
  await ledger.append(admin, 'endorse', { subject: builder.did, role: 'builder', stake: 3 }, AS_OF);
  for (let p = 1; p <= 5; p++) {
    const patch = `sha256:${String(p).padStart(64, '0')}`;
    const t = (d: number) => `2026-06-${String(1 + p + d).padStart(2, '0')}T00:00:00Z`;
    const built = await ledger.append(builder, 'attest', { patch, reason: 'built' }, t(0));
    const sent = await ledger.append(
      relay,
      'attest',
      { patch, reason: 'forwarded', parent: built.id },
      t(1),
    );
    await ledger.append(kiosk, 'attest', { patch, reason: 'applied', parent: sent.id }, t(2));
    await ledger.append(
      reviewer,
      'attest',
      { patch, reason: p === 5 ? 'rejected' : 'reviewed' },
      t(3),
    );
  }
  const bad = `sha256:${'b'.repeat(64)}`;
  const dealt = await ledger.append(
    dealer,
    'attest',
    { patch: bad, reason: 'built' },
    '2026-06-20T00:00:00Z',
  );
  // The kiosk applies it and keeps it: a soft penalty (kept) on top of the dealer's hard one.
  await ledger.append(
    kiosk,
    'attest',
    { patch: bad, reason: 'applied', parent: dealt.id },
    '2026-06-20T12:00:00Z',
  );
  await ledger.append(
    admin,
    'flag',
    { patch: bad, compromised: true, evidence: 'e2e' },
    '2026-06-21T00:00:00Z',
  );
  const params = defaultReputationParams(reputationClock(ledger));
  return { input: reputationInputs(ledger, params), params };
}

describeBrowser('reputation in headless Chromium', () => {
  let bundleDir: string | undefined;
  let server: WebServer | undefined;
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    bundleDir = await bundleTestPage(ENTRY, 'patchtrail reputation');
    server = await serveWebApp(bundleDir);
    browser = await launchChromium();
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await browser.page.goto(server.url);
    await browser.page.waitForFunction(() => window.patchtrailReputation !== undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundleDir !== undefined) await rm(bundleDir, { recursive: true, force: true });
  });

  const page = (): Page => {
    if (browser === undefined) throw new Error('Chromium did not start');
    return browser.page;
  };

  it('computes the same scores and score hash as Node for an input read from a ledger', async () => {
    const { input, params } = await ledgerInput();
    const node = summarize(computeReputation(input, params));
    expect(node.ppb.filter((v) => v > 0).length).toBeGreaterThan(3);
    expect(input.penalties.map((p) => p.kind).sort()).toEqual(['compromised', 'kept']);
    const json = inputToJson(input);
    const chromium = await page().evaluate(
      ({ json, params }) => window.patchtrailReputation.compute(json, params),
      { json, params },
    );
    expect(chromium).toEqual(node);
  });

  it('computes the same 10k-system synthetic input bit for bit, on the page and in a Worker', async () => {
    const node = summarize(
      computeReputation(syntheticInput(10_000, 10, 42), defaultReputationParams(AS_OF)),
    );
    const chromium = await page().evaluate(
      (asOf) => window.patchtrailReputation.synthetic(10_000, 10, 42, asOf),
      AS_OF,
    );
    expect(chromium.scoreHash).toBe(node.scoreHash);
    expect(chromium.ppb).toEqual(node.ppb);
    const worker = await page().evaluate(
      (asOf) =>
        window.patchtrailReputation.measureInWorker({
          nodes: 10_000,
          edgesPerNode: 10,
          seed: 42,
          runs: 1,
          asOf,
        }),
      AS_OF,
    );
    expect(worker.scoreHash).toBe(node.scoreHash);
  });
});

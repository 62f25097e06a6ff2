/**
 * `npm run bench` (app): the production build in headless Chromium, each figure beside its
 * reference measured in the same run.
 *
 * - Initial JavaScript of the first screen, gzipped over the wire (target ≤ 150 KB).
 * - Offline cold start to interactive with a team ledger of 10k entries (target ≤ 1 s): a
 *   profile that joined the team and imported its ledger file is closed; a new browser
 *   process opens it with the network off and loads `#/ledger`; the time runs from the
 *   navigation's start (the page's own clock) until the entry list shows every entry. The
 *   reference: a blank page's cold start (a new browser process, an empty HTML page from the
 *   same loopback server, to its load event).
 *   Where that time goes: the navigation's own marks, and the app's marks around opening the
 *   ledger store (LEDGER_OPEN_MARKS).
 * - Warm reopen of the same ledger (a reload in the same browser) for context.
 *
 * PATCHTRAIL_BENCH_APP_ENTRIES sets the ledger's attestations (default 10000; the CPU of this
 * shared machine makes 100k a matter of minutes, most of them spent building the fixture).
 * Not measured here: cold admission against raw WebCrypto (tests/bench/pool.bench.ts), the
 * warm reopen beside a bare Yjs doc and the JS heap with the ledger open (reopen.bench.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { it } from 'vitest';
import { invitationLink } from '../../src/core/ledger/invitation.ts';
import { LEDGER_OPEN_MARKS } from '../../src/app/ledger-session.ts';
import {
  CHROMIUM_PATH,
  ensureWebBuild,
  hasChromium,
  launchChromium,
  serveWebApp,
  type WebServer,
} from '../e2e/browser.ts';
import { INITIAL_JS_BUDGET, initialScripts } from '../e2e/initial-js.ts';
import { buildTeamLedger, type TeamLedgerFixture } from '../e2e/team-ledger-fixture.ts';

const ATTESTATIONS = Number(process.env.PATCHTRAIL_BENCH_APP_ENTRIES ?? 10_000);
const COLD_START_TARGET_MS = 1000;

/** Joins the fixture's team in this profile and imports its ledger file. */
async function joinWithLedger(page: Page, app: string, fixture: TeamLedgerFixture, file: string) {
  const link = invitationLink(app, {
    ledgerId: fixture.ledgerId,
    roomSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ',
    signaling: [],
    name: fixture.name,
  });
  await page.goto(link);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.getByLabel('Your device’s name (teammates see it)').fill('Bench desk');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByRole('button', { name: 'Join this team' }).click();
  await page.getByTestId('waiting').waitFor();
  await page.getByTestId('ledger-file-input').setInputFiles(file);
  await page.getByTestId('import-report').waitFor({ timeout: 600_000 });
}

/** Where a cold start's time went: navigation marks and the app's own around the ledger. */
async function coldStartPhases(page: Page): Promise<string> {
  const marks = await page.evaluate((names) => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const at = (name: string) => performance.getEntriesByName(name).at(-1)?.startTime ?? NaN;
    return {
      response: nav.responseEnd,
      loaded: nav.domContentLoadedEventEnd,
      start: at(names.start),
      end: at(names.end),
    };
  }, LEDGER_OPEN_MARKS);
  const ms = (n: number) => (Number.isNaN(n) ? '?' : n.toFixed(0));
  return `document ${ms(marks.response)} ms, DOMContentLoaded ${ms(marks.loaded)} ms, ledger store opening ${ms(marks.start)}–${ms(marks.end)} ms (${ms(marks.end - marks.start)} ms)`;
}

/** Milliseconds from the navigation's start until the entry list holds `count` entries. */
async function untilEntries(page: Page, count: number): Promise<number> {
  const handle = await page.waitForFunction(
    (expected) => {
      const list = document.querySelector('[data-testid="entry-list"]');
      return list?.getAttribute('data-count') === String(expected) && performance.now();
    },
    count,
    { timeout: 120_000, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

/** A new browser process loading an empty page from a loopback server, to its load event. */
async function blankColdStart(dir: string): Promise<number> {
  const root = join(dir, 'blank');
  await mkdir(root);
  await writeFile(join(root, 'index.html'), '<!doctype html><title>blank</title>');
  const blank = await serveWebApp(root);
  const browser = await launchChromium();
  try {
    await browser.page.goto(blank.url);
    return await browser.page.evaluate(
      () =>
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
          .loadEventStart,
    );
  } finally {
    await browser.close();
    await blank.close();
  }
}

async function coldStart(server: WebServer, dir: string, fixture: TeamLedgerFixture) {
  const file = join(dir, 'team.ledger');
  await writeFile(file, fixture.bytes);
  const profile = join(dir, 'profile');
  const first = await launchChromium({ profile });
  await joinWithLedger(first.page, server.url, fixture, file);
  await first.context.close(); // keeps the profile
  const again = await launchChromium({ profile });
  try {
    await again.context.setOffline(true);
    await again.page.goto(`${server.url}#/ledger`);
    const cold = await untilEntries(again.page, fixture.admitted + 1);
    const phases = await coldStartPhases(again.page);
    await again.page.reload();
    const warm = await untilEntries(again.page, fixture.admitted + 1);
    return { cold, warm, phases };
  } finally {
    await again.close();
  }
}

it('app: initial JavaScript, offline cold start with a team ledger (Chromium)', async () => {
  if (!hasChromium) {
    console.log(`app bench skipped: ${CHROMIUM_PATH} not found`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'patchtrail-app-bench-'));
  const [fixture] = await Promise.all([buildTeamLedger(ATTESTATIONS), ensureWebBuild()]);
  const server = await serveWebApp();
  try {
    const probe = await launchChromium();
    const sizes = await initialScripts(probe.page, () =>
      probe.page.goto(server.url).then(() => undefined),
    );
    await probe.close();
    const gzip = sizes.reduce((sum, s) => sum + s.gzip, 0);
    const blank = await blankColdStart(dir);
    const { cold, warm, phases } = await coldStart(server, dir, fixture);
    const entries = fixture.admitted + 1;
    console.log(
      [
        'app (Chromium, production build):',
        `  initial JavaScript   ${(gzip / 1024).toFixed(1)} KiB gzip in ${sizes.length} files (target ≤ ${INITIAL_JS_BUDGET / 1024} KiB)`,
        `  offline cold start   ${cold.toFixed(0)} ms to ${entries} entries listed (target ≤ ${COLD_START_TARGET_MS} ms); a blank page's cold start ${blank.toFixed(0)} ms (ratio ${(cold / Math.max(1, blank)).toFixed(1)})`,
        `    of which: ${phases}`,
        `  warm reopen          ${warm.toFixed(0)} ms (a reload, same browser, offline)`,
      ].join('\n'),
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 1_200_000);

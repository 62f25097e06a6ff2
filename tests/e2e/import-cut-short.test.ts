/**
 * A technician's ledger file import is cut short: the tablet reloads the app halfway through
 * (a crash, an update, a closed tab). On the way back the app says so, with how far it got, on
 * the Inbox and the Ledger; the entries admitted before it stopped are there; taking the file
 * again finishes it and the notice goes. One the technician dismisses stays gone.
 */
import { basename } from 'node:path';
import { expect, it } from 'vitest';
import { IMPORTS_KEY } from '../../src/app/import-memory.ts';
import { expectAccessible } from './accessibility.ts';
import { describeBrowser, shoot } from './browser.ts';
import { go, joinPlant4, workflowBrowser } from './workflow-steps.ts';

const GROW = 8000;

describeBrowser('a ledger file import cut short by a reload (Chromium)', () => {
  const session = workflowBrowser('import-cut-short', GROW);

  it('says it after the reload, keeps what got in, and the file taken again finishes it', async () => {
    const { page, fixture, server } = session;
    await page.goto(server.url);
    await joinPlant4(page, fixture, server.url);
    await go(page, 'Ledger');
    const list = page.getByTestId('entry-list');
    const before = Number(await list.getAttribute('data-count'));
    await page.getByTestId('ledger-file-input').setInputFiles(fixture.grownLedgerFile);
    // Reloaded once the app has noted some progress (it does so once a second).
    const noted = () =>
      page.evaluate(
        (key) => (JSON.parse(localStorage.getItem(key) ?? '[]') as { done?: number }[])[0]?.done,
        IMPORTS_KEY,
      );
    await expect.poll(noted, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.reload();
    await go(page, 'Ledger');
    const notice = page.getByTestId('import-cut-short');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(`The import of ${basename(fixture.grownLedgerFile)}`);
    expect(text).toContain('was cut short');
    const [, done = '', total = ''] =
      /([\d,]+) of its ([\d,]+) entries had been checked/.exec(text) ?? [];
    expect(Number(done.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(Number(total.replace(/,/g, ''))).toBeGreaterThan(GROW);
    // What got in before the reload is kept; the rest is not here.
    await list.waitFor();
    const kept = Number(await list.getAttribute('data-count'));
    expect(kept).toBeLessThan(before + GROW);
    await expectAccessible(page, 'ledger, an import cut short');
    await shoot(page, 'ledger-import-cut-short');
    // Said on the Inbox too, where the app opens, with the way to the Ledger.
    await go(page, 'Inbox');
    await page
      .getByTestId('import-cut-short')
      .getByRole('link', { name: 'Open the Ledger' })
      .click();
    await notice.waitFor();
    // Taken again in full: the rest comes in, and the notice goes.
    await page.getByTestId('ledger-file-input').setInputFiles(fixture.grownLedgerFile);
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 120_000 });
    expect(await report.textContent()).toContain('already here');
    await expect.poll(() => page.getByTestId('import-cut-short').count()).toBe(0);
    await go(page, 'Ledger');
    await expect
      .poll(async () => Number(await list.getAttribute('data-count')), { timeout: 30_000 })
      .toBe(before + GROW);
    // And it stays unsaid after another reload.
    await page.reload();
    await go(page, 'Ledger');
    await list.waitFor({ timeout: 60_000 });
    await page.getByTestId('ledger-import').waitFor();
    expect(await page.getByTestId('import-cut-short').count()).toBe(0);
    expect(await noted()).toBeUndefined();
  }, 240_000);

  it('says an import cut short in a tab that is gone until it is dismissed, and not after', async () => {
    const { page, fixture } = session;
    // What a crashed tab leaves: the record of its import, its tab's lock free.
    const record = {
      ...{ id: 'usb-1', tab: 'a-tab-long-gone', ledger: fixture.ledgerId },
      ...{ fileName: 'usb-stick.ledger', size: 123_456, started: Date.now() - 60_000 },
      ...{ done: 512, total: 9000 },
    };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
      IMPORTS_KEY,
      JSON.stringify([record]),
    ] as const);
    await page.reload();
    await go(page, 'Ledger');
    const notice = page.getByTestId('import-cut-short');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('The import of usb-stick.ledger');
    expect(await notice.textContent()).toContain('512 of its 9,000 entries had been checked');
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    const stored = await page.evaluate((key) => localStorage.getItem(key), IMPORTS_KEY);
    expect(stored ?? '').not.toContain('usb-1');
    // Gone for good: not on the Inbox, not after a reload.
    await go(page, 'Inbox');
    expect(await page.getByTestId('import-cut-short').count()).toBe(0);
    await page.reload();
    await go(page, 'Ledger');
    await page.getByTestId('ledger-import').waitFor();
    expect(await page.getByTestId('import-cut-short').count()).toBe(0);
  }, 60_000);
});

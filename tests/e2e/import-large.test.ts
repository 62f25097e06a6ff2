/**
 * A technician imports a large ledger file (a teammate's export, carried on a USB stick) into
 * the app: its lines are read and their signatures checked in the worker pool, admitted in
 * order on the page between turns it gives itself, with progress, so the page never freezes.
 * Asserted as the user sees it: the import's summary, and no long task over 200 ms.
 */
import { expect, it } from 'vitest';
import { describeBrowser, watchLongTasks } from './browser.ts';
import { go, joinPlant4, workflowBrowser } from './workflow-steps.ts';

const GROW = 3000;

describeBrowser('a large ledger file imported in the app (Chromium)', () => {
  const session = workflowBrowser('import-large', GROW);

  it('imports 3,000 entries with progress, and the page never freezes', async () => {
    const { page, fixture, server } = session;
    await page.goto(server.url);
    await joinPlant4(page, fixture, server.url);
    await go(page, 'Ledger');
    const longTasks = await watchLongTasks(page);
    await page.getByTestId('ledger-file-input').setInputFiles(fixture.grownLedgerFile);
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 120_000 });
    expect(await report.textContent()).toMatch(/Imported: 3[,  ]?000 new/);
    const tasks = await longTasks();
    console.log(`import of ${GROW} entries: long tasks ${JSON.stringify(tasks.map(Math.round))}`);
    expect(Math.max(0, ...tasks)).toBeLessThan(200);
  }, 180_000);
});

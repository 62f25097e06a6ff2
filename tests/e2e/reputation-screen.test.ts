/**
 * The Reputation screen in real Chromium against the production build: after joining the
 * fixture's team, every system is listed with its roles and its share of the team's trust;
 * choosing one shows why it has its score, a chart of its score over the ledger's history
 * (computed without long tasks) and its posture reports.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { expectAccessible, expectFocused } from './accessibility.ts';
import { describeBrowser, shoot, watchLongTasks, type WebServer } from './browser.ts';
import type { WorkflowFixture } from './workflow-fixture.ts';
import { go, joinPlant4, workflowBrowser } from './workflow-steps.ts';

const system = (page: Page, did: string) =>
  page.locator(`[data-testid="rep-system"][data-did="${did}"]`);

describeBrowser('the Reputation screen (Chromium, production build)', () => {
  const session = workflowBrowser('reputation-screen');
  let server: WebServer;
  let page: Page;
  let fixture: WorkflowFixture;

  beforeAll(() => {
    ({ server, page, fixture } = session);
  });

  it('lists every system with its roles, standing and share of the team’s trust', async () => {
    await joinPlant4(page, fixture, server.url);
    await go(page, 'Reputation');
    await page.getByTestId('rep-list').waitFor();
    const rita = system(page, fixture.dids.rita);
    expect(await rita.textContent()).toMatch(/^Rita\d+\.\d%.*reviewer \(stake \d+\).*in standing$/);
    const author = await system(page, fixture.dids.author).textContent();
    expect(author).toMatch(/developer \(stake \d+\)/);
    const scores = await page.getByTestId('rep-score').allTextContents();
    expect(scores.length).toBeGreaterThanOrEqual(4);
    const numbers = scores.filter((s) => s !== '—').map((s) => Number.parseFloat(s));
    expect(numbers.some((n) => n > 0)).toBe(true);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    // Each copy button says whose did:key it copies (six read 'Copy the did:key').
    expect(await page.getByRole('button', { name: 'Copy Rita’s did:key' }).count()).toBe(1);
    await expectAccessible(page, 'reputation list');
  });

  it('explains a chosen system’s score and charts it over the ledger’s history', async () => {
    const longTasks = await watchLongTasks(page);
    /** Each card's box, and whether its did:key and Copy lie inside the card's border. */
    const cards = () =>
      page.getByTestId('rep-system').evaluateAll((buttons) =>
        buttons.map((b) => {
          const card = b.parentElement as HTMLElement;
          const box = card.getBoundingClientRect();
          const list = (card.parentElement as HTMLElement).getBoundingClientRect();
          const did = card.querySelector('.did-short')?.getBoundingClientRect();
          return {
            // Within the list: the page may scroll to the chosen system's detail.
            box: [box.x - list.x, box.y - list.y, box.width, box.height],
            bordered: getComputedStyle(card).borderTopWidth !== '0px',
            didInside:
              did !== undefined && did.top >= box.top && did.bottom <= box.bottom && did.height > 0,
          };
        }),
      );
    const before = await cards();
    expect(before.every((c) => c.bordered && c.didInside)).toBe(true);
    // Chosen from the keyboard: focus stays on the system while its detail and chart come (the
    // whole page was swapped for the shell's "Loading…", and focus fell to <body>).
    await system(page, fixture.dids.rita).focus();
    await page.keyboard.press('Enter');
    // Choosing a system marks its card without moving any card (the list renders again).
    await expect
      .poll(async () => (await cards()).map((c) => c.box))
      .toEqual(before.map((c) => c.box));
    const detail = page.getByTestId('rep-detail');
    expect(await detail.getByRole('heading', { level: 2 }).textContent()).toBe('Rita');
    expect(await page.getByTestId('rep-why').textContent()).toMatch(
      /^\d+\.\d% of the team’s trust, rank \d+ of \d+\.$/,
    );
    const chart = page.getByTestId('rep-chart');
    await chart.waitFor();
    await expectFocused(system(page, fixture.dids.rita));
    const label = (await chart.getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Rita's score at \d+ points of the ledger: /);
    const points = label.split(': ')[1]?.split('; ') ?? [];
    expect(points.length).toBeGreaterThanOrEqual(6);
    expect(points.at(-1)).toMatch(/after [\d,]+ entr(y|ies)$/);
    expect(await detail.textContent()).toContain('No posture reports about this system');
    // Who vouched for it, in words: "(none yet)", "(1 system)", never "(trusted by 0)".
    expect(await detail.textContent()).toMatch(
      /vouched for its work: \d+\.\d% \((none yet|[\d,]+ systems?(, of which [\d,]+ gave nothing that counts)?)\)\./,
    );
    expect(await system(page, fixture.dids.rita).getAttribute('aria-pressed')).toBe('true');
    expect((await longTasks()).filter((ms) => ms > 200)).toEqual([]);
    await expectAccessible(page, 'reputation detail');
    await shoot(page, 'reputation');
  });

  it('charts the system chosen last when another was chosen while its history was computed', async () => {
    const longTasks = await watchLongTasks(page);
    await system(page, fixture.dids.sam).click();
    await system(page, fixture.dids.author).click();
    const detail = page.getByTestId('rep-detail');
    const name = (await detail.getByRole('heading', { level: 2 }).textContent()) ?? '';
    expect(name).not.toBe('Sam');
    const chart = page.getByTestId('rep-chart');
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(new RegExp(`^${name}'s score at `));
    // Sam's history was cancelled, not drawn late over this one.
    await page.waitForTimeout(500);
    expect(await chart.getAttribute('aria-label')).toMatch(new RegExp(`^${name}'s score at `));
    expect((await longTasks()).filter((ms) => ms > 200)).toEqual([]);
  });
});

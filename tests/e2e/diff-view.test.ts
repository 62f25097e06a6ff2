/**
 * The diff viewer on a phone, in real Chromium against the production build: every line can
 * be read to its end in the side by side view (the box scrolls sideways, each half as wide as
 * its widest line), and rows keep their one height, which the virtual list relies on.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { createBundle, makeSeedSigner, serializeBundle } from '../../src/core/index.ts';
import { describeBrowser, shoot, useAppPage } from './browser.ts';

const ADDED = '+Good morning, plant 4! The night shift hands over at six.';
const DIFF = [
  'diff --git a/greeting.txt b/greeting.txt',
  '--- a/greeting.txt',
  '+++ b/greeting.txt',
  '@@ -1,3 +1,3 @@',
  ' Welcome',
  '-Good mornin',
  ADDED,
  ' \tindented\t日本語 context',
  '',
].join('\n');

/** Where the element showing `text` ends, and where the diff box's visible part ends. */
function edges(page: Page, text: string): Promise<{ line: number; box: number; clipped: boolean }> {
  return page.evaluate((wanted) => {
    const box = document.querySelector('[data-testid="diff-split"]') as HTMLElement;
    // What shows, without the words for screen readers ("old, removed: ").
    const shown = (e: Element) =>
      [...e.childNodes]
        .filter((n) => !(n instanceof Element && n.classList.contains('visually-hidden')))
        .map((n) => n.textContent)
        .join('');
    const cell = [...box.querySelectorAll('.dtext')].find((e) => shown(e) === wanted);
    if (cell === undefined) throw new Error(`no cell shows ${wanted}`);
    const half = cell.parentElement as HTMLElement; // the .dcell, which hides what overflows
    return {
      line: cell.getBoundingClientRect().right,
      box: box.getBoundingClientRect().left + box.clientLeft + box.clientWidth,
      clipped: cell.getBoundingClientRect().right > half.getBoundingClientRect().right + 0.5,
    };
  }, text);
}

describeBrowser('the diff viewer on a phone (Chromium, production build)', () => {
  const session = useAppPage('diff-view', async (dir) => {
    const signer = await makeSeedSigner(new Uint8Array(32).fill(3));
    const bundle = await createBundle({ diff: DIFF, signer, reason: 'Greet', now: new Date(0) });
    await writeFile(join(dir, 'greet.json'), serializeBundle(bundle));
    // A minified file's one line of 3 MB: shown cut, with the count of what is left out.
    const long = `diff --git a/app.min.js b/app.min.js\n--- a/app.min.js\n+++ b/app.min.js\n@@ -1 +1 @@\n-x\n+${'y'.repeat(3_000_000)}\n`;
    const minified = await createBundle({
      diff: long,
      signer,
      reason: 'Minified',
      now: new Date(0),
    });
    await writeFile(join(dir, 'minified.json'), serializeBundle(minified));
  });
  let page: Page;

  beforeAll(async () => {
    page = session.page;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('file-input').setInputFiles(join(session.dir, 'greet.json'));
    await page.locator('[data-testid="verdict"][data-file="greet.json"]').waitFor();
  });

  it('side by side: a long line is scrolled to its end, never cut at its half', async () => {
    await page.getByRole('tab', { name: 'Side by side' }).click();
    const box = page.getByTestId('diff-split');
    await box.waitFor();
    await box.scrollIntoViewIfNeeded();
    await page.getByTestId('diff-split-wider').waitFor(); // the page says it scrolls
    const before = await edges(page, ADDED);
    expect(before.clipped).toBe(false);
    expect(before.line).toBeGreaterThan(before.box); // past the screen's edge: scroll to it
    await box.evaluate((element) => (element.scrollLeft = element.scrollWidth));
    const after = await edges(page, ADDED);
    expect(after.line).toBeLessThanOrEqual(after.box);
    // The context line with a tab and wide characters fits its half too.
    expect((await edges(page, ' \tindented\t日本語 context')).clipped).toBe(false);
    if (process.env.PATCHTRAIL_SHOTS === '1')
      await box.screenshot({ path: '.tmp/shots/diff-side-by-side-scrolled-390.png' });
    await box.evaluate((element) => (element.scrollLeft = 0));
    if (process.env.PATCHTRAIL_SHOTS === '1')
      await page.getByTestId('diff-panel').screenshot({ path: '.tmp/shots/diff-panel-390.png' });
    await shoot(page, 'diff-side-by-side');
    await page.setViewportSize({ width: 1280, height: 900 }); // both halves fit: nothing said
    await expect.poll(() => page.getByTestId('diff-split-wider').count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
  });

  it('keeps every row of both layouts at the one height the virtual list places them by', async () => {
    for (const [tab, id] of [
      ['Side by side', 'diff-split'],
      ['Unified', 'diff'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      const heights = await page
        .getByTestId(id)
        .evaluate((box) =>
          [...box.querySelectorAll('.vlist-row > .drow')].map(
            (row) => row.getBoundingClientRect().height,
          ),
        );
      expect(heights.length).toBeGreaterThan(5);
      expect(new Set(heights)).toEqual(new Set([22]));
    }
  });

  it('says which lines were added and removed, and on which side, to a screen reader', async () => {
    await page.getByRole('tab', { name: 'Side by side' }).click();
    const split = await page
      .getByTestId('diff-split')
      .evaluate((box) => [...box.querySelectorAll('.dtext')].map((e) => e.textContent ?? ''));
    expect(split).toContain('old, removed: -Good mornin');
    expect(split.some((t) => t.startsWith('new, added: +'))).toBe(true);
    await page.getByRole('tab', { name: 'Unified' }).click();
    const unified = await page
      .getByTestId('diff')
      .evaluate((box) => [...box.querySelectorAll('.dtext')].map((e) => e.textContent ?? ''));
    expect(unified).toContain('removed: -Good mornin');
  });

  it('shows a line of megabytes cut to its first characters, saying how many more it has', async () => {
    await page.goto(`${page.url().split('#')[0]}#/inbox`);
    await page.getByTestId('file-input').setInputFiles(join(session.dir, 'minified.json'));
    await page.locator('[data-testid="verdict"][data-file="minified.json"]').waitFor();
    const more = page.getByTestId('diff-line-more');
    await more.first().waitFor();
    expect(await more.first().textContent()).toBe(
      ' … 2,990,001 more characters of this line, not shown',
    );
    const longest = await page.evaluate(() =>
      Math.max(...[...document.querySelectorAll('.dtext')].map((e) => e.textContent?.length ?? 0)),
    );
    expect(longest).toBeLessThan(10_100);
  });
});

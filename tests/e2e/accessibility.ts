/**
 * axe-core in the page, for every screen's end-to-end test: `expectAccessible(page, name)`
 * runs axe on the document as it is and fails with each serious or critical violation listed
 * (rule, impact, what it says and the elements it names). axe is evaluated through the
 * DevTools protocol, which the app's Content-Security-Policy (no inline script) does not block.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

let source: Promise<string> | undefined;

/** axe-core's browser build, read once. */
function axeSource(): Promise<string> {
  source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Serious and critical violations on the page now (axe's own impact levels). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(await axeSource());
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => String(n.target[0])),
      }));
  });
}

/** Fails the test with every serious or critical axe violation on the page (`screen` names it). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `axe on ${screen}`).toEqual([]);
}

/** Until `element` holds the keyboard focus (a closed dialog gives it back to its opener). */
export async function expectFocused(element: Locator): Promise<void> {
  await expect.poll(() => element.evaluate((e) => e === document.activeElement)).toBe(true);
}

/** Opens `dialog` with `opener`, closes it with Escape, and expects focus back on `opener`. */
export async function expectEscapeReturnsFocus(
  page: Page,
  opener: Locator,
  dialog: Locator,
): Promise<void> {
  await opener.focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await expectFocused(opener);
}

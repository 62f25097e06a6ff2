/**
 * axe-core in the page, for every screen's end-to-end test: `expectAccessible(page, name)`
 * runs axe on the document as it is and fails with each serious or critical violation listed
 * (rule, impact, what it says and the elements it names), and with a skipped heading level (a
 * moderate one to axe, but how a screen reader's user finds their way), then with every control
 * smaller than a finger on a touch screen. axe is evaluated through the DevTools protocol,
 * which the app's Content-Security-Policy (no inline script) does not block.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { CDPSession, Locator, Page } from 'playwright-core';
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

/**
 * Serious and critical violations on the page now (axe's own impact levels), and skipped
 * heading levels.
 */
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
      .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'heading-order')
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
  expect(await smallTouchTargets(page), `touch targets on ${screen}`).toEqual([]);
}

const sessions = new WeakMap<Page, CDPSession>();

/** The size of what a finger taps on a touch screen, in CSS pixels (UX.md: 44 px on a tablet). */
export const TOUCH_PX = 44;

export interface SmallTarget {
  /** The element: its tag, then its test id, label or first words. */
  what: string;
  width: number;
  height: number;
}

/**
 * Controls smaller than 44 × 44 CSS px as a touch screen shows the page (Chromium's touch
 * emulation, under which `pointer: coarse` holds): links, buttons, fields, summaries and the
 * ARIA roles one taps. A checkbox or radio counts with its label (both toggle it); a link
 * inside a sentence is excused (WCAG 2.5.5's inline exception), as is what is not shown
 * (hidden, or clipped to a pixel like the words only a screen reader reads).
 */
export async function smallTouchTargets(page: Page): Promise<SmallTarget[]> {
  let cdp = sessions.get(page);
  if (cdp === undefined) {
    cdp = await page.context().newCDPSession(page);
    sessions.set(page, cdp);
  }
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  try {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
    // The check means nothing unless the page's touch-screen rules are in force.
    const coarse = await page.evaluate(() => matchMedia('(pointer: coarse)').matches);
    if (!coarse) throw new Error('touch emulation did not make the pointer coarse');
    return await page.evaluate((min) => {
      const selector = [
        'a[href]',
        'button',
        'input:not([type="hidden"])',
        'select',
        'textarea',
        'summary',
        ...['button', 'link', 'tab', 'checkbox', 'radio', 'switch', 'menuitem', 'option'].map(
          (role) => `[role="${role}"]`,
        ),
      ].join(',');
      const describe = (el: Element) => {
        const name =
          el.getAttribute('data-testid') ??
          el.getAttribute('aria-label') ??
          (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
        return `${el.tagName.toLowerCase()} ${name}`.trim();
      };
      const small: { what: string; width: number; height: number }[] = [];
      for (const el of document.querySelectorAll(selector)) {
        if (el.closest('[hidden], [inert]') !== null) continue;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        let box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;
        if (el.matches('input[type="checkbox"], input[type="radio"]')) {
          const label =
            el.closest('label') ??
            (el.id === '' ? null : document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
          if (label !== null) {
            // One target: the box and its words both toggle it.
            const words = label.getBoundingClientRect();
            const [left, top] = [Math.min(box.left, words.left), Math.min(box.top, words.top)];
            const right = Math.max(box.right, words.right);
            const bottom = Math.max(box.bottom, words.bottom);
            box = new DOMRect(left, top, right - left, bottom - top);
          }
        }
        if (el.tagName === 'A' && style.display === 'inline') {
          const own = (el.textContent ?? '').trim().length;
          const around = (el.parentElement?.textContent ?? '').trim().length;
          if (around > own) continue;
        }
        if (box.width >= min - 0.5 && box.height >= min - 0.5) continue;
        small.push({
          what: describe(el),
          width: Math.round(box.width),
          height: Math.round(box.height),
        });
      }
      return small;
    }, TOUCH_PX);
  } finally {
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false });
  }
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

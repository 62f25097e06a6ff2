/**
 * Bundles shaped by an attacker, shown in real Chromium against the production build.
 * - Text: a bundle whose file name, reason, components and reviewer's note hold a
 *   right-to-left override, a zero-width space and a control character is opened; on the Inbox
 *   and its Patch detail no text the page shows (text nodes, titles, labels) holds such a
 *   character, each is shown as an escape, and text the app adds or changes later (a dialog's
 *   portal, a label) is escaped before it is painted (src/ui/visible-text.ts).
 * - Length: texts at their limits with no space in them (a 4 KiB reason and note, a 200-character
 *   component) stay inside a phone's width, on the Patch detail and in the Inbox.
 * - Size: a bundle whose diff touches 60,000 files (its signed `files` list, which must equal
 *   the diff's paths, is as long) is shown without freezing the page: the first files at once,
 *   the rest on request (src/ui/components/paging.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  serializeBundle,
} from '../../src/core/index.ts';
import { describeBrowser, shoot, useAppPage, watchLongTasks } from './browser.ts';

const RLO = '\u202E';
const FILE = `update${RLO}nosj.exe.json`;
const REASON = `Harmless typo fix ${RLO}rooDkcab a sdda\u200B`;
const NOTE = `Looks right\u0007${RLO}`;
const DIFF = 'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n';
const MANY = 60_000;
const manyPath = (i: number) => `src/f${String(i).padStart(5, '0')}.txt`;

/** A bundle whose diff creates MANY one-line files. */
async function manyFilesBundle(): Promise<string> {
  const diff = Array.from(
    { length: MANY },
    (_, i) => `--- /dev/null\n+++ b/${manyPath(i)}\n@@ -0,0 +1 @@\n+${i}\n`,
  ).join('');
  const signer = await makeSeedSigner(new Uint8Array(32).fill(9));
  return serializeBundle(
    await createBundle({ diff, signer, reason: 'Many files', now: new Date(0) }),
  );
}

/** What the page shows with an invisible character in it: text nodes and seen attributes. */
function invisibleOnPage(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad =
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ALL);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if (node instanceof Text && !['STYLE', 'SCRIPT'].includes(node.parentElement?.tagName ?? ''))
        if (bad.test(node.data)) found.push(JSON.stringify(node.data));
      if (node instanceof Element)
        for (const name of ['title', 'aria-label', 'alt', 'placeholder']) {
          const value = node.getAttribute(name);
          if (value !== null && bad.test(value)) found.push(`${name}=${JSON.stringify(value)}`);
        }
    }
    return found;
  });
}

describeBrowser('bundles shaped by an attacker, on the page (Chromium, production build)', () => {
  const session = useAppPage('hostile', async (dir) => {
    const author = await makeSeedSigner(new Uint8Array(32).fill(7));
    const reviewer = await makeSeedSigner(new Uint8Array(32).fill(8));
    const bundle = await appendAttestation(
      await createBundle({
        diff: DIFF,
        signer: author,
        reason: REASON,
        components: [`core${RLO}`, 'docs\u200B'],
        now: new Date('2026-12-01T10:00:00Z'),
      }),
      {
        signer: reviewer,
        role: 'reviewer',
        verdict: 'pass',
        note: NOTE,
        now: new Date('2026-12-02T10:00:00Z'),
      },
    );
    await writeFile(join(dir, FILE), serializeBundle(bundle));
    await writeFile(join(dir, 'many.json'), await manyFilesBundle());
    // Every text at its limit and without a space to break at.
    const long = await appendAttestation(
      await createBundle({
        diff: DIFF,
        signer: author,
        reason: 'R'.repeat(4096),
        components: ['C'.repeat(200)],
        now: new Date('2026-12-01T10:00:00Z'),
      }),
      {
        ...{ signer: reviewer, role: 'reviewer', verdict: 'pass' as const },
        note: 'N'.repeat(4096),
        now: new Date('2026-12-02T10:00:00Z'),
      },
    );
    await writeFile(join(dir, 'long.json'), serializeBundle(long));
  });
  let page: Page;
  let dir: string;

  beforeAll(() => {
    ({ page, dir } = session);
  });

  it('shows a hostile bundle’s name, reason, components and note with every invisible character escaped', async () => {
    await page.getByTestId('file-input').setInputFiles(join(dir, FILE));
    const verdict = page.locator('[data-testid="verdict"][data-file]');
    await verdict.waitFor();
    expect(await invisibleOnPage(page)).toEqual([]);
    expect(await page.getByTestId('meta-reason').textContent()).toContain(
      'Harmless typo fix \\u{202E}rooDkcab a sdda\\u{200B}',
    );
    expect(await page.getByTestId('patch-title').textContent()).toBe(
      'Harmless typo fix \\u{202E}rooDkcab a sdda\\u{200B}',
    );
    expect(await page.getByTestId('meta-components').textContent()).toContain('core\\u{202E}');
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain('update\\u{202E}nosj.exe.json');
    expect(body).toContain('Looks right\\x07\\u{202E}');
    await shoot(page, 'patch-hostile-text');

    await page.getByRole('link', { name: 'Inbox', exact: true }).first().click();
    await page.getByTestId('inbox-item').first().waitFor();
    expect(await invisibleOnPage(page)).toEqual([]);
    expect(await page.getByTestId('inbox-item').first().textContent()).toContain(
      'update\\u{202E}nosj.exe.json',
    );
  });

  it('keeps texts at their limits with no space in them inside a phone’s width', async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    const overflow = () =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
    await page.getByRole('link', { name: 'Inbox', exact: true }).first().click();
    await page.getByTestId('file-input').setInputFiles(join(dir, 'long.json'));
    await page.locator('[data-testid="verdict"][data-file="long.json"]').waitFor();
    await page.getByTestId('meta-reason').waitFor();
    expect(await overflow()).toBe(0);
    await shoot(page, 'patch-long-texts');
    await page.getByRole('link', { name: 'Inbox', exact: true }).first().click();
    await page.getByTestId('inbox-item').first().waitFor();
    expect(await overflow()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('escapes text and labels added or changed later, anywhere in the body, before the next frame', async () => {
    const seen = await page.evaluate(async (rlo) => {
      const portal = document.createElement('div'); // as a dialog portalled beside the app
      portal.setAttribute('title', `Endorse Rita${rlo}`);
      const text = document.createTextNode('plain');
      portal.append(text);
      document.body.append(portal);
      await new Promise((done) => requestAnimationFrame(() => done(null)));
      const added = [portal.textContent, portal.getAttribute('title')];
      text.data = `changed${rlo}`; // as Solid updates a text in place
      portal.setAttribute('aria-label', `label\u200B`);
      await new Promise((done) => requestAnimationFrame(() => done(null)));
      const changed = [portal.textContent, portal.getAttribute('aria-label')];
      const field = document.createElement('textarea'); // what a person types stays theirs
      field.value = `typed${rlo}`;
      document.body.append(field);
      await new Promise((done) => requestAnimationFrame(() => done(null)));
      const typed = field.value;
      portal.remove();
      field.remove();
      return { added, changed, typed };
    }, RLO);
    expect(seen).toEqual({
      added: ['plain', 'Endorse Rita\\u{202E}'],
      changed: ['changed\\u{202E}', 'label\\u{200B}'],
      typed: `typed${RLO}`,
    });
  });

  it('shows a 60,000-file list a page at a time, with no long task over 200 ms', async () => {
    const longTasks = await watchLongTasks(page);
    await page.getByTestId('file-input').setInputFiles(join(dir, 'many.json'));
    await page.locator('[data-testid="verdict"][data-file="many.json"]').waitFor();
    await page.getByTestId('meta-files').waitFor();
    await page.getByRole('tab', { name: 'Unified' }).waitFor({ timeout: 60_000 });
    const files = page.getByTestId('meta-file');
    expect(await files.count()).toBe(100);
    expect(await files.nth(99).textContent()).toBe(manyPath(99));
    const more = page.getByTestId('meta-files').getByRole('button', { name: /^Show 1,000 more/ });
    expect(await more.textContent()).toBe('Show 1,000 more (100 of 60,000)');
    await more.click();
    await expect.poll(() => files.count()).toBe(1100);
    expect(await files.nth(1099).textContent()).toBe(manyPath(1099));
    expect(await more.textContent()).toBe('Show 1,000 more (1,100 of 60,000)');
    const tasks = await longTasks();
    console.log(
      `${MANY} files: long tasks ${tasks.map((t) => t.toFixed(0)).join(', ') || 'none'} ms`,
    );
    expect(Math.max(0, ...tasks)).toBeLessThanOrEqual(200);
  });
});

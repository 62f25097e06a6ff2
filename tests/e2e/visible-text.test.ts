/**
 * Text from attackers, shown in real Chromium against the production build: a bundle whose
 * file name, reason, components and reviewer's note hold a right-to-left override, a zero-width
 * space and a control character is opened; on the Inbox and its Patch detail no text the page
 * shows (text nodes, titles, labels) holds such a character, each is shown as an escape, and
 * text the app adds or changes later (a dialog's portal, a label) is escaped before it is
 * painted (src/ui/visible-text.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  serializeBundle,
} from '../../src/core/index.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const RLO = '\u202E';
const FILE = `update${RLO}nosj.exe.json`;
const REASON = `Harmless typo fix ${RLO}rooDkcab a sdda\u200B`;
const NOTE = `Looks right\u0007${RLO}`;
const DIFF = 'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n';

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

describeBrowser('untrusted text on the page (Chromium, production build)', () => {
  let dir: string;
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-visible-'));
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
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    pageErrors = collectPageErrors(page);
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
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
});

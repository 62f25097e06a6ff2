/**
 * A workspace's files in and out, in real Chromium against the production build: a technician
 * copies the folder a patch is for into an empty workspace (a real folder on disk, through the
 * page's folder input; its .git left out), applies the patch there, and downloads the result as
 * a ZIP archive that `unzip` reads back byte for byte. A workspace that holds files asks before
 * a copy replaces them; a folder holding a path the safety check refuses changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectEscapeReturnsFocus, expectFocused } from './accessibility.ts';
import { describeBrowser, shoot, type WebServer } from './browser.ts';
import { NEW_CONF, OLD_CONF, type WorkflowFixture } from './workflow-fixture.ts';
import {
  clickAct,
  joinPlant4,
  openBundle,
  readOpfs,
  showPatch,
  workflowBrowser,
} from './workflow-steps.ts';

const dir = mkdtempSync(join(tmpdir(), 'pt-wsfiles-'));

/** A folder on disk: `files` by relative path. */
function folder(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const said = (page: Page) => page.getByTestId('workspace-said');
const count = (page: Page) => page.getByTestId('workspace-count').getAttribute('data-count');

describeBrowser('a workspace’s files in and out (Chromium, production build)', () => {
  const session = workflowBrowser('wsfiles');
  let server: WebServer;
  let page: Page;
  let fixture: WorkflowFixture;

  beforeAll(async () => {
    ({ server, page, fixture } = session);
    await joinPlant4(page, fixture, server.url);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says an empty workspace is empty, and what it needs', async () => {
    await openBundle(page, fixture.bundles.reviewed);
    await showPatch(page, fixture.keys.reviewed);
    await expect.poll(() => count(page)).toBe('0');
    expect(await page.getByTestId('workspace-count').textContent()).toContain(
      'copy in the folder it is for',
    );
  });

  it('copies a folder in, leaving its .git out, and the patch applies there', async () => {
    const app = folder('app', {
      'app.conf': OLD_CONF,
      'docs/readme.txt': 'hello\n',
      '.git/config': '[core]\n',
    });
    await page.getByTestId('workspace-folder-input').setInputFiles(app);
    await expect.poll(() => said(page).count()).toBe(1);
    expect(await said(page).getAttribute('data-ok')).toBe('yes');
    expect(await said(page).textContent()).toBe(
      'Copied 2 files of folder “app” into the workspace “main”. 1 file under .git or .patchtrail left out.',
    );
    await expect.poll(() => count(page)).toBe('2');
    expect(await readOpfs(page, ['workspaces', 'main', 'docs'], 'readme.txt')).toBe('hello\n');
    await shoot(page, 'workspace-filled');

    expect(await page.getByTestId('verdict-device').count()).toBe(0);
    await clickAct(page, 'Apply');
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);
    // The top of the page says it is applied here, under the verdict that it may be.
    await expect
      .poll(() => page.getByTestId('verdict-device').textContent())
      .toMatch(
        /^Applied on this device, to workspace main, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\.$/,
      );
  });

  it('downloads the workspace as a ZIP archive that unzip reads back byte for byte', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as .zip' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('main.zip');
    const zip = join(dir, 'main.zip');
    await download.saveAs(zip);
    const test = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    const out = join(dir, 'unzipped');
    expect(spawnSync('unzip', ['-q', zip, '-d', out]).status).toBe(0);
    expect(readFileSync(join(out, 'app.conf'), 'utf8')).toBe(NEW_CONF);
    expect(readFileSync(join(out, 'docs/readme.txt'), 'utf8')).toBe('hello\n');
    const listed = spawnSync('zipinfo', ['-1', zip], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n');
    expect(listed).toEqual(['app.conf', 'docs/readme.txt']);
  });

  it('asks before a copy replaces what a workspace holds; Cancel keeps it, Replace makes it the folder', async () => {
    const other = folder('other', { 'app.conf': OLD_CONF, 'new.txt': 'new\n' });
    const input = page.getByTestId('workspace-folder-input');
    await input.setInputFiles(other);
    const ask = page.getByTestId('workspace-replace');
    await ask.waitFor();
    expect(await ask.textContent()).toContain(
      'Replace the 2 files of the workspace “main” with the 2 files',
    );
    await shoot(page, 'workspace-replace');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await ask.count()).toBe(0);
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);

    await input.setInputFiles(other);
    await page.getByTestId('workspace-replace').getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => said(page).textContent()).toContain('1 file it lacked removed');
    // The question gone and the copy done, focus is on the control that asked (it fell to <body>).
    await expectFocused(input);
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(OLD_CONF);
    expect(await readOpfs(page, ['workspaces', 'main'], 'new.txt')).toBe('new\n');
    expect(await readOpfs(page, ['workspaces', 'main', 'docs'], 'readme.txt')).toBeNull();
  });

  it('refuses, changing nothing, a folder holding a path the safety check refuses', async () => {
    // A backslash is an ordinary byte in a Linux name, and a separator on Windows: Chromium hands
    // the page "a/../b.txt" for it, which must not climb out of the workspace.
    const hostile = folder('hostile', { 'app.conf': 'mode=evil\n', 'a\\..\\b.txt': 'x\n' });
    await page.getByTestId('workspace-folder-input').setInputFiles(hostile);
    await page.getByTestId('workspace-replace').getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => said(page).getAttribute('data-ok')).toBe('no');
    expect(await said(page).textContent()).toBe(
      'Not copied: UNSAFE_PATH unsafe path "a/../b.txt": has a ".." component. Nothing in the workspace “main” changed.',
    );
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(OLD_CONF);
    await expect.poll(() => count(page)).toBe('2');
  });

  it('says a folder that holds no files holds none, and copies nothing', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await page.getByTestId('workspace-folder-input').setInputFiles(empty);
    await expect
      .poll(() => said(page).textContent())
      .toBe('Not copied: that folder holds no files.');
    await expect.poll(() => count(page)).toBe('2');
  });

  it('removes the bundle from the Inbox after saying a rollback needs it; Cancel keeps it, a reload does not bring it back', async () => {
    const panel = page.getByTestId('remove-bundle');
    await panel.getByRole('button', { name: /Remove from this device/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove this bundle from the Inbox?' });
    expect(await dialog.getByTestId('remove-applied').textContent()).toContain(
      'Rolling it back needs the bundle',
    );
    await shoot(page, 'inbox-remove');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByTestId('patch-title').count()).toBe(1);
    // By keyboard: Escape closes it and focus goes back to the button (it went to <body>).
    const opener = panel.getByRole('button', { name: /Remove from this device/ });
    await expectEscapeReturnsFocus(page, opener, dialog);

    await panel.getByRole('button', { name: /Remove from this device/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await page.waitForURL(/#\/inbox$/);
    await page.goto(`${page.url().split('#')[0]}#/patch/${fixture.keys.reviewed}`);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('patch-missing').textContent())
      .toContain('This patch is not in this device’s Inbox.');
  });
});

/**
 * Steps the patch workflow's browser tests share: moving between screens, opening a bundle and
 * a patch, reading and writing OPFS, acting, exporting the ledger, and joining the fixture's
 * team by invitation and its ledger file; the browser session around them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import {
  collectPageErrors,
  withoutSignaling,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { joinByInvitation } from './join.ts';
import { buildWorkflowFixture, TEAM, type WorkflowFixture } from './workflow-fixture.ts';

export async function go(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** Opens a bundle file from the Inbox and waits for its verdict against the policy. */
export async function openBundle(page: Page, path: string): Promise<void> {
  await go(page, 'Inbox');
  await page.getByTestId('file-input').setInputFiles(path);
  const file = path.split('/').at(-1) ?? '';
  await page.locator(`[data-testid="verdict"][data-file="${file}"]`).waitFor();
  await expect
    .poll(() => page.getByTestId('verdict').getAttribute('data-state'))
    .not.toBe('judging');
}

export async function showPatch(page: Page, key: string): Promise<void> {
  await page.goto(`${page.url().split('#')[0]}#/patch/${key}`);
  await expect
    .poll(() => page.getByTestId('verdict').getAttribute('data-state'))
    .not.toBe('judging');
}

/** A file in an OPFS directory (`workspaces/<name>`, or any path of directories). */
export function readOpfs(page: Page, dirs: string[], file: string): Promise<string | null> {
  return page.evaluate(
    async ([names, name]) => {
      let dir = await navigator.storage.getDirectory();
      try {
        for (const n of names) dir = await dir.getDirectoryHandle(n);
        return await (await (await dir.getFileHandle(name)).getFile()).text();
      } catch {
        return null;
      }
    },
    [dirs, file] as const,
  );
}

export function writeOpfs(page: Page, dirs: string[], file: string, text: string): Promise<void> {
  return page.evaluate(
    async ([names, name, content]) => {
      let dir = await navigator.storage.getDirectory();
      for (const n of names) dir = await dir.getDirectoryHandle(n, { create: true });
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await writable.write(content);
      await writable.close();
    },
    [dirs, file, text] as const,
  );
}

export interface LedgerLine {
  id?: string;
  author: string;
  kind: string;
  body: Record<string, unknown>;
}

/** The browser's ledger, exported from the Ledger page, one parsed entry per line. */
export async function exportLedger(page: Page, files: string[]): Promise<LedgerLine[]> {
  await go(page, 'Ledger');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export the ledger file' }).click(),
  ]);
  const path = await download.path();
  files.push(path);
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LedgerLine);
}

export async function clickAct(page: Page, name: string): Promise<void> {
  await page.getByTestId('act').getByRole('button', { name, exact: true }).click();
  await expect.poll(() => page.getByTestId('act-progress').count()).toBe(0);
}

/** Rolls back on the chosen target, agreeing in the dialog that asks first. */
export async function rollBack(page: Page): Promise<void> {
  await page.getByTestId('act').getByRole('button', { name: 'Roll back…', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  await expect.poll(() => page.getByTestId('act-progress').count()).toBe(0);
}

/** Joins the fixture's team by invitation, takes its ledger file, and returns this device's did. */
export async function joinPlant4(
  page: Page,
  fixture: WorkflowFixture,
  app: string,
  deviceName = 'Field tablet',
): Promise<string> {
  await joinByInvitation(page, fixture.invitation(app), deviceName, fixture.ledgerFile);
  await page.getByTestId('team-title').waitFor();
  expect(await page.getByTestId('team-name').textContent()).toBe(TEAM);
  await go(page, 'Settings');
  const identity = page.getByTestId('device-identity').locator('[data-did]');
  return (await identity.getAttribute('data-did')) ?? '';
}

export interface WorkflowSession {
  server: WebServer;
  browser: LaunchedBrowser;
  page: Page;
  fixture: WorkflowFixture;
  /** Files to delete afterwards (downloads). */
  files: string[];
}

/**
 * Call inside a describe: the fixture in a temporary folder (`grow`: entries its grown ledger
 * file adds), the production build served, a
 * fresh Chromium; every test fails on a page error (but the missing signaling server's);
 * all of it removed afterwards.
 */
export function workflowBrowser(prefix: string, grow = 0): WorkflowSession {
  const session = { files: [] as string[] } as WorkflowSession;
  let dir = '';
  let errors: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `patchtrail-${prefix}-`));
    [session.fixture] = await Promise.all([buildWorkflowFixture(dir, grow), ensureWebBuild()]);
    [session.server, session.browser] = await Promise.all([serveWebApp(), launchChromium()]);
    session.page = session.browser.page;
    errors = collectPageErrors(session.page);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
    await rm(dir, { recursive: true, force: true });
    await Promise.all(session.files.map((file) => rm(file, { force: true })));
  });
  afterEach(() => {
    // The app looks for its room on its own; this static server has no signaling to answer.
    expect(withoutSignaling(errors)).toEqual([]);
  });
  return session;
}

/**
 * What a person does in the patch workflow, as steps the browser tests share (the workflow,
 * offline and update tests): move between screens, open a bundle and wait for its verdict, join
 * the Plant 4 team (workflow-fixture.ts) by invitation and its ledger file, act on a patch, and
 * read or write a file in the browser's private file system (OPFS) behind the app's back.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { go } from './app-steps.ts';
import { TEAM, type WorkflowFixture } from './workflow-fixture.ts';

export { go };

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

/** Joins the fixture's team by its invitation, then takes its ledger file (the first sync). */
export async function joinPlant4(page: Page, fixture: WorkflowFixture, app: string): Promise<void> {
  await page.goto(fixture.invitation(app));
  await page.getByLabel(/name this device|Your device’s name/).fill('Field tablet');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByRole('button', { name: 'Join this team' }).click();
  await page.getByTestId('waiting').waitFor();
  await page.getByTestId('ledger-file-input').setInputFiles(fixture.ledgerFile);
  await page.getByTestId('team-title').waitFor();
  expect(await page.getByTestId('team-name').textContent()).toBe(TEAM);
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

/** Clicks one of Act's buttons and waits until its work has finished. */
export async function clickAct(page: Page, name: string): Promise<void> {
  await page.getByTestId('act').getByRole('button', { name, exact: true }).click();
  await expect.poll(() => page.getByTestId('act-progress').count()).toBe(0);
}

/**
 * Steps the kiosk end-to-end tests share: moving the team's ledger file in and out of the
 * browser (the kiosk and the admin in Node meet only through it) and finding the kiosk's own
 * register entry in an exported file. `files` collects the temporary paths to remove.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { joinByInvitation } from './join.ts';

/** `bytes` written to a temporary ledger file, its path added to `files`. */
async function ledgerFile(bytes: Uint8Array, files: string[]): Promise<string> {
  const path = join(tmpdir(), `kiosk-ledger-${process.pid}-${files.length}.jsonl`);
  files.push(path);
  await writeFile(path, bytes);
  return path;
}

/** Imports `bytes` as a ledger file on the page's Team or Ledger screen. */
export async function importLedger(page: Page, bytes: Uint8Array, files: string[]): Promise<void> {
  await page.getByTestId('ledger-file-input').setInputFiles(await ledgerFile(bytes, files));
}

/** Exports the ledger file from the Ledger screen, reached by the main navigation. */
export async function exportLedger(page: Page, files: string[]): Promise<Uint8Array> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Ledger' })
    .click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export the ledger file' }).click(),
  ]);
  const path = await download.path();
  files.push(path);
  return new Uint8Array(await readFile(path));
}

/** The authors of `register` entries naming `name` in an exported ledger file. */
export const registeredAs = (exported: Uint8Array, name: string): string[] =>
  new TextDecoder()
    .decode(exported)
    .split('\n')
    .filter((line) => line.includes('"register"') && line.includes(name))
    .map((line) => (JSON.parse(line) as { author: string }).author);

/** Joins by `invitation` as “Lobby kiosk”, admitted by importing the team's ledger file. */
export async function joinAsKiosk(
  page: Page,
  invitation: string,
  ledger: Uint8Array,
  files: string[],
): Promise<void> {
  await joinByInvitation(page, invitation, 'Lobby kiosk', await ledgerFile(ledger, files));
  await page.getByTestId('team-title').waitFor();
}

/**
 * Steps the kiosk end-to-end tests share: moving the team's ledger file in and out of the
 * browser (the kiosk and the admin in Node meet only through it) and finding the kiosk's own
 * register entry in an exported file; writing and reading OPFS files. `files` collects the
 * temporary paths to remove.
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

/** Writes a file into OPFS under `dir`. */
export const writeOpfs = (page: Page, dir: string[], name: string, bytes: Uint8Array) =>
  page.evaluate(
    async ({ dir, name, bytes }) => {
      let at = await navigator.storage.getDirectory();
      for (const part of dir) at = await at.getDirectoryHandle(part, { create: true });
      const writable = await (await at.getFileHandle(name, { create: true })).createWritable();
      await writable.write(new Uint8Array(bytes));
      await writable.close();
    },
    { dir, name, bytes: [...bytes] },
  );

/** A file's text in OPFS, or undefined when it is not there. */
export const readOpfs = (page: Page, path: string[]) =>
  page.evaluate(async (path) => {
    let at = await navigator.storage.getDirectory();
    try {
      for (const part of path.slice(0, -1)) at = await at.getDirectoryHandle(part);
      return await (await at.getFileHandle(path.at(-1) ?? '')).getFile().then((f) => f.text());
    } catch {
      return undefined;
    }
  }, path);

/** The admin (in Node) endorses this browser's key as a kiosk; the page imports the result. */
export async function endorseAsKiosk(
  page: Page,
  app: string,
  world: { endorseKiosk(exported: Uint8Array, did: string): Promise<void>; file(): Uint8Array },
  files: string[],
): Promise<void> {
  await page.goto(`${app}#/team`);
  const exported = await exportLedger(page, files);
  const mine = registeredAs(exported, 'Lobby kiosk');
  if (mine.length !== 1) throw new Error(`expected one register entry, found ${mine.length}`);
  await world.endorseKiosk(exported, mine[0] ?? '');
  await importLedger(page, world.file(), files);
  await page.getByTestId('import-report').waitFor();
}

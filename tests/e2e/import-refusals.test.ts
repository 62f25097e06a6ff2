/**
 * A ledger file that is not what it should be, imported on the Ledger screen (Chromium, the
 * production build): a copy cut short says its last line was not imported; a patch bundle, an
 * empty file and another team's ledger are refused whole with what they are; a file of junk
 * lines counts them all and lists a few.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { makeSeedSigner } from '../../src/core/index.ts';
import { serializeEntries } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { describeBrowser } from './browser.ts';
import { go, joinPlant4, workflowBrowser } from './workflow-steps.ts';

describeBrowser('ledger files the import refuses or reports (Chromium, production build)', () => {
  const session = workflowBrowser('import-refusals');
  let count = 0;

  /** Imports `bytes` on the Ledger screen; the report or the refusal, as the page says it. */
  async function importBytes(page: Page, bytes: Uint8Array | string): Promise<string> {
    const name = `import-${count++}.ledger`;
    const path = join(session.fixture.ledgerFile, '..', name);
    writeFileSync(path, bytes);
    await page.getByTestId('ledger-file-input').setInputFiles(path);
    const outcome = page.locator(`[data-testid="import-outcome"][data-file="${name}"]`);
    await outcome.waitFor({ timeout: 60_000 });
    return ((await outcome.textContent()) ?? '').trim();
  }

  it('says a last line cut short was not imported, beside what was', async () => {
    const { page, fixture, server } = session;
    await page.goto(server.url);
    await joinPlant4(page, fixture, server.url);
    await go(page, 'Ledger');
    const whole = readFileSync(fixture.ledgerFile);
    const cut = whole.subarray(0, whole.length - 1);
    const tail = cut.length - cut.lastIndexOf(0x0a) - 1;
    const said = await importBytes(page, cut);
    expect(said).toMatch(
      /^Imported: 0 new, [\d,]+ already here, 0 waiting for earlier entries, 0 refused\./,
    );
    expect(await page.getByTestId('import-torn').textContent()).toContain(
      `Its last ${tail} bytes are not a complete line`,
    );
  });

  it('refuses a patch bundle, an empty file and another team’s ledger whole, saying what each is', async () => {
    const { page, fixture } = session;
    expect(await importBytes(page, readFileSync(fixture.bundles.reviewed))).toBe(
      'Not imported: it is one JSON document, not a ledger file (one entry per line); a patch bundle opens in the Inbox',
    );
    expect(await importBytes(page, '')).toBe('Not imported: the file is empty');
    expect(await importBytes(page, 'not a ledger at all')).toBe(
      'Not imported: it holds no complete line (19 bytes and no line break): a ledger file is one entry per line',
    );
    const other = await makeSeedSigner(new Uint8Array(32).fill(77));
    const foreign = await Ledger.found(
      other,
      { name: 'another team', admins: [other.did], threshold: 1 },
      '2026-11-22T08:00:00Z',
    );
    expect(await importBytes(page, serializeEntries([foreign.genesis]))).toMatch(
      /^Not imported: it is the file of another ledger \(sha256:[0-9a-f]{12}…\), not of this team’s \(sha256:[0-9a-f]{12}…\)$/,
    );
  });

  it('counts every junk line of a file and lists the first few', async () => {
    const { page } = session;
    const said = await importBytes(page, 'x\n'.repeat(3000));
    expect(said).toContain('3,000 refused.');
    expect(said).toContain('and 2,980 more refused lines.');
  });
});

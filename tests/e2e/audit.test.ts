/**
 * The Audit screen in real Chromium against the production build: this device (named like a
 * spreadsheet formula) applies a patch, rolls it back and is refused a denied one; the screen
 * lists all three with who, where and what code, filters them by device, outcome, patch and
 * time, exports the rows shown as JSON and CSV (the formula defused), and saves a proof pack
 * that verifies in Node against the checkpoint's key, or says why there is none.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { verifyProofPack } from '../../src/core/ledger/proof-pack.ts';
import { expectAccessible } from './accessibility.ts';
import { describeBrowser, shoot, type WebServer } from './browser.ts';
import { OLD_CONF, type WorkflowFixture } from './workflow-fixture.ts';
import {
  clickAct,
  rollBack,
  go,
  joinPlant4,
  openBundle,
  showPatch,
  workflowBrowser,
  writeOpfs,
} from './workflow-steps.ts';

const DEVICE = '=HYPERLINK("x")';

describeBrowser('the Audit screen (Chromium, production build)', () => {
  const session = workflowBrowser('audit');
  let server: WebServer;
  let page: Page;
  let fixture: WorkflowFixture;

  beforeAll(() => {
    ({ server, page, fixture } = session);
  });

  const rows = () => page.getByTestId('audit-row');
  const outcomes = () => rows().evaluateAll((r) => r.map((e) => e.getAttribute('data-outcome')));

  async function save(button: string): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).first().click(),
    ]);
    const path = await download.path();
    session.files.push(path);
    return readFile(path, 'utf8');
  }

  it('says what to do when nothing was applied yet', async () => {
    await joinPlant4(page, fixture, server.url, DEVICE);
    await go(page, 'Audit');
    expect(await page.getByTestId('audit-empty').textContent()).toContain('Open a bundle');
    await expectAccessible(page, 'audit, empty');
  });

  it('lists an apply, a rollback and a refusal, newest first, by this device', async () => {
    await openBundle(page, fixture.bundles.reviewed);
    await openBundle(page, fixture.bundles.failed);
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await showPatch(page, fixture.keys.reviewed);
    await clickAct(page, 'Apply');
    await rollBack(page);
    await showPatch(page, fixture.keys.failed);
    const apply = page.getByTestId('act').getByRole('button', { name: 'Apply', exact: true });
    await apply.evaluate((button) => button.removeAttribute('disabled'));
    await apply.click({ force: true });
    await page.getByTestId('act-error').waitFor();
    await go(page, 'Audit');
    await expect.poll(() => rows().count()).toBe(3);
    expect((await outcomes()).sort()).toEqual(['applied', 'rejected', 'rolled-back']);
    expect(await rows().evaluateAll((r) => r.map((e) => e.getAttribute('data-mine')))).toEqual([
      'yes',
      'yes',
      'yes',
    ]);
    const refused = page.locator('[data-testid="audit-row"][data-outcome="rejected"]');
    expect(await refused.textContent()).toContain('POLICY_DENIED');
    expect(await refused.textContent()).toContain(DEVICE);
    expect(await refused.getAttribute('data-patch')).toBe(fixture.keys.failed);
    // Which patch, in its author's words (the bundle is on this device), beside its digest.
    expect(await refused.getByTestId('audit-patch-title').textContent()).toBe(
      'Switch app.conf, second build',
    );
    expect(await refused.textContent()).toContain(fixture.keys.failed.slice(0, 19));
    // In UTC, as the ledger explorer shows times, the exact value in the datetime attribute.
    const time = refused.locator('time');
    expect(await time.textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT[\d:]{8}Z$/);
    // Each row's proof pack button names its row to a screen reader: three rows, three names.
    const proofNames = await rows()
      .getByRole('button', { name: 'Proof pack' })
      .evaluateAll((buttons) => buttons.map((b) => (b.textContent ?? '').replace(/\s+/g, ' ')));
    expect(new Set(proofNames).size).toBe(3);
    expect(proofNames).toContain(
      'Proof pack of Switch app.conf, second build, refused on workspace main',
    );
    await expectAccessible(page, 'audit, rows');
    await shoot(page, 'audit-rows');
    // On a phone, a shortened tree hash wraps as a whole, never as "sha25" over "6:4a2c…".
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 900 });
    const pieces = await page
      .locator('.audit-trees .digest')
      .evaluateAll((codes) => codes.map((code) => code.getClientRects().length));
    expect(pieces.length).toBeGreaterThan(0);
    expect(pieces.every((n) => n === 1)).toBe(true);
    if (viewport !== null) await page.setViewportSize(viewport);
  });

  it('filters by outcome, patch, device and time', async () => {
    await page.getByLabel('Outcome').selectOption('rejected');
    expect(await outcomes()).toEqual(['rejected']);
    await page.getByLabel('Outcome').selectOption('all');
    await page
      .getByLabel('Patch (title or digest) contains')
      .fill(fixture.keys.reviewed.slice(7, 20));
    expect((await outcomes()).sort()).toEqual(['applied', 'rolled-back']);
    await page.getByLabel('Patch (title or digest) contains').fill('SECOND build');
    expect(await outcomes()).toEqual(['rejected']);
    await page.getByLabel('Patch (title or digest) contains').fill('');
    await page.getByLabel('Device').selectOption({ label: DEVICE });
    expect(await rows().count()).toBe(3);
    await page.getByLabel('To', { exact: true }).fill('2020-01-01');
    expect(await rows().count()).toBe(0);
    expect(await page.getByTestId('audit-count').textContent()).toBe('0 of 3 shown');
    await page.getByLabel('To', { exact: true }).fill('');
    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    expect(await rows().count()).toBe(3);
    await shoot(page, 'audit-filtered');
  });

  it('exports the rows shown as JSON and as CSV with formula-looking cells defused', async () => {
    await page.getByLabel('Outcome').selectOption('rejected');
    const json = JSON.parse(await save('Export JSON')) as Record<string, string>[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({
      outcome: 'rejected',
      deviceName: DEVICE,
      patch: fixture.keys.failed,
      code: 'POLICY_DENIED',
    });
    const csv = (await save('Export CSV')).split('\r\n');
    expect(csv[0]).toBe(
      'time,outcome,device,seq,deviceName,patch,target,treeBefore,treeAfter,code,outOfStanding,id',
    );
    expect(csv[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv[1]).toContain('"POLICY_DENIED"');
    expect(csv.slice(2)).toEqual(['']);
    await page.getByLabel('Outcome').selectOption('all');
  });

  it('says why there is no proof pack before a checkpoint covers the patch, beside the button', async () => {
    // On a phone, from the last row: the answer showed above the list, a screen or more away.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    const row = page.locator(`[data-testid="audit-row"]`).last();
    const button = row.getByRole('button', { name: 'Proof pack' });
    await button.scrollIntoViewIfNeeded();
    await button.click();
    const error = row.getByTestId('proof-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(
      'No proof pack yet: no checkpoint of the team’s ledger covers this patch’s entries.',
    );
    expect(await error.textContent()).toContain('Ask an admin to checkpoint the ledger');
    expect(await error.locator('code').textContent()).toBe('STALE_LEDGER');
    // Wholly in view: below the top bar and above the bottom one.
    await expect
      .poll(() =>
        error.evaluate((element) => {
          const box = element.getBoundingClientRect();
          const nav = document.querySelector('nav[aria-label="Main"]')?.getBoundingClientRect();
          const top = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
          const seen = box.top >= top && box.bottom <= (nav?.top ?? innerHeight);
          return seen || JSON.stringify([box.top, box.bottom, top, nav?.top, innerHeight, scrollY]);
        }),
      )
      .toBe(true);
    await expectAccessible(page, 'audit, proof pack refused');
    if (process.env.PATCHTRAIL_SHOTS === '1')
      await page.screenshot({ path: '.tmp/shots/audit-proof-refused-row-390.png' });
    if (viewport !== null) await page.setViewportSize(viewport);
    await shoot(page, 'audit-proof-refused');
  });

  it('saves a proof pack that verifies against the checkpoint an admin made', async () => {
    // The admin checkpoints this device's ledger as exported (its log order), and it comes back.
    await go(page, 'Ledger');
    const made = await fixture.checkpoint(Buffer.from(await save('Export the ledger file')));
    await page.getByTestId('ledger-file-input').setInputFiles({
      name: 'checkpointed.ledger',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(made.file),
    });
    await page.getByTestId('import-report').waitFor();
    await go(page, 'Audit');
    const row = page.locator(`[data-testid="audit-row"][data-outcome="applied"]`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: 'Proof pack' }).click(),
    ]);
    const path = await download.path();
    session.files.push(path);
    const report = await verifyProofPack(await readFile(path), {
      logKey: made.logKey,
      witnesses: [],
      threshold: 0,
      patch: fixture.keys.reviewed,
    });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(await row.getByTestId('proof-done').textContent()).toMatch(/: [\d,]+ entries?(\.|; )/);
    await shoot(page, 'audit-proof');
  });
});

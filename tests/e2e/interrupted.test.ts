/**
 * An apply or a rollback cut short, in real Chromium against the production build: the tab's
 * renderer is killed in the middle of an apply's commit (after its journal, the commit point,
 * is written), and a new page finishes it and records `applied`, so the change can be rolled
 * back; a rollback cut short the same way (its files put back, nothing recorded) is recorded
 * from the tree it started from; one cut short before any file changed records nothing and
 * says so; one on a picked folder asks for the folder again. The app remembers work under way
 * in localStorage (app/unfinished.ts); the later cases write that memory as a killed tab leaves
 * it, with a tab id no live tab holds.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, shoot } from './browser.ts';
import { NEW_CONF, OLD_CONF, type WorkflowFixture } from './workflow-fixture.ts';
import {
  clickAct,
  exportLedger,
  joinPlant4,
  openBundle,
  readOpfs,
  showPatch,
  workflowBrowser,
  writeOpfs,
  type LedgerLine,
} from './workflow-steps.ts';
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  serializeBundle,
} from '../../src/core/index.ts';
import { UNFINISHED_KEY, type Unfinished } from '../../src/app/unfinished.ts';

const T = '2026-11-22T11:00:00Z';
const FILES = 600;

/** A reviewed bundle by the fixture's author (seeds as workflow-fixture.ts) adding FILES files. */
async function manyFiles(dir: string): Promise<string> {
  const [author, rita] = await Promise.all(
    [12, 13].map((n) => makeSeedSigner(new Uint8Array(32).fill(n))),
  );
  if (author === undefined || rita === undefined) throw new Error('no signers');
  const diff = Array.from({ length: FILES }, (_, i) => {
    const path = `many/d${i % 20}/f${String(i).padStart(4, '0')}.txt`;
    const lines = Array.from({ length: 8 }, (_, j) => `+line ${j} of file ${i}\n`).join('');
    return `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,8 @@\n${lines}`;
  }).join('');
  const made = await createBundle({
    diff,
    signer: author,
    reason: 'Add many files',
    components: ['app'],
    now: new Date(T),
  });
  const reviewed = await appendAttestation(made, {
    ...{ signer: rita, role: 'reviewer', verdict: 'pass' as const, now: new Date(T) },
  });
  const path = join(dir, 'many.json');
  await writeFile(path, serializeBundle(reviewed));
  return path;
}

const targetOf = (lines: LedgerLine[], patch: string, target: string) =>
  lines.filter((l) => l.kind === 'attest' && l.body.patch === patch && l.body.target === target);

describeBrowser('an apply or rollback cut short (Chromium, production build)', () => {
  const session = workflowBrowser('interrupted');
  let page: Page;
  let fixture: WorkflowFixture;
  let did = '';
  let main = '';

  beforeAll(() => {
    ({ page, fixture } = session);
  });

  /** Leaves the memory a killed tab leaves: this work, started by a tab that is gone. */
  const leftBy = (entry: Partial<Unfinished> & Pick<Unfinished, 'kind'>) =>
    page.evaluate(([key, value]) => localStorage.setItem(key, value), [
      UNFINISHED_KEY,
      JSON.stringify([
        {
          ...{ id: `cut-${entry.kind}`, tab: 'a-tab-that-is-gone', ledger: fixture.ledgerId },
          ...{ target: main, place: { kind: 'workspace', name: 'main' } },
          ...{ key: fixture.keys.reviewed, patch: fixture.keys.reviewed },
          ...{ fileName: 'reviewed.json', started: '2026-12-07 17:40 UTC' },
          ...entry,
        },
      ]),
    ] as const);

  const notice = () => page.getByTestId('unfinished');
  /** Opens the app again on the Inbox, as a person coming back after the crash. */
  const comeBack = async () => {
    await page.goto(`${session.server.url}#/inbox`);
    await page.reload();
  };

  it('finishes and records an apply whose tab was killed during its commit', async () => {
    did = await joinPlant4(page, fixture, session.server.url);
    main = `${did}:workspace:main`;
    const bundle = await manyFiles(join(fixture.ledgerFile, '..'));
    await openBundle(page, bundle);
    const key = page.url().split('#/patch/')[1] ?? '';
    await page.getByTestId('act').getByRole('button', { name: 'Apply', exact: true }).click();
    // The commit point: the journal is written once every file is staged.
    await expect
      .poll(() => readOpfs(page, ['workspaces', 'main', '.patchtrail', 'txn'], 'journal.json'), {
        timeout: 120_000,
        interval: 20,
      })
      .not.toBeNull();
    const crashed = page.waitForEvent('crash');
    const cdp = await session.browser.context.newCDPSession(page);
    void cdp.send('Page.crash').catch(() => undefined); // a crashed target never answers
    await crashed;
    await page.close();
    page = await session.browser.context.newPage();
    session.page = page;
    await page.goto(`${session.server.url}#/inbox`);

    await expect.poll(() => notice().count(), { timeout: 60_000 }).toBe(1);
    expect(await notice().textContent()).toMatch(
      /Applying “many\.json” to workspace “main” was cut short/,
    );
    expect(await notice().getAttribute('data-tone')).toBe('done');
    await shoot(page, 'interrupted-apply-finished');
    const last = await readOpfs(
      page,
      ['workspaces', 'main', 'many', 'd19'],
      `f${String(FILES - 1).padStart(4, '0')}.txt`,
    );
    expect(last).toBe(
      Array.from({ length: 8 }, (_, j) => `line ${j} of file ${FILES - 1}\n`).join(''),
    );
    const applied = targetOf(await exportLedger(page, session.files), key, main);
    expect(applied.map((l) => l.body.reason)).toEqual(['applied']);
    expect(applied[0]?.body.treeBefore).not.toBe(applied[0]?.body.treeAfter);
    expect(await page.evaluate((k) => localStorage.getItem(k), UNFINISHED_KEY)).toBeNull();

    // Recorded, so it can be rolled back: every file it added goes.
    await showPatch(page, key);
    await page.getByTestId('act').getByRole('button', { name: 'Roll back…', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back', exact: true }).click();
    await expect.poll(() => page.getByTestId('act-progress').count(), { timeout: 120_000 }).toBe(0);
    expect(
      await readOpfs(
        page,
        ['workspaces', 'main', 'many', 'd19'],
        `f${String(FILES - 1).padStart(4, '0')}.txt`,
      ),
    ).toBeNull();
  }, 240_000);

  it('records a rollback cut short after its files were put back, from the tree it started from', async () => {
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await openBundle(page, fixture.bundles.reviewed);
    await clickAct(page, 'Apply');
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);
    // Killed after the rollback's commit: the old bytes are back, nothing is recorded.
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await leftBy({ kind: 'rollback' });
    await comeBack();
    await expect.poll(() => notice().count(), { timeout: 60_000 }).toBe(1);
    expect(await notice().textContent()).toMatch(
      /Rolling back “reviewed\.json” on workspace “main” was cut short after the files were put back\. It is now finished and recorded on the ledger as rolled back\./,
    );
    const events = targetOf(await exportLedger(page, session.files), fixture.keys.reviewed, main);
    expect(events.map((l) => l.body.reason)).toEqual(['applied', 'rolled-back']);
    const [applied, rolledBack] = events;
    expect(rolledBack?.body).toMatchObject({
      treeBefore: applied?.body.treeAfter,
      treeAfter: applied?.body.treeBefore,
    });
  });

  it('says nothing changed, and records nothing, for an apply cut short before any file changed', async () => {
    const before = targetOf(await exportLedger(page, session.files), fixture.keys.reviewed, main);
    await leftBy({ kind: 'apply' });
    await comeBack();
    await expect.poll(() => notice().count(), { timeout: 60_000 }).toBe(1);
    expect(await notice().textContent()).toMatch(
      /cut short before any file changed: nothing changed there and nothing was recorded/,
    );
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(OLD_CONF);
    // Dismissed, it is gone.
    await page.getByTestId('unfinished').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => notice().count(), { timeout: 60_000 }).toBe(0);
    const after = targetOf(await exportLedger(page, session.files), fixture.keys.reviewed, main);
    expect(after.length).toBe(before.length);
  });

  it('asks for a picked folder to be picked again, and shows it on the patch too', async () => {
    await leftBy({
      kind: 'apply',
      place: { kind: 'folder', name: 'firmware' },
      target: `${did}:folder:firmware`,
    });
    await comeBack();
    await expect.poll(() => notice().count(), { timeout: 60_000 }).toBe(1);
    expect(await notice().getAttribute('data-tone')).toBe('waiting');
    await shoot(page, 'interrupted-folder-waiting');
    expect(await notice().textContent()).toMatch(
      /folder “firmware” was cut short .* pick that folder again and apply/,
    );
    await showPatch(page, fixture.keys.reviewed);
    await expect.poll(() => notice().count(), { timeout: 60_000 }).toBe(1);
  });
});

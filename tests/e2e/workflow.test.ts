/**
 * The patch workflow end to end, in real Chromium against the production build: this device
 * joins a team made in Node (invitation, then the ledger file), bundles arrive in the Inbox
 * with their status at a glance, each Patch detail says what the policy in force decides
 * (allowed, denied by a registered reviewer's fail, needs review, unknown author), and this
 * device attests, dry-runs, applies to an OPFS workspace, rolls back, and applies to a
 * "picked" folder — the File System Access path driven with an OPFS directory handle, since a
 * headless browser cannot show the picker. What the target and the ledger hold is read back.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { expectAccessible, expectFocused } from './accessibility.ts';
import { describeBrowser, shoot, type WebServer } from './browser.ts';
import { NEW_CONF, OLD_CONF, type WorkflowFixture } from './workflow-fixture.ts';
import {
  clickAct,
  rollBack,
  exportLedger,
  go,
  joinPlant4,
  openBundle,
  readOpfs,
  showPatch,
  workflowBrowser,
  writeOpfs,
} from './workflow-steps.ts';

type Name = keyof WorkflowFixture['bundles'];

describeBrowser('the patch workflow (Chromium, production build)', () => {
  const session = workflowBrowser('workflow');
  let server: WebServer;
  let page: Page;
  let fixture: WorkflowFixture;
  let files: string[] = [];
  let did = '';

  beforeAll(() => {
    ({ server, page, fixture } = session);
    files = session.files;
  });

  it('starts with an empty Inbox that says what to do next', async () => {
    await page.goto(`${server.url}#/inbox`);
    const empty = page.getByTestId('inbox-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('Open a bundle file someone sent you');
    expect(await empty.textContent()).toContain('found or join a team');
    await expectAccessible(page, 'empty inbox');
    await shoot(page, 'inbox-empty');
  });

  it('joins the team by invitation and takes its ledger file (the first sync)', async () => {
    did = await joinPlant4(page, fixture, server.url);
    expect(did).toMatch(/^did:key:z/);
  });

  it('lists a patch the ledger knows whose bundle is not on this device', async () => {
    await go(page, 'Inbox');
    const published = page.getByTestId('published');
    await published.waitFor();
    expect(await published.getAttribute('data-patch')).toBe(fixture.keys.elsewhere);
    expect(await published.textContent()).toContain('A patch only the ledger has heard of');
    expect(await published.textContent()).toContain('published by Ada');
    expect(
      await page
        .getByRole('heading', { name: 'Known on the ledger, bundle not on this device' })
        .count(),
    ).toBe(1);
  });

  it('shows each bundle in the Inbox with its status at a glance', async () => {
    for (const name of ['reviewed', 'failed', 'plain', 'stranger'] as Name[])
      await openBundle(page, fixture.bundles[name]);
    await go(page, 'Inbox');
    const status = (name: Name) =>
      page.locator(
        `[data-testid="inbox-item"][data-key="${fixture.keys[name]}"] [data-testid="inbox-status"]`,
      );
    await expect.poll(() => status('reviewed').textContent()).toBe('Allowed here');
    expect(await status('failed').textContent()).toBe('Do not apply');
    expect(await status('plain').textContent()).toBe('Needs review');
    expect(await status('stranger').textContent()).toBe('Not trusted');
    expect(await status('reviewed').getAttribute('class')).toContain('chip-allowed');
    expect(await status('stranger').getAttribute('class')).not.toContain('chip-allowed');
    await expectAccessible(page, 'inbox with bundles');
    await shoot(page, 'inbox-statuses');
  });

  it('filters the Inbox by what may be done, and keeps the filter when a patch is left', async () => {
    await go(page, 'Inbox');
    const filter = page.getByTestId('inbox-filter');
    const listed = () =>
      page.getByTestId('inbox-item').evaluateAll((rows) => rows.map((r) => r.dataset.key));
    const all = await listed();
    expect(all.length).toBeGreaterThanOrEqual(4);
    const options = await filter
      .getByRole('radio')
      .evaluateAll((radios) =>
        radios.map((r) => (r.closest('label') as HTMLElement).innerText.replace(/\s+/g, ' ')),
      );
    expect(options[0]).toBe(`All ${all.length}`);
    expect(options).toContain('Needs review 1');
    expect(options).toContain('Allowed here 1');
    await filter.getByRole('radio', { name: /^Needs review/ }).check();
    await expect.poll(listed).toEqual([fixture.keys.plain]);
    expect(page.url()).toContain('show=needs-review');
    await expectAccessible(page, 'inbox filtered');
    await shoot(page, 'inbox-filtered');
    // Open it and come back: the filter holds.
    await page.getByTestId('inbox-item').getByRole('link').click();
    await page.getByTestId('verdict').waitFor();
    await page.goBack();
    await expect.poll(listed).toEqual([fixture.keys.plain]);
    expect(await filter.getByRole('radio', { name: /^Needs review/ }).isChecked()).toBe(true);
    await filter.getByRole('radio', { name: `All ${all.length}`, exact: true }).check();
    await expect.poll(listed).toEqual(all);
  });

  it('says an allowed patch is safe to apply here, in green, with every rule passing', async () => {
    await showPatch(page, fixture.keys.reviewed);
    const verdict = page.getByTestId('verdict');
    expect(await verdict.getAttribute('data-state')).toBe('allowed');
    expect(await verdict.getAttribute('class')).toContain('verdict-allowed');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Safe to apply on this device',
    );
    const rules = page.getByTestId('rule');
    expect(await rules.evaluateAll((r) => r.map((e) => e.getAttribute('data-outcome')))).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    // Three rules written in the policy, and the engine's own about failing verdicts.
    expect(await page.locator('details.rules > summary').textContent()).toBe(
      'Every rule of the policy (3, and 1 built in; 0 not passing)',
    );
    expect(await page.getByTestId('meta-author-name').textContent()).toBe('Ada');
    const rita = page.locator('[data-testid="signature-row"][data-role="reviewer"]');
    expect(await rita.getByTestId('signature-name').textContent()).toBe('Rita');
    expect(await rita.getByTestId('signature-standing').textContent()).toContain(
      'registered, in standing · reviewer',
    );
    expect(await rita.getAttribute('data-counted')).toBe('yes');
    // One file changed: said in the singular.
    expect(await page.locator('.diff-stats').textContent()).toBe('+1 −1 in 1 file');
    await expectAccessible(page, 'patch detail, allowed');
    await shoot(page, 'patch-allowed');
  });

  it('says do not apply when a registered reviewer marked the patch as failing, naming her', async () => {
    await showPatch(page, fixture.keys.failed);
    expect(await page.getByTestId('verdict').getAttribute('data-state')).toBe('denied');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Do not apply: a registered reviewer marked this patch as failing (Rita)',
    );
    const rule = page.locator('[data-testid="rule"][data-rule="implicit:fail-verdicts"]');
    expect(await rule.getAttribute('data-outcome')).toBe('fail');
    expect(await rule.textContent()).toContain('Rita marked the patch as failing');
    expect(await page.getByTestId('verdict-codes').textContent()).toContain('POLICY_DENIED');
    // Under the headline: who failed it, her note, and the next step. No review lifts a fail,
    // so none is said to be missing (it said "needs 1 more review… Sam").
    const verdict = (await page.getByTestId('verdict').textContent()) ?? '';
    expect(verdict).toContain(
      'Rita signed a “fail” verdict into this bundle: “This build breaks level 1.”',
    );
    expect(verdict).toContain(
      'Another review does not lift it: ask Ada, its author, for a new version of the patch that answers it.',
    );
    expect(await page.getByTestId('verdict-missing').count()).toBe(0);
    // On a phone, her note is on the first screen (it was only in her signature card, 2,500 px
    // down).
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const note = page
      .getByTestId('verdict')
      .getByText('This build breaks level 1.', { exact: false });
    expect((await note.boundingBox())?.y ?? Infinity).toBeLessThan(844 - 64);
    if (process.env.PATCHTRAIL_SHOTS === '1')
      await page.screenshot({ path: '.tmp/shots/patch-denied-top-390.png' });
    if (viewport !== null) await page.setViewportSize(viewport);
    await expectAccessible(page, 'patch detail, denied');
    await shoot(page, 'patch-denied');
  });

  it('says what a patch needing review lacks and who in the team could supply it', async () => {
    await showPatch(page, fixture.keys.plain);
    expect(await page.getByTestId('verdict').getAttribute('data-state')).toBe('needs-review');
    expect(await page.getByTestId('verdict-missing').textContent()).toContain(
      'needs 1 more review by a reviewer',
    );
    expect(await page.getByTestId('missing-who').textContent()).toBe('Rita, Sam');
    const rule = page.locator('[data-testid="rule"][data-rule="one-review"]');
    expect(await rule.textContent()).toContain('Observed');
    // In words; the engine's JSON folded beneath, for an auditor.
    expect(await rule.getByTestId('rule-words').locator('dd').allTextContents()).toEqual([
      '0 reviews',
      '1 review from someone with the reviewer role',
    ]);
    expect(await rule.getByTestId('rule-raw').locator('dd').allTextContents()).toEqual([
      '0',
      expect.stringContaining('"count":1'),
    ]);
    // The author the authors rule observed by name, and the roles it asks for in words (it
    // showed a did:key and {"allow":{"roles":["developer"]}}).
    const authors = page.locator('[data-testid="rule"][data-rule="authors"]');
    expect(await authors.getByTestId('rule-words').locator('dd').allTextContents()).toEqual([
      'Ada',
      'an author with the developer role',
    ]);
    // As recorded: a did:key, shortened, whole in its title.
    const did = authors.getByTestId('rule-raw').locator('dd').first().locator('code');
    expect(await did.getAttribute('title')).toMatch(/^did:key:z6Mk\w{40,}$/);
    expect(await did.textContent()).toMatch(/^did:key:z6Mk\w{2}…\w{6}$/);
    // The engine quotes names between backticks; the screen shows them as code instead.
    expect(await rule.locator('.rule-message .ticked').allTextContents()).toEqual(['reviewed']);
    expect(await page.getByTestId('verdict').textContent()).not.toContain('`');
    if (process.env.PATCHTRAIL_SHOTS === '1') {
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('details.rules').screenshot({ path: '.tmp/shots/patch-rules-390.png' });
      if (viewport !== null) await page.setViewportSize(viewport);
    }
    await expectAccessible(page, 'patch detail, needs review');
    await shoot(page, 'patch-needs-review');
  });

  it('shows an unknown author as signed but not trusted: neutral, not counted, UNKNOWN_AUTHOR', async () => {
    await showPatch(page, fixture.keys.stranger);
    const verdict = page.getByTestId('verdict');
    expect(await verdict.getAttribute('data-state')).toBe('untrusted');
    expect(await verdict.getAttribute('class')).toContain('verdict-neutral');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Signed, but not by anyone this team trusts',
    );
    expect(await page.getByTestId('verdict-codes').textContent()).toContain('UNKNOWN_AUTHOR');
    const author = page.locator('[data-testid="signature-row"][data-role="author"]');
    expect(await author.getAttribute('data-standing')).toBe('unknown');
    expect(await author.getByTestId('signature-counted').textContent()).toContain('not counted');
    await expectAccessible(page, 'patch detail, unknown author');
    await shoot(page, 'patch-unknown-author');
  });

  it('says do not apply for a bundle with a binary patch, which no apply carries out', async () => {
    await openBundle(page, fixture.bundles.binary);
    await showPatch(page, fixture.keys.binary);
    const verdict = page.getByTestId('verdict');
    await expect.poll(() => verdict.getAttribute('data-state')).toBe('denied');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Do not apply: it holds a change patchtrail cannot apply exactly',
    );
    expect(await verdict.textContent()).toContain(
      'This bundle changes logo.bin (a binary patch), and',
    );
    expect(await page.getByTestId('verdict-codes').textContent()).toContain('MALFORMED_INPUT');
    const apply = page.getByTestId('act').getByRole('button', { name: 'Apply', exact: true });
    expect(await apply.isDisabled()).toBe(true);
    expect(await page.getByTestId('apply-why').textContent()).toContain(
      'a change patchtrail cannot apply exactly',
    );
    await expectAccessible(page, 'patch detail, binary patch');
    await shoot(page, 'patch-binary');
  });

  it('attests in one step with the device key', async () => {
    await showPatch(page, fixture.keys.plain);
    // Registered, never endorsed: the form says its record counts for no rule asking a role.
    expect(await page.getByTestId('attest-no-role').textContent()).toContain(
      'This device holds no role in the team',
    );
    await page.getByLabel('What you did').selectOption('tested');
    await page.getByLabel('Note (optional)').fill('Ran the plant 4 bench suite.');
    await page.getByRole('button', { name: 'Sign and record' }).click();
    const result = page.getByTestId('attest-form').getByRole('status').getByTestId('act-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Attestation recorded');
    // Focus stays on the button while it records and after (it fell to <body>).
    await expectFocused(page.getByRole('button', { name: 'Sign and record' }));
    await expect.poll(() => page.getByTestId('device-history').textContent()).toContain('tested');
  });

  it('dry-runs: what would change, per file, hunks and offsets, and writes nothing', async () => {
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await showPatch(page, fixture.keys.reviewed);
    // The status region is on the page before it has anything to say, so a screen reader hears
    // the progress and the result put in it (it was mounted with its text, and went unsaid).
    const live = page.getByTestId('act-live');
    expect(await live.getAttribute('role')).toBe('status');
    expect(await live.textContent()).toBe('');
    await clickAct(page, 'Dry run');
    expect(await live.getByTestId('act-result').count()).toBe(1);
    await expectFocused(page.getByTestId('act').getByRole('button', { name: 'Dry run' }));
    const result = page.getByTestId('act-result');
    expect(await result.getAttribute('data-status')).toBe('dry-run');
    expect(await result.getByTestId('act-files').textContent()).toContain('app.conf — modify');
    expect(await result.getByTestId('act-hunk').allTextContents()).toEqual([
      'hunk 1 at line 1, where the diff said',
    ]);
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(OLD_CONF);
    await shoot(page, 'patch-dry-run');
  });

  it('applies to an OPFS workspace: the new bytes, all at once, and an applied status', async () => {
    await clickAct(page, 'Apply');
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);
    await expect.poll(() => page.getByTestId('device-history').textContent()).toContain('applied');
    await go(page, 'Inbox');
    const status = page.locator(`[data-testid="inbox-item"][data-key="${fixture.keys.reviewed}"]`);
    await expect.poll(() => status.getAttribute('data-status')).toBe('applied');
  });

  it('cannot apply a denied patch: the button is off with the reason, and the service refuses too', async () => {
    await showPatch(page, fixture.keys.failed);
    const apply = page.getByTestId('act').getByRole('button', { name: 'Apply', exact: true });
    expect(await apply.isDisabled()).toBe(true);
    expect(await page.getByTestId('apply-why').textContent()).toContain(
      'a registered reviewer marked this patch as failing',
    );
    await writeOpfs(page, ['workspaces', 'denied'], 'app.conf', OLD_CONF);
    await page.getByLabel('Workspace name').fill('denied');
    // Around the screen: the button's own handler, enabled by hand, reaches the service.
    await apply.evaluate((button) => button.removeAttribute('disabled'));
    await apply.click({ force: true });
    const refused = page.getByTestId('act-error');
    await refused.waitFor();
    // What did not happen, in words, first; the code after; the ledger's word as Audit's.
    expect(await refused.locator('strong').first().textContent()).toBe(
      'Not applied: the policy in force does not allow it here.',
    );
    expect(await refused.textContent()).toContain('POLICY_DENIED');
    expect(await refused.textContent()).toContain('recorded on the ledger as refused');
    await expect
      .poll(() =>
        page.locator('[data-testid="device-history"] [data-reason="rejected"]').textContent(),
      )
      .toMatch(/^refused on workspace denied/);
    expect(await readOpfs(page, ['workspaces', 'denied'], 'app.conf')).toBe(OLD_CONF);
    await shoot(page, 'patch-denied-refused');
  });

  it('rolls back, asked first: the old bytes, and a rolled-back status', async () => {
    await showPatch(page, fixture.keys.reviewed);
    await page.getByTestId('act').getByRole('button', { name: 'Roll back…', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByTestId('rollback-target').textContent()).toBe(
      'On the workspace “main”.',
    );
    await shoot(page, 'patch-rollback-asked');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    // Focus is back on the button that asked (it went to <body>).
    const opener = page.getByTestId('act').getByRole('button', { name: 'Roll back…', exact: true });
    await expectFocused(opener);
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(NEW_CONF);
    await rollBack(page);
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('rolled-back');
    await expectFocused(opener);
    expect(await readOpfs(page, ['workspaces', 'main'], 'app.conf')).toBe(OLD_CONF);
    await go(page, 'Inbox');
    const row = page.locator(`[data-testid="inbox-item"][data-key="${fixture.keys.reviewed}"]`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('rolled-back');
    // Beside what this device did, what the policy says now: it may go back on.
    expect(await row.getByTestId('inbox-verdict').getAttribute('data-status')).toBe('allowed');
    expect(await row.getByTestId('inbox-verdict').textContent()).toBe('Allowed here');
  });

  it('applies to a picked folder through the same code (an OPFS directory stands in for the picker)', async () => {
    await writeOpfs(page, ['picked-folder'], 'app.conf', OLD_CONF);
    await page.evaluate(() => {
      (
        window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle('picked-folder');
    });
    await showPatch(page, fixture.keys.reviewed);
    await page.getByLabel('A folder on this computer').check();
    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await expect.poll(() => page.getByTestId('folder-name').textContent()).toBe('picked-folder');
    await clickAct(page, 'Apply');
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');
    expect(await readOpfs(page, ['picked-folder'], 'app.conf')).toBe(NEW_CONF);
    await expectAccessible(page, 'patch detail, applied to a folder');
    await shoot(page, 'patch-applied-folder');
    // After a reload the folder's handle is gone: the panel starts on the folder, named.
    await page.reload();
    await showPatch(page, fixture.keys.reviewed);
    await expect.poll(() => page.getByLabel('A folder on this computer').isChecked()).toBe(true);
    expect(await page.getByTestId('folder-last').textContent()).toContain('“picked-folder”');
    // And a patch last applied to a workspace starts on that workspace.
    await showPatch(page, fixture.keys.plain);
    expect(await page.getByLabel('A workspace in this browser').isChecked()).toBe(true);
  });

  it('leaves every action on the ledger: attest, applied and rolled-back with tree hashes, the refusal', async () => {
    const entries = (await exportLedger(page, files)).filter(
      (e) => e.author === did && e.kind === 'attest',
    );
    const mine = entries.map((e) => ({ ...e.body }));
    const main = `${did}:workspace:main`;
    expect(mine).toContainEqual({
      patch: fixture.keys.plain,
      reason: 'tested',
      note: 'Ran the plant 4 bench suite.',
    });
    const applied = mine.filter((b) => b.reason === 'applied');
    expect(applied.map((b) => b.target)).toEqual([main, `${did}:folder:picked-folder`]);
    for (const body of applied) {
      expect(body.patch).toBe(fixture.keys.reviewed);
      expect(body.treeBefore).toMatch(/^sha256:/);
      expect(body.treeAfter).toMatch(/^sha256:/);
      expect(body.treeAfter).not.toBe(body.treeBefore);
      expect(body.decision).toMatch(/^sha256:/);
    }
    const rolledBack = mine.find((b) => b.reason === 'rolled-back');
    expect(rolledBack).toMatchObject({
      target: main,
      treeBefore: applied[0]?.treeAfter,
      treeAfter: applied[0]?.treeBefore,
    });
    expect(mine.find((b) => b.reason === 'rejected')).toMatchObject({
      patch: fixture.keys.failed,
      code: 'POLICY_DENIED',
      target: `${did}:workspace:denied`,
    });
    await expectAccessible(page, 'ledger with entries');
  });

  it('keeps the Inbox and its statuses across a reload', async () => {
    await page.reload();
    await go(page, 'Inbox');
    const row = (name: Name) =>
      page.locator(`[data-testid="inbox-item"][data-key="${fixture.keys[name]}"]`);
    await expect.poll(() => row('reviewed').getAttribute('data-status')).toBe('applied');
    expect(await row('failed').getAttribute('data-status')).toBe('denied');
    expect(await row('plain').getAttribute('data-status')).toBe('needs-review');
    expect(await row('stranger').getAttribute('data-status')).toBe('untrusted');
    await go(page, 'Team');
    await expectAccessible(page, 'team, open');
  });
});

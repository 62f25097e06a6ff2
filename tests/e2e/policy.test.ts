/**
 * The Policy screen in real Chromium against the production build, on a team ledger made in
 * Node (two admins and this browser's device as a third, threshold 2, 1,000 published patches,
 * policy version 1 in force): the form and the JSON view edit the same draft both ways; an
 * invalid value shows its problem at its field and blocks publishing; a CEL condition that
 * does not compile is shown at the rule; simulate shows the patches a stricter draft would
 * deny, with the rule that differs (long tasks printed beside a reference); publish as an admin
 * puts a policy entry on the ledger and shows the threshold's progress. A device that is not
 * an admin sees why it cannot publish. axe finds no serious violation on the screen.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildPolicyTeam, POLICY_V1, type PolicyTeam } from '../helpers/policy-team.ts';
import { expectAccessible } from './accessibility.ts';
import { joinWithLedgerFile } from './join.ts';
import {
  collectPageErrors,
  withoutSignaling,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  watchLongTasks,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const PATCHES = 1000;

/** This browser's device did, from Settings (the key is made when the app first starts). */
async function deviceDid(page: Page, url: string): Promise<string> {
  await page.goto(`${url}#/settings`);
  const did = page.getByTestId('device-identity').locator('[data-did]');
  await did.waitFor();
  return (await did.getAttribute('data-did')) ?? '';
}

/** Joins `team` by invitation link and imports its ledger file, then opens the Policy screen. */
async function joinTeam(page: Page, url: string, team: PolicyTeam, dir: string, device: string) {
  const file = join(dir, `${device.replace(/\s+/g, '-')}.ledger`);
  await writeFile(file, team.file());
  await joinWithLedgerFile(page, url, { ledgerId: team.ledger.id, name: team.name }, device, file);
  await page.getByTestId('import-report').waitFor({ timeout: 120_000 });
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Policy' })
    .click();
  await page.getByTestId('in-force').waitFor();
}

interface Opened {
  server: WebServer;
  browser: LaunchedBrowser;
  dir: string;
  team: PolicyTeam;
}

/** Serves the app, starts Chromium, makes the team (with this device as an admin if asked). */
async function openScreen(device: string, patches: number, admin: boolean): Promise<Opened> {
  const [dir, server] = await Promise.all([
    mkdtemp(join(tmpdir(), 'patchtrail-policy-')),
    ensureWebBuild().then(() => serveWebApp()),
  ]);
  const browser = await launchChromium();
  const admins = admin ? [await deviceDid(browser.page, server.url)] : [];
  const team = await buildPolicyTeam({ patches, admins });
  await joinTeam(browser.page, server.url, team, dir, device);
  return { server, browser, dir, team };
}

async function closeScreen(opened: Opened | undefined): Promise<void> {
  await opened?.browser.close();
  await opened?.server.close();
  if (opened !== undefined) await rm(opened.dir, { recursive: true, force: true });
}

const summary = (page: Page) => page.getByTestId('check-summary').textContent();
const publishButton = (page: Page) => page.getByRole('button', { name: /Sign and publish/ });

describeBrowser('the Policy screen (Chromium, production build)', () => {
  let opened: Opened;
  let page: Page;
  let errors: string[];
  let team: PolicyTeam;

  beforeAll(async () => {
    opened = await openScreen('Admin desk', PATCHES, true);
    ({ team } = opened);
    page = opened.browser.page;
    errors = collectPageErrors(page);
  }, 240_000);
  afterAll(() => closeScreen(opened));
  afterEach(() => {
    // The app looks for its room's signaling at once; this static server has none to find.
    expect(withoutSignaling(errors)).toEqual([]);
  });

  it('shows the policy in force with its threshold progress, and is accessible', async () => {
    const inForce = page.getByTestId('in-force');
    expect(await inForce.textContent()).toContain('Version 1 — Plant policy');
    expect(await page.getByTestId('in-force-progress').textContent()).toContain(
      'Version 1 published by 2 admins (2 needed)',
    );
    await expect.poll(() => summary(page)).toContain('Valid');
    expect(await page.getByLabel('Version', { exact: true }).inputValue()).toBe('2');
    await shoot(page, 'policy-screen');
    await expectAccessible(page, 'policy (form)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'policy (form, dark)');
    await page.emulateMedia({ colorScheme: null });
  });

  it('edits in the form show in the JSON, and the reverse', async () => {
    await page.getByLabel('How many').fill('2');
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = page.getByLabel('Policy as JSON');
    expect(JSON.parse(await json.inputValue())).toMatchObject({ rules: [{ count: 2 }] });
    const text = (await json.inputValue()).replace('"Plant policy"', '"Plant policy, two reviews"');
    await json.fill(text);
    await shoot(page, 'policy-json');
    await expectAccessible(page, 'policy (JSON)');
    await page.getByRole('tab', { name: 'Form' }).click();
    const name = page.getByLabel('Policy name');
    expect(await name.inputValue()).toBe('Plant policy, two reviews');
    // Typed key by key: each keystroke rewrites the text, and the field keeps focus and caret.
    await name.press('End');
    await name.pressSequentially(' (draft)');
    expect(await name.inputValue()).toBe('Plant policy, two reviews (draft)');
    expect(await name.evaluate((el) => el === document.activeElement)).toBe(true);
    await name.fill('Plant policy, two reviews');
  });

  it('sets the edits aside when a template replaces the draft, and brings them back', async () => {
    const name = page.getByLabel('Policy name');
    expect(await name.inputValue()).toBe('Plant policy, two reviews');
    await page.getByRole('button', { name: 'Start from a template' }).click();
    const aside = page.getByTestId('draft-replaced');
    expect(await aside.textContent()).toContain('your edits were set aside');
    expect(await name.inputValue()).not.toBe('Plant policy, two reviews');
    await shoot(page, 'policy-draft-replaced');
    await page.getByRole('button', { name: 'Bring back my edits' }).click();
    expect(await name.inputValue()).toBe('Plant policy, two reviews');
    expect(await page.getByLabel('How many').inputValue()).toBe('2');
    expect(await aside.count()).toBe(0);
  });

  it('offers nothing to publish while the draft is the policy in force', async () => {
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = page.getByLabel('Policy as JSON');
    const edited = await json.inputValue();
    await json.fill(JSON.stringify(POLICY_V1, null, 2));
    await expect
      .poll(() => page.getByTestId('publish-blocked').textContent())
      .toBe('This draft is the policy in force: start from it to make the next version.');
    expect(await publishButton(page).isDisabled()).toBe(true);
    await json.fill(edited);
    await page.getByRole('tab', { name: 'Form' }).click();
    await expect.poll(() => publishButton(page).isDisabled()).toBe(false);
  });

  it('shows a JSON syntax error at its line and column, and the form takes no edits then', async () => {
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = page.getByLabel('Policy as JSON');
    const good = await json.inputValue();
    await json.fill(good.replace('"version": 2,', '"version": 2'));
    const error = page.getByTestId('json-error');
    expect(await error.textContent()).toMatch(/^Line 4, column 3: expected "," or "}"/);
    await page.getByRole('tab', { name: 'Form' }).click();
    expect(await page.getByLabel('How many').isDisabled()).toBe(true);
    expect(await publishButton(page).isDisabled()).toBe(true);
    await page.getByRole('tab', { name: 'JSON' }).click();
    await json.fill(good);
    await page.getByRole('tab', { name: 'Form' }).click();
    expect(await page.getByLabel('How many').isDisabled()).toBe(false);
  });

  it('shows an invalid value at its field and blocks publishing until it is fixed', async () => {
    await page.getByLabel('How many').fill('0');
    const problem = page.locator('[data-testid="field-problem"][data-path="/rules/0/count"]');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/must be from 1 to 64/);
    expect(await page.getByLabel('How many').getAttribute('aria-invalid')).toBe('true');
    expect(await summary(page)).toContain('1 problem');
    expect(await publishButton(page).isDisabled()).toBe(true);
    await shoot(page, 'policy-invalid');
    await page.getByLabel('How many').fill('2');
    await expect.poll(() => summary(page)).toContain('Valid');
    expect(await publishButton(page).isDisabled()).toBe(false);
  });

  it('shows a CEL condition that does not compile at the rule, with the variables offered', async () => {
    await page.getByLabel('New rule').selectOption('cel');
    await page.getByRole('button', { name: 'Add the rule' }).click();
    const condition = page.getByLabel('Condition (CEL)');
    await condition.fill('patch.creater == ""');
    const problem = page.locator('[data-testid="field-problem"][data-path="/rules/1/expression"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('creater');
    expect(await publishButton(page).isDisabled()).toBe(true);
    await page.getByText('Variables the condition can use').click();
    expect(await page.locator('.cel-var-list').textContent()).toContain('inStanding');
    await shoot(page, 'policy-cel');
    await expectAccessible(page, 'policy (CEL rule)');
    await condition.fill('patch.reason.startsWith("fix")');
    await expect.poll(() => problem.count()).toBe(0);
    // Moved from the keyboard, focus goes with the rule (it stayed on the button, now another
    // rule's) and the move is said; so is a removal.
    const focusedLabel = () =>
      page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await page.getByRole('button', { name: 'Move cel up' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(focusedLabel).toMatch(/^Move cel (up|down)$/);
    const said = page.getByTestId('rule-said');
    expect(await said.textContent()).toMatch(/^Moved cel up: now rule 1 of \d+\.$/);
    await page.keyboard.press('Enter');
    await expect.poll(focusedLabel).toMatch(/^Move cel (up|down)$/);
    expect(await said.textContent()).toMatch(/^Moved cel down: now rule 2 of \d+\.$/);
    await page.getByRole('button', { name: 'Remove cel' }).click();
    await expect.poll(() => summary(page)).toContain('Valid');
    expect(await said.textContent()).toBe('Removed cel.');
  });

  it(`simulates on ${PATCHES} patches: the ones with one review become denied, by that rule`, async () => {
    const longTasks = await watchLongTasks(page);
    const started = Date.now();
    await page.getByRole('button', { name: 'Simulate this draft' }).click();
    const result = page.getByTestId('sim-summary');
    await result.waitFor({ timeout: 120_000 });
    const elapsed = Date.now() - started;
    const tasks = await longTasks();
    const denied = team.reviews[1].length;
    expect(await result.textContent()).toContain(
      `${PATCHES.toLocaleString('en-US')} patches judged`,
    );
    expect(await result.textContent()).toContain(
      `${denied} would become denied, 0 would become allowed`,
    );
    const first = page.getByTestId('sim-row').first();
    expect(await first.getAttribute('data-changed')).toBe('true');
    expect(await first.textContent()).toMatch(/allowed.*would be denied/);
    expect(await first.textContent()).toContain('reviewed: pass → fail');
    const reference = await watchLongTasks(page);
    await page.waitForTimeout(Math.min(elapsed, 5000));
    const idle = await reference();
    console.log(
      `policy simulate: ${PATCHES} patches in ${elapsed} ms; long tasks (> 50 ms): ${tasks.map((t) => t.toFixed(0)).join(', ') || 'none'}; ` +
        `reference, the idle page for as long: ${idle.map((t) => t.toFixed(0)).join(', ') || 'none'}`,
    );
    await shoot(page, 'policy-simulate');
    await expectAccessible(page, 'policy (simulation)');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'policy (simulation, dark)');
    await page.emulateMedia({ colorScheme: null });
  }, 180_000);

  it('publishes as an admin: the ledger holds the entry, and the screen shows 1 of 2', async () => {
    await publishButton(page).click();
    const outcome = page.getByTestId('publish-outcome');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.textContent()).toContain('Version 2 published by 1 admin (2 needed)');
    const pending = page.locator('[data-testid="policy-version"][data-state="pending"]');
    await pending.waitFor();
    expect(await pending.textContent()).toContain('Admin desk');
    await shoot(page, 'policy-published');
    if (process.env.PATCHTRAIL_SHOTS === '1')
      await page.screenshot({ path: '.tmp/shots/policy-published-full.png', fullPage: true });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Ledger' })
      .click();
    await page.getByLabel('Kind').selectOption('policy');
    await expect.poll(() => page.getByTestId('entry-count').textContent()).toMatch(/^3 of /);
  });
});

describeBrowser('the Policy screen on a device that is not an admin', () => {
  let opened: Opened;
  let page: Page;

  beforeAll(async () => {
    opened = await openScreen('Kiosk 7', 6, false);
    page = opened.browser.page;
  }, 240_000);
  afterAll(() => closeScreen(opened));

  it('cannot publish and says why, naming the admins', async () => {
    const why = page.getByTestId('publish-right');
    await why.waitFor();
    expect(await why.textContent()).toContain('This device is not an admin of this team.');
    expect(await why.textContent()).toContain('Bo');
    await expect.poll(() => summary(page)).toContain('Valid');
    expect(await publishButton(page).isDisabled()).toBe(true);
    expect(await page.getByTestId('draft-only').isVisible()).toBe(true);
    await shoot(page, 'policy-not-admin');
    await expectAccessible(page, 'policy (not an admin)');
  });
});

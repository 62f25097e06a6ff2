/**
 * Names an attacker picks, on the screens that show teammates: a team and systems registered
 * with names at the ledger's limit (4,096 characters, no space in them), and names holding a
 * right-to-left override, a zero-width space and a line break. Joined in real Chromium at a
 * phone's width: Team, Reputation, the Ledger explorer, Policy (a title of 200 characters,
 * rules naming every system), Settings and Audit (applies to a target named with 3,000
 * characters) stay inside the screen (nothing scrolls sideways), keep such a name to a few
 * lines, and show no invisible character unescaped. (A team name that long once made joining
 * hang: its invitation link, which carried the whole name, was too long for the Team page's
 * QR code.)
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import {
  appendAttestation,
  createBundle,
  Ledger,
  makeSeedSigner,
  serializeBundle,
  serializeEntries,
  type Signer,
} from '../../src/core/index.ts';
import { MAX_TEXT } from '../../src/core/ledger/limits.ts';
import { describeBrowser, shoot, useAppPage, withoutSignaling } from './browser.ts';
import { joinWithLedgerFile } from './join.ts';

const T = '2026-12-06T10:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const RLO = '\u202E';
const LONG = (letter: string) => letter.repeat(MAX_TEXT);
const NAMES = [LONG('W'), `builder${RLO}dliub\u200B`, `two\nlines`, LONG('界')];

let hostile: { ledgerId: string; name: string };

/** Writes the team's ledger file into `dir` (and notes its id and name). */
async function writeHostileTeam(dir: string): Promise<void> {
  const seed = (n: number) => makeSeedSigner(new Uint8Array(32).fill(n));
  const admin = await seed(1);
  const name = LONG('T');
  const ledger = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  await ledger.append(admin, 'register', { name: LONG('A') }, T);
  const systems: Signer[] = [];
  for (const [i, system] of NAMES.entries()) {
    const signer = await seed(10 + i);
    systems.push(signer);
    await ledger.append(signer, 'register', { name: system }, T);
  }
  for (const [i, role] of ['builder', 'reviewer', 'tester'].entries())
    await ledger.append(
      admin,
      'endorse',
      { subject: (systems[i] as Signer).did, role, stake: 10 },
      T,
    );
  for (const [i, system] of systems.entries())
    await ledger.append(
      system,
      'attest',
      { patch: PATCH, reason: 'built', note: i === 0 ? LONG('N') : `run ${RLO}${i}` },
      T,
    );
  // An apply by each system, to a target named at the limit too: the Audit screen lists them.
  for (const system of systems)
    await ledger.append(
      system,
      'attest',
      { patch: PATCH, reason: 'applied', target: `${system.did}:${'G'.repeat(3000)}` },
      T,
    );
  // Two versions of a policy with the longest title a policy may have, naming every system:
  // the second in force, the first superseded, each listing its signer (the admin).
  for (const version of [1, 2])
    await ledger.append(
      admin,
      'policy',
      {
        version,
        policy: {
          format: 'urn:patchtrail:policy:v1',
          version,
          name: 'P'.repeat(200),
          rules: [
            {
              id: 'built',
              kind: 'attestations',
              mode: 'enforce',
              reason: 'built',
              count: 1,
              from: { systems: systems.map((s) => s.did) },
            },
          ],
        },
      },
      T,
    );
  // A bundle by the system with the longest name, reviewed by another: its Patch page names both.
  const bundle = await appendAttestation(
    await createBundle({
      diff: 'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n',
      signer: systems[0] as Signer,
      reason: 'Fix the greeting',
      now: new Date(T),
    }),
    { signer: systems[3] as Signer, role: 'reviewer', verdict: 'pass', now: new Date(T) },
  );
  await writeFile(join(dir, 'fix.json'), serializeBundle(bundle));
  hostile = { ledgerId: ledger.id, name };
  await writeFile(join(dir, 'team.ledger'), serializeEntries(ledger.all()));
}

/** How far the page scrolls sideways (0 when everything fits its width). */
const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Texts on the page holding a character the app must show escaped. */
const invisible = (page: Page) =>
  page.evaluate(() => {
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const bad = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u202A-\u202E\u2066-\u2069]/u;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const tag = node.parentElement?.tagName ?? '';
      if (!['STYLE', 'SCRIPT'].includes(tag) && bad.test((node as Text).data))
        found.push(JSON.stringify((node as Text).data.slice(0, 40)));
    }
    return found;
  });

describeBrowser('names shaped by an attacker, at a phone’s width (Chromium)', () => {
  // The joined team looks for its room's signaling, which the static test server lacks.
  const session = useAppPage('names', (dir) => writeHostileTeam(dir), withoutSignaling);
  let page: Page;
  beforeAll(async () => {
    page = session.page;
    await page.setViewportSize({ width: 390, height: 844 });
    const team = { ledgerId: hostile.ledgerId, name: hostile.name };
    const file = join(session.dir, 'team.ledger');
    await joinWithLedgerFile(page, session.server.url, team, 'Field tablet', file);
    await page.getByTestId('team-title').waitFor({ timeout: 60_000 });
  }, 120_000);

  for (const [screen, hash, ready] of [
    ['team', '#/team', 'member'],
    ['reputation', '#/reputation', 'rep-system'],
    ['ledger', '#/ledger', 'entry-row'],
    ['policy', '#/policy', 'policy-version'],
    ['settings', '#/settings', 'device-identity'],
    ['audit', '#/audit', 'audit-row'],
  ] as const)
    it(`${screen}: stays inside 390 px and shows no invisible character`, async () => {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.getByTestId(ready).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(300); // the names and scores fill in
      await shoot(page, `hostile-names-${screen}`);
      expect(await sideways(page)).toBe(0);
      expect(await invisible(page)).toEqual([]);
      // A 4,096-character name takes a few lines (at most six), not the screen (about 90 lines at
      // 390 px); a version row holds a cut title and its state beside "Version 1".
      const tallest = await page
        .locator(
          '[data-testid="team-title"], .member-name, .rep-name, .people li, .in-force-line, .version-row > div, .choice-list li, [data-testid="in-force"] > p, [aria-labelledby="teams-title"] li, .audit-head > *, .audit-row p',
        )
        .evaluateAll((found) => Math.max(0, ...found.map((e) => e.getBoundingClientRect().height)));
      expect(tallest).toBeLessThan(160);
    });

  it('policy: a draft naming every system stays inside 390 px', async () => {
    await page.evaluate(() => (location.hash = '#/policy'));
    await page.getByRole('button', { name: 'Start from the policy in force' }).click();
    const choices = page.locator('.choice-list li');
    await choices.first().waitFor({ timeout: 30_000 });
    await shoot(page, 'hostile-names-policy-draft');
    expect(await sideways(page)).toBe(0);
    expect(await invisible(page)).toEqual([]);
    const tallest = await choices.evaluateAll((found) =>
      Math.max(0, ...found.map((e) => e.getBoundingClientRect().height)),
    );
    expect(tallest).toBeLessThan(160);
  });

  it('patch: a bundle by and reviewed by such systems stays inside 390 px', async () => {
    await page.evaluate(() => (location.hash = '#/inbox'));
    await page.getByTestId('file-input').setInputFiles(join(session.dir, 'fix.json'));
    await page.locator('[data-testid="verdict"][data-file="fix.json"]').waitFor();
    await page.getByTestId('meta-author-name').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300); // the lineage and the decision fill in
    // The policy asks for a build by a named system: the headline says so, not "reviews".
    await expect
      .poll(() => page.getByTestId('verdict-headline').textContent())
      .toContain('Not yet: this patch needs more builds before it can be applied here');
    await shoot(page, 'hostile-names-patch');
    expect(await sideways(page)).toBe(0);
    expect(await invisible(page)).toEqual([]);
    const tallest = (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((found) => Math.max(0, ...found.map((e) => e.getBoundingClientRect().height)));
    expect(
      await tallest('[data-testid="meta-author-name"], [data-testid="signature-name"]'),
    ).toBeLessThan(160);
    // The decision's lines name several systems each (four here) beside its own words: a few
    // lines a name, where one name uncut took 6,545 px.
    expect(await tallest('[data-testid="verdict"] li, [data-testid="verdict"] p')).toBeLessThan(
      600,
    );
  });

  it('reputation: a system’s detail stays inside 390 px', async () => {
    await page.evaluate(() => (location.hash = '#/reputation'));
    await page.getByTestId('rep-system').first().click();
    await page.getByTestId('rep-detail').waitFor();
    await page.waitForTimeout(300);
    await shoot(page, 'hostile-names-reputation-detail');
    expect(await sideways(page)).toBe(0);
    const heading = page.getByTestId('rep-detail').getByRole('heading').first();
    expect(await heading.evaluate((e) => e.getBoundingClientRect().height)).toBeLessThan(120);
    expect(await invisible(page)).toEqual([]);
  });
});

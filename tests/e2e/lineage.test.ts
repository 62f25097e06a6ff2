/**
 * The lineage graph in the Patch detail, in real Chromium against the production build: the
 * author, the checks the bundle carried and the ledger's hops, one node per system and stage,
 * filled by reputation; the path the patch reached this device through drawn bold (the
 * bundle's signatures and this device's apply); a flagged author and a malicious (equivocating)
 * system marked; a node chosen by keyboard or pointer explains its score.
 */
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { expectAccessible } from './accessibility.ts';
import { describeBrowser, shoot, type WebServer } from './browser.ts';
import { OLD_CONF, type WorkflowFixture } from './workflow-fixture.ts';
import {
  clickAct,
  joinPlant4,
  openBundle,
  showPatch,
  workflowBrowser,
  writeOpfs,
} from './workflow-steps.ts';

/** The lineage panel alone at phone width, beside the full-page shots. */
async function shootPanel(page: Page, name: string): Promise<void> {
  await page.getByTestId('lineage').scrollIntoViewIfNeeded();
  await shoot(page, name);
  if (process.env.PATCHTRAIL_SHOTS !== '1') return;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 900 });
  await page.getByTestId('lineage').screenshot({ path: `.tmp/shots/${name}-panel-390.png` });
  if (size !== null) await page.setViewportSize(size);
}

const node = (page: Page, stage: string, did: string) =>
  page.locator(`[data-testid="lineage-node"][data-stage="${stage}"][data-did="${did}"]`);

async function nodesOf(page: Page) {
  await page.getByTestId('lineage-svg').waitFor();
  return page
    .getByTestId('lineage-node')
    .evaluateAll((nodes) =>
      nodes.map((n) => `${n.getAttribute('data-stage')} ${n.getAttribute('data-did')}`),
    );
}

describeBrowser('the lineage graph (Chromium, production build)', () => {
  const session = workflowBrowser('lineage');
  let server: WebServer;
  let page: Page;
  let fixture: WorkflowFixture;
  let did = '';

  beforeAll(() => {
    ({ server, page, fixture } = session);
  });

  it('joins the team, takes two bundles and applies the reviewed one here', async () => {
    did = await joinPlant4(page, fixture, server.url);
    await openBundle(page, fixture.bundles.reviewed);
    await openBundle(page, fixture.bundles.flagged);
    await writeOpfs(page, ['workspaces', 'main'], 'app.conf', OLD_CONF);
    await showPatch(page, fixture.keys.reviewed);
    await clickAct(page, 'Apply');
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');
  });

  it('draws author → builder → checks → forwarder → this device, with the path here in bold', async () => {
    const { author, rita, sam } = fixture.dids;
    // The graph may be drawn from the ledger as it stood just before the apply was recorded.
    await expect
      .poll(() => nodesOf(page))
      .toEqual([
        `author ${author}`,
        `built ${author}`,
        `checked ${rita}`,
        `checked ${sam}`,
        `forwarded ${sam}`,
        `applied ${did}`,
      ]);
    const offPath = await page
      .locator('[data-testid="lineage-node"][data-on-path="no"]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-stage')));
    // Ada's build is a leaf apart; the apply here named Sam's forward as its parent.
    expect(offPath).toEqual(['built']);
    const bold = page.locator('[data-testid="lineage-edge"][data-on-path="yes"]');
    expect(await bold.count()).toBe(4);
    expect(await page.getByTestId('lineage-edge').count()).toBe(5);
    expect(await node(page, 'author', author).getAttribute('data-band')).not.toBe('unknown');
    expect(await node(page, 'author', author).getAttribute('aria-label')).toContain('Ada');
    await expectAccessible(page, 'patch detail with lineage');
    await shootPanel(page, 'lineage-path');
    // Five stages fit a wide window; on a phone the page says the picture scrolls sideways.
    const wider = page.getByTestId('lineage-wider');
    expect(await wider.count()).toBe(0);
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 900 });
    await expect.poll(() => wider.count()).toBe(1);
    expect(await wider.textContent()).toContain('scroll it sideways');
    if (size !== null) await page.setViewportSize(size);
    await expect.poll(() => wider.count()).toBe(0);
  });

  it('explains a node’s score when it is chosen with the keyboard', async () => {
    await node(page, 'checked', fixture.dids.rita).focus();
    await page.keyboard.press('Enter');
    const explain = page.getByTestId('lineage-explain');
    await explain.waitFor();
    expect(await explain.getByRole('heading', { level: 3 }).textContent()).toContain('Rita');
    expect(await page.getByTestId('lineage-score').textContent()).toMatch(
      /^\d+\.\d% of the team’s trust, rank \d+ of \d+/,
    );
    expect(await page.getByTestId('lineage-acts').textContent()).toMatch(
      /^reviewer \(pass\), 2026-11-22 11:00:00 UTC — a signature in the bundle$/,
    );
    expect(await node(page, 'checked', fixture.dids.rita).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await node(page, 'forwarded', fixture.dids.sam).click();
    expect(await page.getByTestId('lineage-acts').textContent()).toContain('forwarded');
    await shootPanel(page, 'lineage-explain');
  });

  it('shows the focused node by a ring of its own, on the most trusted fill too', async () => {
    const ringOf = (g: Element) => {
      const style = (part: string) => getComputedStyle(g.querySelector(part) as Element);
      return {
        ring: style('.lineage-ring').stroke,
        halo: style('.lineage-halo').stroke,
        fill: style('.lineage-box').fill,
      };
    };
    const high = page.locator('[data-testid="lineage-node"][data-band="high"]').first();
    // From the keyboard (the last test clicked): focus-visible is the keyboard's focus.
    await page.keyboard.press('Shift');
    await high.focus();
    const focused = await high.evaluate(ringOf);
    expect(focused.ring).not.toBe('none');
    expect(focused.halo).not.toBe('none');
    expect(focused.ring).not.toBe(focused.fill);
    expect(focused.halo).not.toBe(focused.ring);
    // Chosen, the focus elsewhere: no ring (the two states are told apart).
    await page.keyboard.press('Enter');
    await node(page, 'forwarded', fixture.dids.sam).focus();
    expect((await high.evaluate(ringOf)).ring).toBe('none');
  });

  it('marks a flagged patch’s author and a malicious system in the chain', async () => {
    await showPatch(page, fixture.keys.flagged);
    const { author, mallory } = fixture.dids;
    expect(await nodesOf(page)).toContain(`checked ${mallory}`);
    expect(await node(page, 'author', author).getAttribute('data-flagged')).toBe('yes');
    expect(await node(page, 'checked', mallory).getAttribute('data-malicious')).toBe('yes');
    expect(await node(page, 'checked', mallory).getAttribute('aria-label')).toContain('malicious');
    await node(page, 'author', author).click();
    expect(await page.getByTestId('lineage-flags').textContent()).toContain(
      'flagged as compromised',
    );
    await node(page, 'checked', mallory).click();
    expect(await page.getByTestId('lineage-explain').textContent()).toContain('Malicious');
    await expectAccessible(page, 'lineage, flagged and malicious');
    await shootPanel(page, 'lineage-flagged');
  });
});

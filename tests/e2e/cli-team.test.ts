/**
 * A team whose admin and author work in the CLI, and a technician in the app (real Chromium,
 * the production build): the admin founds the ledger and prints an invitation with `ledger
 * invite`; the browser joins by that link and takes the ledger file; its registration goes back
 * through `ledger import`, the admin endorses it, and the endorsement comes back. The author's
 * bundle of a real vim security patch (Debian's CVE-2023-4738, not UTF-8), reviewed on the
 * ledger, is "Safe to apply" in the app, applies to a workspace byte for byte as the CLI
 * applies it, and the app's `applied` record reads back in the CLI's audit.
 */
import { cpSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { readInvitationLink } from '../../src/core/ledger/invitation.ts';
import { cliWorkspace, ROOT } from '../helpers/cli.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  withoutSignaling,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import { joinByInvitation } from './join.ts';
import { clickAct, exportLedger, go, openBundle } from './workflow-steps.ts';

const VIM = join(ROOT, 'tests/fixtures/vim');
const PATCH = join(VIM, 'CVE-2023-4738.patch');
const BEFORE = join(VIM, 'CVE-2023-4738/before');

const { dir, at, ok, pt } = cliWorkspace('pt-cli-team-');
const L = () => ['--ledger', at('team.ledger')];
const dids: Record<string, string> = {};

/** Every file under `dir`, by path relative to it, with its bytes. */
function filesOf(dir: string, base = dir): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [k, v] of filesOf(path, base)) out.set(k, v);
    else out.set(relative(base, path), readFileSync(path));
  }
  return out;
}

/** Writes `files` into the OPFS workspace `name`, byte for byte. */
async function writeWorkspace(page: Page, name: string, files: Map<string, Buffer>) {
  const list = [...files].map(([path, bytes]) => [path, [...bytes]] as const);
  await page.evaluate(
    async ([workspace, entries]) => {
      const root = await navigator.storage.getDirectory();
      const ws = await (
        await root.getDirectoryHandle('workspaces', { create: true })
      ).getDirectoryHandle(workspace, { create: true });
      for (const [path, bytes] of entries) {
        const parts = path.split('/');
        let dir = ws;
        for (const part of parts.slice(0, -1))
          dir = await dir.getDirectoryHandle(part, { create: true });
        const handle = await dir.getFileHandle(parts.at(-1) ?? '', { create: true });
        const writable = await handle.createWritable();
        await writable.write(new Uint8Array(bytes));
        await writable.close();
      }
    },
    [name, list] as const,
  );
}

/** The bytes of `path` in the OPFS workspace `name`, or null. */
function readWorkspace(page: Page, name: string, path: string): Promise<number[] | null> {
  return page.evaluate(
    async ([workspace, file]) => {
      try {
        let dir = await (
          await (await navigator.storage.getDirectory()).getDirectoryHandle('workspaces')
        ).getDirectoryHandle(workspace);
        const parts = file.split('/');
        for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
        const blob = await (await dir.getFileHandle(parts.at(-1) ?? '')).getFile();
        return [...new Uint8Array(await blob.arrayBuffer())];
      } catch {
        return null;
      }
    },
    [name, path] as const,
  );
}

describeBrowser('a team kept by the CLI, a technician in the app (Chromium)', () => {
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  const files: string[] = [];
  let link = '';

  /** The link `ledger invite` prints for the served app (`extra`: more options). */
  async function invite(...extra: string[]): Promise<string> {
    const r = await pt([
      'ledger',
      'invite',
      '--app',
      server.url,
      '--key',
      at('admin.pem'),
      ...extra,
      ...L(),
    ]);
    expect(r.code).toBe(0);
    return r.stdout.trim();
  }

  beforeAll(async () => {
    for (const who of ['admin', 'author', 'reviewer'])
      dids[who] = await ok(['keygen', '--out', at(`${who}.pem`)]);
    await ok([
      'ledger',
      'init',
      '--key',
      at('admin.pem'),
      '--name',
      'Line 3',
      '--admin-name',
      'Olga',
      ...L(),
    ]);
    await ok(['ledger', 'register', '--key', at('author.pem'), '--name', 'Ada Author', ...L()]);
    await ok([
      'ledger',
      'register',
      '--key',
      at('reviewer.pem'),
      '--name',
      'Rita Reviewer',
      ...L(),
    ]);
    const endorse = (who: string, role: string) =>
      ok(['ledger', 'endorse', dids[who] ?? '', '--role', role, '--key', at('admin.pem'), ...L()]);
    await endorse('author', 'developer');
    await endorse('reviewer', 'reviewer');
    await ok([
      'policy',
      'publish',
      join(ROOT, 'examples/tour/policy.json'),
      '--key',
      at('admin.pem'),
      ...L(),
    ]);
    const created = await ok([
      'create',
      '--diff',
      PATCH,
      '--key',
      at('author.pem'),
      '--component',
      'vim',
      '--out',
      at('vim-cve.json'),
    ]);
    expect(created).toBe('');
    await ok([
      'ledger',
      'attest',
      at('vim-cve.json'),
      '--key',
      at('reviewer.pem'),
      '--reason',
      'reviewed',
      ...L(),
    ]);
    await ensureWebBuild();
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    errors = collectPageErrors(page);
    link = await invite();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const path of [dir, ...files]) rmSync(path, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(withoutSignaling(errors)).toEqual([]);
  });

  it('shows, before joining, every signaling server an invitation would connect this device to', async () => {
    // TEST-NET-2 (RFC 5737): nobody answers there, and nothing is contacted before Join.
    await page.goto(await invite('--signal', 'ws://198.51.100.7:4444/signal'));
    const list = page.getByTestId('invitation-signaling');
    await list.waitFor();
    expect(await list.locator('code').allTextContents()).toEqual(['ws://198.51.100.7:4444/signal']);
    await page.goto(link);
    await page.getByTestId('invitation').waitFor();
    expect(await page.getByTestId('invitation-signaling').count()).toBe(0);
  });

  it('joins by the link `ledger invite` printed, with the ledger file the CLI keeps', async () => {
    expect(readInvitationLink(link)).toMatchObject({ ok: true, invitation: { name: 'Line 3' } });
    await joinByInvitation(page, link, 'Field tablet', at('team.ledger'));
    await page.getByTestId('team-title').waitFor();
    expect(await page.getByTestId('team-name').textContent()).toBe('Line 3');
    expect(await page.getByTestId('my-standing').getAttribute('data-standing')).toBe('pending');
    // The CLI's founder registered as Olga: the app names her so, not "Founder".
    const olga = page.getByTestId('member').filter({ hasText: 'Olga' });
    await expect.poll(() => olga.count()).toBe(1);
    expect(await page.locator('.member-name').allTextContents()).toEqual([
      'Field tablet',
      'Ada Author',
      'Olga',
      'Rita Reviewer',
    ]);
  });

  it('goes back to the CLI, is endorsed there, and sees its role when the ledger returns', async () => {
    const lines = await exportLedger(page, files);
    const device = lines.find((l) => l.kind === 'register' && l.body.name === 'Field tablet');
    expect(device).toBeDefined();
    const imported = await ok(['ledger', 'import', files.at(-1) ?? '', ...L()]);
    expect(imported).toContain('1 admitted');
    await ok([
      'ledger',
      'endorse',
      device?.author ?? '',
      '--role',
      'technician',
      '--key',
      at('admin.pem'),
      ...L(),
    ]);
    await go(page, 'Team');
    await page.getByTestId('ledger-file-input').setInputFiles(at('team.ledger'));
    await expect
      .poll(() => page.getByTestId('my-standing').getAttribute('data-standing'))
      .toBe('active');
    // No peer ever connected here: the ledger files taken are this device's syncs.
    await go(page, 'Peers');
    expect(await page.getByTestId('last-synced').textContent()).toBe('just now');
  });

  it('calls the reviewed real-world bundle safe to apply, naming its author and reviewer', async () => {
    await openBundle(page, at('vim-cve.json'));
    expect(await page.getByTestId('verdict').getAttribute('data-state')).toBe('allowed');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Safe to apply on this device',
    );
    const text = await page.locator('main').innerText();
    expect(text).toContain('Ada Author');
    expect(text).toContain('Rita Reviewer');
    await shoot(page, 'cli-team-allowed');
  });

  it('applies it to a workspace exactly as the CLI applies it, and the CLI’s provenance shows that apply', async () => {
    const before = filesOf(BEFORE);
    await writeWorkspace(page, 'main', before);
    await clickAct(page, 'Apply');
    expect(await page.getByTestId('act-result').getAttribute('data-status')).toBe('applied');

    cpSync(BEFORE, at('tree'), { recursive: true });
    await ok(['apply', at('vim-cve.json'), '--dir', at('tree'), '--trust', dids.author ?? '']);
    // Everything the CLI's apply left but its own state (.patchtrail/: lock, journal).
    const want = new Map([...filesOf(at('tree'))].filter(([p]) => !p.startsWith('.patchtrail/')));
    expect(want.has('src/testdir/crash/vim_regsub_both')).toBe(true);
    for (const [path, bytes] of want)
      expect(await readWorkspace(page, 'main', path), path).toEqual([...bytes]);

    await exportLedger(page, files);
    await ok(['ledger', 'import', files.at(-1) ?? '', ...L()]);
    const provenance = await ok(['ledger', 'provenance', at('vim-cve.json'), ...L()]);
    expect(provenance).toContain('Rita Reviewer');
    expect(provenance).toMatch(/applied.*Field tablet|Field tablet.*applied/);
  });

  it('drops an action’s refusal once the verdict it contradicts has changed (this device reviews)', async () => {
    const who = JSON.parse(await ok(['ledger', 'identities', '--json', ...L()])) as {
      identities: { did: string; name: string }[];
    };
    const tablet = who.identities.find((i) => i.name === 'Field tablet')?.did ?? '';
    await ok(['ledger', 'endorse', tablet, '--role', 'reviewer', '--key', at('admin.pem'), ...L()]);
    await go(page, 'Team');
    await page.getByTestId('ledger-file-input').setInputFiles(at('team.ledger'));
    await expect.poll(() => page.getByTestId('my-standing').textContent()).toContain('reviewer');
    const created = await ok([
      'create',
      ...['--diff', PATCH, '--key', at('author.pem'), '--reason', 'The same fix, rebuilt'],
      ...['--out', at('rebuilt.json')],
    ]);
    expect(created).toBe('');
    await openBundle(page, at('rebuilt.json'));
    expect(await page.getByTestId('verdict').getAttribute('data-state')).toBe('needs-review');
    const applyPanel = page.getByTestId('apply-panel');
    await clickAct(page, 'Dry run');
    expect(await applyPanel.getByTestId('act-error').textContent()).toContain('POLICY_DENIED');
    // This device reviews it, on this page: the verdict turns, and the old refusal goes.
    await page.getByLabel('What you did').selectOption('reviewed');
    await page.getByRole('button', { name: 'Sign and record' }).click();
    await expect.poll(() => page.getByTestId('verdict').getAttribute('data-state')).toBe('allowed');
    expect(await applyPanel.getByTestId('act-error').count()).toBe(0);
  });

  it('names a reviewer the next ledger file proves to have forked, first among the members, and the bundle is no longer safe', async () => {
    // The reviewer's key signs two different stories at one sequence number, one per copy.
    cpSync(at('team.ledger'), at('fork.ledger'));
    const T = ['--key', at('reviewer.pem'), '--reason'];
    await ok(['ledger', 'attest', at('vim-cve.json'), ...T, 'tested', ...L()]);
    await ok([
      'ledger',
      'attest',
      at('vim-cve.json'),
      ...T,
      'analyzed',
      '--ledger',
      at('fork.ledger'),
    ]);
    const cli = await ok(['ledger', 'import', at('fork.ledger'), ...L()]);
    expect(cli).toContain(`proven malicious: "Rita Reviewer" ${dids.reviewer}`);

    await go(page, 'Team');
    await page.getByTestId('ledger-file-input').setInputFiles(at('team.ledger'));
    const alert = page.getByTestId('import-equivocator');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toMatch(
      /Rita Reviewer signing two different entries at position \d+/,
    );
    expect(await page.locator('.member-name').first().textContent()).toBe('Rita Reviewer');
    await shoot(page, 'cli-team-equivocator');

    await openBundle(page, at('vim-cve.json'));
    expect(await page.getByTestId('verdict').getAttribute('data-state')).toBe('denied');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain('Rita Reviewer');
  });
});

/**
 * A ledger moves CLI → app → CLI by file and verifies at each end: the CLI founds a team and
 * writes entries; the app (Chromium, its own profile, the real IndexedDB store) opens that
 * file, adds its own entries and exports; `patchtrail ledger verify` accepts the export, `ledger
 * import` takes the app's entries, and what the CLI writes next reaches the app as an export
 * since the app's heads.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { cliWorkspace } from '../helpers/cli.ts';
import { describeBrowser } from './browser.ts';
import { usePeersPageInChromium } from './peers-harness.ts';

describeBrowser('ledger files between the CLI and the app', () => {
  const { at, ok, pt } = cliWorkspace('patchtrail-file-sync-');
  const served = usePeersPageInChromium();

  beforeAll(async () => {
    const { page } = served.browser();
    await page.goto(served.url());
    await page.waitForFunction(() => window.patchtrailPeers !== undefined);
  });

  it('moves a ledger CLI → app → CLI, verified at each end', async () => {
    const { page } = served.browser();
    const ledger = at('team.ledger');
    await ok(['keygen', '--out', at('admin.pem')]);
    const member = await ok(['keygen', '--out', at('member.pem')]);
    await ok([
      'ledger',
      'init',
      '--key',
      at('admin.pem'),
      '--name',
      'cli team',
      '--ledger',
      ledger,
    ]);
    await ok(['ledger', 'register', '--key', at('member.pem'), '--name', 'ci', '--ledger', ledger]);
    await ok([
      'ledger',
      'endorse',
      member,
      '--role',
      'builder',
      '--key',
      at('admin.pem'),
      '--ledger',
      ledger,
    ]);

    const report = await page.evaluate(
      (file) => window.patchtrailPeers.openFromFile(file),
      readFileSync(ledger).toString('base64'),
    );
    expect(report).toMatchObject({ admitted: 2, rejected: [], held: 0 });
    await page.evaluate(() => window.patchtrailPeers.append(9, 2));
    const exported = Buffer.from(
      await page.evaluate(() => window.patchtrailPeers.exportFile()),
      'base64',
    );
    writeFileSync(at('from-app.ledger'), exported);

    const verified = await pt(['ledger', 'verify', '--ledger', at('from-app.ledger'), '--json']);
    expect(verified.code).toBe(0);
    const summary = JSON.parse(verified.stdout) as { ok: boolean; entries: number; digest: string };
    expect(summary).toMatchObject({ ok: true, entries: 5 });
    const app = await page.evaluate(() => window.patchtrailPeers.snapshot());
    expect(summary.digest).toBe(app.digest);

    const imported = JSON.parse(
      await ok(['ledger', 'import', at('from-app.ledger'), '--ledger', ledger, '--json']),
    ) as { admitted: number; rejected: unknown[]; digest: string };
    expect(imported).toMatchObject({ admitted: 2, rejected: [], digest: app.digest });

    const device = await page.evaluate(() => window.patchtrailPeers.didOf(9));
    await ok([
      'ledger',
      'endorse',
      device,
      '--role',
      'reviewer',
      '--key',
      at('admin.pem'),
      '--ledger',
      ledger,
    ]);
    const heads = await page.evaluate(() => window.patchtrailPeers.heads());
    await ok([
      'ledger',
      'export',
      '--since',
      heads.join(','),
      '--out',
      at('new.ledger'),
      '--ledger',
      ledger,
    ]);
    expect(readFileSync(at('new.ledger'), 'utf8').trim().split('\n')).toHaveLength(2);
    const back = await page.evaluate(
      (file) => window.patchtrailPeers.importFile(file),
      readFileSync(at('new.ledger')).toString('base64'),
    );
    expect(back).toMatchObject({ admitted: 1, rejected: [] });
    const cli = JSON.parse(await ok(['ledger', 'verify', '--ledger', ledger, '--json'])) as {
      digest: string;
    };
    expect((await page.evaluate(() => window.patchtrailPeers.snapshot())).digest).toBe(cli.digest);
  });
});

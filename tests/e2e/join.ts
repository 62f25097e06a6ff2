/**
 * Joining a team in the browser without a peer: open the invitation link, name the device,
 * join, and hand the page the team's ledger file (as a teammate would send it). Every e2e test
 * that joins this way goes through `joinByInvitation`.
 */
import type { Page } from 'playwright-core';
import { invitationLink } from '../../src/core/ledger/invitation.ts';

/** An invitation to `team` with no signaling (the page is given the ledger file instead). */
const teamInvitation = (app: string, team: { ledgerId: string; name: string }): string =>
  invitationLink(app, {
    ledgerId: team.ledgerId,
    roomSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ',
    signaling: [],
    name: team.name,
  });

/** Opens `invitation`, names the device, joins, and gives the page `ledgerFile` (a path). */
export async function joinByInvitation(
  page: Page,
  invitation: string,
  deviceName: string,
  ledgerFile: string,
): Promise<void> {
  await page.goto(invitation);
  const name = page.getByLabel(/name this device|Your device’s name/);
  await name.waitFor().catch(async (error: unknown) => {
    // Say what the page showed instead, so a failure here can be told apart from a slow load.
    const shown = await page
      .locator('body')
      .innerText({ timeout: 5_000 })
      .catch(() => '?');
    throw new Error(`${String(error)}\nthe page at ${page.url()} showed: ${shown.slice(0, 600)}`);
  });
  await name.fill(deviceName);
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByRole('button', { name: 'Join this team' }).click();
  await page.getByTestId('waiting').waitFor();
  await page.getByTestId('ledger-file-input').setInputFiles(ledgerFile);
}

export async function joinWithLedgerFile(
  page: Page,
  app: string,
  team: { ledgerId: string; name: string },
  deviceName: string,
  ledgerFile: string,
): Promise<void> {
  await joinByInvitation(page, teamInvitation(app, team), deviceName, ledgerFile);
}

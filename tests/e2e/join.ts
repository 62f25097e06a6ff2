/**
 * Joining a team in the browser without a peer: open the invitation link, name the device,
 * join, and hand the page the team's ledger file (as a teammate would send it).
 */
import type { Page } from 'playwright-core';
import { invitationLink } from '../../src/app/invitation.ts';

export async function joinWithLedgerFile(
  page: Page,
  app: string,
  team: { ledgerId: string; name: string },
  deviceName: string,
  ledgerFile: string,
): Promise<void> {
  const link = invitationLink(app, {
    ledgerId: team.ledgerId,
    roomSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ',
    signaling: [],
    name: team.name,
  });
  await page.goto(link);
  await page.getByLabel('Your device’s name (teammates see it)').fill(deviceName);
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByRole('button', { name: 'Join this team' }).click();
  await page.getByTestId('waiting').waitFor();
  await page.getByTestId('ledger-file-input').setInputFiles(ledgerFile);
}

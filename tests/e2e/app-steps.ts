/** Steps through the app's UI that several end-to-end tests take. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

/** Opens a screen from the main navigation and waits for its heading. */
export async function go(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  await heading(page, label).waitFor();
}

/** Names this device from the form the page shows, and waits for the top bar to say it. */
export async function nameDevice(page: Page, name: string): Promise<void> {
  await page.getByLabel(/name this device|Your device’s name/).fill(name);
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect.poll(() => page.getByTestId('device-name').textContent()).toBe(name);
}

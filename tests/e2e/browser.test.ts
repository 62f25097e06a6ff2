/**
 * The browser helper's contract when Chromium is missing (faked here): the suite is skipped
 * with a printed reason, or, with PATCHTRAIL_REQUIRE_BROWSER=1, the test file fails.
 */
import type * as NodeFs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const existsSync = (path: string) => path !== '/usr/bin/chromium' && fs.existsSync(path);
  return { ...fs, existsSync, default: { ...fs, existsSync } };
});

const helper = await import('./browser.ts');

// describe() may only be called while collecting, so the helper is exercised here, at the
// top level, and the outcomes are asserted below.
const warnings: unknown[] = [];
const warn = vi.spyOn(console, 'warn').mockImplementation((message) => warnings.push(message));
vi.stubEnv('PATCHTRAIL_REQUIRE_BROWSER', '');
helper.describeBrowser('a browser suite on a machine without Chromium', () => {
  it('is skipped, never run', () => {
    throw new Error('ran although Chromium is missing');
  });
});
vi.stubEnv('PATCHTRAIL_REQUIRE_BROWSER', '1');
let requiredError: unknown;
try {
  helper.describeBrowser('a required browser suite', () => undefined);
} catch (error) {
  requiredError = error;
}
vi.unstubAllEnvs();
warn.mockRestore();

describe('describeBrowser without Chromium', () => {
  it('reports Chromium as missing', () => {
    expect(helper.hasChromium).toBe(false);
  });

  it('prints why the suite was skipped', () => {
    expect(warnings).toEqual(['skipped: Chromium not found at /usr/bin/chromium']);
  });

  it('fails when PATCHTRAIL_REQUIRE_BROWSER=1', () => {
    expect(requiredError).toBeInstanceOf(Error);
    expect((requiredError as Error).message).toBe(
      'PATCHTRAIL_REQUIRE_BROWSER=1 but Chromium not found at /usr/bin/chromium',
    );
  });
});

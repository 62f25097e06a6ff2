/**
 * The JavaScript a first screen loads, measured over the wire and gzipped (level 9), for the
 * shell test's budget and the app bench's row: every script response from `load()` until the
 * network is idle.
 */
import { gzipSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';

/** 150 KiB gzipped: the first screen's budget (issue 12, docs/app.md). */
export const INITIAL_JS_BUDGET = 150 * 1024;

export interface ScriptSize {
  file: string;
  text: string;
  gzip: number;
}

export async function initialScripts(page: Page, load: () => Promise<void>): Promise<ScriptSize[]> {
  const scripts: { url: string; body: Promise<Buffer> }[] = [];
  const onResponse = (response: Response) => {
    const type = response.headers()['content-type'] ?? '';
    if (type.includes('javascript')) scripts.push({ url: response.url(), body: response.body() });
  };
  page.on('response', onResponse);
  await load();
  await page.waitForLoadState('networkidle');
  page.off('response', onResponse);
  return Promise.all(
    scripts.map(async ({ url, body }) => ({
      file: new URL(url).pathname,
      text: (await body).toString('utf8'),
      gzip: gzipSync(await body, { level: 9 }).length,
    })),
  );
}

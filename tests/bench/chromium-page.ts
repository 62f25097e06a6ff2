/**
 * Our Ed25519 module inside headless Chromium, for the bench and for
 * tests/e2e/ed25519-browser.test.ts: vite bundles ./ed25519-page-entry.ts in memory, a
 * node:http server on 127.0.0.1 (random port) serves it, and Debian's Chromium, driven by
 * playwright-core, loads it. 127.0.0.1 is a secure context, so `crypto.subtle` is there.
 * Nothing leaves loopback: the server binds 127.0.0.1 and the context aborts every request
 * to any other origin.
 * Launching Chromium is shared with the e2e tests (tests/e2e/browser.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { build } from 'vite';
import { rm } from 'node:fs/promises';
import {
  bundleTestPage,
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
} from '../e2e/browser.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = fileURLToPath(new URL('./ed25519-page-entry.ts', import.meta.url));

/** Why Chromium cannot run here, or undefined when it can. */
export function chromiumMissingReason(): string | undefined {
  return hasChromium ? undefined : `${CHROMIUM_PATH} not found`;
}

/** Bundles the page entry (our module, @noble/curves and all) into one ES module, in memory. */
async function bundlePageEntry(): Promise<string> {
  const result = await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    publicDir: false,
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: ENTRY, formats: ['es'] },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const out of outputs) {
    if (!('output' in out)) continue;
    const entry = out.output.find((o) => o.type === 'chunk' && o.isEntry);
    if (entry?.type === 'chunk') return entry.code;
  }
  throw new Error('chromium-page: vite produced no entry chunk');
}

const INDEX_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>patchtrail ed25519</title>
<script type="module" src="/page.js"></script></head><body></body></html>`;

/** Serves exactly two in-memory files on 127.0.0.1 at a port the OS picks. */
async function serve(pageJs: string): Promise<{ server: Server; origin: string }> {
  const files = new Map([
    ['/', { type: 'text/html; charset=utf-8', body: INDEX_HTML }],
    ['/page.js', { type: 'text/javascript; charset=utf-8', body: pageJs }],
  ]);
  const server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

export interface Ed25519Page {
  page: Page;
  /** e.g. "156.0.8078.79", as the running browser reports it over CDP. */
  chromiumVersion: string;
  close(): Promise<void>;
}

/** Opens a page whose `window.patchtrailEd25519` is our module; call `close()` when done. */
export async function openEd25519Page(): Promise<Ed25519Page> {
  const pageJs = await bundlePageEntry();
  const { server, origin } = await serve(pageJs);
  let launched: LaunchedBrowser | undefined;
  const close = async (): Promise<void> => {
    await launched?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    launched = await launchChromium();
    const { context, page } = launched;
    await context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.patchtrailEd25519 !== undefined);
    const cdp = await context.newCDPSession(page);
    const { product } = await cdp.send('Browser.getVersion');
    await cdp.detach();
    const chromiumVersion = product.replace(/^\D*/, '');
    return { page, chromiumVersion, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The page's JS heap in use after a full garbage collection, read over CDP from outside the
 * page (a figure taken by the page's own script while its measuring call runs counts what that
 * call still holds).
 */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

export interface BundledPage {
  page: Page;
  browser: LaunchedBrowser;
  /** The directory served: files written here are served at the page's origin. */
  dir: string;
  origin: string;
  close(): Promise<void>;
}

/**
 * Bundles a page entry that may start Workers (vite writes them beside it), serves the
 * directory on 127.0.0.1, and opens it in Chromium with `extraArgs`; every request to another
 * origin is aborted. Waits until `window[ready]` is defined.
 */
export async function openBundledPage(
  entry: string,
  ready: string,
  extraArgs: string[] = [],
): Promise<BundledPage> {
  const dir = await bundleTestPage(entry, `patchtrail ${ready}`);
  const server = await serveWebApp(dir);
  let browser: LaunchedBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    browser = await launchChromium({ args: extraArgs });
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await browser.page.goto(server.url);
    await browser.page.waitForFunction((name) => name in window, ready);
    return { page: browser.page, browser, dir, origin, close };
  } catch (error) {
    await close();
    throw error;
  }
}

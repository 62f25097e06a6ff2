/**
 * Our Ed25519 module inside headless Chromium, for the bench and for
 * tests/e2e/ed25519-browser.test.ts: vite bundles ./ed25519-page-entry.ts in memory, a
 * node:http server on 127.0.0.1 (random port) serves it, and Debian's Chromium, driven by
 * playwright-core, loads it. 127.0.0.1 is a secure context, so `crypto.subtle` is there.
 * Nothing leaves loopback: the server binds 127.0.0.1 and the context aborts every request
 * to any other origin.
 *
 * The launcher part (`CHROMIUM_PATH`, `CHROMIUM_ARGS`, `launchChromium`) duplicates what
 * tests/e2e/browser.ts is meant to share; fold it in there once that exists.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = fileURLToPath(new URL('./ed25519-page-entry.ts', import.meta.url));

/** Why Chromium cannot run here, or undefined when it can. */
export function chromiumMissingReason(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found`;
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

/** A fresh profile in a temp dir; `chromium.launch` refuses --user-data-dir (PLATFORM.md). */
export async function launchChromium(): Promise<{ context: BrowserContext; profileDir: string }> {
  const profileDir = await mkdtemp(join(tmpdir(), 'patchtrail-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    return { context, profileDir };
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
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
  let launched: { context: BrowserContext; profileDir: string } | undefined;
  const close = async (): Promise<void> => {
    await launched?.context.close();
    if (launched) await rm(launched.profileDir, { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    launched = await launchChromium();
    const { context } = launched;
    await context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    const page = context.pages()[0] ?? (await context.newPage());
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

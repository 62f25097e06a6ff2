/**
 * Shared by the peer-to-peer browser tests: bundles ./peers-page-entry.ts, opens it in a
 * Chromium, records every request, WebSocket and RTCPeerConnection configuration the page
 * makes (to prove nothing but our own server is contacted), and drives `window.patchtrailPeers`.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import {
  bundleTestPage,
  launchChromium,
  serveWebApp,
  type LaunchOptions,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';
import {
  serveInNamespace,
  startNamespace,
  WEBRTC_ON_LOOPBACK,
  type Namespace,
  type NamespacedServer,
} from './netns.ts';

export const PEERS_ENTRY = fileURLToPath(new URL('./peers-page-entry.ts', import.meta.url));

export function bundlePeersPage(): Promise<string> {
  return bundleTestPage(PEERS_ENTRY, 'patchtrail peers');
}

export interface PeerPage {
  browser: LaunchedBrowser;
  page: Page;
  /** Every URL the page requested or opened a WebSocket to. */
  contacted: string[];
  /** Arguments of every RTCPeerConnection the page constructed. */
  rtcConfigs(): Promise<unknown[]>;
}

/** Records RTCPeerConnection configurations before any page script runs. */
const RECORD_RTC = `(() => {
  const Real = window.RTCPeerConnection;
  if (Real === undefined) return;
  window.__rtcConfigs = [];
  window.RTCPeerConnection = class extends Real {
    constructor(config, ...rest) {
      window.__rtcConfigs.push(JSON.parse(JSON.stringify(config ?? null)));
      super(config, ...rest);
    }
  };
})();`;

export async function watchPage(page: Page, contacted: string[]): Promise<void> {
  page.on('request', (request) => contacted.push(request.url()));
  page.on('websocket', (socket) => contacted.push(socket.url()));
  await page.addInitScript(RECORD_RTC);
}

export async function openPeerPage(url: string, options: LaunchOptions = {}): Promise<PeerPage> {
  const browser = await launchChromium(options);
  const contacted: string[] = [];
  await watchPage(browser.page, contacted);
  await browser.page.goto(url);
  await browser.page.waitForFunction(() => window.patchtrailPeers !== undefined);
  return {
    browser,
    page: browser.page,
    contacted,
    rtcConfigs: () =>
      browser.page.evaluate(() => (window as unknown as { __rtcConfigs: unknown[] }).__rtcConfigs),
  };
}

/** For a describe block: the peers page bundled and served, and one Chromium, for all tests. */
export function usePeersPageInChromium(): { url(): string; browser(): LaunchedBrowser } {
  let dir: string | undefined;
  let server: WebServer | undefined;
  let browser: LaunchedBrowser | undefined;
  beforeAll(async () => {
    dir = await bundlePeersPage();
    server = await serveWebApp(dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    url: () => server?.url ?? 'about:blank',
    browser: () => {
      if (browser === undefined) throw new Error('Chromium did not start');
      return browser;
    },
  };
}

export interface NamespacedPeers {
  /** The pages opened so far (the first `count` from the start). */
  readonly pages: PeerPage[];
  readonly server: NamespacedServer;
  /** Opens one more Chromium in the namespace (closed with the others). */
  open(): Promise<PeerPage>;
}

/**
 * For a describe block: a loopback-only namespace with `npm start`'s server serving the peers
 * page, and `count` Chromiums in it; nothing is started when `unavailable` says why not.
 */
export function usePeersInNamespace(
  count: number,
  unavailable: string | undefined,
): NamespacedPeers {
  let dir: string | undefined;
  let ns: Namespace | undefined;
  let server: NamespacedServer | undefined;
  const pages: PeerPage[] = [];
  const open = async () => {
    if (ns === undefined || server === undefined) throw new Error('no namespace');
    const page = await openPeerPage(server.url, {
      ...WEBRTC_ON_LOOPBACK,
      executablePath: ns.chromium,
    });
    pages.push(page);
    return page;
  };
  beforeAll(async () => {
    if (unavailable !== undefined) return;
    dir = await bundlePeersPage();
    ns = await startNamespace();
    server = await serveInNamespace(ns, dir);
    await Promise.all(Array.from({ length: count }, open));
  });
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.browser.close()));
    await server?.close();
    await ns?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    pages,
    get server() {
      if (server === undefined) throw new Error('no server');
      return server;
    },
    open,
  };
}

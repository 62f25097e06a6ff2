/**
 * Shared by every test that drives a real browser: finds Debian's Chromium, launches it
 * headless with a fresh profile, builds the web app when dist/web is missing or older than
 * its sources, and serves dist/web on 127.0.0.1 at a free port with a tiny static server.
 *
 * Without Chromium the suite is skipped with a printed reason, unless
 * PATCHTRAIL_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { CONTENT_TYPES } from '../../src/server/static-files.ts';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(REPO_ROOT, 'dist', 'web');

/** Headless, quiet, and with nothing reaching out to the network on its own. */
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

/** `describe` when Chromium is here; otherwise a skip with a reason, or a failure in CI. */
export function describeBrowser(name: string, body: () => void): void {
  if (hasChromium) {
    describe(name, body);
    return;
  }
  const reason = `Chromium not found at ${CHROMIUM_PATH}`;
  if (process.env.PATCHTRAIL_REQUIRE_BROWSER === '1') {
    throw new Error(`PATCHTRAIL_REQUIRE_BROWSER=1 but ${reason}`);
  }
  console.warn(`skipped: ${reason}`);
  describe.skipIf(true)(name, body);
}

export interface LaunchedBrowser {
  context: BrowserContext;
  /** The profile directory (every Chromium process of this browser names it). */
  profile: string;
  /** The page the persistent context opens with. */
  page: Page;
  /** Closes the browser and deletes its profile directory. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Added to CHROMIUM_ARGS. */
  args?: string[];
  permissions?: string[];
  /** Another executable that runs Chromium (a wrapper entering a network namespace). */
  executablePath?: string;
  /** 'block' keeps the app's service worker out (page.route cannot see what it serves). */
  serviceWorkers?: 'allow' | 'block';
  /** A profile directory to use (and delete on close) instead of a fresh one in tmpdir. */
  profile?: string;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const profile = options.profile ?? (await mkdtemp(join(tmpdir(), 'patchtrail-chromium-')));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
    ...(options.serviceWorkers === undefined ? {} : { serviceWorkers: options.serviceWorkers }),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    profile,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Uncaught page exceptions and console errors (CSP violations among them), for asserting none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** A fresh Chromium on the served production build, with a temporary folder of its own. */
export interface AppPage {
  dir: string;
  server: WebServer;
  browser: LaunchedBrowser;
  page: Page;
}

/**
 * Call inside a describe: a temporary folder that `prepare` fills, the production build served,
 * a fresh Chromium on the app; every test fails on a page error (those `failing` keeps); all of
 * it removed afterwards.
 */
export function useAppPage(
  prefix: string,
  prepare: (dir: string) => Promise<void>,
  /** Which collected page errors fail a test (all of them by default). */
  failing: (errors: readonly string[]) => string[] = (errors) => [...errors],
): AppPage {
  const session = {} as AppPage;
  let errors: string[] = [];
  beforeAll(async () => {
    session.dir = await mkdtemp(join(tmpdir(), `patchtrail-${prefix}-`));
    await Promise.all([prepare(session.dir), ensureWebBuild()]);
    [session.server, session.browser] = await Promise.all([serveWebApp(), launchChromium()]);
    session.page = session.browser.page;
    errors = collectPageErrors(session.page);
    await session.page.goto(session.server.url);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
    if (session.dir !== undefined) await rm(session.dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(failing(errors)).toEqual([]);
  });
  return session;
}

/**
 * The errors that matter on a static test server: the app looks for its team's room at
 * /signal on its own origin, which `npm start` answers and a static server does not.
 */
export function withoutSignaling(errors: readonly string[]): string[] {
  return errors.filter((e) => !/WebSocket connection to '\S+\/signal' failed/.test(e));
}

// --- building dist/web ---------------------------------------------------------------------

const WEB_SOURCES = [
  'index.html',
  'vite.config.ts',
  'vite.pwa.ts',
  'src',
  'worker',
  'wasm',
  'public',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  if (path === join(REPO_ROOT, 'src', 'cli')) return 0; // not part of the web build
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function webBuildIsStale(): boolean {
  const built = join(WEB_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(...WEB_SOURCES.map((name) => newestMtime(join(REPO_ROOT, name))));
  return sources > statSync(built).mtimeMs;
}

const LOCK_DIR = join(REPO_ROOT, '.tmp', 'web-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

/** A cross-process lock (test files run in parallel workers): mkdir is atomic. */
async function withBuildLock(work: () => void): Promise<void> {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      const age = Date.now() - (existsSync(LOCK_DIR) ? statSync(LOCK_DIR).mtimeMs : Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Builds the web app into `outDir` (not dist/web) with extra environment variables: another
 * version of the app, for the update tests (VITE_PATCHTRAIL_VERSION).
 */
export function buildWebCopy(outDir: string, env: Record<string, string>): void {
  execFileSync(
    'npx',
    ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production', ...env },
    },
  );
}

/** Builds the web app (`npx vite build`) when dist/web is missing or older than its sources. */
export async function ensureWebBuild(): Promise<void> {
  if (!webBuildIsStale()) return;
  await withBuildLock(() => {
    if (!webBuildIsStale()) return; // another test file built it while we waited
    // NODE_ENV=production: vitest sets it to 'test', and vite-plugin-solid then bundles
    // Solid's development build (bigger, with dev-only warnings) into the production app.
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  });
}

// --- serving dist/web ----------------------------------------------------------------------

export interface WebServer {
  /** e.g. "http://127.0.0.1:41234/" */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a directory (default dist/web) on 127.0.0.1 at a free port; GET and HEAD only. A
 * function as `root` is asked on every request, so a test can switch the served build.
 */
export async function serveWebApp(root: string | (() => string) = WEB_DIST): Promise<WebServer> {
  const server = createServer((request, response) => {
    const base = resolve(typeof root === 'string' ? root : root());
    void (async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405).end();
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      } catch {
        response.writeHead(400).end();
        return;
      }
      const file = resolve(base, `.${path.endsWith('/') ? `${path}index.html` : path}`);
      if (!file.startsWith(base + sep)) {
        response.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(file);
        const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
        response.end(request.method === 'HEAD' ? undefined : body);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    })();
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * Bundles a test page entry (our real modules, imported by the entry) with vite into a fresh
 * directory with an index.html beside it, for `serveWebApp`. Remove the directory when done.
 */
export async function bundleTestPage(entry: string, title: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'patchtrail-test-page-'));
  await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: dir,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      lib: { entry, formats: ['es'], fileName: () => 'page.js' },
    },
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script type="module" src="/page.js"></script></head><body></body></html>`;
  await writeFile(join(dir, 'index.html'), html);
  return dir;
}

// --- screenshots for review ----------------------------------------------------------------

/** Where `shoot` writes (git-ignored). */
export const SHOTS_DIR = join(REPO_ROOT, '.tmp', 'shots');
export const SHOT_WIDTHS = [390, 768, 1280] as const;

/**
 * With PATCHTRAIL_SHOTS=1, screenshots of the page as it is at 390, 768 and 1280 px wide, light
 * and dark, into .tmp/shots/<name>-<width>-<scheme>.png, for a person to look at; the viewport
 * and colour scheme are put back afterwards. Without it, nothing (the suite stays quick).
 */
export async function shoot(page: Page, name: string): Promise<void> {
  if (process.env.PATCHTRAIL_SHOTS !== '1') return;
  mkdirSync(SHOTS_DIR, { recursive: true });
  const viewport = page.viewportSize();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Colours that change with the scheme may fade (the drop zone's 0.15 s): let them settle.
    await page.waitForTimeout(250);
    for (const width of SHOT_WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
      await page.screenshot({ path: join(SHOTS_DIR, `${name}-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (viewport !== null) await page.setViewportSize(viewport);
}

/** An event of Chromium's trace (the fields the task readers use). */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event (µs), when the trace has it. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { functionName?: string; url?: string; lineNumber?: number; type?: string };
  };
}

/** The categories that give each task (RunTask, with its CPU time) and the script it ran. */
export const TASK_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];

/**
 * An event's thread (CPU) time in µs, never more than its wall time: the thread clock is coarse
 * (a task of 0.3 ms was once given 35 ms of it).
 */
export const cpuOf = (e: TraceEvent): number => Math.min(e.tdur ?? e.dur ?? 0, e.dur ?? 0);

/** The page's main thread in a trace: the renderer main thread that ran the most script. */
export function mainThreadEvents(events: readonly TraceEvent[]): TraceEvent[] {
  const thread = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const names = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') names.set(thread(e), e.args?.name ?? '');
  const script = new Map<string, number>();
  for (const e of events)
    if (e.name === 'FunctionCall' && names.get(thread(e)) === 'CrRendererMain')
      script.set(thread(e), (script.get(thread(e)) ?? 0) + (e.dur ?? 0));
  const main = [...script].sort((a, b) => b[1] - a[1])[0]?.[0];
  return events.filter((e) => thread(e) === main && e.ph === 'X');
}

/**
 * Starts Chromium's tracing of `categories` for `page`'s browser; the returned function ends it
 * and gives the events.
 */
export async function startTrace(
  context: BrowserContext,
  page: Page,
  categories: readonly string[],
): Promise<() => Promise<TraceEvent[]>> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) =>
    events.push(...(value as unknown as TraceEvent[])),
  );
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: [...categories] },
  });
  return async () => {
    const done = new Promise<void>((resolve) =>
      cdp.once('Tracing.tracingComplete', () => resolve()),
    );
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    return events;
  };
}

/**
 * The page's main-thread tasks from now on, by CPU time and by the clock (ms), read with the
 * returned function, through Chromium's tracing. A long-task entry counts a task's wall time,
 * which on a loaded machine includes the time the thread was descheduled (measured here: tasks
 * of 68-170 ms by the clock that were 0.2-17 ms of CPU); the CPU time is the page's own work.
 */
export async function traceTasks(
  context: BrowserContext,
  page: Page,
): Promise<() => Promise<{ cpuMs: number; wallMs: number }[]>> {
  const stop = await startTrace(context, page, TASK_CATEGORIES);
  return async () => {
    const events = await stop();
    return mainThreadEvents(events)
      .filter((e) => e.name === 'RunTask')
      .map((e) => ({ cpuMs: cpuOf(e) / 1000, wallMs: (e.dur ?? 0) / 1000 }));
  };
}

/** Long tasks (> 50 ms) from now on, read with the returned function. */
export async function watchLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __longTasks: number[] }).__longTasks = seen;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  return () =>
    page.evaluate(() => [...(window as unknown as { __longTasks: number[] }).__longTasks]);
}

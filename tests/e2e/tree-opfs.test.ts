/**
 * The browser directory tree in real headless Chromium, over the Origin Private File System:
 * vite bundles ./tree-page-entry.ts (the real adapter from src/storage), a loopback server
 * from ./browser.ts serves it, and the page commits, reloads, crashes and recovers.
 *
 * A folder picked with showDirectoryPicker runs through the very same adapter, over another
 * FileSystemDirectoryHandle; the picker needs a user gesture and a native dialog, so it is not
 * driven here. Skipped, with a printed reason, without /usr/bin/chromium (see ./browser.ts).
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bundleTestPage,
  describeBrowser,
  launchChromium,
  serveWebApp,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const ENTRY = fileURLToPath(new URL('./tree-page-entry.ts', import.meta.url));

const BEFORE = { 'README.md': 'old readme', 'src/a.ts': 'a', 'src/old/only.ts': 'only' };
const CHANGE = { 'lib/new/deep/b.ts': 'b', 'README.md': 'new readme', 'src/old/only.ts': null };
const AFTER = { 'README.md': 'new readme', 'lib/new/deep/b.ts': 'b', 'src/a.ts': 'a' };
/** Commit steps of CHANGE (see DirectoryTreeOptions._failAfterStep): 2 staged files, then the journal, then 3 ops. */
const STEP = { firstStaged: 1, journal: 3, firstOp: 4 };

/** A larger commit, slow enough (about 10 ms a file) to kill the renderer in the middle of it. */
const MANY = 80;
const MANY_BEFORE = Object.fromEntries(
  Array.from({ length: MANY }, (_, i) => [`d${i % 8}/f${i}.txt`, `old ${i} `.repeat(200)]),
);
const MANY_AFTER = Object.fromEntries(
  Array.from({ length: MANY }, (_, i) => [`d${i % 8}/f${i}.txt`, `new ${i} `.repeat(200)]),
);

describeBrowser('directory tree over OPFS in headless Chromium', () => {
  let bundleDir: string | undefined;
  let server: WebServer | undefined;
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    bundleDir = await bundleTestPage(ENTRY, 'patchtrail tree');
    server = await serveWebApp(bundleDir);
    browser = await launchChromium();
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await load(browser.page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundleDir !== undefined) await rm(bundleDir, { recursive: true, force: true });
  });

  async function load(page: Page): Promise<void> {
    await page.goto(server?.url ?? 'about:blank');
    await page.waitForFunction(() => window.patchtrailTree !== undefined);
  }
  const page = (): Page => {
    if (browser === undefined) throw new Error('Chromium did not start');
    return browser.page;
  };

  /** What the tree lists (with texts), and everything in the workspace directory. */
  const inspect = (name: string) =>
    page().evaluate(async (name) => {
      const { openWorkspace, contents, snapshot } = window.patchtrailTree;
      const { handle, tree } = await openWorkspace(name);
      return { contents: await contents(tree), raw: await snapshot(handle) };
    }, name);

  const seed = (name: string, files: Record<string, string>) =>
    page().evaluate(
      async ({ name, files }) => {
        const { openWorkspace, changes } = window.patchtrailTree;
        await (await openWorkspace(name)).tree.commit(changes(files));
      },
      { name, files },
    );

  /** Runs CHANGE with a simulated crash after `step`; returns the rejection's message. */
  const crashingCommit = (name: string, step: number) =>
    page().evaluate(
      async ({ name, step, change }) => {
        const { openWorkspace, makeDirectoryTree, changes } = window.patchtrailTree;
        const { handle } = await openWorkspace(name);
        const tree = makeDirectoryTree(handle, { _failAfterStep: step });
        return tree.commit(changes(change)).then(
          () => 'committed',
          (error: Error) => error.message,
        );
      },
      { name, step, change: CHANGE },
    );

  /** Reloads the page (a new JS context) and recovers the workspace there. */
  async function reloadAndRecover(name: string) {
    await page().reload();
    await page().waitForFunction(() => window.patchtrailTree !== undefined);
    const outcome = await page().evaluate(
      async (name) => (await window.patchtrailTree.openWorkspace(name)).tree.recover(),
      name,
    );
    return { outcome, ...(await inspect(name)) };
  }

  it('commits a change that creates in a new nested directory, modifies and deletes', async () => {
    await seed('main', BEFORE);
    const moves = await page().evaluate(async (change) => {
      const { openWorkspace, changes } = window.patchtrailTree;
      const proto = FileSystemFileHandle.prototype as {
        move?: ((...args: unknown[]) => unknown) | undefined;
      };
      const move = proto.move;
      let calls = 0;
      proto.move = function (this: FileSystemFileHandle, ...args: unknown[]) {
        calls += 1;
        return move?.apply(this, args);
      };
      try {
        await (await openWorkspace('main')).tree.commit(changes(change));
      } finally {
        proto.move = move;
      }
      return { available: typeof move, calls };
    }, CHANGE);
    // Chromium 156 has FileSystemFileHandle.move for OPFS: both staged files were moved.
    expect(moves).toEqual({ available: 'function', calls: 2 });

    const { contents, raw } = await inspect('main');
    expect(contents).toEqual(AFTER);
    expect(Object.keys(raw)).toEqual([
      'README.md',
      'lib/',
      'lib/new/',
      'lib/new/deep/',
      'lib/new/deep/b.ts',
      'src/',
      'src/a.ts',
    ]);
    const stats = await page().evaluate(async () => {
      const { tree } = await window.patchtrailTree.openWorkspace('main');
      return [await tree.stat('lib/new'), await tree.stat('src/old'), await tree.stat('src/a.ts')];
    });
    expect(stats).toEqual([
      { path: 'lib/new', kind: 'dir', executable: false },
      undefined,
      { path: 'src/a.ts', kind: 'file', executable: false },
    ]);
  });

  it('keeps the committed state across a reload', async () => {
    const { outcome, contents, raw } = await reloadAndRecover('main');
    expect(outcome).toBe('none');
    expect(contents).toEqual(AFTER);
    expect(Object.keys(raw).some((path) => path.startsWith('.patchtrail'))).toBe(false);
  });

  it('commits by copying where FileSystemFileHandle.move is missing', async () => {
    await seed('copy', BEFORE);
    await page().evaluate(async (change) => {
      const { openWorkspace, changes } = window.patchtrailTree;
      const proto = FileSystemFileHandle.prototype as { move?: unknown };
      const move = proto.move;
      delete proto.move;
      try {
        await (await openWorkspace('copy')).tree.commit(changes(change));
      } finally {
        proto.move = move;
      }
    }, CHANGE);
    const { contents, raw } = await inspect('copy');
    expect(contents).toEqual(AFTER);
    expect(Object.keys(raw).some((path) => path.startsWith('.patchtrail'))).toBe(false);
  });

  it('rolls forward after a crash right after the journal, before any op', async () => {
    await seed('after-journal', BEFORE);
    expect(await crashingCommit('after-journal', STEP.journal)).toBe(
      'simulated crash after step 3',
    );
    const crashed = await inspect('after-journal');
    expect(crashed.contents).toEqual(BEFORE);
    expect(crashed.raw['.patchtrail/txn/journal.json']).toContain('"patchtrail-txn"');

    const { outcome, contents, raw } = await reloadAndRecover('after-journal');
    expect(outcome).toBe('rolled-forward');
    expect(contents).toEqual(AFTER);
    expect(Object.keys(raw).some((path) => path.startsWith('.patchtrail'))).toBe(false);
  });

  it('rolls forward after a crash midway through the ops, when the files on disk are mixed', async () => {
    await seed('mid-apply', BEFORE);
    expect(await crashingCommit('mid-apply', STEP.firstOp)).toBe('simulated crash after step 4');
    const crashed = await inspect('mid-apply');
    expect(crashed.contents).toEqual({ 'README.md': 'old readme', 'src/a.ts': 'a' }); // mixed

    const { outcome, contents } = await reloadAndRecover('mid-apply');
    expect(outcome).toBe('rolled-forward');
    expect(contents).toEqual(AFTER);
  });

  it('discards a commit that crashed before its journal', async () => {
    await seed('before-journal', BEFORE);
    expect(await crashingCommit('before-journal', STEP.firstStaged)).toBe(
      'simulated crash after step 1',
    );
    const { outcome, contents, raw } = await reloadAndRecover('before-journal');
    expect(outcome).toBe('discarded');
    expect(contents).toEqual(BEFORE);
    expect(Object.keys(raw).some((path) => path.startsWith('.patchtrail'))).toBe(false);
  });

  it('refuses, with UNSAFE_PATH, a workspace whose .patchtrail or journal is the wrong kind', async () => {
    const outcomes = await page().evaluate(async () => {
      const { openWorkspace, changes, snapshot } = window.patchtrailTree;
      const results: string[] = [];
      for (const plant of ['state-file', 'journal-dir']) {
        const { handle, tree } = await openWorkspace(`planted-${plant}`);
        await tree.commit(changes({ 'a.txt': 'a' }));
        if (plant === 'state-file') await handle.getFileHandle('.patchtrail', { create: true });
        else {
          const txn = await (
            await handle.getDirectoryHandle('.patchtrail', { create: true })
          ).getDirectoryHandle('txn', { create: true });
          await txn.getDirectoryHandle('journal.json', { create: true });
        }
        const before = JSON.stringify(await snapshot(handle));
        for (const run of [() => tree.recover(), () => tree.commit(changes({ 'a.txt': 'b' }))]) {
          results.push(
            await run().then(
              () => 'no error',
              (error: { code?: string }) => error.code ?? 'uncoded',
            ),
          );
        }
        results.push(JSON.stringify(await snapshot(handle)) === before ? 'unchanged' : 'changed');
      }
      return results;
    });
    expect(outcomes).toEqual([
      'UNSAFE_PATH',
      'UNSAFE_PATH',
      'unchanged',
      'UNSAFE_PATH',
      'UNSAFE_PATH',
      'unchanged',
    ]);
  });

  /**
   * Starts a commit of MANY files in a second page and kills that page's renderer (CDP
   * Page.crash) once `ready` holds for the commit's progress as this page sees it in OPFS.
   */
  async function killMidCommit(
    name: string,
    ready: (p: { staged: number; journal: boolean }) => boolean,
  ) {
    const context = browser?.context;
    if (context === undefined) throw new Error('Chromium did not start');
    await seed(name, MANY_BEFORE);
    const victim = await context.newPage();
    await load(victim);
    const crashed = victim.waitForEvent('crash');
    const commit = victim
      .evaluate(
        async ({ name, change }) => {
          const { openWorkspace, changes } = window.patchtrailTree;
          await (await openWorkspace(name)).tree.commit(changes(change));
        },
        { name, change: MANY_AFTER },
      )
      .then(
        () => 'committed',
        () => 'killed',
      );
    for (let polls = 0; ; polls++) {
      const progress = await page().evaluate(
        (name) => window.patchtrailTree.txnProgress(name),
        name,
      );
      if (progress !== null && ready(progress)) break;
      if (polls > 1000)
        throw new Error(`commit never reached the point to kill it: ${JSON.stringify(progress)}`);
    }
    const cdp = await context.newCDPSession(victim);
    void cdp.send('Page.crash').catch(() => undefined); // a crashed target never answers
    await crashed;
    expect(await commit).toBe('killed');
    await victim.close();
    const onDisk = await inspect(name);
    const outcome = await page().evaluate(
      async (name) => (await window.patchtrailTree.openWorkspace(name)).tree.recover(),
      name,
    );
    return { onDisk: onDisk.contents, outcome, ...(await inspect(name)) };
  }

  const newFiles = (files: Record<string, string>) =>
    Object.values(files).filter((text) => text.startsWith('new')).length;

  it('is all-old after the renderer is killed while staging', async () => {
    const { outcome, contents, raw } = await killMidCommit(
      'kill-staging',
      (p) => p.staged >= 10 && !p.journal,
    );
    expect(outcome).toBe('discarded');
    expect(contents).toEqual(MANY_BEFORE);
    expect(Object.keys(raw).some((path) => path.startsWith('.patchtrail'))).toBe(false);
  });

  it('is all-new after the renderer is killed while moving files into place', async () => {
    const { onDisk, outcome, contents, raw } = await killMidCommit(
      'kill-applying',
      (p) => p.journal && p.staged < MANY,
    );
    const moved = newFiles(onDisk);
    expect(moved, 'files already new when the renderer died').toBeGreaterThan(0);
    expect(outcome).toBe('rolled-forward');
    expect(contents).toEqual(MANY_AFTER);
    expect(Object.keys(raw).some((path) => path.startsWith('.patchtrail'))).toBe(false);
  });
});

/**
 * The service worker's precache against the production build (dist/web): it must hold every
 * file of the build the app can request — the shell, every lazily imported page and module,
 * every worker, styles, the manifest and its icons — so that any check works offline after
 * the first visit. Both sides are computed from the build output, not listed by hand: the
 * files in dist/web, the precache manifest inside the generated sw.js, and the files that
 * index.html, the manifest and every chunk name (imports, dynamic imports, `new URL` workers).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRECACHE_MAX_FILE_BYTES } from '../../vite.pwa.ts';
import { ensureWebBuild, WEB_DIST } from '../e2e/browser.ts';

/** The service worker's own files: the browser fetches them for the worker, not the app. */
const SERVICE_WORKER = /^(sw\.js|workbox-[\w-]+\.js)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const buildPath = (path: string) => relative(WEB_DIST, path).split(sep).join('/');

/** The URLs in the precache manifest that workbox-build wrote into sw.js. */
function precachedUrls(): string[] {
  const sw = readFileSync(join(WEB_DIST, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:(?:"[0-9a-f]+"|null)\}/g)].map(
    (match) => match[1] ?? '',
  );
  if (urls.length === 0) throw new Error('no precache manifest found in dist/web/sw.js');
  return urls;
}

/**
 * Module ids, not files: simple-peer's prebuilt browserify bundle (in the transport chunk,
 * through y-webrtc) names readable-stream's modules (`e("./lib/_stream_duplex.js")`), which it
 * resolves inside itself; the browser never requests them.
 */
const BUNDLED_MODULE_IDS = /^assets\/lib\/(?:_stream_\w+|internal\/streams\/[\w-]+)\.js$/;

/** Quoted paths to build files in a text file, resolved against the build root. */
function namedFiles(file: string, text: string): string[] {
  const quoted =
    /["'`(]((?:\.{1,2}\/|\/)?(?:[\w.-]+\/)*[\w.-]+\.(?:js|css|wasm|png|svg|webmanifest|html))["'`)]/g;
  const from = posix.dirname(file);
  const named: string[] = [];
  for (const [, ref = ''] of text.matchAll(quoted)) {
    if (/^[a-z]+:/i.test(ref)) continue;
    const path = ref.startsWith('/')
      ? ref.slice(1)
      : ref.startsWith('.')
        ? posix.normalize(posix.join(from, ref))
        : ref.startsWith('assets/') || ref.includes('/')
          ? ref
          : undefined; // a bare name ("patch.diff") is a word in the code, not a request
    if (path !== undefined && !BUNDLED_MODULE_IDS.test(path)) named.push(path);
  }
  return named;
}

describe('service worker precache (production build)', () => {
  let built: string[];
  let precached: Set<string>;

  beforeAll(async () => {
    await ensureWebBuild();
    built = filesUnder(WEB_DIST).map(buildPath).sort();
    precached = new Set(precachedUrls());
  }, 300_000);

  it('holds every file of the build except the service worker’s own', () => {
    const requestable = built.filter((path) => !SERVICE_WORKER.test(path));
    expect(requestable.filter((path) => !precached.has(path))).toEqual([]);
    expect(requestable.length).toBeGreaterThan(20); // pages, workers, styles, icons
    const bytes = requestable.reduce((sum, path) => sum + statSync(join(WEB_DIST, path)).size, 0);
    console.log(
      `precache: ${requestable.length} files, ${(bytes / 1024).toFixed(0)} KiB uncompressed`,
    );
  });

  it('lists only files the build has', () => {
    expect([...precached].filter((url) => !built.includes(url))).toEqual([]);
  });

  it('holds every file the page, the manifest and each chunk name: imports, workers, styles, icons', () => {
    const texts = built.filter((path) => /\.(js|css|html|webmanifest)$/.test(path));
    const named = new Set<string>();
    for (const file of texts) {
      if (SERVICE_WORKER.test(file)) continue;
      const text = readFileSync(join(WEB_DIST, file), 'utf8');
      for (const path of namedFiles(file, text)) named.add(path);
    }
    const workers = [...named].filter((path) => /\.worker-[\w-]+\.js$/.test(path));
    const pages = [...named].filter((path) => /Page-[\w-]+\.js$/.test(path));
    expect(workers.length).toBeGreaterThan(0);
    expect(pages.length).toBeGreaterThan(5);
    expect([...named].filter((path) => !precached.has(path)).sort()).toEqual([]);
  });

  it('leaves no file out for its size', () => {
    const big = built.filter(
      (path) => statSync(join(WEB_DIST, path)).size > PRECACHE_MAX_FILE_BYTES,
    );
    expect(big).toEqual([]);
  });
});

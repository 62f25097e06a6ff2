/**
 * A static file server for the built app (dist/web), safe to point at a LAN: GET and HEAD only,
 * paths decoded once and resolved under the root (no `..`, NUL, backslash or dot-file segments,
 * and no symlink out of the root), correct MIME types, the app's CSP and `nosniff` on every
 * answer. The app routes by hash (`#/peers`), so a path with no file extension that names no
 * file gets index.html (SPA-safe); a missing file with an extension is a 404.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

/** MIME types by file extension (the test server in tests/e2e uses the same table). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** Longest request path accepted (a path is never this long in the built app). */
const MAX_PATH = 1024;

export const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** The path's segments if every one is a plain name, else undefined. */
export function safeSegments(rawPath: string): string[] | undefined {
  if (rawPath.length > MAX_PATH || !rawPath.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  const segments = decoded.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    // Dot segments and dot files (.git, .env) are never served; nor are NUL, backslashes
    // (a Windows separator), or empty segments ("//").
    if (segment === '' || segment.startsWith('.') || /[\0\\]/.test(segment)) return undefined;
  }
  return segments;
}

function fail(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  response.end(`${text}\n`);
}

async function regularFile(path: string, root: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    if (!real.startsWith(root + sep)) return undefined; // a symlink pointing out of the root
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Serves `root`; resolves the root once (it must exist). */
export async function makeStaticHandler(root: string): Promise<RequestHandler> {
  const base = await realpath(root);
  const index = join(base, 'index.html');
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return fail(response, 405, 'method not allowed');
    }
    const pathname = (request.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    const segments = safeSegments(pathname);
    if (segments === undefined) return fail(response, 400, 'bad path');
    const wanted = segments.length === 0 ? index : join(base, ...segments);
    let file = await regularFile(wanted, base);
    if (file === undefined && extname(wanted) === '') file = await regularFile(index, base);
    if (file === undefined) return fail(response, 404, 'not found');
    const info = await stat(file);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      // Hashed asset names never change; everything else is revalidated.
      'cache-control':
        segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    if (request.method === 'HEAD') return void response.end();
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  };
  return (request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) fail(response, 500, 'internal error');
      else response.destroy();
    });
  };
}

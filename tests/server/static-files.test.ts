/**
 * The local server's static side, over real HTTP on loopback: MIME types, the CSP on every
 * answer, SPA fallback for extensionless paths, and no way out of the root (every traversal
 * spelling, dot files, symlinks), with a secret file beside the root that must never be served.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/server/csp.ts';
import { startLocalServer, type LocalServer } from '../../src/server/local-server.ts';
import { ROOT } from '../helpers/cli.ts';

const SECRET = 'top secret: this must never be served';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path goes on the wire exactly as written (no URL normalisation). */
function get(server: LocalServer, path: string, method = 'GET'): Promise<Answer> {
  const { hostname, port } = new URL(server.url);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the local server serves the built app safely', () => {
  let server: LocalServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'patchtrail-static-'));
    const root = join(dir, 'web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'main-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'style-abc123.css'), 'body{}');
    writeFileSync(join(root, 'manifest.webmanifest'), '{}');
    writeFileSync(join(root, 'icon.svg'), '<svg/>');
    writeFileSync(join(root, 'k.wasm'), 'wasm');
    writeFileSync(join(root, '.env'), SECRET);
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync(dir, join(root, 'up'));
    server = await startLocalServer({ root, host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  it('answers with the right MIME type, the CSP and nosniff', async () => {
    const cases: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/assets/main-abc123.js', 'text/javascript; charset=utf-8'],
      ['/assets/style-abc123.css', 'text/css; charset=utf-8'],
      ['/manifest.webmanifest', 'application/manifest+json'],
      ['/icon.svg', 'image/svg+xml'],
      ['/k.wasm', 'application/wasm'],
    ];
    for (const [path, type] of cases) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toBe(type);
      expect(answer.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
    }
    expect((await get(server, '/assets/main-abc123.js', 'HEAD')).body).toBe('');
  });

  it('gives index.html for app paths without an extension, 404 for missing files', async () => {
    for (const path of ['/peers', '/patch/sha256:ab', '/inbox/?x=1']) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(200);
      expect(answer.body, path).toContain('<title>app</title>');
    }
    expect((await get(server, '/assets/missing.js')).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await get(server, '/', method);
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
  });

  it('never serves a file outside the root, however the path is spelt', async () => {
    const attempts = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fsecret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/%2e%2e%5csecret.txt',
      '/..\\secret.txt',
      '/.%2e/secret.txt',
      '/%252e%252e/secret.txt',
      '/secret.txt%00.js',
      '/%00',
      '//etc/passwd',
      '/.env',
      '/link.txt',
      '/up/secret.txt',
      '/%C0%AE%C0%AE/secret.txt',
      `/${'a/'.repeat(600)}`,
      'secret.txt',
    ];
    for (const path of attempts) {
      const answer = await get(server, path).catch(() => undefined);
      if (answer === undefined) continue; // the request itself was refused
      expect(answer.body, path).not.toContain(SECRET);
      expect([200, 400, 404], path).toContain(answer.status);
      if (answer.status === 200) expect(answer.body, path).toContain('<title>app</title>');
    }
  });

  it("keeps index.html's CSP meta equal to the header", () => {
    const html = readFileSync(join(ROOT, 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
  });
});

/**
 * `npm start`'s server as a process (dist/server, built by the global setup): a failure to
 * listen says what to do about it, with exit status 2, rather than only the system's words;
 * --help prints the usage.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const serve = (...args: string[]) =>
  spawnSync(process.execPath, [`${ROOT}bin/serve.mjs`, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('npm start when it cannot listen', () => {
  let taken: Server;
  let port = 0;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => taken.close(() => done())));

  it('names a port in use and the way out', () => {
    const run = serve('--port', String(port));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
    expect(run.stderr).toContain('choose another port with --port N');
  });

  it('names an address this machine does not have', () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no machine here holds .77.
    const run = serve('--host', '192.0.2.77', '--port', '0');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('EADDRNOTAVAIL');
    expect(run.stderr).toContain('this machine has no such address');
  });
});

describe('npm start and npm run relay asked for help', () => {
  it('print their usage and exit 0, listening nowhere', () => {
    for (const flag of ['--help', '-h']) {
      const run = serve(flag);
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(
        /^usage: npm start -- \[--host ADDRESS\] \[--port N\] \[--root DIR\]/,
      );
      expect(run.stdout).not.toContain('app at');
    }
    const relay = spawnSync(process.execPath, [`${ROOT}bin/relay.mjs`, '--help'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(relay.status).toBe(0);
    expect(relay.stdout).toMatch(/^usage: npm run relay -- /);
  });

  it('still call an unknown option a usage error (exit 2)', () => {
    const run = serve('--frobnicate');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--frobnicate'");
  });
});

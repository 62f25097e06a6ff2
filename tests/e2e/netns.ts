/**
 * A loopback-only network namespace for tests where browsers talk WebRTC (PLATFORM.md): this
 * machine has a non-loopback interface, and two browsers in the default namespace would use it
 * and send mDNS out of it. `scripts/netns-lo` starts a holder process in a fresh namespace whose
 * only interface is lo; the servers and every Chromium of a test enter it with nsenter, so they
 * reach each other on 127.0.0.1 and nothing else. Playwright drives Chromium over a pipe, which
 * needs no network. Without root (unshare/nsenter), `startNamespace` says why it cannot.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, readlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHROMIUM_PATH, REPO_ROOT } from './browser.ts';

export interface Namespace {
  /** An executable that runs Chromium inside the namespace (for `launchChromium`). */
  chromium: string;
  /** Starts a process inside the namespace. */
  spawn(command: string, args: string[]): ChildProcess;
  close(): Promise<void>;
}

/** Launch args and permission that let WebRTC use loopback candidates (PLATFORM.md). */
export const WEBRTC_ON_LOOPBACK = {
  args: ['--allow-loopback-in-peer-connection'],
  permissions: ['microphone'],
};

/** Why this machine cannot make a namespace, or undefined when it can. */
export function namespaceUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'loopback-only network namespace needs root (unshare --net)';
  const probe = spawnSync(join(REPO_ROOT, 'scripts', 'netns-lo'), ['true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `scripts/netns-lo failed: ${probe.stderr.trim()}`;
  if (spawnSync('nsenter', ['--version']).status !== 0) return 'nsenter (util-linux) is missing';
  return undefined;
}

export async function startNamespace(): Promise<Namespace> {
  const holder = spawn(join(REPO_ROOT, 'scripts', 'netns-lo'), ['sleep', '3600'], {
    stdio: 'ignore',
  });
  const pid = holder.pid;
  if (pid === undefined) throw new Error('could not start the namespace holder');
  const own = readlinkSync('/proc/self/ns/net');
  for (let i = 0; ; i++) {
    let theirs = own;
    try {
      theirs = readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      // not started yet
    }
    if (theirs !== own) break;
    if (i > 100) throw new Error('the namespace holder did not enter a new namespace');
    await sleep(20);
  }
  const enter = `--net=/proc/${pid}/ns/net`;
  const dir = await mkdtemp(join(tmpdir(), 'patchtrail-netns-'));
  const chromium = join(dir, 'chromium');
  writeFileSync(chromium, `#!/bin/sh\nexec nsenter ${enter} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(chromium, 0o755);
  return {
    chromium,
    spawn: (command, args) => spawn('nsenter', [enter, command, ...args], { stdio: 'pipe' }),
    async close() {
      holder.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface NamespacedServer {
  url: string;
  signalingUrl: string;
  close(): Promise<void>;
}

/** Runs `npm start`'s server (dist/server/serve.mjs) on a free port inside the namespace. */
export async function serveInNamespace(ns: Namespace, root: string): Promise<NamespacedServer> {
  const server = ns.spawn(process.execPath, [
    join(REPO_ROOT, 'bin', 'serve.mjs'),
    '--port',
    '0',
    '--root',
    root,
  ]);
  let output = '';
  const url = await new Promise<string>((done, fail) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /app at (http:\/\/\S+)/.exec(output);
      if (found?.[1] !== undefined) done(found[1]);
    });
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.once('exit', (code) => fail(new Error(`server exited (${code}): ${output}`)));
  });
  return {
    url,
    signalingUrl: `${url.replace('http', 'ws')}signal`,
    close: async () => {
      server.kill('SIGTERM');
      await new Promise((done) => server.once('exit', done));
    },
  };
}

/**
 * `npm start`: serves dist/web and the y-webrtc signaling server on one origin.
 *   node bin/serve.mjs [--host 127.0.0.1] [--port 4173] [--root dist/web]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isLoopback, parseListenArgs } from './args.ts';
import { startLocalServer } from './local-server.ts';

const USAGE = `usage: npm start -- [--host ADDRESS] [--port N] [--root DIR]   (or node bin/serve.mjs ...)

Serves the app and its y-webrtc signaling (ws://ADDRESS:PORT/signal) on one origin.
  --host ADDRESS  where to listen (default 127.0.0.1); a LAN address lets teammates' apps reach
                  the signaling (each opens the app itself from localhost or https)
  --port N        default 4173; 0 picks a free port
  --root DIR      the built app (default dist/web, made by npm run build:web)
`;

async function main(): Promise<void> {
  const { host, port, extra, help } = parseListenArgs(process.argv.slice(2), { port: 4173 }, [
    'root',
  ]);
  if (help) return void process.stdout.write(USAGE);
  const root = resolve(extra.root ?? 'dist/web');
  if (!existsSync(join(root, 'index.html')))
    throw new Error(`${root} has no index.html; build the app first (npm run build:web)`);
  const server = await startLocalServer({ root, host, port });
  process.stdout.write(`patchtrail: app at ${server.url}\n`);
  process.stdout.write(`patchtrail: y-webrtc signaling at ${server.signalingUrl}\n`);
  if (!isLoopback(host))
    process.stdout.write(
      'patchtrail: reachable from the network on that address; rooms are password-encrypted, but anyone there can load the app and use the signaling server\n' +
        'patchtrail: a browser on another machine treats plain http as insecure and withholds the cryptography the app needs: serve it to them over https (a TLS reverse proxy in front of this)\n',
    );
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** What to do about a failure to start, where the answer is not in the message itself. */
function hint(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return ' (another program, perhaps another patchtrail, listens there: stop it, or choose another port with --port N)';
  if (code === 'EADDRNOTAVAIL') return ' (this machine has no such address: see `ip addr`)';
  if (code === 'EACCES') return ' (a port below 1024 needs privileges: choose one above it)';
  return '';
}

main().catch((error: unknown) => {
  process.stderr.write(
    `patchtrail serve: ${error instanceof Error ? error.message : String(error)}${hint(error)}\n`,
  );
  process.exitCode = 2;
});

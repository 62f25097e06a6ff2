/**
 * The local server `npm start` runs: the built app and, at /signal on the same origin, the
 * y-webrtc signaling server, so the app's default signaling address (same origin) just works.
 * Loopback by default; a LAN address (`--host`) is how teammates' laptops reach it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeSignalingServer, type SignalingLimits, type SignalingServer } from './signaling.ts';
import { makeStaticHandler } from './static-files.ts';

export const SIGNALING_PATH = '/signal';

export interface LocalServerOptions {
  root: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  signaling?: Partial<SignalingLimits>;
  /** Where the signaling server writes a line about a fault (default: stderr). */
  log?: (line: string) => void;
}

export interface LocalServer {
  /** e.g. http://127.0.0.1:4173/ */
  readonly url: string;
  /** e.g. ws://127.0.0.1:4173/signal */
  readonly signalingUrl: string;
  readonly signaling: SignalingServer;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(server.address() as AddressInfo);
    });
  });
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const handler = await makeStaticHandler(options.root);
  const signaling = makeSignalingServer(options.signaling, Date.now, options.log);
  const server = createServer(handler);
  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path === SIGNALING_PATH) signaling.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  });
  const address = await listen(server, options.host, options.port);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `${host}:${address.port}`;
  return {
    url: `http://${origin}/`,
    signalingUrl: `ws://${origin}${SIGNALING_PATH}`,
    signaling,
    close: () =>
      new Promise<void>((done) => {
        signaling.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

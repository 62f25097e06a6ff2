/**
 * The relay transport: the same shared doc through a y-websocket server (src/server/relay.ts,
 * `npm run relay`) for teams beyond a WebRTC mesh. The relay is not trusted: the doc is bound to
 * the ledger's validator like every other transport, so what the relay injects is quarantined
 * and what it deletes is put back. y-websocket's own unencrypted BroadcastChannel is off: tabs
 * already share through y-webrtc's encrypted one.
 */
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

export interface RelayOptions {
  /** ws:// or wss:// address of the relay. */
  url: string;
  /** The room name, from `roomNameFor(ledgerId)`. */
  room: string;
  /** A WebSocket implementation where there is no global one (Node 20). */
  WebSocket?: typeof WebSocket;
}

export interface RelayStatus {
  url: string;
  connected: boolean;
  synced: boolean;
}

export interface RelayTransport {
  status(): RelayStatus;
  onChange(listener: () => void): () => void;
  destroy(): void;
}

export function connectRelay(doc: Y.Doc, options: RelayOptions): RelayTransport {
  const provider = new WebsocketProvider(options.url, options.room, doc, {
    disableBc: true,
    maxBackoffTime: 10_000,
    ...(options.WebSocket === undefined ? {} : { WebSocketPolyfill: options.WebSocket }),
  });
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  provider.on('status', changed);
  provider.on('sync', changed);
  return {
    status: () => ({ url: options.url, connected: provider.wsconnected, synced: provider.synced }),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      listeners.clear();
      provider.disconnect();
      provider.destroy();
    },
  };
}

/**
 * The relay transport: the same shared doc through a y-websocket server (src/server/relay.ts,
 * `npm run relay`) for teams beyond a WebRTC mesh. The relay is not trusted: the doc is bound to
 * the ledger's validator like every other transport, so what the relay injects is quarantined
 * and what it deletes is put back. y-websocket's own unencrypted BroadcastChannel is off: tabs
 * already share through y-webrtc's encrypted one. A large update from the relay (a whole
 * state) is applied in parts, a task each, as over WebRTC (`makeDelivery`), and a message
 * y-websocket cannot read is dropped rather than thrown (`gatePeerMessages`).
 */
import type * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { bytesOf, makeDelivery } from './delivery.ts';
import { gatePeerMessages, noRefusals, RELAY_MESSAGES } from './peer-messages.ts';

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
  /** The room's awareness as this client holds it (bounded: peer-messages.ts). */
  readonly awareness: WebsocketProvider['awareness'];
  onChange(listener: () => void): () => void;
  destroy(): void;
}

type MessageHandler = ((event: MessageEvent) => unknown) | null;

/**
 * `Base` whose message handler (y-websocket's, set once per socket) gets a peer's messages
 * through `makeDelivery`: in order, a large update applied in parts first.
 */
export function partedWebSocket(
  Base: typeof WebSocket,
  doc: Y.Doc,
  closed: () => boolean,
  /** The awareness states y-websocket adds to, for the gate's bound on them. */
  known?: () => ReadonlyMap<number, unknown>,
): typeof WebSocket {
  const refused = noRefusals();
  return class PartedWebSocket extends Base {
    #handler: MessageHandler = null;
    override get onmessage(): MessageHandler {
      return this.#handler;
    }
    override set onmessage(handler: MessageHandler) {
      this.#handler = handler;
      if (handler === null) {
        super.onmessage = null;
        return;
      }
      // y-websocket's reader throws, out of the socket's event handler, on an awareness
      // message that is not UTF-8 JSON: such a message is dropped (peer-messages.ts).
      const read = gatePeerMessages(
        (message) => handler.call(this, { data: message } as unknown as MessageEvent),
        {
          accepts: RELAY_MESSAGES,
          counts: refused,
          label: `the relay ${this.url}`,
          ...(known === undefined ? {} : { known }),
        },
      );
      const deliver = makeDelivery(doc, read, {
        closed: () => closed() || this.#handler !== handler,
      });
      super.onmessage = (event: MessageEvent) => deliver(bytesOf(event.data));
    }
  };
}

export function connectRelay(doc: Y.Doc, options: RelayOptions): RelayTransport {
  let destroyed = false;
  const Base = options.WebSocket ?? globalThis.WebSocket;
  const provider: WebsocketProvider = new WebsocketProvider(options.url, options.room, doc, {
    disableBc: true,
    maxBackoffTime: 10_000,
    // The provider exists before its socket hears anything.
    WebSocketPolyfill: partedWebSocket(
      Base,
      doc,
      () => destroyed,
      () => provider.awareness.getStates(),
    ),
  });
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  provider.on('status', changed);
  provider.on('sync', changed);
  return {
    status: () => ({ url: options.url, connected: provider.wsconnected, synced: provider.synced }),
    awareness: provider.awareness,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      destroyed = true;
      listeners.clear();
      provider.disconnect();
      provider.destroy();
    },
  };
}

// Types for the one module of @y/websocket-server 0.1.1 we use (its package exports point the
// "import" condition at untyped JS before its "types").
declare module '@y/websocket-server/utils' {
  import type { IncomingMessage } from 'node:http';
  import type { WebSocket } from 'ws';
  // eslint-disable-next-line no-restricted-imports -- a type only, for tests that play a hostile relay
  import type * as Y from 'yjs';

  /** A room's doc: the connections in it, each with the awareness client ids it controls. */
  export interface WSSharedDoc {
    readonly conns: Map<WebSocket, Set<number>>;
    on(event: 'update', handler: (update: Uint8Array) => void): void;
    destroy(): void;
  }
  /** Rooms the relay holds, by name (the URL path). */
  export const docs: Map<string, WSSharedDoc>;
  /** The room's doc (created when new); tests use it to play a hostile relay. */
  export function getYDoc(name: string, gc?: boolean): Y.Doc;
  export function setupWSConnection(
    conn: WebSocket,
    request: IncomingMessage,
    options?: { docName?: string; gc?: boolean },
  ): void;
}

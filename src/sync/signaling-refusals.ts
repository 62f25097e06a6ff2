/**
 * A signaling server's word that it refused this room. Ours (src/server/signaling.ts) answers
 * a subscribe to a full room with `subscribe-refused`, which y-webrtc ignores, so a device in a
 * room someone filled met no peers and could not say why. The transport now says, per server,
 * that the room is full there, and asks again after a while by reconnecting to that server:
 * y-webrtc subscribes and announces itself only when its socket connects. The server is not
 * trusted: its reason is one of two known words, or the refusal is read as plain "room full".
 */
export const REFUSED_RETRY_MS = 30_000;

export type Refusal = 'room full' | 'room full for this address';

/** The part of y-webrtc's SignalingConn (a lib0 WebsocketClient) this reads. */
export interface SignalingConnLike {
  url: string;
  ws: { close(): void } | null;
  on(event: string, listener: (message: unknown) => void): void;
  off(event: string, listener: (message: unknown) => void): void;
}

export interface RefusalWatch {
  /** Why the server at `url` refused this room, until the next connection to it. */
  refusalAt(url: string): Refusal | undefined;
  destroy(): void;
}

function refusalOf(message: unknown, room: string): Refusal | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, topic, reason } = message as Record<string, unknown>;
  if (type !== 'subscribe-refused' || topic !== room) return undefined;
  return reason === 'room full for this address' ? reason : 'room full';
}

export function watchRefusals(
  conns: readonly SignalingConnLike[],
  room: string,
  changed: () => void,
  retryMs = REFUSED_RETRY_MS,
): RefusalWatch {
  const refused = new Map<string, Refusal>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const undo: (() => void)[] = [];
  for (const conn of conns) {
    const onMessage = (message: unknown) => {
      const refusal = refusalOf(message, room);
      if (refusal === undefined || refused.has(conn.url)) return;
      refused.set(conn.url, refusal);
      changed();
      const timer = setTimeout(() => {
        timers.delete(timer);
        conn.ws?.close(); // lib0 reconnects; y-webrtc subscribes and announces again
      }, retryMs);
      timers.add(timer);
    };
    const onDisconnect = () => {
      if (refused.delete(conn.url)) changed();
    };
    conn.on('message', onMessage);
    conn.on('disconnect', onDisconnect);
    undo.push(() => {
      conn.off('message', onMessage);
      conn.off('disconnect', onDisconnect);
    });
  }
  return {
    refusalAt: (url) => refused.get(url),
    destroy() {
      for (const timer of timers) clearTimeout(timer);
      for (const step of undo) step();
    },
  };
}

/**
 * What connections may hold of messages not yet complete. ws gathers a message's frames until
 * the last arrives, up to `maxPayload`, with no clock: a client that declared 256 MiB and sent
 * it slowly, or never finished, was held for good, by as many connections as it opened. Here
 * the bytes a connection received since its last whole message count against one budget for
 * all connections, and a message begun must end within a deadline; a connection past either is
 * closed (1009 for the budget, 1008 for the deadline).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export interface PendingLimits {
  /** Bytes of incomplete messages over all connections. */
  maxPendingBytes: number;
  /** How long a message may take to arrive once more than `pendingSlackBytes` of it came. */
  messageTimeoutMs: number;
}

export interface PendingBudget {
  /** Counts what `socket` (under `ws`) receives until each message is whole. */
  watch(socket: Duplex, ws: WebSocket): void;
  /** Bytes held now, over all connections (counted from the socket: an upper bound). */
  readonly pending: number;
  close(): void;
}

/**
 * Below this a connection has no deadline: a chunk read from the socket can end one message and
 * begin the next, and is counted whole, so an idle connection may show a chunk's worth.
 */
const PENDING_SLACK_BYTES = 256 * 1024;
const TOO_BIG = 1009;
const POLICY_VIOLATION = 1008;

interface Watched {
  socket: Duplex;
  ws: WebSocket;
  bytes: number;
  since: number | undefined;
}

/**
 * Closes a connection that is sending too much: its close frame goes out, nothing more is read
 * (ws would go on gathering the message until the close handshake), and the socket is
 * destroyed shortly after.
 */
function shut(w: Watched, code: number, reason: string): void {
  w.ws.close(code, reason);
  w.socket.pause();
  setTimeout(() => w.ws.terminate(), 1_000).unref();
}

export function makePendingBudget(
  limits: PendingLimits,
  now: () => number = Date.now,
): PendingBudget {
  const watched = new Set<Watched>();
  let total = 0;
  const settle = (w: Watched) => {
    total -= w.bytes;
    w.bytes = 0;
    w.since = undefined;
  };
  const sweep = setInterval(
    () => {
      const at = now();
      for (const w of watched)
        if (w.since !== undefined && at - w.since > limits.messageTimeoutMs) {
          settle(w);
          watched.delete(w);
          shut(w, POLICY_VIOLATION, 'message too slow');
        }
    },
    Math.min(1_000, limits.messageTimeoutMs),
  );
  sweep.unref();

  return {
    watch(socket, ws) {
      const w: Watched = { socket, ws, bytes: 0, since: undefined };
      watched.add(w);
      // ws reads each chunk first (its listener came first) and says when a message is whole.
      ws.on('message', () => settle(w));
      socket.on('data', (chunk: Buffer) => {
        if (!watched.has(w)) return;
        w.bytes += chunk.length;
        total += chunk.length;
        if (w.since === undefined && w.bytes > PENDING_SLACK_BYTES) w.since = now();
        if (total > limits.maxPendingBytes) {
          settle(w);
          watched.delete(w);
          shut(w, TOO_BIG, 'too much unfinished');
        }
      });
      ws.on('close', () => {
        settle(w);
        watched.delete(w);
      });
    },
    get pending() {
      return total;
    },
    close() {
      clearInterval(sweep);
      watched.clear();
      total = 0;
    },
  };
}

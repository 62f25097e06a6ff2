/**
 * A signaling server for y-webrtc's protocol (JSON over WebSocket, as y-webrtc's own
 * bin/server.js speaks it): `subscribe` / `unsubscribe` {topics}, `publish` {topic, data}
 * relayed to the topic's subscribers with `clients` (their count), `ping` → `pong`. Signaling
 * data is opaque to us: with a room password y-webrtc encrypts it, and the topic is a hash
 * (src/sync/webrtc.ts), so this server learns neither the ledger nor the room secret.
 *
 * Every peer is untrusted, so everything is bounded: message size (ws `maxPayload`), nesting
 * depth (checked before parsing, so nothing recursive sees a deep message), clients, topics per
 * client, subscribers per topic and per address in a topic, topic length, a message rate per
 * client (a publish fans out to every subscriber, so an unbounded sender could amplify), and
 * what waits to be sent to a client (one that does not read is dropped, not buffered for).
 * Malformed JSON or a breach of a bound closes that client's connection (1008, or 1009 for
 * size). Nothing a client sends can throw out of a handler: each runs under a guard that
 * closes that one client (1011) and logs, so a fault we did not foresee costs one connection,
 * never the process. A client that stops answering pings is dropped.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientAddress, nestsDeeperThan } from './bounds.ts';

export interface SignalingLimits {
  /** Bytes in one message (an SDP with LAN candidates is a few KB; encrypted, base64 in JSON). */
  maxMessageBytes: number;
  maxClients: number;
  maxTopicsPerClient: number;
  maxSubscribersPerTopic: number;
  /**
   * Subscribers of one topic from one address (an IPv6 /64): the topic is derived from the
   * public ledger id, so without this one host could fill a team's room and shut it out.
   */
  maxSubscribersPerTopicPerAddress: number;
  maxTopicChars: number;
  /** Arrays and objects inside one another in a message (y-webrtc's deepest, unencrypted, is 4). */
  maxDepth: number;
  /** Messages a client may send per `rateWindowMs`; more closes it. */
  maxMessagesPerWindow: number;
  rateWindowMs: number;
  /**
   * Bytes waiting to be sent to one client beyond which it is dropped: a client that does not
   * read would otherwise make the server hold every publish of its rooms for it (200 such took
   * the server from 55 MB to 2 GB in 15 s). Signaling is a few KB per connection made.
   */
  maxBufferedBytes: number;
  /** Ping every this often; a client that did not pong since the last ping is dropped. */
  pingIntervalMs: number;
}

export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxMessageBytes: 64 * 1024,
  maxClients: 1024,
  maxTopicsPerClient: 16,
  maxSubscribersPerTopic: 256,
  maxSubscribersPerTopicPerAddress: 32,
  maxTopicChars: 128,
  maxDepth: 16,
  maxBufferedBytes: 1024 * 1024,
  maxMessagesPerWindow: 1000,
  rateWindowMs: 10_000,
  pingIntervalMs: 30_000,
};

export interface SignalingServer {
  /** Hands an HTTP upgrade request to the signaling server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clients: number;
  readonly topics: number;
  /** Bytes waiting to be sent, over all clients. */
  readonly buffered: number;
  close(): void;
}

const POLICY_VIOLATION = 1008;
const INTERNAL_ERROR = 1011;
/** A dropped client's close frame waits behind its backlog: this long, then its socket goes. */
const DROP_GRACE_MS = 2_000;
/** At most one line about handler faults this often: a client could otherwise flood the log. */
const FAULT_LOG_INTERVAL_MS = 60_000;

interface Client {
  socket: WebSocket;
  /** Its address key (src/server/bounds.ts). */
  address: string;
  topics: Set<string>;
  windowStart: number;
  messages: number;
  alive: boolean;
}

function asTopics(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((t) => typeof t === 'string') ? (value as string[]) : undefined;
}

const PONG = Buffer.from(JSON.stringify({ type: 'pong' }));

function defaultLog(line: string): void {
  process.stderr.write(`patchtrail signaling: ${line}\n`);
}

export function makeSignalingServer(
  overrides: Partial<SignalingLimits> = {},
  now: () => number = Date.now,
  log: (line: string) => void = defaultLog,
): SignalingServer {
  const limits = { ...DEFAULT_SIGNALING_LIMITS, ...overrides };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
  const topics = new Map<string, Set<Client>>();
  const clients = new Set<Client>();

  const leave = (client: Client, topic: string) => {
    const subscribers = topics.get(topic);
    subscribers?.delete(client);
    if (subscribers?.size === 0) topics.delete(topic);
    client.topics.delete(topic);
  };
  const refuse = (client: Client, reason: string) => {
    client.socket.close(POLICY_VIOLATION, reason);
  };
  /** Drops a client that does not read: out of its rooms now, its socket soon after. */
  const dropSlow = (client: Client) => {
    for (const topic of [...client.topics]) leave(client, topic);
    refuse(client, 'reading too slowly');
    setTimeout(() => client.socket.terminate(), DROP_GRACE_MS).unref();
  };
  /** Sends text already serialised: a publish is serialised once for all its receivers. */
  const send = (client: Client, text: Buffer): void => {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount + text.length > limits.maxBufferedBytes) return dropSlow(client);
    socket.send(text, { binary: false }, (error) => {
      if (error !== undefined && error !== null) socket.terminate();
    });
  };

  /** Why a topic takes no one more from this address, if it does not. */
  const roomFull = (subscribers: Set<Client>, address: string): string | undefined => {
    if (subscribers.size >= limits.maxSubscribersPerTopic) return 'room full';
    let same = 0;
    for (const other of subscribers) if (other.address === address) same++;
    return same >= limits.maxSubscribersPerTopicPerAddress
      ? 'room full for this address'
      : undefined;
  };

  const subscribe = (client: Client, list: string[]): void => {
    for (const topic of list) {
      if (client.topics.has(topic)) continue;
      if (topic.length === 0 || topic.length > limits.maxTopicChars)
        return refuse(client, 'topic name too long');
      if (client.topics.size >= limits.maxTopicsPerClient) return refuse(client, 'too many topics');
      const subscribers = topics.get(topic) ?? new Set<Client>();
      const full = roomFull(subscribers, client.address);
      if (full !== undefined) {
        // y-webrtc ignores types it does not know; a client that knows this one can say why
        // it meets no peers, rather than wait in silence.
        send(
          client,
          Buffer.from(JSON.stringify({ type: 'subscribe-refused', topic, reason: full })),
        );
        continue;
      }
      subscribers.add(client);
      topics.set(topic, subscribers);
      client.topics.add(topic);
    }
  };

  const publish = (client: Client, message: Record<string, unknown>): void => {
    const { topic, data } = message;
    if (typeof topic !== 'string' || !client.topics.has(topic)) return;
    const receivers = topics.get(topic);
    if (receivers === undefined) return;
    // Only the fields y-webrtc reads are relayed: nothing else a sender adds travels on. Its
    // depth was bounded before parsing, so serialising it cannot recurse out of the stack; once
    // for every receiver (ws sends one Buffer to each without copying it).
    const relayed = { type: 'publish', topic, data, clients: receivers.size };
    const text = Buffer.from(JSON.stringify(relayed));
    for (const receiver of receivers) send(receiver, text);
  };

  const onMessage = (client: Client, raw: unknown, isBinary: boolean): void => {
    const at = now();
    if (at - client.windowStart >= limits.rateWindowMs) {
      client.windowStart = at;
      client.messages = 0;
    }
    if (++client.messages > limits.maxMessagesPerWindow) return refuse(client, 'too many messages');
    if (isBinary) return refuse(client, 'text messages only');
    const text = String(raw);
    if (nestsDeeperThan(text, limits.maxDepth)) return refuse(client, 'nested too deep');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return refuse(client, 'not JSON');
    }
    if (typeof message !== 'object' || message === null) return refuse(client, 'not an object');
    const fields = message as Record<string, unknown>;
    switch (fields.type) {
      case 'subscribe':
        return subscribe(client, asTopics(fields.topics) ?? []);
      case 'unsubscribe':
        for (const topic of asTopics(fields.topics) ?? []) leave(client, topic);
        return;
      case 'publish':
        return publish(client, fields);
      case 'ping':
        return send(client, PONG);
      default:
        return; // unknown types are ignored, as y-webrtc's server does
    }
  };

  let lastFaultLog = -Infinity;
  let unlogged = 0;
  /** Runs a handler so that nothing it throws leaves it: that client is closed, the rest go on. */
  const guarded = (client: Client, handler: () => void): void => {
    try {
      handler();
    } catch (error) {
      client.socket.close(INTERNAL_ERROR, 'server error');
      const at = now();
      if (at - lastFaultLog < FAULT_LOG_INTERVAL_MS) return void unlogged++;
      const also = unlogged > 0 ? ` (and ${unlogged} more since the last line)` : '';
      log(`closed a client whose message failed: ${String(error)}${also}`);
      lastFaultLog = at;
      unlogged = 0;
    }
  };

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const client: Client = {
      socket,
      address: clientAddress(request),
      topics: new Set(),
      windowStart: now(),
      messages: 0,
      alive: true,
    };
    clients.add(client);
    socket.on('pong', () => (client.alive = true));
    socket.on('message', (raw, isBinary) =>
      guarded(client, () => onMessage(client, raw, isBinary)),
    );
    socket.on('error', () => socket.terminate()); // e.g. maxPayload exceeded (closed with 1009)
    socket.on('close', () =>
      guarded(client, () => {
        for (const topic of [...client.topics]) leave(client, topic);
        clients.delete(client);
      }),
    );
  });

  const pinger = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, limits.pingIntervalMs);
  pinger.unref();

  return {
    handleUpgrade(request, socket, head) {
      if (clients.size >= limits.maxClients) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    get clients() {
      return clients.size;
    },
    get topics() {
      return topics.size;
    },
    get buffered() {
      let total = 0;
      for (const client of clients) total += client.socket.bufferedAmount;
      return total;
    },
    close() {
      clearInterval(pinger);
      for (const client of clients) client.socket.terminate();
      wss.close();
    },
  };
}

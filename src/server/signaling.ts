/**
 * A signaling server for y-webrtc's protocol (JSON over WebSocket, as y-webrtc's own
 * bin/server.js speaks it): `subscribe` / `unsubscribe` {topics}, `publish` {topic, data}
 * relayed to the topic's subscribers with `clients` (their count), `ping` → `pong`. Signaling
 * data is opaque to us: with a room password y-webrtc encrypts it, and the topic is a hash
 * (src/sync/webrtc.ts), so this server learns neither the ledger nor the room secret.
 *
 * Every peer is untrusted, so everything is bounded: message size (ws `maxPayload`), clients,
 * topics per client, subscribers per topic, topic length, and a message rate per client (a
 * publish fans out to every subscriber, so an unbounded sender could amplify). Malformed JSON
 * or a breach of a bound closes that client's connection (1008, or 1009 for size); nothing a
 * client sends can throw out of a handler. A client that stops answering pings is dropped.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SignalingLimits {
  /** Bytes in one message (an SDP with LAN candidates is a few KB; encrypted, base64 in JSON). */
  maxMessageBytes: number;
  maxClients: number;
  maxTopicsPerClient: number;
  maxSubscribersPerTopic: number;
  maxTopicChars: number;
  /** Messages a client may send per `rateWindowMs`; more closes it. */
  maxMessagesPerWindow: number;
  rateWindowMs: number;
  /** Ping every this often; a client that did not pong since the last ping is dropped. */
  pingIntervalMs: number;
}

export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxMessageBytes: 64 * 1024,
  maxClients: 1024,
  maxTopicsPerClient: 16,
  maxSubscribersPerTopic: 256,
  maxTopicChars: 128,
  maxMessagesPerWindow: 1000,
  rateWindowMs: 10_000,
  pingIntervalMs: 30_000,
};

export interface SignalingServer {
  /** Hands an HTTP upgrade request to the signaling server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clients: number;
  readonly topics: number;
  close(): void;
}

const POLICY_VIOLATION = 1008;

interface Client {
  socket: WebSocket;
  topics: Set<string>;
  windowStart: number;
  messages: number;
  alive: boolean;
}

function asTopics(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((t) => typeof t === 'string') ? (value as string[]) : undefined;
}

function send(client: Client, message: object): void {
  if (client.socket.readyState !== client.socket.OPEN) return;
  client.socket.send(JSON.stringify(message), (error) => {
    if (error !== undefined && error !== null) client.socket.terminate();
  });
}

export function makeSignalingServer(
  overrides: Partial<SignalingLimits> = {},
  now: () => number = Date.now,
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

  const subscribe = (client: Client, list: string[]): void => {
    for (const topic of list) {
      if (client.topics.has(topic)) continue;
      if (topic.length === 0 || topic.length > limits.maxTopicChars)
        return refuse(client, 'topic name too long');
      if (client.topics.size >= limits.maxTopicsPerClient) return refuse(client, 'too many topics');
      const subscribers = topics.get(topic) ?? new Set<Client>();
      if (subscribers.size >= limits.maxSubscribersPerTopic) continue; // the room is full
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
    // Only the fields y-webrtc reads are relayed: nothing else a sender adds travels on.
    const relayed = { type: 'publish', topic, data, clients: receivers.size };
    for (const receiver of receivers) send(receiver, relayed);
  };

  const onMessage = (client: Client, raw: unknown, isBinary: boolean): void => {
    const at = now();
    if (at - client.windowStart >= limits.rateWindowMs) {
      client.windowStart = at;
      client.messages = 0;
    }
    if (++client.messages > limits.maxMessagesPerWindow) return refuse(client, 'too many messages');
    if (isBinary) return refuse(client, 'text messages only');
    let message: unknown;
    try {
      message = JSON.parse(String(raw));
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
        return send(client, { type: 'pong' });
      default:
        return; // unknown types are ignored, as y-webrtc's server does
    }
  };

  wss.on('connection', (socket: WebSocket) => {
    const client: Client = {
      socket,
      topics: new Set(),
      windowStart: now(),
      messages: 0,
      alive: true,
    };
    clients.add(client);
    socket.on('pong', () => (client.alive = true));
    socket.on('message', (raw, isBinary) => onMessage(client, raw, isBinary));
    socket.on('error', () => socket.terminate()); // e.g. maxPayload exceeded (closed with 1009)
    socket.on('close', () => {
      for (const topic of [...client.topics]) leave(client, topic);
      clients.delete(client);
    });
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
    close() {
      clearInterval(pinger);
      for (const client of clients) client.socket.terminate();
      wss.close();
    },
  };
}

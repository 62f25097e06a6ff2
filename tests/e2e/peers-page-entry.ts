/**
 * Browser entry bundled by the peer-to-peer tests: the real ledger store (src/storage), the
 * real peer session (src/app/peers.ts: Yjs binding, y-webrtc, relay) and drivers on `window`
 * for `page.evaluate`. A `hostile` driver joins the same room with the room secret (an insider)
 * but writes to the shared doc directly, with no validator: forged, overwritten, deleted and
 * junk entries.
 */
import * as Y from 'yjs';
import {
  exportLedgerFile,
  headsOf,
  importLedgerFile,
  readLedgerFile,
} from '../../src/app/file-sync.ts';
import { answerPairing, offerPairing, type PairingSession } from '../../src/app/pairing.ts';
import { joinQrParts, scanQr } from '../../src/app/pairing-code.ts';
import { connectPeers, type PeersSession, type PeersState } from '../../src/app/peers.ts';
import { makeWorkerPool, startPoolWorker, type WorkerPool } from '../../src/app/worker-pool.ts';
import { makeWebrtcTransport, type SyncState } from '../../src/app/transport.ts';
import { decodeEntry } from '../../src/core/ledger/entry.ts';
import type { PeerSettings } from '../../src/app/peer-settings.ts';
import { makeSeedSigner, type Signer } from '../../src/core/crypto/signer.ts';
import { fromBase64, toBase64 } from '../../src/core/encoding/bytes.ts';
import { signEntry } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { openLedgerStore, type LedgerStore } from '../../src/storage/ledger-store.ts';
import { ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';
import { UpdatePart } from '../../src/sync/update-parts.ts';
import { connectWebrtc, roomNameFor, type WebrtcTransport } from '../../src/sync/webrtc.ts';
import { answerPairingOffer, createPairingOffer } from '../../src/sync/pairing.ts';
import { insider } from './peers-insider.ts';

const T = '2026-12-06T10:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;

let store: LedgerStore | undefined;
let session: PeersSession | undefined;
const errors: string[] = [];
/** performance.now() when each entry was admitted here (for the latency benchmark). */
const admittedAt = new Map<string, number>();

const signer = (byte: number): Promise<Signer> => makeSeedSigner(new Uint8Array(32).fill(byte));

function opened(): LedgerStore {
  if (store === undefined) throw new Error('no ledger is open');
  return store;
}

function watch(s: LedgerStore): void {
  s.ledger.subscribe({ admitted: (e) => void admittedAt.set(e.id, performance.now()) });
}

async function found(name: string): Promise<{ ledgerId: string; genesis: string }> {
  const admin = await signer(1);
  const ledger = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  store = await openLedgerStore(ledger.genesis.bytes, { onError: (e) => errors.push(String(e)) });
  watch(store);
  return { ledgerId: ledger.id, genesis: toBase64(ledger.genesis.bytes) };
}

async function open(source: string): Promise<string> {
  const genesisOrId = source.startsWith('sha256:') ? source : fromBase64(source, 'genesis');
  store = await openLedgerStore(genesisOrId, { onError: (e) => errors.push(String(e)) });
  watch(store);
  return store.ledger.id;
}

/**
 * Transactions that applied a part of a peer's large update (update-parts.ts), seen on every
 * doc of this page: the one observation point outside the app's modules.
 */
let partTransactions = 0;
const emit = Y.Doc.prototype.emit;
Y.Doc.prototype.emit = function (this: Y.Doc, name: string, args: unknown[]) {
  if (name === 'afterTransaction' && (args[0] as Y.Transaction).origin instanceof UpdatePart)
    partTransactions++;
  return emit.call(this, name as never, args as never);
} as typeof emit;

/** The app's pool (real workers), counting the admission batches it is given. */
const basePool = makeWorkerPool({ start: startPoolWorker });
let admissionBatches = 0;
const pool: WorkerPool = {
  run(build, options) {
    return basePool.run((id) => {
      const request = build(id) as { kind?: unknown };
      if (request.kind === 'admit-check') admissionBatches++;
      return request;
    }, options);
  },
  get usable() {
    return basePool.usable;
  },
  size: basePool.size,
  get running() {
    return basePool.running;
  },
  warm: () => basePool.warm(),
  close: () => basePool.close(),
};

/** Labels of the busy work the session ran (the app's update flow waits for such work). */
const busyLabels: string[] = [];

async function connect(secret: string, settings: PeerSettings): Promise<string> {
  session = await connectPeers(opened().ledger, {
    roomSecret: secret,
    settings,
    pool,
    busy: (label, work) => {
      busyLabels.push(label);
      return work();
    },
  });
  return session.room;
}

async function disconnect(): Promise<void> {
  session?.close();
  session = undefined;
  await store?.flush();
}

/** Appends `count` entries by the signer of seed `byte` (its register first); returns ids. */
async function append(byte: number, count: number): Promise<string[]> {
  const who = await signer(byte);
  const { ledger } = opened();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const entry =
      ledger.head(who.did) === undefined
        ? await ledger.append(who, 'register', { name: `device ${byte}` }, T)
        : await ledger.append(who, 'attest', { patch: PATCH, reason: 'built', score: i }, T);
    ids.push(entry.id);
  }
  return ids;
}

async function endorse(subjectByte: number, role: string): Promise<string> {
  const admin = await signer(1);
  const subject = await signer(subjectByte);
  const body = { subject: subject.did, role, stake: 10 };
  return (await opened().ledger.append(admin, 'endorse', body, T)).id;
}

/** Resolves true once the ledger holds every id (false after `timeoutMs`). */
async function waitFor(ids: string[], timeoutMs: number): Promise<boolean> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const ledger = store?.ledger; // a joiner may still wait for its genesis
    if (ledger !== undefined && ids.every((id) => ledger.get(id) !== undefined)) return true;
    await new Promise((done) => setTimeout(done, 20));
  }
  return false;
}

async function snapshot(): Promise<{
  ids: string[];
  digest: string;
  quarantined: { key: string; code: string }[];
  state: PeersState | undefined;
  errors: string[];
  /** Batches of peers' entries read and checked in the pool's workers (real workers). */
  admissionBatches: number;
  /** Transactions that applied a part of a large update. */
  partTransactions: number;
  busyLabels: string[];
}> {
  const s = opened();
  await session?.settled();
  await s.flush();
  return {
    ids: [...s.ledger.all()].map((e) => e.id).sort(),
    digest: await s.ledger.digest(),
    quarantined: (await s.quarantined()).map(({ key, code }) => ({ key, code })),
    state: session?.state(),
    errors,
    admissionBatches,
    partTransactions,
    busyLabels,
  };
}

// --- the app's transport seam: a joiner who knows only the ledger id and the secret ------

const reported: SyncState[] = [];

/** Follows a team through makeWebrtcTransport, waiting for the genesis from peers first. */
function follow(ledgerId: string, secret: string, signaling: string[]): void {
  const transport = makeWebrtcTransport({ settings: { iceServers: [] } });
  let stop: () => void = () => undefined;
  const target = (ledger: Ledger | undefined) => ({
    ledgerId,
    roomSecret: secret,
    signaling,
    ledger,
    async offerGenesis(bytes: Uint8Array): Promise<boolean> {
      const entry = await decodeEntry(bytes).catch(() => undefined);
      if (entry?.id !== ledgerId || entry.kind !== 'genesis') return false;
      await open(toBase64(bytes));
      stop();
      stop = transport.connect(target(opened().ledger), (s) => reported.push(s));
      return true;
    },
  });
  stop = transport.connect(target(undefined), (s) => reported.push(s));
}

const syncStates = (): SyncState[] => reported;

// --- file sync -----------------------------------------------------------------------

/** Opens the ledger a file names (creating its store) and imports the file. */
async function openFromFile(base64: string) {
  const bytes = fromBase64(base64, 'file');
  const { genesis } = await readLedgerFile(bytes);
  await open(toBase64(genesis.bytes));
  return importFile(base64);
}

async function importFile(base64: string) {
  const report = await importLedgerFile(opened().ledger, fromBase64(base64, 'file'));
  await opened().flush();
  return report;
}

const exportFile = (heads: string[] = []): string =>
  toBase64(exportLedgerFile(opened().ledger, heads));
const heads = (): string[] => headsOf(opened().ledger);
const didOf = async (byte: number): Promise<string> => (await signer(byte)).did;

// --- pairing with no server ------------------------------------------------------------

let offered: Awaited<ReturnType<typeof offerPairing>> | undefined;
let paired: PairingSession | undefined;

async function pairOffer(): Promise<{ code: string; qr: string[] }> {
  offered = await offerPairing(opened().ledger, { iceServers: [] });
  return { code: offered.code, qr: offered.qr };
}

async function pairAnswer(offerCode: string): Promise<{ code: string; qr: string[] }> {
  const answered = await answerPairing(opened().ledger, offerCode, { iceServers: [] });
  paired = answered.session;
  return { code: answered.code, qr: answered.qr };
}

async function pairComplete(answerCode: string): Promise<void> {
  if (offered === undefined) throw new Error('no offer made');
  paired = await offered.complete(answerCode);
}

const pairState = () => paired?.state();
const pairCounters = () => (paired === undefined ? undefined : { ...paired.counters });

// --- a bare pairing link whose first device starts syncing late ----------------------------

let linkOffered: Awaited<ReturnType<typeof createPairingOffer>> | undefined;
/** This page's doc on the bare link: plain keys, no ledger. */
const linkDoc = new Y.Doc();

async function linkOffer(): Promise<string> {
  linkOffered = await createPairingOffer({ iceServers: [] });
  return linkOffered.offer;
}

/** Answers and syncs at once (the peer's first sync message goes out as the channel opens). */
async function linkAnswer(offer: string): Promise<string> {
  const { answer, link } = await answerPairingOffer(offer, { iceServers: [] });
  link.sync(linkDoc);
  return answer;
}

/**
 * Completes the link with `keys` keys in this page's doc, but starts syncing only `delayMs`
 * after the channel opened, when the peer's first message has long been dispatched here.
 */
async function linkCompleteLate(answer: string, keys: number, delayMs: number): Promise<void> {
  if (linkOffered === undefined) throw new Error('no link offered');
  const map = linkDoc.getMap<number>('late');
  linkDoc.transact(() => {
    for (let i = 0; i < keys; i++) map.set(`k${i}`, i);
  });
  const link = await linkOffered.accept(answer);
  await link.open;
  await new Promise((done) => setTimeout(done, delayMs));
  link.sync(linkDoc);
}

/** Keys in this page's doc on the bare link, once it holds `want` or `timeoutMs` passed. */
async function linkHeld(want: number, timeoutMs: number): Promise<number> {
  const map = linkDoc.getMap<number>('late');
  const until = performance.now() + timeoutMs;
  while (map.size < want && performance.now() < until)
    await new Promise((done) => setTimeout(done, 20));
  return map.size;
}

/** Renders QR SVGs as a camera would see them and reads the code back. */
async function scanSvgs(svgs: string[]): Promise<string | undefined> {
  const texts: string[] = [];
  for (const svg of svgs) {
    const image = new Image();
    image.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 800;
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context');
    // A camera's frames see the code at one size after another, as the hand moves: the first
    // that reads is taken (one size alone is misread now and then by the JS decoder).
    for (const size of [720, 660, 600]) {
      context.fillStyle = '#fff';
      context.fillRect(0, 0, 800, 800);
      context.drawImage(image, 40, 40, size, size);
      const text = await scanQr(context.getImageData(0, 0, 800, 800));
      if (text === undefined) continue;
      texts.push(text);
      break;
    }
  }
  return joinQrParts(texts).code;
}

/** A bare y-webrtc transport in the ledger's room, bound to no validator. */
async function joinRoom(
  doc: Y.Doc,
  ledgerId: string,
  secret: string,
  settings: PeerSettings,
  connectTimeoutMs?: number,
): Promise<WebrtcTransport> {
  return connectWebrtc(doc, {
    room: await roomNameFor(ledgerId),
    password: secret,
    signaling: settings.signaling,
    iceServers: settings.iceServers,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
}

// --- an insider who writes to the shared doc with no validator ---------------------------

let hostileDoc: Y.Doc | undefined;
let hostileTransport: WebrtcTransport | undefined;

function hostileMap(): Y.Map<Uint8Array> {
  if (hostileDoc === undefined) throw new Error('the hostile peer is not connected');
  return hostileDoc.getMap<Uint8Array>(ENTRIES_MAP);
}

const hostile = {
  async connect(ledgerId: string, secret: string, settings: PeerSettings): Promise<void> {
    hostileDoc = new Y.Doc();
    hostileTransport = await joinRoom(hostileDoc, ledgerId, secret, settings);
  },
  keys: (): string[] => [...hostileMap().keys()],
  /** Entries that name `victim` (seed byte) as author, signed by another key. */
  async forge(ledgerId: string, victimByte: number, count: number): Promise<string[]> {
    const victim = await signer(victimByte);
    const forger = await signer(200);
    const liar: Signer = { did: victim.did, publicKey: victim.publicKey, sign: forger.sign };
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const fields = { ledger: ledgerId, seq: 0, prev: null, refs: [], time: T };
      const entry = await signEntry(liar, {
        ...fields,
        kind: 'register',
        body: { name: `forged ${i}` },
      });
      hostileMap().set(entry.id, entry.bytes);
      ids.push(entry.id);
    }
    return ids;
  },
  overwriteAll(): void {
    const map = hostileMap();
    hostileDoc?.transact(() => {
      for (const key of [...map.keys()])
        map.set(key, new TextEncoder().encode('{"overwritten":true}'));
    });
  },
  deleteAll(): void {
    const map = hostileMap();
    hostileDoc?.transact(() => {
      for (const key of [...map.keys()]) map.delete(key);
    });
  },
  flood(count: number, bytes: number): void {
    const map = hostileMap();
    hostileDoc?.transact(() => {
      for (let i = 0; i < count; i++) map.set(`junk-${i}`, new Uint8Array(bytes).fill(i % 256));
    });
  },
  close(): void {
    hostileTransport?.destroy();
    hostileDoc?.destroy();
  },
};

// --- a peer that announces itself, then never finishes a WebRTC handshake -----------------

let ghostDoc: Y.Doc | undefined;
let ghostTransport: WebrtcTransport | undefined;

const ghost = {
  /** Joins the room in a page whose RTCPeerConnection never offers nor answers. */
  async connect(ledgerId: string, secret: string, settings: PeerSettings): Promise<void> {
    const never = () => new Promise<never>(() => undefined);
    RTCPeerConnection.prototype.createOffer = never;
    RTCPeerConnection.prototype.setRemoteDescription = never;
    ghostDoc = new Y.Doc();
    // It never gives up on its side, so it never announces itself again: what the honest peers
    // do with the connection it leaves hanging is all there is to see.
    ghostTransport = await joinRoom(ghostDoc, ledgerId, secret, settings, 24 * 3600_000);
  },
  peerId: (): string | undefined => ghostTransport?.peerId(),
  close(): void {
    ghostTransport?.destroy();
    ghostDoc?.destroy();
  },
};

const api = {
  found,
  open,
  connect,
  disconnect,
  append,
  endorse,
  waitFor,
  snapshot,
  openFromFile,
  importFile,
  exportFile,
  heads,
  didOf,
  follow,
  syncStates,
  pairOffer,
  pairAnswer,
  pairComplete,
  pairState,
  pairCounters,
  linkOffer,
  linkAnswer,
  linkCompleteLate,
  linkHeld,
  scanSvgs,
  hostile,
  ghost,
  insider,
  admittedAt,
};

export type PeersPageApi = typeof api;

declare global {
  interface Window {
    patchtrailPeers: PeersPageApi;
  }
}

window.patchtrailPeers = api;

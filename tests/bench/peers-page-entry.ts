/**
 * Browser entry for the peers benchmark: the sync layer as the app runs it (verified store,
 * bindLedgerDoc, y-webrtc through connectWebrtc) with timestamps on a clock both browsers share
 * (performance.timeOrigin + performance.now(), the system clock at sub-ms resolution): when an
 * entry is written, when its update arrives, when the validator has admitted it. A bare Y.Map in
 * the same doc, over the same connection, gives the reference.
 */
import * as Y from 'yjs';
import { makeSeedSigner, type Signer } from '../../src/core/crypto/signer.ts';
import { fromBase64, toBase64 } from '../../src/core/encoding/bytes.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { openLedgerStore, type LedgerStore } from '../../src/storage/ledger-store.ts';
import { bindingAdmission } from '../../src/app/worker-admission.ts';
import { makeWorkerPool, startPoolWorker } from '../../src/app/worker-pool.ts';
import { bindLedgerDoc, ENTRIES_MAP } from '../../src/sync/ledger-doc.ts';
import { yieldingLedger } from '../../src/sync/yielding.ts';
import { connectWebrtc, roomNameFor, type WebrtcTransport } from '../../src/sync/webrtc.ts';

const T = '2026-12-06T10:00:00Z';
const PATCH = `sha256:${'ab'.repeat(32)}`;
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let store: LedgerStore | undefined;
let doc: Y.Doc | undefined;
let transport: WebrtcTransport | undefined;
const arrived = new Map<string, number>();
const admitted = new Map<string, number>();
const bareArrived = new Map<string, number>();
let writer: Signer | undefined;

interface Setup {
  genesis?: string;
  secret: string;
  signaling: string[];
  /** false: every value admitted on this thread; else large changes go through a worker pool, as the app binds its doc. */
  pool?: boolean;
}

async function join(setup: Setup): Promise<string> {
  let genesisBytes: Uint8Array;
  if (setup.genesis === undefined) {
    const admin = await makeSeedSigner(new Uint8Array(32).fill(1));
    const body = { name: 'bench', admins: [admin.did], threshold: 1 };
    genesisBytes = (await Ledger.found(admin, body, T)).genesis.bytes;
  } else genesisBytes = fromBase64(setup.genesis, 'genesis');
  store = await openLedgerStore(genesisBytes, { onError: () => undefined });
  store.ledger.subscribe({ admitted: (e) => void admitted.set(e.id, clock()) });
  doc = new Y.Doc();
  doc.getMap(ENTRIES_MAP).observe((event, tx) => {
    if (tx.local) return;
    const at = clock();
    for (const key of event.keysChanged) if (!arrived.has(key)) arrived.set(key, at);
  });
  doc.getMap('bare').observe((event, tx) => {
    if (tx.local) return;
    const at = clock();
    for (const key of event.keysChanged) bareArrived.set(key, at);
  });
  let began = 0;
  doc.on('beforeTransaction', () => (began = performance.now()));
  doc.on('afterTransaction', (tx: Y.Transaction) => {
    if (!tx.local) remoteTransactions.push(performance.now() - began);
  });
  const pool =
    setup.pool !== false
      ? makeWorkerPool({ start: startPoolWorker, size: navigator.hardwareConcurrency })
      : undefined;
  bindLedgerDoc(doc, yieldingLedger(store.ledger), bindingAdmission(store.ledger, pool));
  transport = connectWebrtc(doc, {
    room: await roomNameFor(store.ledger.id),
    password: setup.secret,
    signaling: setup.signaling,
    iceServers: [],
  });
  return toBase64(genesisBytes);
}

const connected = () => transport?.status().peers.some((p) => p.connected && p.synced) ?? false;

/** Writes entries one at a time, `gapMs` apart; returns when each was written. */
async function writeEntries(count: number, gapMs: number): Promise<[string, number][]> {
  const ledger = store?.ledger;
  if (ledger === undefined) throw new Error('not joined');
  writer ??= await makeSeedSigner(new Uint8Array(32).fill(2));
  const sent: [string, number][] = [];
  for (let i = 0; i < count; i++) {
    const at = clock();
    const entry =
      ledger.head(writer.did) === undefined
        ? await ledger.append(writer, 'register', { name: 'bench writer' }, T)
        : await ledger.append(writer, 'attest', { patch: PATCH, reason: 'built', score: i }, T);
    sent.push([entry.id, at]);
    await sleep(gapMs);
  }
  return sent;
}

/** Writes bare values of `bytes` each into the same doc; returns when each was written. */
async function writeBare(count: number, bytes: number, gapMs: number): Promise<[string, number][]> {
  const map = doc?.getMap<Uint8Array>('bare');
  if (map === undefined) throw new Error('not joined');
  const sent: [string, number][] = [];
  for (let i = 0; i < count; i++) {
    const key = `bare-${i}`;
    const at = clock();
    map.set(key, crypto.getRandomValues(new Uint8Array(bytes)));
    sent.push([key, at]);
    await sleep(gapMs);
  }
  return sent;
}

const timings = () => ({
  arrived: [...arrived],
  admitted: [...admitted],
  bareArrived: [...bareArrived],
});

/** Appends `count` entries at once (for the fresh-peer sync). */
async function bulk(count: number): Promise<number> {
  const ledger = store?.ledger;
  if (ledger === undefined) throw new Error('not joined');
  const who = await makeSeedSigner(new Uint8Array(32).fill(3));
  for (let i = 0; i < count; i++) {
    if (ledger.head(who.did) === undefined)
      await ledger.append(who, 'register', { name: 'bulk' }, T);
    else await ledger.append(who, 'attest', { patch: PATCH, reason: 'tested', score: i }, T);
  }
  return ledger.size;
}

/** Long tasks (> 50 ms) on this page's main thread, as the browser reports them. */
const longTasks: number[] = [];
/** How long each remote Yjs transaction took to apply (observers included). */
const remoteTransactions: number[] = [];
new PerformanceObserver((list) => {
  for (const task of list.getEntries()) longTasks.push(task.duration);
}).observe({ type: 'longtask', buffered: true });

/**
 * Ms until this fresh peer holds `size` verified entries, from the moment it starts joining,
 * and the long tasks meanwhile (count and longest).
 */
async function syncFresh(
  setup: Setup,
  size: number,
  timeoutMs: number,
): Promise<{ ms: number; longTasks: number; longestTaskMs: number; longestApplyMs: number }> {
  const started = clock();
  const before = longTasks.length;
  await join(setup);
  while (store !== undefined && store.ledger.size < size) {
    if (clock() - started > timeoutMs) break;
    await sleep(5);
  }
  const ms = store !== undefined && store.ledger.size >= size ? clock() - started : -1;
  await sleep(100); // let the observer deliver the last entries
  const during = longTasks.slice(before);
  return {
    ms,
    longTasks: during.length,
    longestTaskMs: Math.max(0, ...during),
    longestApplyMs: Math.max(0, ...remoteTransactions),
  };
}

// --- the bare reference for the fresh-peer sync: a doc of the same bytes, no validator ----

let bareDoc: Y.Doc | undefined;
let bareTransport: WebrtcTransport | undefined;

async function bareRoom(room: string, setup: Setup): Promise<void> {
  bareDoc = new Y.Doc();
  bareTransport = connectWebrtc(bareDoc, {
    room,
    password: setup.secret,
    signaling: setup.signaling,
    iceServers: [],
  });
}

/** Copies this ledger's entries into the bare room's doc (same keys, same bytes). */
function fillBare(): number {
  const map = bareDoc?.getMap<Uint8Array>('copy');
  if (map === undefined || store === undefined) throw new Error('no bare room');
  bareDoc?.transact(() => {
    for (const entry of store?.ledger.all() ?? []) map.set(entry.id, entry.bytes);
  });
  return map.size;
}

async function syncBare(
  room: string,
  setup: Setup,
  size: number,
  timeoutMs: number,
): Promise<number> {
  const started = clock();
  await bareRoom(room, setup);
  const map = bareDoc?.getMap('copy');
  while (map !== undefined && map.size < size) {
    if (clock() - started > timeoutMs) return -1;
    await sleep(5);
  }
  return clock() - started;
}

const api = {
  join,
  size: () => store?.ledger.size ?? 0,
  connected,
  writeEntries,
  writeBare,
  timings,
  bulk,
  syncFresh,
  bareRoom,
  fillBare,
  syncBare,
  bareConnected: () => bareTransport?.status().peers.some((p) => p.connected) ?? false,
};

export type PeersBenchApi = typeof api;

declare global {
  interface Window {
    patchtrailPeersBench: PeersBenchApi;
  }
}

window.patchtrailPeersBench = api;

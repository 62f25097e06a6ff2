/**
 * Browser entry bundled by ./reopen.bench.ts: the real IndexedDB ledger store (src/storage)
 * loaded with a ledger file's lines, reopened warm (the verification cache vouching for the
 * stored bytes), and the reference: the same bytes as a bare Yjs doc, stored as one update in
 * IndexedDB, read back and applied. `hold` keeps a reopened ledger open for a heap figure.
 */
import * as Y from 'yjs';
import { makeWorkerPool, startPoolWorker } from '../../src/app/worker-pool.ts';
import {
  readSegmentsWith,
  WORKER_READ_MEASURE,
  type WorkerReadDetail,
} from '../../src/app/worker-segments.ts';
import {
  openLedgerStore,
  STORE_MEASURES,
  type LedgerStore,
} from '../../src/storage/ledger-store.ts';

let held: LedgerStore | undefined;
/** The app's pool and reading (src/app/worker-segments.ts). */
const pool = makeWorkerPool({ start: startPoolWorker });
const readSegments = readSegmentsWith(pool);
const errors: string[] = [];
const onError = (error: unknown) => errors.push(String(error));
const encoder = new TextEncoder();

/**
 * Admits every line (the first is the genesis) into a new store, then closes it, or with
 * `keep` holds it open as `held` (the heap of a ledger admitted in this session).
 */
async function load(text: string, keep = false): Promise<{ ledgerId: string; entries: number }> {
  let lines: Uint8Array[] | undefined = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => encoder.encode(line));
  const store = await openLedgerStore(lines[0] as Uint8Array, { onError });
  for (const line of lines.slice(1)) await store.ledger.admit(line);
  lines = undefined;
  const entries = store.ledger.size;
  await store.flush();
  if (keep) held = store;
  else await store.close();
  if (errors.length > 0) throw new Error(errors.join('; '));
  return { ledgerId: store.ledger.id, entries };
}

const measured = (name: string) => performance.getEntriesByName(name).at(-1)?.duration ?? NaN;

/**
 * Opens the stored ledger again, timed: in all, reading the segments (here: to start reading,
 * in a worker), reading and rebuilding. `inWorker`: as the app does, segments read in a worker
 * of the app's pool (warm after the first time); else all on this thread.
 */
async function reopen(ledgerId: string, inWorker: boolean) {
  performance.clearMeasures(WORKER_READ_MEASURE);
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const started = performance.now();
  const store = await openLedgerStore(ledgerId, { onError, ...(inWorker ? { readSegments } : {}) });
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 100)); // long-task entries come later
  observer.disconnect();
  const worker = performance.getEntriesByName(WORKER_READ_MEASURE).at(-1) as
    PerformanceMeasure | undefined;
  const result = {
    ms,
    readMs: measured(STORE_MEASURES.read),
    rebuildMs: measured(STORE_MEASURES.rebuild),
    entries: store.ledger.size,
    cached: store.report.cached,
    fromWorker: (worker?.detail as WorkerReadDetail | undefined)?.fromWorker ?? 0,
    longestTaskMs: Math.max(0, ...tasks),
  };
  await store.close();
  return result;
}

/** Opens the stored ledger and keeps it open (for a heap measurement); the bytes it holds. */
async function hold(ledgerId: string): Promise<{ entries: number; segmentBytes: number }> {
  held = await openLedgerStore(ledgerId, { onError });
  const buffers = new Set<ArrayBufferLike>();
  for (const entry of held.ledger.all()) buffers.add(entry.bytes.buffer);
  let segmentBytes = 0;
  for (const buffer of buffers) segmentBytes += buffer.byteLength;
  return { entries: held.ledger.size, segmentBytes };
}

async function release(): Promise<void> {
  await held?.close();
  held = undefined;
}

function database(): Promise<IDBDatabase> {
  return new Promise((done, fail) => {
    const open = indexedDB.open('yjs-reference', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('docs');
    open.onsuccess = () => done(open.result);
    open.onerror = () => fail(open.error);
  });
}

function request<T>(make: (store: IDBObjectStore) => IDBRequest<T>, mode: IDBTransactionMode) {
  return database().then(
    (db) =>
      new Promise<T>((done, fail) => {
        const tx = db.transaction('docs', mode);
        const req = make(tx.objectStore('docs'));
        tx.oncomplete = () => (db.close(), done(req.result));
        tx.onabort = () => (db.close(), fail(tx.error));
      }),
  );
}

/** Stores the lines as a bare Yjs doc (a map of line number to bytes), one update. */
async function storeYjs(text: string): Promise<number> {
  const doc = new Y.Doc();
  const map = doc.getMap<Uint8Array>('entries');
  const lines = text.split('\n').filter((line) => line !== '');
  doc.transact(() => lines.forEach((line, i) => map.set(String(i), encoder.encode(line))));
  const update = Y.encodeStateAsUpdate(doc);
  await request((store) => store.put(update, 'ledger'), 'readwrite');
  return update.length;
}

/** Reads the update back and applies it to a new doc, timed, every value touched. */
async function reopenYjs(): Promise<{ ms: number; entries: number }> {
  const started = performance.now();
  const update = await request(
    (store) => store.get('ledger') as IDBRequest<Uint8Array>,
    'readonly',
  );
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  let entries = 0;
  for (const value of doc.getMap<Uint8Array>('entries').values())
    entries += value.length > 0 ? 1 : 0;
  return { ms: performance.now() - started, entries };
}

const api = { load, reopen, storeYjs, reopenYjs, hold, release };

export type ReopenPageApi = typeof api;

declare global {
  interface Window {
    patchtrailReopen: ReopenPageApi;
  }
}

window.patchtrailReopen = api;

/**
 * Browser entry bundled by ./ledger-store.test.ts: the real IndexedDB ledger store from
 * src/storage and a few drivers on `window`, so `page.evaluate` can run them.
 */
import { makeSeedSigner, type Signer } from '../../src/core/crypto/signer.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  openLedgerStore,
  type LedgerStore,
  type StoreLoadReport,
} from '../../src/storage/ledger-store.ts';

const T = '2026-11-22T11:00:00Z';
const PATCH = `sha256:${'12'.repeat(32)}`;

export interface LedgerSnapshot {
  ledgerId: string;
  ids: string[];
  digest: string;
  report: StoreLoadReport;
  ms: number;
  errors: string[];
}

const errors: string[] = [];
const onError = (error: unknown) => errors.push(String(error));
/** The store this page has open, so a test can append to it after `open`. */
let current: LedgerStore | undefined;

async function signers(count: number): Promise<Signer[]> {
  const out: Signer[] = [];
  for (let i = 0; i < count; i++) out.push(await makeSeedSigner(new Uint8Array(32).fill(i + 1)));
  return out;
}

async function snapshot(store: LedgerStore, started: number): Promise<LedgerSnapshot> {
  const ms = performance.now() - started;
  const ids = [...store.ledger.all()].map((e) => e.id);
  const { ledger, report } = store;
  return { ledgerId: ledger.id, ids, digest: await ledger.digest(), report, ms, errors };
}

/** Founds a new ledger named `name` and opens its store. */
async function create(name: string): Promise<LedgerSnapshot> {
  const [admin] = await signers(1);
  if (admin === undefined) throw new Error('no signer');
  const founded = await Ledger.found(admin, { name, admins: [admin.did], threshold: 1 }, T);
  const started = performance.now();
  current = await openLedgerStore(founded.genesis.bytes, { onError });
  return snapshot(current, started);
}

/** Appends `count` entries by `authors` signers to the open store; flushes when asked. */
async function append(count: number, authors: number, flush: boolean): Promise<LedgerSnapshot> {
  const store = current;
  if (store === undefined) throw new Error('no store is open');
  const all = await signers(authors);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const who = all[i % authors] as Signer;
    if (store.ledger.head(who.did) === undefined)
      await store.ledger.append(who, 'register', { name: `system ${i}` }, T);
    else await store.ledger.append(who, 'attest', { patch: PATCH, reason: 'built', score: i }, T);
  }
  if (flush) await store.flush();
  return snapshot(store, started);
}

/** Opens the stored ledger `ledgerId` (after a reload, say), timing the load. */
async function reopen(ledgerId: string, ignoreCache = false): Promise<LedgerSnapshot> {
  await current?.close();
  const started = performance.now();
  current = await openLedgerStore(ledgerId, { onError, ignoreCache });
  return snapshot(current, started);
}

const api = { create, append, reopen };

export type LedgerStorePageApi = typeof api;

declare global {
  interface Window {
    patchtrailLedgerStore: LedgerStorePageApi;
  }
}

window.patchtrailLedgerStore = api;

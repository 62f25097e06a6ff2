/**
 * Browser entry for the pool bench (pool.bench.ts): the app's worker pool and jobs
 * (src/app/worker-*.ts) beside reference workers (bench.worker.ts) in one page, so each row's
 * figure and its reference are measured in the same run, with the same number of workers.
 */
import { admitInBatches, type EntryInput } from '../../src/app/worker-admission.ts';
import { hashFile, merkleInWorker, type FileDigest } from '../../src/app/worker-hash.ts';
import { makeWorkerPool, startPoolWorker, type WorkerPool } from '../../src/app/worker-pool.ts';
import { publicKeyFromDid } from '../../src/core/crypto/did-key.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { concatBytes, fromBase64 } from '../../src/core/encoding/bytes.ts';
import { ENTRY_DOMAIN } from '../../src/core/ledger/entry.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import type { MerkleRates, RawVerifyShare } from './bench.worker.ts';
import type { FileHashReference, MemoryRates } from './file-hash.worker.ts';

const workers = navigator.hardwareConcurrency;
const pools = new Map<number, WorkerPool>();
let held: Ledger | undefined;

function getPool(size = workers): WorkerPool {
  let pool = pools.get(size);
  if (pool === undefined) {
    pool = makeWorkerPool({ start: startPoolWorker, size });
    pools.set(size, pool);
  }
  return pool;
}

function startBenchWorker(): Worker {
  return new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
}

function ask<T>(worker: Worker, message: unknown, transfer: Transferable[] = []): Promise<T> {
  return new Promise((resolve) => {
    worker.onmessage = (event) => resolve(event.data as T);
    worker.postMessage(message, transfer);
  });
}

async function loadEntries(): Promise<{ genesis: Uint8Array; entries: EntryInput[] }> {
  const text = await (await fetch('/ledger.jsonl')).text();
  const encoder = new TextEncoder();
  const [genesis, ...lines] = text.split('\n').filter((line) => line !== '');
  return {
    genesis: encoder.encode(genesis),
    entries: lines.map((line) => ({ bytes: encoder.encode(line) })),
  };
}

/** Key, signed message and signature of each entry, split into one share per worker. */
function shares(entries: readonly EntryInput[], count: number): RawVerifyShare[] {
  const decoder = new TextDecoder();
  const per = Math.ceil(entries.length / count);
  const out: RawVerifyShare[] = [];
  for (let w = 0; w < count; w++) {
    const part = entries.slice(w * per, (w + 1) * per).map(({ bytes }) => {
      const { sig, ...content } = JSON.parse(decoder.decode(bytes)) as {
        sig: string;
        author: string;
      };
      return {
        key: publicKeyFromDid(content.author),
        message: concatBytes(ENTRY_DOMAIN, canonicalBytes(content)),
        sig: fromBase64(sig),
      };
    });
    let at = 0;
    out.push({
      kind: 'raw-verify',
      keys: concatBytes(...part.map((p) => p.key)),
      messages: concatBytes(...part.map((p) => p.message)),
      ends: Uint32Array.from(part, (p) => (at += p.message.length)),
      sigs: concatBytes(...part.map((p) => p.sig)),
    });
  }
  return out;
}

async function rawVerifyMs(
  entries: readonly EntryInput[],
  benchWorkers: Worker[],
): Promise<number> {
  const prepared = shares(entries, benchWorkers.length);
  const started = performance.now();
  const verified = await Promise.all(
    prepared.map((share, i) =>
      ask<number>(benchWorkers[i] as Worker, share, [
        share.keys.buffer,
        share.messages.buffer,
        share.sigs.buffer,
      ]),
    ),
  );
  const ms = performance.now() - started;
  if (verified.reduce((a, b) => a + b, 0) !== entries.length)
    throw new Error('bench: a signature failed');
  return ms;
}

function watchLongTasks(): () => { count: number; longestMs: number } {
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  return () => {
    observer.disconnect();
    return { count: tasks.length, longestMs: Math.max(0, ...tasks) };
  };
}

function heapUsed(): number {
  const { gc } = globalThis as { gc?: () => void };
  if (gc === undefined) throw new Error('bench: gc is not exposed (--js-flags=--expose-gc)');
  gc();
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

export interface AdmissionRates {
  workers: number;
  entries: number;
  poolPerSec: number;
  rawPerSec: number;
  mainThreadPerSec: number;
  /** The main thread admitting with every signature taken as verified: the pool's ceiling. */
  signaturesSkippedPerSec: number;
  checkedInWorkers: number;
  /** Pool admission against bare verification, round by round (in turns). */
  ratios: number[];
  longTasks: { count: number; longestMs: number };
  heapBeforeMb: number;
  heapOpenMb: number;
}

/** Rounds of (bare verification, pool admission), taken in turns so load weighs on both alike. */
const ROUNDS = 3;

async function admission(mainThreadSample: number, size = workers): Promise<AdmissionRates> {
  held = undefined;
  const heapBefore = heapUsed();
  const { genesis, entries } = await loadEntries();
  const benchWorkers = Array.from({ length: size }, startBenchWorker);
  await rawVerifyMs(entries.slice(0, 2000), benchWorkers); // warm, as the pool is below
  const pool = getPool(size);
  await admitInBatches(await Ledger.open(genesis), entries.slice(0, 4 * 512 * size), pool);
  const rounds: { rawMs: number; poolMs: number }[] = [];
  let ledger = await Ledger.open(genesis);
  let report: Awaited<ReturnType<typeof admitInBatches>> | undefined;
  let longTasks = { count: 0, longestMs: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const rawMs = await rawVerifyMs(entries, benchWorkers);
    ledger = await Ledger.open(genesis);
    const stop = watchLongTasks();
    const started = performance.now();
    report = await admitInBatches(ledger, entries, pool);
    rounds.push({ rawMs, poolMs: performance.now() - started });
    const seen = stop();
    longTasks = {
      count: longTasks.count + seen.count,
      longestMs: Math.max(longTasks.longestMs, seen.longestMs),
    };
    if (report.counts.admitted !== entries.length) throw new Error('bench: not all admitted');
  }
  for (const worker of benchWorkers) worker.terminate();
  const poolMs = Math.min(...rounds.map((r) => r.poolMs));
  const rawMs = Math.min(...rounds.map((r) => r.rawMs));

  const sample = entries.slice(0, mainThreadSample);
  const alone = await Ledger.open(genesis);
  const t0 = performance.now();
  for (const entry of sample) await alone.admit(entry.bytes);
  const mainMs = performance.now() - t0;
  const skipping = await Ledger.open(genesis);
  const t1 = performance.now();
  for (const entry of sample) await skipping.admit(entry.bytes, { verifiedBefore: true });
  const skipMs = performance.now() - t1;

  held = ledger;
  entries.length = 0;
  return {
    workers: size,
    entries: ledger.size - 1,
    poolPerSec: ((ledger.size - 1) * 1000) / poolMs,
    rawPerSec: ((ledger.size - 1) * 1000) / rawMs,
    mainThreadPerSec: (sample.length * 1000) / mainMs,
    signaturesSkippedPerSec: (sample.length * 1000) / skipMs,
    checkedInWorkers: report?.checkedInWorkers ?? 0,
    ratios: rounds.map((r) => r.rawMs / r.poolMs),
    longTasks,
    heapBeforeMb: heapBefore / 2 ** 20,
    heapOpenMb: heapUsed() / 2 ** 20,
  };
}

function heldSize(): number {
  return held?.size ?? 0;
}

async function merkle(
  level: number,
  minMs: number,
): Promise<MerkleRates & { poolRootPerSec: number }> {
  const worker = startBenchWorker();
  const rates = await ask<MerkleRates>(worker, { kind: 'merkle-rates', level, minMs });
  worker.terminate();
  const leafHashes = new Uint8Array(32 * level);
  for (let i = 0; i < leafHashes.length; i++) leafHashes[i] = (i * 7) & 0xff;
  await merkleInWorker(getPool(), 'root', leafHashes); // warm
  const started = performance.now();
  const { engine } = await merkleInWorker(getPool(), 'root', leafHashes);
  if (engine !== 'worker') throw new Error('bench: the root was not computed in a worker');
  return { ...rates, poolRootPerSec: ((level - 1) * 1000) / (performance.now() - started) };
}

function pickedFiles(): File[] {
  const input = document.querySelector<HTMLInputElement>('input[type=file]');
  return [...(input?.files ?? [])];
}

export interface FileRun {
  name: string;
  ms: number;
  digest: FileDigest;
}

async function hashPicked(parallel: boolean): Promise<FileRun[]> {
  const files = pickedFiles();
  const one = async (file: File): Promise<FileRun> => {
    const started = performance.now();
    const digest = await hashFile(getPool(), file);
    return { name: file.name, ms: performance.now() - started, digest };
  };
  if (parallel) return Promise.all(files.map(one));
  const runs: FileRun[] = [];
  for (const file of files) runs.push(await one(file));
  return runs;
}

/** The same files streamed in a reference worker (file-hash.worker.ts), through `engine`. */
async function hashPickedInReference(
  engine: 'hash-wasm' | 'kernel',
): Promise<{ name: string; ms: number; digest: string }[]> {
  const worker = new Worker(new URL('./file-hash.worker.ts', import.meta.url), { type: 'module' });
  const hash = (file: File) =>
    new Promise<string>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data as string);
      worker.onerror = (event) => reject(new Error(`file-hash worker: ${event.message}`));
      worker.postMessage({ kind: 'file', file, engine } satisfies FileHashReference);
    });
  const runs = [];
  try {
    for (const file of pickedFiles()) {
      const started = performance.now();
      const digest = await hash(file);
      runs.push({ name: file.name, ms: performance.now() - started, digest });
    }
  } finally {
    worker.terminate();
  }
  return runs;
}

/** The kernel and hash-wasm on the same bytes in memory, in a reference worker, in turns. */
async function hashMemoryRates(mib: number, rounds: number): Promise<MemoryRates> {
  const worker = new Worker(new URL('./file-hash.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<MemoryRates>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data as MemoryRates);
      worker.onerror = (event) => reject(new Error(`file-hash worker: ${event.message}`));
      worker.postMessage({ kind: 'memory', mib, rounds } satisfies FileHashReference);
    });
  } finally {
    worker.terminate();
  }
}

function addFileInput(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  document.body.append(input);
}

const api = {
  admission,
  heldSize,
  merkle,
  hashPicked,
  hashPickedInReference,
  hashMemoryRates,
  addFileInput,
  workers,
};
export type PoolBenchApi = typeof api;

declare global {
  interface Window {
    patchtrailPoolBench: PoolBenchApi;
  }
}

window.patchtrailPoolBench = api;

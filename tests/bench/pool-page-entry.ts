/**
 * Browser entry for the pool bench (pool.bench.ts): the app's worker pool and jobs
 * (src/app/worker-*.ts) beside reference workers (bench.worker.ts) in one page, so each row's
 * figure and its reference are measured in the same run, with the same number of workers.
 */
import { hashFile, merkleInWorker, type FileDigest } from '../../src/app/worker-hash.ts';
import { makeWorkerPool, startPoolWorker, type WorkerPool } from '../../src/app/worker-pool.ts';
import type { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  admissionCosts,
  admissionFinish,
  admissionSetup,
  ask,
  poolRound,
  rawPrepare,
  rawRound,
  startBenchWorker,
  type AdmissionContext,
} from './pool-admission-page.ts';
import type { MerkleRates } from './bench.worker.ts';
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

/** Loads the ledger and warms the pool of `size` workers and as many reference workers. */
function admissionStart(size = workers): Promise<number> {
  held = undefined;
  return admissionSetup(getPool(size));
}

/** Drops the ledger held since the last admission row, so the heap can be read without it. */
function release(): void {
  held = undefined;
}

/** The main thread alone; the last round's ledger is held (for the heap) until `release`. */
async function admissionEnd(mainThreadSample: number): Promise<AdmissionContext> {
  const { context, ledger } = await admissionFinish(mainThreadSample);
  held = ledger;
  return context;
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
  admissionStart,
  rawPrepare,
  rawRound,
  poolRound,
  admissionCosts,
  admissionEnd,
  release,
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

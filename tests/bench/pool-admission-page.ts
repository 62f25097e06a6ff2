/**
 * The admission row of the pool bench, page side (pool-page-entry.ts exposes it): the app's
 * admission through the pool (src/app/worker-admission.ts) and, as its reference, bare
 * WebCrypto Ed25519 verification of the same signatures in as many workers (bench.worker.ts).
 * The Node side (pool-admission.ts) runs the rounds one at a time, in turns, so that it can
 * read each thread's CPU time and profile the page and its workers around a single round.
 */
import { admitInBatches, type EntryInput } from '../../src/app/worker-admission.ts';
import type { WorkerPool } from '../../src/app/worker-pool.ts';
import { publicKeyFromDid } from '../../src/core/crypto/did-key.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { concatBytes, fromBase64 } from '../../src/core/encoding/bytes.ts';
import { ENTRY_DOMAIN } from '../../src/core/ledger/entry.ts';
import { sha256Sync } from '../../src/core/crypto/hash.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { vouchedEntry } from '../../src/core/ledger/entry.ts';
import { Ledger, type AdmitOptions } from '../../src/core/ledger/ledger.ts';
import type { EntryReceipt } from '../../src/core/ledger/receipt.ts';
import { runAdmitCheck } from '../../worker/admit-job.ts';
import { bestOfInterleaved, type Costs } from './pool-steps.ts';
import type { RawVerifyShare } from './bench.worker.ts';
import type { CostsRequest } from './pool-costs.worker.ts';

export function startBenchWorker(): Worker {
  return new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
}

export function ask<T>(
  worker: Worker,
  message: unknown,
  transfer: Transferable[] = [],
): Promise<T> {
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

/** Entries back to back, and where each ends. */
function packed(entries: readonly EntryInput[]): {
  bytes: Uint8Array<ArrayBuffer>;
  ends: Uint32Array;
} {
  let at = 0;
  const ends = Uint32Array.from(entries, (e) => (at += e.bytes.length));
  return { bytes: concatBytes(...entries.map((e) => e.bytes)) as Uint8Array<ArrayBuffer>, ends };
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

/** Bare verification of every signature in `prepared`, one share per worker. */
async function rawVerifyMs(prepared: RawVerifyShare[], workers: Worker[]): Promise<number> {
  const count = prepared.reduce((n, share) => n + share.ends.length, 0);
  const started = performance.now();
  const verified = await Promise.all(
    prepared.map((share, i) =>
      ask<number>(workers[i] as Worker, share, [
        share.keys.buffer,
        share.messages.buffer,
        share.sigs.buffer,
      ]),
    ),
  );
  const ms = performance.now() - started;
  if (verified.reduce((a, b) => a + b, 0) !== count) throw new Error('bench: a signature failed');
  return ms;
}

export interface LongTasks {
  count: number;
  longestMs: number;
}

function watchLongTasks(): () => LongTasks {
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

interface Session {
  pool: WorkerPool;
  genesis: Uint8Array;
  entries: EntryInput[];
  benchWorkers: Worker[];
  ledger?: Ledger;
  /** The reference's next round, prepared apart so that its CPU time is verification alone. */
  prepared?: RawVerifyShare[];
}

let session: Session | undefined;

const current = (): Session => {
  if (session === undefined) throw new Error('bench: admissionSetup first');
  return session;
};

/** Loads the ledger, starts `size` reference workers and warms both sides. */
export async function admissionSetup(pool: WorkerPool): Promise<number> {
  const { genesis, entries } = await loadEntries();
  const benchWorkers = Array.from({ length: pool.size }, startBenchWorker);
  await rawVerifyMs(shares(entries.slice(0, 2000), pool.size), benchWorkers); // warm, as the pool is below
  await admitInBatches(await Ledger.open(genesis), entries.slice(0, 4 * 512 * pool.size), pool);
  session = { pool, genesis, entries, benchWorkers };
  return entries.length;
}

/** Prepares the reference's next round: keys, signed messages and signatures. */
export function rawPrepare(): void {
  const s = current();
  s.prepared = shares(s.entries, s.benchWorkers.length);
}

/** One round of the reference (prepared by rawPrepare): milliseconds. */
export function rawRound(): Promise<number> {
  const s = current();
  if (s.prepared === undefined) throw new Error('bench: rawPrepare first');
  const { prepared } = s;
  delete s.prepared;
  return rawVerifyMs(prepared, s.benchWorkers);
}

export interface PoolRound {
  ms: number;
  longTasks: LongTasks;
  checkedInWorkers: number;
}

/** One round of pool admission into a fresh ledger, every entry admitted. */
export async function poolRound(
  options: { batchSize?: number; ahead?: number } = {},
): Promise<PoolRound> {
  const s = current();
  const ledger = await Ledger.open(s.genesis);
  const stop = watchLongTasks();
  const started = performance.now();
  const report = await admitInBatches(ledger, s.entries, s.pool, options);
  const ms = performance.now() - started;
  const longTasks = stop();
  if (report.counts.admitted !== s.entries.length) throw new Error('bench: not all admitted');
  s.ledger = ledger;
  return { ms, longTasks, checkedInWorkers: report.checkedInWorkers };
}

export interface AdmissionContext {
  entries: number;
  mainThreadPerSec: number;
  /** The main thread admitting with every signature taken as verified: the pool's ceiling. */
  signaturesSkippedPerSec: number;
}

/** Entries per second the main thread admits alone: in full, then with signatures skipped. */
async function mainThreadRates(genesis: Uint8Array, sample: readonly EntryInput[]) {
  const rate = async (options: AdmitOptions) => {
    const ledger = await Ledger.open(genesis);
    const started = performance.now();
    for (const entry of sample) await ledger.admit(entry.bytes, options);
    return (sample.length * 1000) / (performance.now() - started);
  };
  return { alone: await rate({}), skipping: await rate({ verifiedBefore: true }) };
}

export async function admissionFinish(
  mainThreadSample: number,
): Promise<{ context: AdmissionContext; ledger: Ledger | undefined }> {
  const s = current();
  for (const worker of s.benchWorkers) worker.terminate();
  const rates = await mainThreadRates(s.genesis, s.entries.slice(0, mainThreadSample));
  const { ledger } = s;
  s.entries.length = 0;
  session = undefined;
  return {
    ledger,
    context: {
      entries: (ledger?.size ?? 1) - 1,
      mainThreadPerSec: rates.alone,
      signaturesSkippedPerSec: rates.skipping,
    },
  };
}

/** The main thread's steps per entry, each round interleaved with the others', best round. */
async function mainCosts(
  genesis: Uint8Array,
  sample: readonly EntryInput[],
  rounds: number,
): Promise<Costs> {
  const ledgerId = (await Ledger.open(genesis)).id;
  const { bytes, ends } = packed(sample);
  const { message } = await runAdmitCheck({
    kind: 'admit-check',
    id: 1,
    ledger: ledgerId,
    bytes: bytes.buffer,
    ends,
  });
  const receipts = sample.map((_, i) => ({
    id: `sha256:${toHex(message.ids.subarray(32 * i, 32 * i + 32))}`,
    ledger: ledgerId,
    digest: message.digests.subarray(32 * i, 32 * i + 32),
  }));
  const admitAll = async (options: (i: number) => AdmitOptions) => {
    const ledger = await Ledger.open(genesis);
    for (let i = 0; i < sample.length; i++)
      await ledger.admit((sample[i] as EntryInput).bytes, options(i));
  };
  const steps: Record<string, () => Promise<unknown>> = {
    'admit on a receipt (the main thread in the pool)': () =>
      admitAll((i) => ({ receipt: receipts[i] as EntryReceipt })),
    'SHA-256 of the bytes': async () => sample.map((e) => sha256Sync(e.bytes)),
    'vouchedEntry (decode, parse)': async () =>
      sample.map((e, i) => vouchedEntry(e.bytes, (receipts[i] as EntryReceipt).id)),
    'admit, signature skipped (read in full here)': () =>
      admitAll(() => ({ verifiedBefore: true })),
  };
  return bestOfInterleaved(steps, sample.length, rounds);
}

/**
 * Per entry of the first `count`, in µs: the steps of a pool worker's job, measured in one
 * worker (pool-costs.worker.ts), and the main thread's, measured here.
 */
export async function admissionCosts(
  count: number,
  rounds: number,
): Promise<{ worker: Costs; main: Costs }> {
  const { genesis, entries } = current();
  const sample = entries.slice(0, count);
  const ledger = (await Ledger.open(genesis)).id;
  const { bytes, ends } = packed(sample);
  const worker = new Worker(new URL('./pool-costs.worker.ts', import.meta.url), { type: 'module' });
  const request: CostsRequest = { ledger, bytes, ends, rounds };
  const workerCosts = await ask<Costs>(worker, request, [bytes.buffer]);
  worker.terminate();
  return { worker: workerCosts, main: await mainCosts(genesis, sample, rounds) };
}

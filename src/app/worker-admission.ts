/**
 * Ledger admission in batches on the worker pool. Reading each entry (decode, canonical form,
 * fields, id) and checking its signature, which are nearly all of admission's cost, run in the
 * pool's workers in parallel (worker/admit-job.ts), each entry coming back with a receipt: its
 * id and the SHA-256 of the exact bytes read. The ledger's `admit` on the main thread stays the
 * single writer and admits in the caller's order, batch after batch, taking a receipt only for
 * bytes that hash to its digest (core/ledger/receipt.ts) and reading anything else in full.
 * What needs the ledger (chain, standing, kind rules, holding) it checks itself as always.
 *
 * Workers are given their next batch as soon as they answer, not when admission reaches the
 * batch they answered, so one slow batch never leaves the other workers waiting.
 * A batch whose worker fails, or any batch when no worker can start, is admitted on the main
 * thread with every check. The page gets a turn between batches, so admitting a large ledger
 * never holds it for long. Entries are untrusted; the ledger says what it did with each.
 */
import { toHex } from '../core/encoding/bytes.ts';
import { formatCount } from '../core/encoding/display.ts';
import { MAX_PROOF_ENTRY_BYTES } from '../core/ledger/limits.ts';
import { LISTED_LINES } from '../core/ledger/file.ts';
import type { AdmitOptions, AdmitResult, AdmitStatus } from '../core/ledger/ledger.ts';
import {
  SIGNATURE_VERIFIED,
  isAdmitCheckAnswer,
  type AdmitCheckRequest,
} from '../../worker/admit-protocol.ts';
import type { LedgerDocOptions } from '../sync/ledger-doc.ts';
import { nextTask } from '../sync/yielding.ts';
import type { CheckingProgress } from './sync.ts';
import { abortError, WorkerUnavailableError, type WorkerPool } from './worker-pool.ts';

/** What admission needs of a ledger: its id and its single writer. */
export interface AdmittingLedger {
  readonly id: string;
  admit(bytes: Uint8Array, options?: AdmitOptions): Promise<AdmitResult>;
}

export interface EntryInput {
  bytes: Uint8Array;
  /** The key it travelled under (a Y.Map key), which must be its id. */
  key?: string;
}

export const DEFAULT_BATCH = 512;
/** The longest the page is held between two turns of its own (a long task is 50 ms). */
const SLICE_MS = 16;

export interface AdmitBatchOptions {
  /** Entries per batch; default DEFAULT_BATCH. */
  batchSize?: number;
  /** Batches in the workers at once; default twice the pool size. */
  ahead?: number;
  /** Called after each batch with entries admitted so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between batches (entries already admitted stay admitted) with an AbortError. */
  signal?: AbortSignal;
  /** Called with each entry's outcome, by its index in the input, in admission order. */
  onResult?: (index: number, result: AdmitResult) => void;
}

export interface AdmissionReport {
  counts: Record<AdmitStatus, number>;
  /** Rejected entries, the first LISTED_LINES (`counts.rejected` counts them all): their index in the input, code and message. */
  rejected: { index: number; code: string; message: string }[];
  /** Entries a worker read and checked (receipts given); the rest were read on the main thread. */
  checkedInWorkers: number;
}

interface Batch {
  start: number;
  entries: readonly EntryInput[];
}

/** Verdicts and the very bytes they are about, as the worker sent them back. */
interface Checked {
  bytes: Uint8Array;
  ends: Uint32Array;
  verdicts: Uint8Array;
  ids: Uint8Array;
  digests: Uint8Array;
}

/**
 * Bytes no entry can have (the largest, an equivocation proof, is MAX_PROOF_ENTRY_BYTES): such
 * a value is not copied to a worker (an empty one stands in its place, which the worker refuses)
 * and is admitted as it is on the main thread, where its size alone refuses it, with the value
 * itself as the quarantine's evidence. A hostile flood of large values is not copied again.
 */
const oversized = (entry: EntryInput) => entry.bytes.length > MAX_PROOF_ENTRY_BYTES;

function pack(entries: readonly EntryInput[]): { bytes: Uint8Array; ends: Uint32Array } {
  let total = 0;
  for (const entry of entries) if (!oversized(entry)) total += entry.bytes.length;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(entries.length);
  let at = 0;
  entries.forEach((entry, i) => {
    if (!oversized(entry)) {
      bytes.set(entry.bytes, at);
      at += entry.bytes.length;
    }
    ends[i] = at;
  });
  return { bytes, ends };
}

/** Sends a batch to a worker; undefined when it must be checked on the main thread. */
async function checkInWorker(
  pool: WorkerPool,
  ledger: string,
  entries: readonly EntryInput[],
): Promise<Checked | undefined> {
  if (!pool.usable) return undefined;
  const { bytes, ends } = pack(entries);
  const sent = { length: bytes.length, ends: ends.slice() };
  const read = (value: unknown): Checked => {
    const fits =
      isAdmitCheckAnswer(value) &&
      value.bytes.byteLength === sent.length &&
      value.ends.length === sent.ends.length &&
      value.ends.every((end, i) => end === sent.ends[i]);
    if (!fits) throw new TypeError('admission: the answer is not about the batch sent');
    const { ends, verdicts, ids, digests } = value;
    return { bytes: new Uint8Array(value.bytes), ends, verdicts, ids, digests };
  };
  const build = (id: number): AdmitCheckRequest => ({
    kind: 'admit-check',
    id,
    ledger,
    bytes: bytes.buffer as ArrayBuffer,
    ends,
  });
  try {
    return await pool.run(build, { transfer: [bytes.buffer, ends.buffer], read });
  } catch (cause) {
    if (cause instanceof WorkerUnavailableError) return undefined;
    throw cause;
  }
}

/** The admission options for entry i of a batch: the worker's receipt, when it gave one. */
function optionsFor(
  ledger: string,
  entry: EntryInput,
  checked: Checked | undefined,
  i: number,
): AdmitOptions {
  const options: AdmitOptions = entry.key === undefined ? {} : { key: entry.key };
  if (checked === undefined || checked.verdicts[i] !== SIGNATURE_VERIFIED) return options;
  const id = `sha256:${toHex(checked.ids.subarray(32 * i, 32 * i + 32))}`;
  const digest = checked.digests.subarray(32 * i, 32 * i + 32);
  // The receipt vouches only for bytes that hash to `digest`, under a key that is `id`.
  return { ...options, receipt: { id, ledger, digest } };
}

/** Admits one batch in order, letting the page run whenever it has held it for a slice. */
async function admitBatch(
  ledger: AdmittingLedger,
  batch: Batch,
  checked: Checked | undefined,
  report: AdmissionReport,
  onResult?: (index: number, result: AdmitResult) => void,
): Promise<void> {
  let start = 0;
  let slice = performance.now();
  for (let i = 0; i < batch.entries.length; i++) {
    const entry = batch.entries[i] as EntryInput;
    const options = optionsFor(ledger.id, entry, checked, i);
    let bytes = entry.bytes;
    if (checked !== undefined) {
      const end = checked.ends[i] as number;
      if (!oversized(entry)) bytes = checked.bytes.subarray(start, end);
      start = end;
    }
    if (options.receipt !== undefined) report.checkedInWorkers++;
    const result = await ledger.admit(bytes, options);
    onResult?.(batch.start + i, result);
    report.counts[result.status]++;
    if (result.status === 'rejected' && report.rejected.length < LISTED_LINES)
      report.rejected.push({
        index: batch.start + i,
        code: result.code ?? 'MALFORMED_INPUT',
        message: result.message ?? '',
      });
    if (performance.now() - slice > SLICE_MS) {
      await nextTask(); // the page runs a task (input, rendering) before the next batch
      slice = performance.now();
    }
  }
}

/**
 * Keeps the workers supplied: up to `ahead` batches in the workers at once, topped up as soon
 * as any comes back (not when admission reaches it, so a worker that finished early never
 * waits for the one admission waits on), and at most `held` checked batches waiting for
 * admission, which bounds memory when the main thread falls behind.
 */
function makeFeeder(
  batches: readonly Batch[],
  check: (batch: Batch) => Promise<Checked | undefined>,
  ahead: number,
  held: number,
) {
  const checks = new Map<number, Promise<Checked | undefined>>();
  let sent = 0;
  let admitted = 0;
  let inWorkers = 0;
  const refill = (): void => {
    for (; sent < batches.length && inWorkers < ahead && sent - admitted < held; sent++) {
      const checking = check(batches[sent] as Batch);
      inWorkers++;
      const back = () => {
        inWorkers--;
        refill();
      };
      checking.then(back, back);
      checks.set(sent, checking);
    }
  };
  return {
    /** Batch k's check (k in order, each taken once). */
    take(k: number): Promise<Checked | undefined> {
      refill();
      const checking = checks.get(k) as Promise<Checked | undefined>;
      checks.delete(k);
      return checking;
    },
    /** Batch k is admitted: room for one more checked batch. */
    admitted(k: number): void {
      admitted = k + 1;
      refill();
    },
    /** Drops the checks not taken (their failures included). */
    abandon(): void {
      for (const pending of checks.values()) void pending.catch(() => undefined);
      sent = batches.length;
    },
  };
}

/**
 * Admits `entries` into `ledger` in their order, their signatures checked in the pool's
 * workers (or on the main thread when no worker can), and reports what became of them.
 */
export async function admitInBatches(
  ledger: AdmittingLedger,
  entries: readonly EntryInput[],
  pool: WorkerPool,
  options: AdmitBatchOptions = {},
): Promise<AdmissionReport> {
  const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const ahead = Math.max(1, options.ahead ?? 2 * pool.size);
  const batches: Batch[] = [];
  for (let start = 0; start < entries.length; start += size)
    batches.push({ start, entries: entries.slice(start, start + size) });
  const report: AdmissionReport = {
    counts: { admitted: 0, duplicate: 0, held: 0, rejected: 0 },
    rejected: [],
    checkedInWorkers: 0,
  };
  const feeder = makeFeeder(
    batches,
    (batch) => checkInWorker(pool, ledger.id, batch.entries),
    ahead,
    2 * ahead,
  );
  for (let k = 0; k < batches.length; k++) {
    const checked = await feeder.take(k);
    if (options.signal?.aborted) {
      feeder.abandon();
      throw abortError(options.signal);
    }
    const batch = batches[k] as Batch;
    await admitBatch(ledger, batch, checked, report, options.onResult);
    feeder.admitted(k);
    options.onProgress?.(batch.start + batch.entries.length, entries.length);
    await nextTask(); // the page runs a task (input, rendering) before the next batch
  }
  return report;
}

/**
 * The Yjs binding's batch admission (sync/ledger-doc.ts `admitMany`) on `pool`: a fresh peer's
 * first sync, or any large change, is read and checked in the workers like an imported file.
 * Without a pool the binding admits each value on the main thread.
 */
export function bindingAdmission(
  ledger: AdmittingLedger,
  pool: WorkerPool | undefined,
  options: BindingAdmissionOptions = {},
): Pick<LedgerDocOptions, 'admitMany'> {
  if (pool === undefined) return {};
  // A room's first sync is its largest change: the workers load now, not when it arrives.
  pool.warm();
  const { busy, onProgress } = options;
  return {
    admitMany: async (values, onResult) => {
      const total = values.length;
      const admit = async () => {
        onProgress?.({ done: 0, total });
        try {
          await admitInBatches(ledger, values, pool, {
            onResult,
            onProgress: (done) => onProgress?.({ done, total }),
          });
        } finally {
          onProgress?.(undefined);
        }
      };
      await (busy === undefined ? admit() : busy(`checking ${count(total)} from peers`, admit));
    },
  };
}

const count = (n: number) => `${formatCount(n)} ${n === 1 ? 'entry' : 'entries'}`;

export interface BindingAdmissionOptions {
  /** Runs a large change's admission as the app's busy sync work: an update waits for it. */
  busy?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
  /** Entries of a large change admitted so far; undefined once it is done. */
  onProgress?: (progress: CheckingProgress | undefined) => void;
}

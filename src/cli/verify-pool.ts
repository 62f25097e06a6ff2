/**
 * Ledger lines read in full on worker threads. Decoding a line (UTF-8, JSON, the canonical form,
 * every field, the id's hash) cost the main thread about 20 µs of CPU, admitting it about 15 µs
 * more; so a worker does the reading, with the core's own `receiptWith` (the same `readEntry`
 * and strict RFC 8032 checks as `receiptFor`, the signature then verified synchronously by
 * OpenSSL through node:crypto: node-crypto.ts), and sends back a receipt per line: the id it
 * read, and the SHA-256 of the exact bytes it read. The main thread admits in order on those
 * receipts, each trusted only for bytes that hash to its digest (receipt.ts); a line without
 * one is checked on the main thread in full, so the outcome and its reason are those of a
 * sequential read. When the workers fall behind, the main thread reads a batch itself with
 * the same `receiptWith`: it is otherwise idle between admissions.
 *
 * Workers run the built CLI bundle itself (bin.ts starts a worker when asked to). When there is
 * no bundle (the CLI running from its TypeScript sources, as in the tests) or a worker cannot
 * start, lines are read on the main thread: same decisions, only slower.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { receiptWith, type EntryReader, type EntryReceipt } from '../core/index.ts';
import { nodeVerify } from './node-crypto.ts';

export const VERIFY_WORKER = 'patchtrail-verify-worker';
/** Lines sent to a worker in one message. */
const BATCH = 64;
/** Below this many signatures to check, starting workers costs more than it saves. */
export const POOL_THRESHOLD = 2000;
/** Hex digits of an id's hash (an id is `sha256:` and these). */
const ID_HEX = 64;
const DIGEST = 32;

/** A batch on the wire: the ledger, and one transferred buffer of lines ending at `ends`. */
interface Request {
  id: number;
  ledger: string;
  bytes: Uint8Array;
  ends: number[];
}
/** Per line: 1 when read and verified, its id's hex in `ids`, its bytes' SHA-256 in `digests`. */
interface Reply {
  id: number;
  verdicts: Uint8Array;
  ids: string;
  digests: Uint8Array;
}

/** A batch of lines as one request (one buffer to transfer). */
export function pack(id: number, ledger: string, lines: readonly Uint8Array[]): Request {
  const bytes = new Uint8Array(lines.reduce((n, line) => n + line.length, 0));
  const ends: number[] = [];
  let at = 0;
  for (const line of lines) {
    bytes.set(line, at);
    ends.push((at += line.length));
  }
  return { id, ledger, bytes, ends };
}

export interface VerifyPool {
  readonly read: EntryReader;
  close(): Promise<void>;
}

/** True in a thread that bin.ts should turn into a verify worker. */
export function isVerifyWorker(): boolean {
  return !isMainThread && workerData === VERIFY_WORKER;
}

/**
 * What a worker answers for a batch: each line read with the core's own `receiptWith`, in one
 * synchronous pass (no promise per line).
 */
export function answer({ id, ledger, bytes, ends }: Request): Reply {
  const receipts = ends.map((end, i) =>
    receiptWith(bytes.subarray(ends[i - 1] ?? 0, end), ledger, nodeVerify),
  );
  const verdicts = new Uint8Array(receipts.length);
  const digests = new Uint8Array(DIGEST * receipts.length);
  const ids = receipts.map((receipt, i) => {
    if (receipt === undefined) return '0'.repeat(ID_HEX);
    verdicts[i] = 1;
    digests.set(receipt.digest, DIGEST * i);
    return receipt.id.slice(-ID_HEX);
  });
  return { id, verdicts, ids: ids.join(''), digests };
}

/** The worker's loop: answer each batch, in the order they finish. */
export function runVerifyWorker(): void {
  parentPort?.on('message', (request: Request) => {
    const reply = answer(request);
    parentPort?.postMessage(reply, [
      reply.verdicts.buffer as ArrayBuffer,
      reply.digests.buffer as ArrayBuffer,
    ]);
  });
}

/** The receipts a reply gives, line by line (none for a reply that does not fit the batch). */
export function receiptsOf(
  reply: Reply,
  ledger: string,
  count: number,
): (EntryReceipt | undefined)[] {
  const fits =
    reply.verdicts.length === count &&
    reply.ids.length === ID_HEX * count &&
    reply.digests.length === DIGEST * count;
  return Array.from({ length: count }, (_, i) =>
    fits && reply.verdicts[i] === 1
      ? {
          id: `sha256:${reply.ids.slice(ID_HEX * i, ID_HEX * i + ID_HEX)}`,
          ledger,
          digest: reply.digests.subarray(DIGEST * i, DIGEST * i + DIGEST),
        }
      : undefined,
  );
}

/**
 * Worker threads a pool starts: one per core beside the main thread's, at least one, at most 4.
 * Each verifies its lines on its own thread; the main thread admits, and reads a batch itself
 * whenever the workers are behind (LOCAL_WHEN_QUEUED).
 */
export function poolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Workers for this process's cores, or undefined when none can run (no built bundle). */
export function startVerifyPool(): VerifyPool | undefined {
  const bundle = fileURLToPath(import.meta.url);
  if (!bundle.endsWith('.mjs')) return undefined;
  const size = poolSize();
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < size; i++) workers.push(new Worker(bundle, { workerData: VERIFY_WORKER }));
  } catch {
    for (const worker of workers) void worker.terminate();
    return undefined;
  }
  return makePool(workers);
}

interface Pending {
  ledger: string;
  lines: Uint8Array[];
  resolvers: ((receipt: EntryReceipt | undefined) => void)[];
}

const none = (pending: Pending) => pending.resolvers.forEach((resolve) => resolve(undefined));

/**
 * The main thread reads a batch itself when every worker has this many batches queued: between
 * admissions it is idle, and a line costs it what it costs a worker, without the start-up and
 * the compiling of one more worker (measured: a worker per core cost more CPU than it saved).
 */
const LOCAL_WHEN_QUEUED = 2;

/**
 * A line read on this thread: its receipt, or none (also where reading it threw other than a
 * coded rejection, which would be a bug: admission then reads it in full and says so).
 */
function readHere(line: Uint8Array, ledger: string): EntryReceipt | undefined {
  try {
    return receiptWith(line, ledger, nodeVerify);
  } catch {
    return undefined;
  }
}

function makePool(workers: Worker[]): VerifyPool {
  const waiting = new Map<number, Pending>();
  let batch: Pending | undefined;
  let next = 0;
  let failed = false;
  const send = () => {
    const pending = batch;
    if (pending === undefined) return;
    batch = undefined;
    if (waiting.size >= LOCAL_WHEN_QUEUED * workers.length) {
      pending.lines.forEach((line, i) => pending.resolvers[i]?.(readHere(line, pending.ledger)));
      return;
    }
    const id = next++;
    waiting.set(id, pending);
    const request = pack(id, pending.ledger, pending.lines);
    (workers[id % workers.length] as Worker).postMessage(request, [
      request.bytes.buffer as ArrayBuffer,
    ]);
  };
  const onReply = (reply: Reply) => {
    const pending = waiting.get(reply.id);
    if (pending === undefined) return;
    waiting.delete(reply.id);
    const receipts = receiptsOf(reply, pending.ledger, pending.lines.length);
    pending.resolvers.forEach((resolve, i) => resolve(receipts[i]));
  };
  let closing = false;
  const onError = () => {
    if (closing) return;
    failed = true; // from now on, and for what was sent, lines are checked here in full
    for (const [id, pending] of waiting) {
      waiting.delete(id);
      none(pending);
    }
  };
  // A worker that fails or stops early leaves nothing unanswered: its lines are checked here.
  for (const worker of workers)
    worker.on('message', onReply).on('error', onError).on('exit', onError);
  const read: EntryReader = (line, ledger) => {
    if (failed) return Promise.resolve(undefined);
    if (batch !== undefined && batch.ledger !== ledger) send();
    if (batch === undefined) {
      batch = { ledger, lines: [], resolvers: [] };
      queueMicrotask(send);
    }
    const current = batch;
    const receipt = new Promise<EntryReceipt | undefined>((r) => current.resolvers.push(r));
    current.lines.push(line);
    if (current.lines.length >= BATCH) send();
    return receipt;
  };
  return {
    read,
    close: async () => {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Signature checks of a large ledger file on worker threads. Node's WebCrypto verifies Ed25519
 * on the calling thread (measured: the call returns after the whole verification), so checking
 * a file's signatures "concurrently" on the main thread gains nothing. The workers run the
 * core's own `authorSigned` (the same strict RFC 8032 checks and backend), so they decide
 * exactly as the main thread would; the main thread reads, hashes and admits in order
 * meanwhile. Requests go in batches, each carrying its message and signature bytes.
 *
 * Workers run the built CLI bundle itself (bin.ts starts a worker when asked to). When there is
 * no bundle (the CLI running from its TypeScript sources, as in the tests) or a worker cannot
 * start, checks run on the main thread: same decisions, only slower.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { authorSigned, type ReadEntry, type SignatureCheck } from '../core/index.ts';

export const VERIFY_WORKER = 'patchtrail-verify-worker';
/** Checks sent to a worker in one message. */
const BATCH = 64;
/** Below this many signatures to check, starting workers costs more than it saves. */
export const POOL_THRESHOLD = 2000;

/**
 * A batch on the wire: the authors, and one transferred buffer holding each item's message
 * then signature, with `ends` marking where each message and signature ends.
 */
interface Request {
  id: number;
  authors: string[];
  bytes: Uint8Array;
  ends: number[];
}
interface Reply {
  id: number;
  results: boolean[];
}
interface Item {
  author: string;
  message: Uint8Array;
  signature: Uint8Array;
}

function pack(id: number, items: readonly Item[]): Request {
  const bytes = new Uint8Array(
    items.reduce((n, i) => n + i.message.length + i.signature.length, 0),
  );
  const ends: number[] = [];
  let at = 0;
  for (const { message, signature } of items) {
    bytes.set(message, at);
    ends.push((at += message.length));
    bytes.set(signature, at);
    ends.push((at += signature.length));
  }
  return { id, authors: items.map((i) => i.author), bytes, ends };
}

function unpack({ authors, bytes, ends }: Request): Item[] {
  return authors.map((author, i) => ({
    author,
    message: bytes.subarray(ends[2 * i - 1] ?? 0, ends[2 * i]),
    signature: bytes.subarray(ends[2 * i], ends[2 * i + 1]),
  }));
}

export interface VerifyPool {
  readonly check: SignatureCheck;
  close(): Promise<void>;
}

/** True in a thread that bin.ts should turn into a verify worker. */
export function isVerifyWorker(): boolean {
  return !isMainThread && workerData === VERIFY_WORKER;
}

/** The worker's loop: check each batch with the core's own function, reply in order. */
export function runVerifyWorker(): void {
  parentPort?.on('message', (request: Request) => {
    void Promise.all(
      unpack(request).map((item) => authorSigned(item.author, item.message, item.signature)),
    ).then((results) => parentPort?.postMessage({ id: request.id, results } satisfies Reply));
  });
}

/** Worker threads a pool starts: one per core beside the main thread's, at least one, at most 4. */
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
  items: Item[];
  resolvers: ((ok: boolean) => void)[];
}

/** Checks on this thread: what a failed worker's batches fall back to. */
async function checkHere({ items, resolvers }: Pending): Promise<void> {
  const results = await Promise.all(
    items.map((item) => authorSigned(item.author, item.message, item.signature)),
  );
  resolvers.forEach((resolve, i) => resolve(results[i] === true));
}

function makePool(workers: Worker[]): VerifyPool {
  const waiting = new Map<number, Pending>();
  let batch: Pending = { items: [], resolvers: [] };
  let next = 0;
  let failed = false;
  const send = () => {
    if (batch.items.length === 0) return;
    const id = next++;
    waiting.set(id, batch);
    const request = pack(id, batch.items);
    (workers[id % workers.length] as Worker).postMessage(request, [
      request.bytes.buffer as ArrayBuffer,
    ]);
    batch = { items: [], resolvers: [] };
  };
  const onReply = ({ id, results }: Reply) => {
    const pending = waiting.get(id);
    waiting.delete(id);
    pending?.resolvers.forEach((resolve, i) => resolve(results[i] === true));
  };
  let closing = false;
  const onError = () => {
    if (closing) return;
    failed = true; // from now on, and for what was sent, checks run here
    for (const [id, pending] of waiting) {
      waiting.delete(id);
      void checkHere(pending);
    }
  };
  // A worker that fails or stops early leaves nothing unanswered: its batches are checked here.
  for (const worker of workers)
    worker.on('message', onReply).on('error', onError).on('exit', onError);
  const check: SignatureCheck = (read: ReadEntry) => {
    if (failed) return authorSigned(read.entry.author, read.message, read.signature);
    const answer = new Promise<boolean>((resolve) => batch.resolvers.push(resolve));
    batch.items.push({
      author: read.entry.author,
      message: read.message,
      signature: read.signature,
    });
    if (batch.items.length >= BATCH) send();
    else if (batch.items.length === 1) queueMicrotask(send);
    return answer;
  };
  return {
    check,
    close: async () => {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

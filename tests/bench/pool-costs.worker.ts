/**
 * Where a pool worker's time goes per entry of an admission batch, measured step by step in
 * one worker, on the same entries, each step's rounds interleaved with the others' so the
 * machine's load weighs on all alike (best round of each): bare WebCrypto verification (the
 * pool bench's reference, messages prepared beforehand), the core's `readEntry` alone, the
 * SHA-256 of the bytes alone, `receiptFor` (read, verify, digest), and the whole admission job
 * (worker/admit-job.ts) without its messages. Unlike a sampling profile, nothing here counts
 * the time a thread waited for a core.
 */
import { prepareSha256Sync, sha256Sync } from '../../src/core/crypto/hash.ts';
import { didPublicKey } from '../../src/core/ledger/did-cache.ts';
import { readEntry, signatureValid, type ReadEntry } from '../../src/core/ledger/entry.ts';
import { receiptFor } from '../../src/core/ledger/receipt.ts';
import { runAdmitCheck } from '../../worker/admit-job.ts';
import { bestOfInterleaved, type Costs } from './pool-steps.ts';

export interface CostsRequest {
  ledger: string;
  /** The entries back to back, and where each ends. */
  bytes: Uint8Array;
  ends: Uint32Array;
  rounds: number;
}

const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<CostsRequest>) => void) | null;
};

function split(bytes: Uint8Array, ends: Uint32Array): Uint8Array[] {
  return Array.from(ends, (end, i) => bytes.subarray(ends[i - 1] ?? 0, end));
}

/** Each entry's author's key imported once per author, as the reference worker does. */
async function importedKeys(reads: ReadEntry[]): Promise<CryptoKey[]> {
  const byAuthor = new Map<string, Promise<CryptoKey>>();
  const keys = reads.map(({ entry }) => {
    let key = byAuthor.get(entry.author);
    if (key === undefined) {
      const raw = didPublicKey(entry.author).slice();
      key = crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
      byAuthor.set(entry.author, key);
    }
    return key;
  });
  return Promise.all(keys);
}

async function steps(request: CostsRequest): Promise<Record<string, () => Promise<unknown>>> {
  const { ledger } = request;
  const entries = split(request.bytes, request.ends);
  const reads = entries.map((bytes) => readEntry(bytes, undefined, { ledger }));
  const keys = await importedKeys(reads);
  return {
    'bare WebCrypto verify (the reference)': async () => {
      const checks = reads.map((read, i) =>
        crypto.subtle.verify(
          { name: 'Ed25519' },
          keys[i] as CryptoKey,
          read.signature as BufferSource,
          read.message as BufferSource,
        ),
      );
      if (!(await Promise.all(checks)).every(Boolean)) throw new Error('bench: a signature failed');
    },
    'readEntry (decode, canonical form, fields, id)': () =>
      Promise.resolve(entries.map((bytes) => readEntry(bytes, undefined, { ledger }))),
    'signatureValid (key lookup, strict checks, verify)': () =>
      Promise.all(reads.map(signatureValid)),
    'SHA-256 of the bytes': () => Promise.resolve(entries.map((bytes) => sha256Sync(bytes))),
    'SHA-256 of the bytes, WebCrypto, all in flight': () =>
      Promise.all(entries.map((bytes) => crypto.subtle.digest('SHA-256', bytes as BufferSource))),
    ...Object.fromEntries(
      IN_FLIGHT.map((k) => [
        `receiptFor, ${k} at a time`,
        () => receiptsInTurn(entries, ledger, k),
      ]),
    ),
    [`the admission job in batches of ${BATCH}, messages aside`]: () => jobInBatches(request),
  };
}

const IN_FLIGHT = [1, 16, 64, 512];
const BATCH = 512;

/** receiptFor over `entries`, `k` of them in flight at a time. */
async function receiptsInTurn(entries: Uint8Array[], ledger: string, k: number): Promise<void> {
  for (let i = 0; i < entries.length; i += k)
    await Promise.all(entries.slice(i, i + k).map((bytes) => receiptFor(bytes, ledger)));
}

async function jobInBatches({ ledger, bytes, ends }: CostsRequest): Promise<void> {
  for (let i = 0; i < ends.length; i += BATCH) {
    const from = ends[i - 1] ?? 0;
    const cut = ends.slice(i, i + BATCH).map((end) => end - from);
    const part = bytes.slice(from, from + (cut[cut.length - 1] ?? 0));
    await runAdmitCheck({ kind: 'admit-check', id: 1, ledger, bytes: part.buffer, ends: cut });
  }
}

async function measure(request: CostsRequest): Promise<Costs> {
  await prepareSha256Sync();
  const all = await steps(request);
  return bestOfInterleaved(all, request.ends.length, request.rounds);
}

scope.onmessage = (event) => void measure(event.data).then((costs) => scope.postMessage(costs));

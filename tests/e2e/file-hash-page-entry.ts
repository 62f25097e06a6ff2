/**
 * Browser entry bundled by ./file-hash.test.ts: the app's worker pool (src/app, starting
 * worker/pool.worker.ts) on `window`, so the test hashes a file made in the page through
 * `hashFile`, as the app does, and sees where and how it was hashed.
 */
import { hashFile, type FileDigest } from '../../src/app/worker-hash.ts';
import { makeWorkerPool, startPoolWorker } from '../../src/app/worker-pool.ts';
import { fileSha256Engine } from '../../worker/sha256-stream.ts';
import { patternedBytes } from './file-hash-pattern.ts';

const pool = makeWorkerPool({ start: startPoolWorker, size: 1 });

async function hashPatterned(size: number, seed: number): Promise<FileDigest> {
  const file = new File([patternedBytes(size, seed)], 'patterned.bin');
  return hashFile(pool, file);
}

const api = { hashPatterned, fileSha256Engine };
export type FileHashPageApi = typeof api;

declare global {
  interface Window {
    patchtrailFileHash: FileHashPageApi;
  }
}

window.patchtrailFileHash = api;

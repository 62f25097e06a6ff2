/**
 * The app's services, the one place that joins workers and core (bundle verification here,
 * trust scores in trust-scores.ts, admission and hashing in worker-jobs.ts), all on one worker
 * pool (worker-pool.ts). Components get them from `ServicesContext` (context.ts) and never
 * start workers or call the verifier or the reputation engine themselves.
 */
// Leaf modules, not core/index.ts: the main chunk stays free of the verifier, which loads in
// the worker (or lazily, for the main-thread fallback).
import { MAX_BUNDLE_BYTES } from '../core/bundle/limits.ts';
import type { VerifyJobResult } from '../../worker/verify-job.ts';
import {
  describeCheck,
  describeFailure,
  INTERNAL_ERROR,
  type BundleCheck,
  type Engine,
} from './check.ts';
import { makeTrustScorer, type ComputeTrustScores } from './trust-scores.ts';
import {
  makeWorkerPool,
  startPoolWorker,
  WorkerUnavailableError,
  type WorkerLike,
  type WorkerPool,
} from './worker-pool.ts';
import { hashFile, type FileDigest, type HashFileOptions } from './worker-hash.ts';
import { verifyInWorker } from './worker-verify.ts';

/** A bundle file as the services read it: a `File`, or anything with its size and bytes. */
export type BundleFile = Pick<File, 'name' | 'size' | 'arrayBuffer'>;

export interface Services {
  /** Files larger than this are refused with TOO_LARGE before they are read. */
  readonly maxBundleBytes: number;
  /** Size check, then verification in the worker (or on the main thread); never rejects. */
  verifyBundleFile(file: BundleFile): Promise<BundleCheck>;
  /** Reputation over a ledger's input, in the worker pool when it is large enough. */
  computeTrustScores: ComputeTrustScores;
  /** SHA-256 of a file in a pool worker (main thread when none can run), with progress. */
  hashFile(file: Blob, options?: HashFileOptions): Promise<FileDigest>;
  /** The worker pool every job shares (ledger admission: `admitInBatches` on it). */
  readonly pool: WorkerPool;
}

export interface ServiceOptions {
  /** Starts a pool worker; throwing means "no worker here", and the main thread is used. */
  startWorker?: () => WorkerLike;
  /** Workers in the pool; default from navigator.hardwareConcurrency. */
  poolSize?: number;
  /** did:key identities whose authorship is trusted; absent means integrity only. */
  trusted?: readonly string[];
  now?: () => number;
}

/** The fallback engine, loaded only when needed so the main bundle stays small. */
async function verifyOnMainThread(
  file: BundleFile,
  trusted: readonly string[] | undefined,
): Promise<VerifyJobResult> {
  const { runVerifyJob } = await import('../../worker/verify-job.ts');
  const bytes = new Uint8Array(await file.arrayBuffer());
  return runVerifyJob(bytes, trusted === undefined ? {} : { trusted });
}

async function runJob(
  pool: WorkerPool,
  file: BundleFile,
  trusted: readonly string[] | undefined,
): Promise<{ engine: Engine; job: VerifyJobResult }> {
  if (pool.usable) {
    try {
      // A fresh buffer per attempt: the worker takes ownership of the one it is sent.
      const bytes = await file.arrayBuffer();
      const job = await verifyInWorker(pool, bytes, trusted === undefined ? {} : { trusted });
      return { engine: 'worker', job };
    } catch (cause) {
      if (!(cause instanceof WorkerUnavailableError)) throw cause;
      console.warn(`patchtrail: ${cause.message}; verifying on the main thread`);
    }
  }
  return { engine: 'main-thread', job: await verifyOnMainThread(file, trusted) };
}

export function makeServices(options: ServiceOptions = {}): Services {
  const now = options.now ?? (() => performance.now());
  const pool = makeWorkerPool({
    start: options.startWorker ?? startPoolWorker,
    ...(options.poolSize === undefined ? {} : { size: options.poolSize }),
  });

  async function verifyBundleFile(file: BundleFile): Promise<BundleCheck> {
    const info = { name: file.name, size: file.size };
    if (file.size > MAX_BUNDLE_BYTES) {
      const message = `bundle is ${file.size} bytes; the limit is ${MAX_BUNDLE_BYTES}`;
      return describeFailure(info, 'none', { code: 'TOO_LARGE', message, details: [] });
    }
    const started = now();
    try {
      const { engine, job } = await runJob(pool, file, options.trusted);
      return describeCheck(job, info, engine, now() - started);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const problem = { code: INTERNAL_ERROR, message, details: [] } as const;
      return describeFailure(
        info,
        pool.usable ? 'worker' : 'main-thread',
        problem,
        now() - started,
      );
    }
  }

  const computeTrustScores = makeTrustScorer({ pool, now });
  return {
    maxBundleBytes: MAX_BUNDLE_BYTES,
    verifyBundleFile,
    computeTrustScores,
    hashFile: (file, hashing) => hashFile(pool, file, hashing),
    pool,
  };
}

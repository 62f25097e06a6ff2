/**
 * A pool worker's message loop, apart from the worker entry so tests run it in Node: every
 * message is shape-checked, routed to its job, and answered (or its error serialised) under
 * its id, with the job's buffers transferred. `cancel` marks a request; long jobs see it
 * between chunks and answer with an AbortError.
 */
import { runAdmitCheck } from './admit-job.ts';
import { isAdmitCheckRequest } from './admit-protocol.ts';
import { runHashFile, runMerkle } from './hash-job.ts';
import { isHashFileRequest, isMerkleRequest } from './hash-protocol.ts';
import { runScoreHistory } from './history-job.ts';
import { isScoreHistoryRequest } from './history-protocol.ts';
import { abortError, type JobContext } from './job-context.ts';
import {
  idOf,
  isCancelRequest,
  isWorkerRequest,
  malformedRequest,
  serializeError,
  type ErrorResponse,
} from './protocol.ts';
import { runReputationJob } from './reputation-job.ts';
import { runReadSegments } from './segments-job.ts';
import { isReadSegmentsRequest } from './segments-protocol.ts';
import { isReputationRequest, type Posted } from './reputation-protocol.ts';
import { runVerifyJob } from './verify-job.ts';

export type Post = (message: unknown, transfer: Transferable[]) => void;

const bare = <T>(message: T): Posted<T> => ({ message, transfer: [] });

/** Runs one request; undefined when the message is no request this worker knows. */
function route(message: unknown, context: JobContext): Promise<Posted<unknown>> | undefined {
  if (isWorkerRequest(message)) {
    const options = message.trusted === undefined ? {} : { trusted: message.trusted };
    return runVerifyJob(new Uint8Array(message.bytes), options).then((job) =>
      bare({ kind: 'verified', id: message.id, job }),
    );
  }
  if (isReputationRequest(message)) return Promise.resolve(runReputationJob(message));
  if (isAdmitCheckRequest(message)) return runAdmitCheck(message);
  if (isHashFileRequest(message)) return runHashFile(message, context).then(bare);
  if (isMerkleRequest(message)) return runMerkle(message);
  if (isReadSegmentsRequest(message)) return runReadSegments(message, context);
  if (isScoreHistoryRequest(message)) return runScoreHistory(message, context);
  return undefined;
}

export function makeDispatcher(post: Post): (message: unknown) => Promise<void> {
  const running = new Set<number>();
  const cancelled = new Set<number>();
  return async (message) => {
    if (isCancelRequest(message)) {
      if (running.has(message.id)) cancelled.add(message.id);
      return;
    }
    const id = idOf(message);
    running.add(id);
    const context: JobContext = {
      throwIfCancelled() {
        if (cancelled.has(id)) throw abortError();
      },
      progress: (done, total) => post({ kind: 'progress', id, done, total }, []),
      part: (message, transfer) => post(message, transfer),
    };
    try {
      const job = route(message, context);
      if (job === undefined) {
        post(malformedRequest('pool worker', message), []);
        return;
      }
      const { message: answer, transfer } = await job;
      post(answer, transfer);
    } catch (cause) {
      const error: ErrorResponse = { kind: 'error', id, error: serializeError(cause) };
      post(error, []);
    } finally {
      running.delete(id);
      cancelled.delete(id);
    }
  };
}

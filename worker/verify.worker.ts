/**
 * The verify worker: runs core's bundle verification off the main thread, so a large bundle
 * never freezes the page. Requests and responses follow `protocol.ts`.
 */
import { runVerifyJob } from './verify-job.ts';
import {
  isWorkerRequest,
  malformedRequest,
  serializeError,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol.ts';

/** The few members of DedicatedWorkerGlobalScope we use (tsconfig's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const scope = self as unknown as WorkerScope;

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    const options = request.trusted === undefined ? {} : { trusted: request.trusted };
    const job = await runVerifyJob(new Uint8Array(request.bytes), options);
    return { kind: 'verified', id: request.id, job };
  } catch (cause) {
    return { kind: 'error', id: request.id, error: serializeError(cause) };
  }
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (!isWorkerRequest(request)) {
    scope.postMessage(malformedRequest('verify worker', request));
    return;
  }
  void handle(request).then((response) => scope.postMessage(response));
});

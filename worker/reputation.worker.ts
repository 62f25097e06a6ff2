/**
 * The reputation worker: runs core's reputation engine off the main thread, so scoring a large
 * ledger never freezes the page. Requests and responses follow `reputation-protocol.ts`.
 */
import { runReputationJob } from './reputation-job.ts';
import type { ReputationResponse } from './reputation-protocol.ts';

/** The few members of DedicatedWorkerGlobalScope we use (tsconfig's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: ReputationResponse, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const scope = self as unknown as WorkerScope;

scope.addEventListener('message', (event) => {
  const { message, transfer } = runReputationJob(event.data);
  scope.postMessage(message, transfer);
});

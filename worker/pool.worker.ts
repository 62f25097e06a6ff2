/**
 * A worker of the app's pool (src/app/worker-pool.ts): verification, reputation, admission
 * checks, file and Merkle hashing, and a system's score over the ledger's history, off the main
 * thread. It says `ready` once loaded; requests and answers follow protocol.ts and each job's
 * protocol; the loop is dispatch.ts.
 */
import { makeDispatcher } from './dispatch.ts';

/** The few members of DedicatedWorkerGlobalScope we use (tsconfig's lib is DOM, not WebWorker). */
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

const scope = self as unknown as WorkerScope;
const dispatch = makeDispatcher((message, transfer) => scope.postMessage(message, transfer));

scope.addEventListener('message', (event) => void dispatch(event.data));
scope.postMessage({ kind: 'ready' }, []);

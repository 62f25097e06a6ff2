/**
 * What a long job in a pool worker can ask of the dispatcher: whether its request was
 * cancelled (checked between chunks, so a cancel is seen within one chunk), to report
 * progress to the requester, and to send it parts of the answer as they are ready.
 */
import { ABORT_ERROR } from './protocol.ts';

export interface JobContext {
  /** Throws an AbortError when the request was cancelled. */
  throwIfCancelled(): void;
  progress(done: number, total: number): void;
  /** Posts part of the answer ahead of it (a `part` message with the request's id). */
  part(message: { kind: 'part'; id: number }, transfer: Transferable[]): void;
}

export function abortError(): Error {
  const error = new Error('the request was cancelled');
  error.name = ABORT_ERROR;
  return error;
}

/** A context for jobs run outside the pool (the main-thread fallback, tests). */
export const NO_CONTEXT: JobContext = {
  throwIfCancelled: () => undefined,
  progress: () => undefined,
  part: () => undefined,
};

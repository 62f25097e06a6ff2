/**
 * The typed message protocol between the app's worker pool (src/app/worker-pool.ts) and its
 * workers (pool.worker.ts), and its bundle verification job. Every request carries an id that
 * its response repeats, so answers may arrive in any order; bytes travel as transferred
 * ArrayBuffers (moved, not copied); an exception inside the worker comes back as a serialised
 * error rather than an `error` event. Both sides check the shape of what arrives. A worker
 * says `ready` once loaded (a worker that fails before that could not start), may send
 * `progress` and `part`s of the answer for a request, and stops a request on `cancel`. Each
 * job's own messages are in its protocol file (reputation-protocol.ts, admit-protocol.ts,
 * hash-protocol.ts, segments-protocol.ts, history-protocol.ts).
 */
// errors.ts rather than core/index.ts: the app's main chunk imports this file too.
import { ERROR_CODES, PatchtrailError, type ErrorCode } from '../src/core/errors.ts';
import type { VerifyJobResult } from './verify-job.ts';

export interface VerifyRequest {
  kind: 'verify';
  id: number;
  /** The bundle file's bytes; the sender lists this buffer in the transfer list. */
  bytes: ArrayBuffer;
  /** did:key identities whose authorship is trusted; absent means integrity only. */
  trusted?: string[];
}

export type WorkerRequest = VerifyRequest;

export interface SerializedError {
  name: string;
  message: string;
  /** Present when the error was a coded `PatchtrailError`. */
  code?: ErrorCode;
  details?: string[];
}

/** How every worker (verify, reputation) reports a request that threw. */
export interface ErrorResponse {
  kind: 'error';
  id: number;
  error: SerializedError;
}

export type WorkerResponse = { kind: 'verified'; id: number; job: VerifyJobResult } | ErrorResponse;

/** Posted once by a worker when its script has loaded. */
export interface ReadyMessage {
  kind: 'ready';
}

/** How far a request has got: `done` of `total` units (bytes, entries). */
export interface ProgressMessage {
  kind: 'progress';
  id: number;
  done: number;
  total: number;
}

/** Part of a request's answer, sent ahead of it (the job's protocol says what it holds). */
export interface PartMessage {
  kind: 'part';
  id: number;
}

export function isPartMessage(value: unknown): value is PartMessage {
  return isRecord(value) && value.kind === 'part' && Number.isSafeInteger(value.id);
}

/** Asks the worker to stop request `id`; it answers with an AbortError if it was still running. */
export interface CancelRequest {
  kind: 'cancel';
  id: number;
}

/** The name of the error a cancelled request is answered with. */
export const ABORT_ERROR = 'AbortError';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return (ERROR_CODES as readonly unknown[]).includes(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function isWorkerRequest(value: unknown): value is WorkerRequest {
  if (!isRecord(value) || value.kind !== 'verify' || !Number.isSafeInteger(value.id)) return false;
  if (!(value.bytes instanceof ArrayBuffer)) return false;
  return value.trusted === undefined || isStringArray(value.trusted);
}

export function isReadyMessage(value: unknown): value is ReadyMessage {
  return isRecord(value) && value.kind === 'ready';
}

export function isProgressMessage(value: unknown): value is ProgressMessage {
  if (!isRecord(value) || value.kind !== 'progress' || !Number.isSafeInteger(value.id))
    return false;
  return Number.isSafeInteger(value.done) && Number.isSafeInteger(value.total);
}

export function isCancelRequest(value: unknown): value is CancelRequest {
  return isRecord(value) && value.kind === 'cancel' && Number.isSafeInteger(value.id);
}

/** The id of a message that has one, else -1. */
export function idOf(message: unknown): number {
  return isRecord(message) && Number.isSafeInteger(message.id) ? (message.id as number) : -1;
}

export function isErrorResponse(value: unknown): value is ErrorResponse {
  if (!isRecord(value) || value.kind !== 'error' || !Number.isSafeInteger(value.id)) return false;
  const { error } = value;
  return isRecord(error) && typeof error.name === 'string' && typeof error.message === 'string';
}

export function isWorkerResponse(value: unknown): value is WorkerResponse {
  if (!isRecord(value) || !Number.isSafeInteger(value.id)) return false;
  if (value.kind === 'verified') return isRecord(value.job) && isRecord(value.job.result);
  return isErrorResponse(value);
}

/** The answer to a message that is not a request: its id when it has one, else -1. */
export function malformedRequest(worker: string, message: unknown): ErrorResponse {
  return {
    kind: 'error',
    id: idOf(message),
    error: { name: 'TypeError', message: `${worker}: malformed request` },
  };
}

/** Turns anything thrown into a structured-clone-safe description of it. */
export function serializeError(cause: unknown): SerializedError {
  if (cause instanceof PatchtrailError) {
    return {
      name: cause.name,
      message: cause.message,
      code: cause.code,
      details: [...cause.details],
    };
  }
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return { name: 'Error', message: String(cause) };
}

/** The built-in error classes that keep their class across the boundary. */
const BUILT_IN_ERRORS: Record<string, ErrorConstructor> = {
  RangeError,
  TypeError,
  SyntaxError,
  ReferenceError,
};

/**
 * The inverse of `serializeError`: a coded error stays a `PatchtrailError` with its code, and
 * a built-in one (a RangeError from core's argument checks, say) stays of its class.
 */
export function deserializeError(error: SerializedError): Error {
  if (error.code !== undefined && isErrorCode(error.code)) {
    return new PatchtrailError(error.code, error.message, { details: error.details ?? [] });
  }
  const BuiltIn = Object.hasOwn(BUILT_IN_ERRORS, error.name)
    ? BUILT_IN_ERRORS[error.name]
    : undefined;
  const result = new (BuiltIn ?? Error)(error.message);
  result.name = error.name;
  return result;
}

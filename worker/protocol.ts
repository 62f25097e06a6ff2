/**
 * The typed message protocol between the app and the verify worker. Every request carries an
 * id that its response repeats, so answers may arrive in any order; bundle bytes travel as a
 * transferred ArrayBuffer (moved, not copied); an exception inside the worker comes back as a
 * serialised error rather than an `error` event. Both sides check the shape of what arrives.
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

export type WorkerResponse =
  | { kind: 'verified'; id: number; job: VerifyJobResult }
  | { kind: 'error'; id: number; error: SerializedError };

function isRecord(value: unknown): value is Record<string, unknown> {
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

export function isWorkerResponse(value: unknown): value is WorkerResponse {
  if (!isRecord(value) || !Number.isSafeInteger(value.id)) return false;
  if (value.kind === 'verified') return isRecord(value.job) && isRecord(value.job.result);
  if (value.kind !== 'error' || !isRecord(value.error)) return false;
  return typeof value.error.name === 'string' && typeof value.error.message === 'string';
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

/** The inverse of `serializeError`: a coded error stays a `PatchtrailError` with its code. */
export function deserializeError(error: SerializedError): Error {
  if (error.code !== undefined && isErrorCode(error.code)) {
    return new PatchtrailError(error.code, error.message, { details: error.details ?? [] });
  }
  const result = new Error(error.message);
  result.name = error.name;
  return result;
}

/**
 * What a pool worker does with an admission batch (admit-protocol.ts): core's `decodeEntry`
 * on each entry, every signature check of the batch in flight at once, and the buffers sent
 * back with a verdict per entry. The entries are untrusted; a bad one is a CHECK_IN_FULL
 * verdict, never an exception. Kept apart from the worker entry so tests run it in Node.
 */
import { isPatchtrailError } from '../src/core/errors.ts';
import { decodeEntry } from '../src/core/ledger/entry.ts';
import {
  CHECK_IN_FULL,
  SIGNATURE_VERIFIED,
  type AdmitCheckAnswer,
  type AdmitCheckRequest,
} from './admit-protocol.ts';
import type { Posted } from './reputation-protocol.ts';

async function verdictOf(entry: Uint8Array, ledger: string): Promise<number> {
  try {
    await decodeEntry(entry, undefined, { ledger });
    return SIGNATURE_VERIFIED;
  } catch (cause) {
    if (isPatchtrailError(cause)) return CHECK_IN_FULL;
    throw cause;
  }
}

export async function runAdmitCheck(request: AdmitCheckRequest): Promise<Posted<AdmitCheckAnswer>> {
  const { id, ledger, bytes, ends } = request;
  const all = new Uint8Array(bytes);
  const checks: Promise<number>[] = [];
  let start = 0;
  for (const end of ends) {
    // A view, not a copy: the verdict is only kept, never the decoded entry.
    checks.push(verdictOf(all.subarray(start, end), ledger));
    start = end;
  }
  const verdicts = Uint8Array.from(await Promise.all(checks));
  return {
    message: { kind: 'admit-checked', id, bytes, ends, verdicts },
    transfer: [bytes, ends.buffer as ArrayBuffer, verdicts.buffer],
  };
}

/**
 * What a pool worker does with an admission batch (admit-protocol.ts): each entry read in full
 * and its signature verified, with the core's own `receiptFor` (the `readEntry` checks — size,
 * canonical form, fields, id, ledger — and the strict signature check the ledger's admission
 * runs), every signature check of the batch in flight at once. The buffer goes back with a
 * verdict, the id and the SHA-256 of the exact bytes per entry: the main thread admits on that
 * receipt only bytes that hash to that digest (src/core/ledger/receipt.ts), so it neither reads
 * an entry a second time nor trusts the answer for other bytes. The entries are untrusted; any
 * that does not pass gets CHECK_IN_FULL (the main thread then gives the reason), never an
 * exception.
 */
import { prepareSha256Sync } from '../src/core/crypto/hash.ts';
import { fromHex } from '../src/core/encoding/bytes.ts';
import { receiptFor } from '../src/core/ledger/receipt.ts';
import {
  CHECK_IN_FULL,
  SIGNATURE_VERIFIED,
  type AdmitCheckAnswer,
  type AdmitCheckRequest,
} from './admit-protocol.ts';
import type { Posted } from './reputation-protocol.ts';

const ID_PREFIX = 'sha256:'.length;

export async function runAdmitCheck(request: AdmitCheckRequest): Promise<Posted<AdmitCheckAnswer>> {
  const { id, ledger, bytes, ends } = request;
  await prepareSha256Sync(); // ids through WebAssembly, as the ledger's are
  const all = new Uint8Array(bytes);
  const receipts = await Promise.all(
    Array.from(ends, (end, i) => receiptFor(all.subarray(ends[i - 1] ?? 0, end), ledger)),
  );
  const verdicts = new Uint8Array(ends.length).fill(CHECK_IN_FULL);
  const ids = new Uint8Array(32 * ends.length);
  const digests = new Uint8Array(32 * ends.length);
  receipts.forEach((receipt, i) => {
    if (receipt === undefined) return;
    verdicts[i] = SIGNATURE_VERIFIED;
    ids.set(fromHex(receipt.id.slice(ID_PREFIX)), 32 * i);
    digests.set(receipt.digest, 32 * i);
  });
  return {
    message: { kind: 'admit-checked', id, bytes, ends, verdicts, ids, digests },
    transfer: [bytes, ends.buffer as ArrayBuffer, verdicts.buffer, ids.buffer, digests.buffer],
  };
}

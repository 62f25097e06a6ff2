/**
 * The verification job both engines run: the verify worker, and the main thread when the
 * worker cannot start. It wraps core's `verifyBundle` and, only when verification fails,
 * adds what the file claims (decoded without any check) so the UI can show it labelled
 * UNVERIFIED. The bytes are attacker-controlled; this never throws for bad input.
 */
import {
  parseDiff,
  peekUnverifiedPredicate,
  readBundle,
  verifyBundle,
  type Bundle,
  type VerifyResult,
} from '../src/core/index.ts';

/** What a bundle that failed verification says about itself. Nothing here was checked. */
export interface UnverifiedView {
  /** The author predicate as decoded from the payload, of any shape. */
  predicate: unknown;
  /** The key id on the author envelope's signature. */
  authorKeyid: string | null;
  /** The key ids on the appended attestation envelopes, in file order. */
  attestationKeyids: (string | null)[];
}

export interface VerifyJobResult {
  result: VerifyResult;
  /** Set only when verification failed and the file was at least a well-formed bundle. */
  unverified?: UnverifiedView;
  /** Set when the file is no bundle but a diff as it is, unsigned: how many files it changes. */
  plainDiff?: { files: number };
}

export interface VerifyJobOptions {
  trusted?: readonly string[];
}

function readUnverified(bytes: Uint8Array): UnverifiedView | undefined {
  let bundle: Bundle;
  try {
    bundle = readBundle(bytes);
  } catch {
    return undefined;
  }
  return {
    predicate: peekUnverifiedPredicate(bundle),
    authorKeyid: bundle.envelope.signatures[0]?.keyid ?? null,
    attestationKeyids: bundle.attestation_signatures.map((e) => e.signatures[0]?.keyid ?? null),
  };
}

export async function runVerifyJob(
  bytes: Uint8Array,
  options: VerifyJobOptions = {},
): Promise<VerifyJobResult> {
  // Core's results are plain data (no Error instances), so they survive postMessage intact.
  const result = await verifyBundle(
    bytes,
    options.trusted === undefined ? {} : { trusted: options.trusted },
  );
  if (result.ok) return { result };
  const unverified = readUnverified(bytes);
  if (unverified !== undefined) return { result, unverified };
  const plainDiff = readPlainDiff(bytes);
  return plainDiff === undefined ? { result } : { result, plainDiff };
}

/** A diff handed over where a bundle was expected (a `.patch` file from a mail or a forge). */
function readPlainDiff(bytes: Uint8Array): { files: number } | undefined {
  try {
    return { files: parseDiff(bytes).files.length };
  } catch {
    return undefined;
  }
}

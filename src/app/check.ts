/**
 * What the UI shows for one bundle file: the verdict, the verified report when there is one,
 * a row for every signature, and, for a file that failed, what its payload claims. Built here
 * from the verify job's result so components only render; nothing in `claims` was checked.
 */
import type {
  BundleReport,
  ErrorCode,
  Problem,
  SignatureReport,
  VerifyResult,
} from '../core/index.ts';
import type { UnverifiedView, VerifyJobResult } from '../../worker/verify-job.ts';

/** Which thread ran the verification; 'none' when the file was refused before reading. */
export type Engine = 'worker' | 'main-thread' | 'none';

/** A signature as listed: like core's report, plus 'unchecked' when verification stopped early. */
export interface SignatureRow extends Omit<SignatureReport, 'status'> {
  status: SignatureReport['status'] | 'unchecked';
}

/** Payload fields decoded WITHOUT verification, narrowed to strings; shown labelled UNVERIFIED. */
export interface UnverifiedClaims {
  reason?: string;
  creator?: string;
  timestamp?: string;
  components?: string[];
  files?: string[];
}

/** A failure of the checker itself (a bug), as opposed to a verdict on the file. */
export const INTERNAL_ERROR = 'INTERNAL_ERROR';

export interface CheckProblem {
  code: ErrorCode | typeof INTERNAL_ERROR;
  message: string;
  details: readonly string[];
}

export interface BundleCheck {
  fileName: string;
  fileSize: number;
  engine: Engine;
  elapsedMs: number;
  verdict: 'verified' | 'rejected' | 'error';
  problem?: CheckProblem;
  /** The verified report; on a rejection, present only if the author's signature held. */
  report?: BundleReport;
  claims?: UnverifiedClaims;
  signatures: SignatureRow[];
  /** The file is a diff as it is, signed by nobody (how many files it changes). */
  plainDiff?: { files: number };
}

const MAX_CLAIM_CHARS = 4096;
const MAX_CLAIM_ITEMS = 256;

function claimString(value: unknown): string | undefined {
  return typeof value === 'string' ? value.slice(0, MAX_CLAIM_CHARS) : undefined;
}

function claimList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((item): item is string => typeof item === 'string')
    .slice(0, MAX_CLAIM_ITEMS)
    .map((item) => item.slice(0, MAX_CLAIM_CHARS));
}

/** Drops the keys whose value is undefined (for `exactOptionalPropertyTypes`). */
function definedOnly<T extends Record<string, unknown>>(
  record: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  return Object.fromEntries(entries) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Narrows an unchecked predicate of any shape to the string fields the UI shows. */
export function readClaims(predicate: unknown): UnverifiedClaims | undefined {
  if (typeof predicate !== 'object' || predicate === null) return undefined;
  // Own members only: the predicate is attacker-controlled JSON of any shape.
  const own = (key: string): unknown =>
    Object.hasOwn(predicate, key) ? (predicate as Record<string, unknown>)[key] : undefined;
  const claims: UnverifiedClaims = definedOnly({
    reason: claimString(own('reason_for_patch')),
    creator: claimString(own('creator_identity')),
    timestamp: claimString(own('creation_timestamp')),
    components: claimList(own('affected_components')),
    files: claimList(own('files')),
  });
  return Object.keys(claims).length > 0 ? claims : undefined;
}

/** Rows for a bundle whose author signature did not verify: author invalid, the rest unchecked. */
function unverifiedRows(view: UnverifiedView, problem: Problem): SignatureRow[] {
  const author: SignatureRow = {
    did: view.authorKeyid ?? '(no key id)',
    role: 'author',
    status: 'invalid',
    trusted: null,
    problem: { code: problem.code, message: problem.message },
  };
  const attestations = view.attestationKeyids.map((keyid): SignatureRow => ({
    did: keyid ?? '(no key id)',
    role: 'attestation',
    status: 'unchecked',
    trusted: null,
    note: 'not checked: the author signature did not verify',
  }));
  return [author, ...attestations];
}

function reportRows(report: BundleReport): SignatureRow[] {
  return [report.author, ...report.attestations];
}

export function describeCheck(
  job: VerifyJobResult,
  file: { name: string; size: number },
  engine: Engine,
  elapsedMs: number,
): BundleCheck {
  const base = { fileName: file.name, fileSize: file.size, engine, elapsedMs };
  const result: VerifyResult = job.result;
  if (result.ok) {
    return {
      ...base,
      verdict: 'verified',
      report: result.report,
      signatures: reportRows(result.report),
    };
  }
  const check: BundleCheck = {
    ...base,
    verdict: 'rejected',
    problem: result.problem,
    signatures: [],
  };
  if (result.report !== undefined) {
    check.report = result.report;
    check.signatures = reportRows(result.report);
  } else if (job.unverified !== undefined) {
    check.signatures = unverifiedRows(job.unverified, result.problem);
    const claims = readClaims(job.unverified.predicate);
    if (claims !== undefined) check.claims = claims;
  } else if (job.plainDiff !== undefined) {
    check.plainDiff = { files: job.plainDiff.files };
  }
  return check;
}

/** A check that stopped before verification: refused input, or a checker failure. */
export function describeFailure(
  file: { name: string; size: number },
  engine: Engine,
  problem: CheckProblem,
  elapsedMs = 0,
): BundleCheck {
  const verdict = problem.code === INTERNAL_ERROR ? 'error' : 'rejected';
  return {
    fileName: file.name,
    fileSize: file.size,
    engine,
    elapsedMs,
    verdict,
    problem,
    signatures: [],
  };
}

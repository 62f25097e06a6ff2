/**
 * The ledger file: the admitted entries' bytes, one per line, in admission order, genesis
 * first — the same bytes peers exchange (entries are canonical JSON, so never contain a
 * newline). Reading it goes through the validator like any other input.
 */
import { reject } from '../errors.ts';
import type { Entry } from './entry.ts';
import { Ledger, type AdmitResult, type LedgerEvents } from './ledger.ts';
import { MAX_LEDGER_FILE_BYTES } from './limits.ts';

const NEWLINE = 0x0a;

export interface LoadReport {
  admitted: number;
  duplicate: number;
  held: number;
  rejected: { line: number; code: string; message: string }[];
  /** Bytes after the last newline: a write cut short, ignored. */
  truncatedTail: number;
}

/** Splits a ledger file into its lines (without the newlines). */
export function ledgerLines(bytes: Uint8Array): { lines: Uint8Array[]; tail: number } {
  if (bytes.length > MAX_LEDGER_FILE_BYTES)
    reject(
      'TOO_LARGE',
      `ledger file is ${bytes.length} bytes; the limit is ${MAX_LEDGER_FILE_BYTES}`,
    );
  const lines: Uint8Array[] = [];
  let start = 0;
  // indexOf is a native scan; a loop over every byte in JS costs a few µs per line.
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
    if (i > start) lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  return { lines, tail: bytes.length - start };
}

/** The file form of entries: each one's bytes and a newline (one copy, any number of entries). */
export function serializeEntries(entries: Iterable<Entry>): Uint8Array {
  const list = [...entries];
  const out = new Uint8Array(list.reduce((n, e) => n + e.bytes.length + 1, 0));
  let at = 0;
  for (const entry of list) {
    out.set(entry.bytes, at);
    at += entry.bytes.length;
    out[at++] = NEWLINE;
  }
  return out;
}

export interface LoadOptions {
  events?: LedgerEvents;
  /** Lines before this index were verified on this device before (the verification cache). */
  verifiedLines?: number;
  /** Called every 1000 lines: lines done, lines in all. */
  progress?: (done: number, total: number) => void;
}

/** Opens a ledger file: its first line must be a genesis; every line goes through `admit`. */
export async function loadLedgerFile(
  bytes: Uint8Array,
  options: LoadOptions = {},
): Promise<{ ledger: Ledger; report: LoadReport }> {
  const { lines, tail } = ledgerLines(bytes);
  const [first] = lines;
  if (first === undefined) reject('MALFORMED_INPUT', 'the ledger file is empty');
  const ledger = await Ledger.open(first, options.events);
  const report = await admitLines(ledger, lines.slice(1), 1, options);
  report.truncatedTail = tail;
  return { ledger, report };
}

/** Admits lines (from a file or an import) into a ledger and tallies the outcomes. */
export async function admitLines(
  ledger: Ledger,
  lines: readonly Uint8Array[],
  firstLineNumber = 0,
  options: LoadOptions = {},
): Promise<LoadReport> {
  const report: LoadReport = { admitted: 0, duplicate: 0, held: 0, rejected: [], truncatedTail: 0 };
  const verified = options.verifiedLines ?? 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = firstLineNumber + i;
    const result: AdmitResult = await ledger.admit(lines[i] as Uint8Array, {
      verifiedBefore: lineNumber < verified,
    });
    if (result.status === 'rejected')
      report.rejected.push({
        line: lineNumber + 1,
        code: result.code ?? 'MALFORMED_INPUT',
        message: result.message ?? '',
      });
    else if (result.status === 'held') report.held++;
    else if (result.status === 'duplicate') report.duplicate++;
    else report.admitted += 1 + result.released.length;
    if (i % 1000 === 999) options.progress?.(i + 1, lines.length);
  }
  report.held = ledger.heldCount;
  return report;
}

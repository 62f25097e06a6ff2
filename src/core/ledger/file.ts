/**
 * The ledger file: the admitted entries' bytes, one per line, in admission order, genesis
 * first — the same bytes peers exchange (entries are canonical JSON, so never contain a
 * newline). Reading it goes through the validator like any other input.
 */
import { isPatchtrailError, reject } from '../errors.ts';
import { decodeEntry, type Entry } from './entry.ts';
import {
  Ledger,
  type AdmitOptions,
  type AdmitResult,
  type LedgerEvents,
  type SignatureCheck,
} from './ledger.ts';
import { MAX_LEDGER_FILE_BYTES } from './limits.ts';
import type { EntryReader, EntryReceipt } from './receipt.ts';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface LoadReport {
  admitted: number;
  duplicate: number;
  held: number;
  /**
   * Lines the validator refused, by their line number in the file (1-based, blank lines
   * counted): the first LISTED_LINES of them; `rejectedCount` counts them all.
   */
  rejected: { line: number; code: string; message: string }[];
  rejectedCount: number;
  /** Bytes after the last newline: a write cut short, ignored. */
  truncatedTail: number;
  /**
   * Lines that repeat an entry admitted before (normal in an import, a defect in a file): the
   * first LISTED_LINES of them; `duplicate` counts them all.
   */
  repeated: { line: number; id: string }[];
}

/**
 * Rejected and repeated lines a report lists one by one; past these it only counts them. A
 * file of a million junk lines would otherwise cost a record (and a line of output) each.
 */
export const LISTED_LINES = 1000;

/** A file's non-blank lines, each with where it is. */
export interface LedgerLines {
  /** Each line's bytes, without the newline (views into the file's bytes). */
  lines: Uint8Array[];
  /** Each line's 1-based line number in the file (blank lines counted). */
  numbers: number[];
  /** Each line's end: the offset just past its newline. */
  ends: number[];
  /** Bytes after the last newline. */
  tail: number;
}

/**
 * Splits a ledger file into its lines (without the newlines); blank lines are skipped. A line
 * ending in CR LF, as a copy through Windows or a mail client may leave it, is read without the
 * CR: an entry is canonical JSON, which never ends in a CR, so the entry's bytes (and the log's
 * leaf for the line) are the same as in the file it was copied from.
 */
export function ledgerLines(bytes: Uint8Array): LedgerLines {
  if (bytes.length > MAX_LEDGER_FILE_BYTES)
    reject(
      'TOO_LARGE',
      `ledger file is ${bytes.length} bytes; the limit is ${MAX_LEDGER_FILE_BYTES}`,
    );
  const split: LedgerLines = { lines: [], numbers: [], ends: [], tail: 0 };
  let start = 0;
  let number = 0;
  // indexOf is a native scan; a loop over every byte in JS costs a few µs per line.
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
    number++;
    const end = i > start && bytes[i - 1] === CARRIAGE_RETURN ? i - 1 : i;
    if (end > start) {
      split.lines.push(bytes.subarray(start, end));
      split.numbers.push(number);
      split.ends.push(i + 1);
    }
    start = i + 1;
  }
  split.tail = bytes.length - start;
  return split;
}

/**
 * The ledger a line founds: its id when the line is a genesis entry whose signature checks,
 * else undefined (untrusted bytes). What tells another ledger's file from this one's.
 */
export async function genesisIdOf(line: Uint8Array): Promise<string | undefined> {
  try {
    const entry = await decodeEntry(line);
    return entry.kind === 'genesis' ? entry.id : undefined;
  } catch (error) {
    if (isPatchtrailError(error)) return undefined;
    throw error;
  }
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
  /**
   * The verification cache: the file's first `verifiedBytes` bytes are the ones whose lines
   * were verified on this device before, so a line that ends (newline included) within them
   * skips its signature check. The caller vouches for exactly these bytes.
   */
  verifiedBytes?: number;
  /** Called every 1000 lines: lines done, lines in all. */
  progress?: (done: number, total: number) => void;
  /** Who checks signatures (see AdmitOptions.checkSignature). */
  checkSignature?: SignatureCheck;
  /**
   * Who reads lines in full, signatures included, off this thread (receipt.ts). When given,
   * lines not verified before go to it, READ_AHEAD at a time, and are admitted on its receipts
   * (checked here in full when it has none); `checkSignature` then serves only those.
   */
  readEntries?: EntryReader;
}

/** Opens a ledger file: its first line must be a genesis; every line goes through `admit`. */
export async function loadLedgerFile(
  bytes: Uint8Array,
  options: LoadOptions = {},
): Promise<{ ledger: Ledger; report: LoadReport; lines: LedgerLines }> {
  const split = ledgerLines(bytes);
  const [first] = split.lines;
  if (first === undefined)
    reject(
      'MALFORMED_INPUT',
      split.tail === 0
        ? 'the ledger file is empty'
        : `the ledger file holds no complete line: ${split.tail} bytes and no line break${bytes.includes(CARRIAGE_RETURN) ? ' (lines that end in a CR alone, as old Mac files did?)' : ''}`,
    );
  const ledger = await Ledger.open(first, options.events);
  const verified = options.verifiedBytes ?? 0;
  const report = await admitLines(ledger, split.lines, {
    ...options,
    from: 1,
    numbers: split.numbers,
    verified: (i) => (split.ends[i] as number) <= verified,
  });
  report.truncatedTail = split.tail;
  return { ledger, report, lines: split };
}

export interface AdmitLinesOptions extends Omit<LoadOptions, 'verifiedBytes'> {
  /** The first line to admit (default 0). */
  from?: number;
  /** Line numbers to report rejections under (default: index + 1). */
  numbers?: readonly number[];
  /** Whether line i was verified on this device before (default: none was). */
  verified?: (i: number) => boolean;
}

/**
 * Signature checks kept under way ahead of admission while a file is read: topped up by half
 * a window at a time, so that a signature checker that batches gets whole batches.
 */
const READ_AHEAD = 256;

/**
 * Admits lines (from a file or an import) into a ledger and tallies the outcomes. Admission is
 * in line order; signatures are checked up to READ_AHEAD lines ahead, several at once.
 */
export async function admitLines(
  ledger: Ledger,
  lines: readonly Uint8Array[],
  options: AdmitLinesOptions = {},
): Promise<LoadReport> {
  const report = emptyLoadReport();
  const from = options.from ?? 0;
  const ahead = readAhead(ledger, lines, options);
  for (let i = from; i < lines.length; i++) {
    const result = await ledger.admit(lines[i] as Uint8Array, await ahead(i));
    tally(report, result, options.numbers?.[i] ?? i + 1);
    if ((i - from) % 1000 === 999) options.progress?.(i - from + 1, lines.length - from);
  }
  report.held = ledger.heldCount;
  return report;
}

/**
 * The admission options of line i, asked for in order: the work on lines ahead of it (a
 * signature check, or a full read by `readEntries`) kept under way up to READ_AHEAD lines on.
 */
function readAhead(
  ledger: Ledger,
  lines: readonly Uint8Array[],
  options: AdmitLinesOptions,
): (i: number) => Promise<AdmitOptions> {
  const { checkSignature: check, readEntries: reader } = options;
  const base = (i: number): AdmitOptions => ({
    verifiedBefore: options.verified?.(i) === true,
    ...(check === undefined ? {} : { checkSignature: check }),
  });
  const start = (i: number): Promise<AdmitOptions> | AdmitOptions => {
    const line = lines[i] as Uint8Array;
    const admit = base(i);
    if (reader === undefined || admit.verifiedBefore === true)
      return { ...admit, precheck: ledger.precheck(line, admit) };
    // No receipt (or a reader that failed): the line is checked here in full.
    return reader(line, ledger.id).then(
      (receipt?: EntryReceipt) => (receipt === undefined ? admit : { ...admit, receipt }),
      () => admit,
    );
  };
  const ahead = new Map<number, Promise<AdmitOptions> | AdmitOptions>();
  let next = options.from ?? 0;
  return async (i) => {
    if (next - i <= READ_AHEAD / 2)
      for (; next < lines.length && next < i + READ_AHEAD; next++) ahead.set(next, start(next));
    const made = ahead.get(i) ?? start(i);
    ahead.delete(i);
    return made;
  };
}

/** A report with nothing in it yet. */
export function emptyLoadReport(): LoadReport {
  return {
    admitted: 0,
    duplicate: 0,
    held: 0,
    rejected: [],
    rejectedCount: 0,
    truncatedTail: 0,
    repeated: [],
  };
}

/** Adds one line's admission outcome to a report (`line`: its number in the file). */
export function tally(report: LoadReport, result: AdmitResult, line: number): void {
  if (result.status === 'rejected') {
    if (report.rejectedCount++ < LISTED_LINES)
      report.rejected.push({
        line,
        code: result.code ?? 'MALFORMED_INPUT',
        message: result.message ?? '',
      });
  } else if (result.status === 'held') report.held++;
  else if (result.status === 'duplicate') {
    if (report.duplicate++ < LISTED_LINES) report.repeated.push({ line, id: result.id ?? '' });
  } else report.admitted += 1 + result.released.length;
}

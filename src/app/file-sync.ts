/**
 * File sync ("sneakernet"): the ledger, or what is new since a peer's heads, as a file, and a
 * file imported through the validator. The file is the CLI's ledger file format (one entry's
 * canonical bytes per line, genesis first, core/ledger/file.ts): a file exported here verifies
 * with `patchtrail ledger verify`, and a CLI ledger or `ledger export` imports here.
 *
 * A file is untrusted input: it is size-checked, its first line must be a genesis entry (which
 * names its ledger), and every other line goes through `admit`; lines the validator refuses are
 * quarantined by the ledger (and so by the store) and counted, never admitted.
 */
import { bytesEqual } from '../core/encoding/bytes.ts';
import { reject } from '../core/errors.ts';
import { decodeEntry, type Entry } from '../core/ledger/entry.ts';
import {
  admitLines,
  emptyLoadReport,
  genesisIdOf,
  ledgerLines,
  serializeEntries,
  tally,
  type LedgerLines,
  type LoadReport,
} from '../core/ledger/file.ts';
import { entriesSince, headsOf } from '../core/ledger/frontier.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { admitInBatches } from './worker-admission.ts';
import type { WorkerPool } from './worker-pool.ts';

export { headsOf };

export interface LedgerFile {
  /** The genesis entry the file starts with: which ledger it is. */
  genesis: Entry;
  /** The other lines, unread. */
  lines: Uint8Array[];
  /** The file's line number of each of `lines` (blank lines are skipped). */
  numbers: number[];
  /** Bytes after the last newline (a write cut short): ignored. */
  truncatedTail: number;
}

/** Splits a ledger file and reads its genesis line; MALFORMED_INPUT / TOO_LARGE otherwise. */
export async function readLedgerFile(bytes: Uint8Array): Promise<LedgerFile> {
  const { lines, numbers, tail } = ledgerLines(bytes);
  const [first, ...rest] = lines;
  if (first === undefined) reject('MALFORMED_INPUT', 'the file holds no ledger entry');
  const genesis = await decodeEntry(first);
  if (genesis.kind !== 'genesis')
    reject('MALFORMED_INPUT', `a ledger file starts with its genesis entry, found ${genesis.kind}`);
  return { genesis, lines: rest, numbers: numbers.slice(1), truncatedTail: tail };
}

/** "sha256:1a2b3c4d5e6f…": a ledger named short enough to read. */
const shortId = (id: string) => `${id.slice(0, 'sha256:'.length + 12)}…`;

/**
 * Why a file offered to this ledger's import is not one of its files, in words, or undefined
 * when its lines are worth admitting one by one: a file with no complete line, one JSON
 * document (a patch bundle, say) rather than one entry per line, or another ledger's file
 * (its first line is another genesis). Each of these would otherwise be counted as nothing
 * imported, or as every line refused, which says less.
 */
export async function notThisLedger(
  ledger: Ledger,
  bytes: Uint8Array,
  split: Pick<LedgerLines, 'lines' | 'tail'>,
): Promise<string | undefined> {
  const [first] = split.lines;
  if (first === undefined)
    return split.tail > 0
      ? `it holds no complete line (${split.tail} bytes and no line break): a ledger file is one entry per line`
      : 'the file is empty';
  if (oneJsonDocument(bytes, split.lines))
    return 'it is one JSON document, not a ledger file (one entry per line); a patch bundle opens in the Inbox';
  // Not a genesis: an export of new entries, or lines the validator judges one by one.
  const genesis = await genesisIdOf(first);
  if (genesis !== undefined && genesis !== ledger.id)
    return `it is the file of another ledger (${shortId(genesis)}), not of this team’s (${shortId(ledger.id)})`;
  return undefined;
}

/** Files up to this size are tried as one JSON document (a bundle is well under it). */
const ONE_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** True when the whole file is one JSON value that is no ledger entry: spread over lines, or
 * an object without an entry's `kind` and `sig`. */
function oneJsonDocument(bytes: Uint8Array, lines: readonly Uint8Array[]): boolean {
  // Lines that each run from { to } are a ledger file's: such a file is not decoded whole
  // (every import of a large ledger would pay for it).
  const [first] = lines;
  const entryShaped = first !== undefined && first[0] === 0x7b && first.at(-1) === 0x7d;
  if ((lines.length > 1 && entryShaped) || bytes.length > ONE_DOCUMENT_BYTES) return false;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return false;
  }
  if (lines.length > 1) return true;
  if (value === null || typeof value !== 'object') return true;
  return !(Object.hasOwn(value, 'kind') && Object.hasOwn(value, 'sig'));
}

export interface AdmitFileOptions {
  /** Reads and checks the lines in the pool's workers, in batches (else on this thread). */
  pool?: WorkerPool;
  progress?: (done: number, total: number) => void;
}

/**
 * Admits a file's lines in order, each reported under its line number. With a pool, lines are
 * read and their signatures checked in its workers and the page gets a turn between slices;
 * either way the ledger decides each line exactly as `admit` does, and the report is the same.
 */
export async function admitFileLines(
  ledger: Ledger,
  lines: readonly Uint8Array[],
  numbers: readonly number[],
  options: AdmitFileOptions = {},
): Promise<LoadReport> {
  const { pool, progress } = options;
  if (pool === undefined)
    return admitLines(ledger, lines, { numbers, ...(progress === undefined ? {} : { progress }) });
  const report = emptyLoadReport();
  await admitInBatches(
    ledger,
    lines.map((bytes) => ({ bytes })),
    pool,
    {
      onResult: (i, result) => tally(report, result, numbers[i] ?? i + 1),
      ...(progress === undefined ? {} : { onProgress: progress }),
    },
  );
  report.held = ledger.heldCount;
  return report;
}

/** Admits a ledger file (or an export) of this ledger through the validator. */
export async function importLedgerFile(
  ledger: Ledger,
  bytes: Uint8Array,
  options: AdmitFileOptions = {},
): Promise<LoadReport> {
  const file = await readLedgerFile(bytes);
  if (!bytesEqual(file.genesis.bytes, ledger.genesis.bytes))
    reject('MALFORMED_INPUT', `this file is ledger ${file.genesis.id}, not ${ledger.id}`);
  const report = await admitFileLines(ledger, file.lines, file.numbers, options);
  report.truncatedTail = file.truncatedTail;
  return report;
}

/** The whole ledger, or only what is new after `heads` (a peer's frontier), as a file. */
export function exportLedgerFile(ledger: Ledger, heads: readonly string[] = []): Uint8Array {
  return serializeEntries(entriesSince(ledger, heads).entries);
}

/** A file name for an export: the ledger's short id, and "since" for a partial one. */
export function ledgerFileName(ledger: Ledger, partial: boolean): string {
  const short = ledger.id.slice('sha256:'.length, 'sha256:'.length + 12);
  return `patchtrail-${short}${partial ? '-new' : ''}.ledger`;
}

/** Heads as a peer writes them down: ids separated by commas, spaces or newlines. */
export function parseHeads(text: string): string[] {
  const ids = text.split(/[\s,]+/).filter((s) => s !== '');
  if (ids.length > 10_000) reject('TOO_LARGE', `${ids.length} heads; at most 10,000`);
  for (const id of ids)
    if (!/^sha256:[0-9a-f]{64}$/.test(id))
      reject('MALFORMED_INPUT', `not an entry id: ${id.slice(0, 80)}`);
  return ids;
}

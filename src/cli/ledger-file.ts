/**
 * The CLI's ledger file: read through the validator (with the verification cache of
 * ledger-cache.ts, so reopening does not re-verify signatures already checked here), appended
 * to with fsync, a torn last line set aside first.
 */
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import {
  loadLedgerFile,
  ledgerLines,
  MAX_LEDGER_FILE_BYTES,
  serializeEntries,
  toBase64,
  utf8Encode,
  type Entry,
  type HeldEntry,
  type EntryReader,
  type Ledger,
  type LoadReport,
} from '../core/index.ts';
import { UsageError } from './errors.ts';
import { writeAtomic } from './io.ts';
import { readCache, writeCache } from './ledger-cache.ts';
import { POOL_THRESHOLD, startVerifyPool } from './verify-pool.ts';

export interface OpenedLedger {
  ledger: Ledger;
  report: LoadReport;
  /** Lines whose signature the cache vouched for. */
  cachedLines: number;
}

async function readLedgerBytes(path: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new UsageError(`cannot read ledger "${path}": ${code}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`ledger "${path}" is not a regular file`);
    if (info.size > MAX_LEDGER_FILE_BYTES)
      throw new UsageError(`ledger "${path}" is over ${MAX_LEDGER_FILE_BYTES} bytes`);
  } finally {
    await handle.close();
  }
  return new Uint8Array(await readFile(path));
}

/** Roughly the bytes of a ledger line, to guess from a file's size whether workers pay. */
const AVERAGE_LINE = 600;

/**
 * Runs `load` with lines read in full, signatures included, on worker threads when `large`
 * (and workers can start), else on this thread; the workers stop when it is done.
 */
export async function withSignatureChecks<T>(
  large: boolean,
  load: (options: { readEntries?: EntryReader }) => Promise<T>,
): Promise<T> {
  const pool = large ? startVerifyPool() : undefined;
  if (pool === undefined) return load({});
  try {
    return await load({ readEntries: pool.read });
  } finally {
    await pool.close();
  }
}

/** Opens a ledger file; `useCache: false` re-verifies every signature (`ledger verify`). */
export async function openLedgerFile(path: string, useCache = true): Promise<OpenedLedger> {
  const bytes = await readLedgerBytes(path);
  const verifiedBytes = useCache ? readCache(path, bytes) : 0;
  const { ledger, report, lines } = await withSignatureChecks(
    bytes.length - verifiedBytes > POOL_THRESHOLD * AVERAGE_LINE,
    (readEntries) => loadLedgerFile(bytes, { verifiedBytes, ...readEntries }),
  );
  // Every line before the first rejected one passed its signature check, here or before.
  const firstRejected = report.rejected[0]?.line;
  const at = firstRejected === undefined ? -1 : lines.numbers.indexOf(firstRejected);
  const good = at === -1 ? bytes.length - report.truncatedTail : (lines.ends[at - 1] ?? 0);
  if (good > verifiedBytes) writeCache(path, bytes, good);
  const cachedLines = lines.ends.filter((end) => end <= verifiedBytes).length;
  return { ledger, report, cachedLines };
}

/** Bytes scanned at a time, backwards from the end, looking for the last newline. */
const TAIL_CHUNK = 64 * 1024;

/** The length of what follows the file's last newline (all of it when there is none). */
async function tornTailLength(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(TAIL_CHUNK);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at !== -1) return size - (start + at + 1);
    end = start;
  }
  return size;
}

/**
 * Appends entries' lines and fsyncs. A file that does not end with a newline has a torn last
 * line (a write cut short by a crash or a full disk): those bytes are first kept as evidence in
 * FILE.quarantine and cut off, so the new lines start on a line of their own. Returns how many
 * bytes were set aside.
 */
export async function appendEntries(path: string, entries: readonly Entry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const handle = await open(path, 'r+');
  try {
    let end = (await handle.stat()).size;
    const torn = await tornTailLength(handle, end);
    if (torn > 0) {
      const bytes = Buffer.alloc(torn);
      await handle.read(bytes, 0, torn, end - torn);
      const message = 'a torn last line (no newline at the end): a write cut short';
      await quarantineLines(path, path, [
        { offset: end - torn, code: 'MALFORMED_INPUT', message, bytes },
      ]);
      end -= torn;
      await handle.truncate(end);
    }
    const lines = serializeEntries(entries);
    await handle.write(lines, 0, lines.length, end);
    await handle.sync();
    return torn;
  } finally {
    await handle.close();
  }
}

/** FILE.held: entries an import brought that wait (for a predecessor, or an endorsement). */
export const heldPath = (path: string) => `${path}.held`;

/** The lines of FILE.held (none when there is no such file). */
export async function readHeldLines(path: string): Promise<Uint8Array[]> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(heldPath(path)));
  } catch {
    return [];
  }
  return ledgerLines(bytes).lines;
}

/** Rewrites FILE.held with these entries (removes it when there are none). */
export async function writeHeld(path: string, held: readonly HeldEntry[]): Promise<void> {
  if (held.length === 0) {
    await rm(heldPath(path), { force: true });
    return;
  }
  await writeAtomic(heldPath(path), serializeEntries(held.map((h) => h.entry)));
}

/** Creates a new ledger file holding the genesis entry; refuses to overwrite. */
export async function createLedgerFile(path: string, genesis: Entry): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'EEXIST'
        ? `"${path}" exists; a ledger is never overwritten`
        : `cannot create "${path}": ${code ?? String(cause)}`,
    );
  }
  try {
    await handle.write(serializeEntries([genesis]));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** One piece of evidence: where it came from (a line, or a byte offset), why, and its bytes. */
export interface EvidenceRecord {
  line?: number;
  offset?: number;
  code: string;
  message: string;
  bytes: Uint8Array;
}

/** Rejected input kept as evidence beside the ledger: FILE.quarantine, one JSON a line. */
export async function quarantineLines(
  path: string,
  source: string,
  rejected: readonly EvidenceRecord[],
): Promise<void> {
  if (rejected.length === 0) return;
  const text = rejected
    .map(({ bytes, ...where }) => JSON.stringify({ source, ...where, bytes: toBase64(bytes) }))
    .join('\n');
  const handle = await open(`${path}.quarantine`, 'a');
  try {
    await handle.write(utf8Encode(`${text}\n`));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The CLI's ledger file: read through the validator, appended to with fsync, with a local
 * verification cache so reopening does not re-verify signatures already checked here.
 *
 * The cache lives in the user's cache directory (never beside the ledger, so a ledger file
 * received from someone else cannot bring a cache that vouches for it): per ledger file, the
 * length and SHA-256 of the prefix whose every line passed its signature check. Reopening
 * checks the prefix hash, skips those signature checks, and still re-checks everything else.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ledgerLines,
  loadLedgerFile,
  MAX_LEDGER_FILE_BYTES,
  serializeEntries,
  toBase64,
  utf8Encode,
  type Entry,
  type Ledger,
  type LoadReport,
} from '../core/index.ts';
import { UsageError } from './errors.ts';

interface CacheRecord {
  bytes: number;
  sha256: string;
  lines: number;
}

function cacheDir(): string {
  const base =
    process.env.PATCHTRAIL_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'patchtrail');
  return join(base, 'verified');
}

function cachePath(ledgerPath: string): string {
  const key = createHash('sha256').update(resolve(ledgerPath)).digest('hex').slice(0, 32);
  return join(cacheDir(), `${key}.json`);
}

function readCache(ledgerPath: string, bytes: Uint8Array): number {
  try {
    const record = JSON.parse(readFileSync(cachePath(ledgerPath), 'utf8')) as CacheRecord;
    if (!Number.isSafeInteger(record.bytes) || record.bytes > bytes.length) return 0;
    const digest = createHash('sha256').update(bytes.subarray(0, record.bytes)).digest('hex');
    return digest === record.sha256 ? record.lines : 0;
  } catch {
    return 0; // no cache, or an unreadable one: verify everything
  }
}

function writeCache(ledgerPath: string, bytes: Uint8Array, lines: number): void {
  const { lines: all } = ledgerLines(bytes);
  let end = 0;
  for (let i = 0; i < lines; i++) end += (all[i]?.length ?? 0) + 1;
  const sha256 = createHash('sha256').update(bytes.subarray(0, end)).digest('hex');
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    writeFileSync(cachePath(ledgerPath), JSON.stringify({ bytes: end, sha256, lines }));
  } catch {
    // A cache we cannot write only costs time on the next open.
  }
}

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

/** Opens a ledger file; `useCache: false` re-verifies every signature (`ledger verify`). */
export async function openLedgerFile(path: string, useCache = true): Promise<OpenedLedger> {
  const bytes = await readLedgerBytes(path);
  const cachedLines = useCache ? readCache(path, bytes) : 0;
  const { ledger, report } = await loadLedgerFile(bytes, { verifiedLines: cachedLines });
  const firstRejected = report.rejected[0]?.line;
  const good = firstRejected === undefined ? ledgerLines(bytes).lines.length : firstRejected - 1;
  if (good > cachedLines) writeCache(path, bytes, good);
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

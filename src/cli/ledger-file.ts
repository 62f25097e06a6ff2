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
import { open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ledgerLines,
  loadLedgerFile,
  MAX_LEDGER_FILE_BYTES,
  toBase64,
  utf8Encode,
  type Entry,
  type Ledger,
  type LoadReport,
} from '../core/index.ts';
import { userCacheDir } from './cache-dir.ts';
import { UsageError } from './errors.ts';

interface CacheRecord {
  bytes: number;
  sha256: string;
  lines: number;
}

function cacheDir(): string {
  return join(userCacheDir(), 'verified');
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

/** Appends entries' lines and fsyncs; a line is either whole or ignored on the next open. */
export async function appendEntries(path: string, entries: readonly Entry[]): Promise<void> {
  if (entries.length === 0) return;
  const handle = await open(path, 'a');
  try {
    for (const entry of entries) await handle.write(concatLine(entry.bytes));
    await handle.sync();
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
    await handle.write(concatLine(genesis.bytes));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function concatLine(bytes: Uint8Array): Uint8Array {
  const line = new Uint8Array(bytes.length + 1);
  line.set(bytes);
  line[bytes.length] = 0x0a;
  return line;
}

/** Rejected input lines, kept as evidence beside the ledger: FILE.quarantine, one JSON a line. */
export async function quarantineLines(
  path: string,
  source: string,
  rejected: readonly { line: number; code: string; message: string; bytes: Uint8Array }[],
): Promise<void> {
  if (rejected.length === 0) return;
  const text = rejected
    .map((r) =>
      JSON.stringify({
        source,
        line: r.line,
        code: r.code,
        message: r.message,
        bytes: toBase64(r.bytes),
      }),
    )
    .join('\n');
  const handle = await open(`${path}.quarantine`, 'a');
  try {
    await handle.write(utf8Encode(`${text}\n`));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

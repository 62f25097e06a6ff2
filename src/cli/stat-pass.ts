/**
 * One stat-cache pass (stat-cache.ts has the rules): the tree-hash text of a sorted listing,
 * built by walking the listing and the cache's sorted entries side by side. A listed file whose
 * entry vouches for it gets the entry's line as it is stored (runs of them as one byte range);
 * any other file is read and hashed, and gets a fresh line. When every listed file had an entry
 * that vouched and no entry was left over, the text is the cache's and so is its SHA-256.
 */
import { byUtf8, treeLine, type TreeText } from '../core/diff/tree-hash-text.ts';
import { encodeCache, readCacheFile, recordAt, type CacheEntries } from './cache-file.ts';
import type { HashedFile } from './node-files.ts';
import { sha256Hex } from './node-crypto.ts';
import { beginPass, endPass, notRacy, targetKey, vouches, worthRewriting } from './stat-cache.ts';
import { recordExecutable, STAT_RECORD_BYTES, statRecord } from './stat-record.ts';

/** A sorted listing's regular files and their stat records (node-files.ts). */
export interface ListedFiles {
  files: readonly string[];
  records: Buffer;
}

export interface HashedText extends TreeText {
  /** The hex SHA-256 of `text`. */
  hash: string;
}

/** A file read in this pass: its line, and its entry for the next cache unless it is racy. */
interface Fresh {
  line: Buffer;
  record?: Buffer;
  /** Its line in the next cache, when its mode changed between listing and reading. */
  storedLine?: Buffer;
}

/** Where each listed file's line comes from: entry `source[i]` of the cache, or `fresh`. */
interface Merged {
  source: Int32Array;
  fresh: Map<number, Fresh>;
  /** Files read, plus entries that vouch for no listed file (stat-cache.ts, worthRewriting). */
  stale: number;
  /** Every listed file's entry vouched, and no entry is left over. */
  whole: boolean;
}

type Cached = CacheEntries & { reference: bigint };

const lineLength = (text: TreeText, i: number): number =>
  (text.ends[i] as number) - (i === 0 ? 0 : (text.ends[i - 1] as number));

function readFresh(
  listed: ListedFiles,
  i: number,
  hash: (path: string) => HashedFile,
  started: bigint | undefined,
): Fresh {
  const path = listed.files[i] as string;
  const { digest, stat } = hash(path);
  const executable = recordExecutable(listed.records, STAT_RECORD_BYTES * i);
  const line = Buffer.from(treeLine(path, { digest, executable }));
  // A file changed in the tick of this pass is racy: it is not kept, so it is read next time.
  if (started === undefined || !notRacy(stat, started)) return { line };
  const record = statRecord(stat);
  if (recordExecutable(record, 0) === executable) return { line, record };
  return {
    line,
    record,
    storedLine: Buffer.from(treeLine(path, { digest, executable: !executable })),
  };
}

function merge(
  listed: ListedFiles,
  cached: Cached | undefined,
  hash: (path: string) => HashedFile,
  started: bigint | undefined,
): Merged {
  const count = cached?.paths.length ?? 0;
  const source = new Int32Array(listed.files.length).fill(-1);
  const fresh = new Map<number, Fresh>();
  let [j, vouched, replaced] = [0, 0, 0];
  listed.files.forEach((path, i) => {
    if (cached !== undefined) {
      while (j < count && cached.paths[j] !== path && byUtf8(cached.paths[j] as string, path) < 0)
        j++;
      if (j < count && cached.paths[j] === path) {
        const at = recordAt(j++);
        if (vouches(cached.bytes, at, listed.records, STAT_RECORD_BYTES * i, cached.reference)) {
          source[i] = j - 1;
          vouched++;
          return;
        }
        replaced++;
      }
    }
    fresh.set(i, readFresh(listed, i, hash, started));
  });
  const read = listed.files.length - vouched;
  const gone = count - vouched - replaced;
  return { source, fresh, stale: read + gone, whole: read === 0 && gone === 0 };
}

/** Lines in listing order, runs of consecutive cache lines as one range each. */
function assemble(
  count: number,
  lineAt: (i: number) => Uint8Array | { entry: number } | undefined,
  cached: TreeText | undefined,
): { parts: Uint8Array[]; ends: Uint32Array } {
  const parts: Uint8Array[] = [];
  const ends = new Uint32Array(count);
  let [end, runFrom, runTo] = [0, -1, -1];
  const flush = (): void => {
    if (runFrom < 0 || cached === undefined) return;
    const start = runFrom === 0 ? 0 : (cached.ends[runFrom - 1] as number);
    parts.push(cached.text.subarray(start, cached.ends[runTo]));
    runFrom = -1;
  };
  let n = 0;
  for (let i = 0; i < count; i++) {
    const line = lineAt(i);
    if (line === undefined) continue;
    if (line instanceof Uint8Array) {
      flush();
      parts.push(line);
      end += line.length;
    } else {
      const at = line.entry;
      if (runFrom >= 0 && at === runTo + 1) runTo = at;
      else {
        flush();
        [runFrom, runTo] = [at, at];
      }
      end += lineLength(cached as TreeText, at);
    }
    ends[n++] = end;
  }
  flush();
  return { parts, ends: ends.subarray(0, n) };
}

/** The listing's tree-hash text and its SHA-256. */
function textOf(listed: ListedFiles, cached: Cached | undefined, merged: Merged): HashedText {
  const paths = listed.files;
  if (merged.whole && cached !== undefined) return { ...cached, paths, hash: cached.textHash };
  const { source, fresh } = merged;
  const lineAt = (i: number) => {
    const entry = source[i] as number;
    return entry >= 0 ? { entry } : (fresh.get(i) as Fresh).line;
  };
  const { parts, ends } = assemble(paths.length, lineAt, cached);
  const text = Buffer.concat(parts, ends.at(-1) ?? 0);
  return { paths, text, ends, hash: sha256Hex(text) };
}

/** The next cache file: an entry for each listed file that vouched, or was read and is not racy. */
function nextCache(
  header: { target: string; started: bigint },
  listed: ListedFiles,
  cached: Cached | undefined,
  merged: Merged,
  out: HashedText,
): Buffer {
  const { source, fresh } = merged;
  const records: Uint8Array[] = [];
  let whole = true; // every listed file is kept with its line as listed
  const lineAt = (i: number) => {
    const entry = source[i] as number;
    if (entry >= 0) {
      const at = recordAt(entry);
      records.push((cached as Cached).bytes.subarray(at, at + STAT_RECORD_BYTES));
      return { entry };
    }
    const file = fresh.get(i) as Fresh;
    whole &&= file.record !== undefined && file.storedLine === undefined;
    if (file.record === undefined) return undefined;
    records.push(file.record);
    return file.storedLine ?? file.line;
  };
  const { parts, ends } = assemble(listed.files.length, lineAt, cached);
  if (whole) return encodeCache(header, Buffer.concat(records), out, Buffer.from(out.hash, 'hex'));
  return encodeCache(header, Buffer.concat(records), { text: Buffer.concat(parts), ends });
}

/**
 * The tree-hash text of `listed` (sorted, with their stats as listed), from the cache in
 * `file` where its entries still vouch for the files and by `hash` (reading the file)
 * elsewhere. When enough has changed (worthRewriting), the cache is rewritten (atomically)
 * with an entry for each listed file that is not racy, and none for files no longer listed.
 */
export function cachedTreeText(
  file: string,
  root: string,
  listed: ListedFiles,
  hash: (path: string) => HashedFile,
): HashedText {
  const header = { target: targetKey(root) };
  const pass = beginPass(file);
  const cached = readCacheFile(file, header);
  let rewritten: Buffer | undefined;
  try {
    const merged = merge(listed, cached, hash, pass?.started);
    const out = textOf(listed, cached, merged);
    if (pass !== undefined && worthRewriting(merged.stale, listed.files.length))
      rewritten = nextCache({ ...header, started: pass.started }, listed, cached, merged, out);
    return out;
  } finally {
    if (pass !== undefined) endPass(pass, file, rewritten);
  }
}

/**
 * The drop folder `agent --watch DIR` takes bundles from. Anyone who can write there is
 * untrusted: the names, the kinds of entry and the bytes are attacker-controlled. So entries
 * are classified by lstat and never followed: a symbolic link, a FIFO, a socket or a device is
 * refused unopened (UNSAFE_PATH), a directory too (MALFORMED_INPUT), a file over the bundle
 * limit is refused unread (TOO_LARGE), and a name that is not UTF-8 or holds control
 * characters is refused untouched (UNSAFE_PATH).
 *
 * A file is taken only when it is whole. Writers should write a name starting with "." or
 * ending in ".part" or ".tmp" and rename it into place (never looked at until then); for a
 * writer that does not, a file is taken once its inode, size and modification time have stayed
 * the same for the settle time, and it is opened without following links and without blocking
 * and checked again after reading. A torn file that stays torn is read and refused by the agent
 * (MALFORMED_INPUT); if it grows again it is a new file to decide.
 */
import { createHash } from 'node:crypto';
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { MAX_BUNDLE_BYTES, type ErrorCode } from '../core/index.ts';

export type DropEntry =
  /** A whole regular file: its bytes and their SHA-256 (hex). */
  | { kind: 'bundle'; name: string; bytes: Uint8Array; digest: string }
  | { kind: 'refused'; name: string; code: ErrorCode; message: string }
  /** Still changing (or not yet settled): looked at again on the next scan. */
  | { kind: 'waiting'; name: string };

/** A regular file as one look saw it, and since when it has looked like that. */
interface Sighting {
  key: string;
  since: number;
}

const IN_PROGRESS = /^\.|\.(?:part|tmp)$/u;
// eslint-disable-next-line no-control-regex -- refusing names with control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const strict = new TextDecoder('utf-8', { fatal: true });

function nameOf(raw: Buffer): { name: string; problem?: string } {
  let name: string;
  try {
    name = strict.decode(raw);
  } catch {
    return { name: raw.toString('latin1'), problem: 'a name that is not UTF-8' };
  }
  if (CONTROL.test(name)) return { name, problem: 'a name with control characters' };
  return { name };
}

const statKey = (s: BigIntStats): string => `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;

function refusedKind(name: string, s: BigIntStats): DropEntry | undefined {
  const refuse = (code: ErrorCode, message: string): DropEntry => ({
    kind: 'refused',
    name,
    code,
    message,
  });
  if (s.isSymbolicLink()) return refuse('UNSAFE_PATH', 'a symbolic link: never followed');
  if (s.isDirectory()) return refuse('MALFORMED_INPUT', 'a directory, not a bundle file');
  if (!s.isFile()) return refuse('UNSAFE_PATH', 'a FIFO, socket or device: never opened');
  if (s.size > BigInt(MAX_BUNDLE_BYTES))
    return refuse('TOO_LARGE', `${s.size} bytes; the bundle limit is ${MAX_BUNDLE_BYTES}`);
  return undefined;
}

/**
 * Reads a settled file without following a link or blocking on a FIFO swapped in, and only if
 * it is still the file that settled (same inode, size and time before and after reading).
 */
async function readSettled(path: Buffer, key: string): Promise<Uint8Array | undefined> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  let handle;
  try {
    handle = await open(path, flags);
  } catch {
    return undefined; // gone, or swapped for a link since the look: the next scan says which
  }
  try {
    const before = await handle.stat({ bigint: true });
    if (!before.isFile() || statKey(before) !== key) return undefined;
    const size = Number(before.size);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    const after = await handle.stat({ bigint: true });
    if (bytesRead !== size || statKey(after) !== key) return undefined;
    return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
  } finally {
    await handle.close();
  }
}

export interface DropFolder {
  /**
   * Every entry of the folder now (sorted by name; in-progress names left out). `isDecided`
   * says whether a digest was decided before: such a file is left out too, and, while it stays
   * the same file, never read again.
   */
  scan(now: number, isDecided: (digest: string) => boolean): Promise<DropEntry[]>;
}

export function makeDropFolder(dir: string, settleMs: number): DropFolder {
  const sightings = new Map<string, Sighting>();
  /** Files already read and found decided, by name: the stat key they had. */
  const decided = new Map<string, string>();

  async function look(raw: Buffer, now: number, isDecided: (d: string) => boolean) {
    const { name, problem } = nameOf(raw);
    if (IN_PROGRESS.test(name)) return undefined;
    if (problem !== undefined)
      return { kind: 'refused', name, code: 'UNSAFE_PATH', message: problem } as const;
    const path = Buffer.concat([Buffer.from(`${dir}/`), raw]);
    const s = await lstat(path, { bigint: true }).catch(() => undefined);
    if (s === undefined) return undefined;
    const refused = refusedKind(name, s);
    if (refused !== undefined) return refused;
    const key = statKey(s);
    if (decided.get(name) === key) return undefined;
    const seen = sightings.get(name);
    if (seen?.key !== key) sightings.set(name, { key, since: now });
    if (seen?.key !== key || now - seen.since < settleMs) return { kind: 'waiting', name } as const;
    const bytes = await readSettled(path, key);
    if (bytes === undefined) return { kind: 'waiting', name } as const;
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (isDecided(digest)) {
      decided.set(name, key);
      return undefined;
    }
    return { kind: 'bundle', name, bytes, digest } as const;
  }

  return {
    async scan(now, isDecided) {
      const names = (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);
      const entries: DropEntry[] = [];
      for (const raw of names) {
        const entry = await look(raw, now, isDecided);
        if (entry !== undefined) entries.push(entry);
      }
      const present = new Set(names.map((n) => nameOf(n).name));
      for (const name of sightings.keys()) if (!present.has(name)) sightings.delete(name);
      for (const name of decided.keys()) if (!present.has(name)) decided.delete(name);
      return entries;
    },
  };
}

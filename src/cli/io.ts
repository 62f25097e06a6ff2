/**
 * The CLI's filesystem adapter: size-limited reads (files or stdin), atomic writes, key files.
 */
import { open, rename, writeFile, unlink, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { MAX_KEY_FILE_BYTES, parsePem, reject, utf8Decode, type PemKey } from '../core/index.ts';
import { UsageError } from './errors.ts';

let stdinSource: () => AsyncIterable<Uint8Array> = () => process.stdin;

/** Where "-" reads from for this run (`main` sets it from its context; tests pass their own). */
export function useStdin(source: (() => AsyncIterable<Uint8Array>) | undefined): void {
  stdinSource = source ?? (() => process.stdin);
}

async function readStdin(limit: number, what: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stdinSource()) {
    total += chunk.length;
    if (total > limit) reject('TOO_LARGE', `${what} on stdin is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Reads a file (or stdin for "-"), refusing anything over `limit` bytes before reading it. */
export async function readInput(path: string, limit: number, what: string): Promise<Uint8Array> {
  if (path === '-') return readStdin(limit, what);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw new UsageError(
      `cannot read ${what} "${path}": ${(cause as NodeJS.ErrnoException).code ?? cause}`,
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`${what} "${path}" is not a regular file`);
    if (info.size > limit)
      reject('TOO_LARGE', `${what} is ${info.size} bytes; the limit is ${limit}`);
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return new Uint8Array(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export async function readKey(path: string): Promise<PemKey> {
  return parsePem(utf8Decode(await readInput(path, MAX_KEY_FILE_BYTES, 'key file'), 'key file'));
}

/** Writes via a temporary file and rename, so a crash never leaves a half-written file. */
export async function writeAtomic(
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw new UsageError(
      `cannot write "${path}": ${(cause as NodeJS.ErrnoException).code ?? cause}`,
    );
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** "sha256:HEX" as given, or the streamed SHA-256 of a file (Node's OpenSSL, SHA instructions). */
export async function digestReference(value: string, what: string): Promise<string> {
  if (value.startsWith('sha256:')) {
    if (!/^sha256:[0-9a-f]{64}$/.test(value)) {
      throw new UsageError(`${what}: "sha256:" must be followed by 64 lower-case hex digits`);
    }
    return value;
  }
  const hasher = createHash('sha256');
  try {
    for await (const chunk of createReadStream(value, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      hasher.update(chunk);
    }
  } catch (cause) {
    throw new UsageError(
      `cannot read ${what} "${value}": ${(cause as NodeJS.ErrnoException).code ?? cause}`,
    );
  }
  return `sha256:${hasher.digest('hex')}`;
}

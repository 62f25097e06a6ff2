/**
 * Node-side references and probes for the pool bench: `openssl speed` for 64-byte SHA-256,
 * `sha256sum` on the same files the page hashes, the resident memory of one Chromium
 * browser's processes, and the bench's input files and ledger (cached under .tmp/).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../e2e/browser.ts';
import { buildEntries } from './ledger-measure.ts';

const run = promisify(execFile);
export const BENCH_DIR = join(REPO_ROOT, '.tmp', 'bench');

/**
 * 64-byte SHA-256 hashes per second from `openssl speed`: by wall clock with `elapsed` (as the
 * page measures), else per second of CPU time (openssl's default).
 */
export async function opensslSha256PerSec(elapsed = true): Promise<number | string> {
  try {
    const timing = elapsed ? ['-elapsed'] : [];
    const args = ['speed', ...timing, '-seconds', '2', '-bytes', '64', 'sha256'];
    const { stdout } = await run('openssl', args);
    const match = /^sha256\s+([\d.]+)k/m.exec(stdout);
    return match ? (Number(match[1]) * 1000) / 64 : `no sha256 line in openssl speed output`;
  } catch (error) {
    return `openssl speed failed: ${String(error).split('\n')[0]}`;
  }
}

/** Wall-clock milliseconds of `sha256sum FILE`, and its digest. */
export async function sha256sum(path: string): Promise<{ ms: number; digest: string }> {
  const started = performance.now();
  const { stdout } = await run('sha256sum', [path]);
  return { ms: performance.now() - started, digest: stdout.split(' ')[0] as string };
}

/** CPU milliseconds of this process's waited-for children (/proc, 10 ms ticks). */
export function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** The sum of `read(pid)` over every process whose command line names `profile`. */
async function sumOverBrowser(profile: string, read: (pid: string) => Promise<number>) {
  let total = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(profile)) total += await read(pid);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Resident set size, in bytes, of every process whose command line names `profile`. */
export function browserRss(profile: string): Promise<number> {
  return sumOverBrowser(profile, async (pid) => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  });
}

/** CPU time, in ms (10 ms ticks), used so far by every process whose command line names `profile`. */
export function browserCpuMs(profile: string): Promise<number> {
  return sumOverBrowser(profile, async (pid) => {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  });
}

/** Samples `browserRss` every 100 ms while `work` runs; returns its result and the peak. */
export async function peakRssDuring<T>(
  profile: string,
  work: Promise<T>,
): Promise<{ result: T; peak: number }> {
  let peak = await browserRss(profile);
  let done = false;
  const sampling = (async () => {
    while (!done) {
      peak = Math.max(peak, await browserRss(profile));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  try {
    return { result: await work, peak };
  } finally {
    done = true;
    await sampling;
  }
}

/** A file of `mib` MiB (a pseudo-random MiB repeated), made once under .tmp/bench. */
export async function benchFile(name: string, mib: number, seed: number): Promise<string> {
  const path = join(BENCH_DIR, name);
  if (existsSync(path)) return path;
  await mkdir(BENCH_DIR, { recursive: true });
  const block = new Uint8Array(2 ** 20);
  let x = seed;
  for (let i = 0; i < block.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    block[i] = x >>> 24;
  }
  const file = await open(`${path}.part`, 'w');
  for (let i = 0; i < mib; i++) await file.write(block);
  await file.close();
  await run('mv', [`${path}.part`, path]);
  return path;
}

/** The bench ledger as lines (genesis first), built once per size under .tmp/bench. */
export async function benchLedger(count: number): Promise<string> {
  const path = join(BENCH_DIR, `ledger-${count}.jsonl`);
  if (existsSync(path)) return readFile(path, 'utf8');
  const { genesis, entries } = await buildEntries(count);
  const decoder = new TextDecoder();
  const text = [genesis, ...entries.map((e) => e.bytes)].map((b) => decoder.decode(b)).join('\n');
  await mkdir(BENCH_DIR, { recursive: true });
  await writeFile(path, `${text}\n`);
  return text;
}

/** Node hashes per CPU-second in this process: the kernel and hash-wasm one call per node. */
export async function merkleCpuRates(
  level = 2 ** 16,
): Promise<{ kernel: number; hashWasm: number }> {
  const { makeJsMerkleHasher, makeMerkleHasher } =
    await import('../../src/core/crypto/merkle-kernel.ts');
  const { prepareSha256Sync } = await import('../../src/core/crypto/hash.ts');
  await prepareSha256Sync();
  const hashers = [await makeMerkleHasher(), makeJsMerkleHasher()];
  const data = new Uint8Array(32 * level).map((_, i) => (i * 131) & 0xff);
  const rates = hashers.map((hasher) => {
    hasher.hashLevel(data);
    const before = process.cpuUsage();
    let rounds = 0;
    for (const started = performance.now(); performance.now() - started < 1500; rounds++)
      hasher.hashLevel(data);
    const used = process.cpuUsage(before);
    return (rounds * (level / 2) * 1e6) / (used.user + used.system);
  });
  return { kernel: rates[0] as number, hashWasm: rates[1] as number };
}

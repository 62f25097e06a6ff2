/**
 * `npm run bench` (file hashing, Node): the streaming SHA-256 kernel that hashes files
 * (worker/sha256-stream.ts) against hash-wasm's SHA-256 (what it replaced) and `sha256sum` on
 * the same 256 MiB, with node:crypto (OpenSSL, the CPU's SHA instructions) for context. The
 * engines take turns, round after round, so the machine's load weighs on all alike; each
 * figure is MB per second of CPU time (wall clock beside it), and the ratios are taken round
 * by round. `sha256sum` reads the file from the page cache; the others hash bytes in memory in
 * 4 MiB updates, as the worker does.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { createStreamingSha256, type StreamingHash } from '../../src/core/crypto/hash.ts';
import { createFileSha256 } from '../../worker/sha256-stream.ts';
import { benchFile, childCpuMs } from './pool-measure.ts';

const run = promisify(execFile);
const ROUNDS = Number(process.env.PATCHTRAIL_BENCH_RUNS ?? 5);
const CHUNK = 4 * 1024 * 1024;
const MB = 1e6;

interface Timed {
  digest: string;
  cpuMs: number;
  wallMs: number;
}

async function timed(work: () => Promise<string>, child = false): Promise<Timed> {
  const cpu = process.cpuUsage();
  const children = childCpuMs();
  const started = performance.now();
  const digest = await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = child ? childCpuMs() - children : (used.user + used.system) / 1000;
  return { digest, cpuMs, wallMs };
}

function streamed(make: () => Promise<StreamingHash>, bytes: Uint8Array) {
  return async () => {
    const hasher = await make();
    for (let at = 0; at < bytes.length; at += CHUNK) hasher.update(bytes.subarray(at, at + CHUNK));
    return hasher.digestHex();
  };
}

const range = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1] as number;
  return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} (median ${median.toFixed(2)})`;
};
const mbRange = (bytes: number, ms: number[]) => {
  const rates = ms.map((m) => bytes / MB / (m / 1000));
  return `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)} MB/s`;
};

it('file hashing in Node: the kernel against hash-wasm and sha256sum, same bytes, in turns', async () => {
  const path = await benchFile('a-256-mib.bin', 256, 2);
  const bytes = new Uint8Array(readFileSync(path));
  const engines: Record<string, () => Promise<Timed>> = {
    kernel: () => timed(streamed(createFileSha256, bytes)),
    'hash-wasm': () => timed(streamed(createStreamingSha256, bytes)),
    sha256sum: () =>
      timed(async () => (await run('sha256sum', [path])).stdout.split(' ')[0] as string, true),
    'node:crypto': () => timed(async () => createHash('sha256').update(bytes).digest('hex')),
  };
  const results: Record<string, Timed[]> = {};
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, measure] of Object.entries(engines))
      (results[name] ??= []).push(await measure());
  const digests = new Set(Object.values(results).flatMap((rs) => rs.map((r) => r.digest)));
  expect(digests.size).toBe(1);
  const cpu = (name: string) => (results[name] ?? []).map((r) => r.cpuMs);
  const wall = (name: string) => (results[name] ?? []).map((r) => r.wallMs);
  const perRound = (over: string) => cpu(over).map((ms, i) => ms / (cpu('kernel')[i] as number));
  const lines = [`file hashing, Node ${process.version}, 256 MiB, ${ROUNDS} rounds in turns`];
  for (const name of Object.keys(engines))
    lines.push(
      `  ${name}: ${mbRange(bytes.length, cpu(name))} per CPU-second; wall ${mbRange(bytes.length, wall(name))}`,
    );
  lines.push(
    `  kernel ÷ hash-wasm per CPU-second, round by round: ${range(perRound('hash-wasm'))}`,
    `  kernel ÷ sha256sum per CPU-second, round by round: ${range(perRound('sha256sum'))}`,
    `  load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(lines.join('\n'));
});

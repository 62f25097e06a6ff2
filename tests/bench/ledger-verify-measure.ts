/**
 * What `ledger verify` costs (Node only): the built CLI verifying a ledger file with every
 * signature checked (lines read in full ahead, on a worker thread and, when it is behind, on
 * the main thread; admission in order on their receipts), timed by the wall clock, beside `openssl speed -elapsed -multi <cores> ed25519`
 * run in the same bench on the same cores (both by the wall clock, so both feel the same
 * machine load); and both per CPU-second, which a loaded machine disturbs less (the CLI's over
 * all its threads, openssl's for one process). For reference, the same file admitted in
 * process the way verify did before: each line's signature awaited before the next line.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { poolSize } from '../../src/cli/verify-pool.ts';
import { ledgerLines } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/patchtrail.mjs', import.meta.url));
const OPENSSL_SECONDS = 5;

export interface VerifyRate {
  perWallSecond: number;
  perCpuSecond: number;
}

async function timed(count: number, run: () => Promise<void>): Promise<VerifyRate> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { perWallSecond: (count / wallMs) * 1000, perCpuSecond: (count / cpuMs) * 1000 };
}

const TIME = '/usr/bin/time';

/**
 * `ledger verify` of the file by the built CLI: entries per wall-clock second, and per
 * CPU-second of the process (all its threads; NaN without GNU time to measure it).
 */
export async function verifyByCli(file: Uint8Array, entries: number): Promise<VerifyRate> {
  const path = join(tmpdir(), `pt-bench-verify-${process.pid}.ledger`);
  await writeFile(path, file);
  try {
    const timing = existsSync(TIME);
    const cli = ['node', BIN, 'ledger', 'verify', '--json', '--ledger', path];
    const started = performance.now();
    const { stdout, stderr } = await (timing
      ? run(TIME, ['-f', 'cpu %U %S', ...cli], { maxBuffer: 1 << 26 })
      : run('node', cli.slice(1), { maxBuffer: 1 << 26 }));
    const wallMs = performance.now() - started;
    const report = JSON.parse(stdout) as { ok: boolean; entries: number };
    if (!report.ok || report.entries !== entries) throw new Error('bench: the CLI did not verify');
    const cpu = /^cpu ([\d.]+) ([\d.]+)$/m.exec(stderr);
    const cpuSeconds = cpu === null ? NaN : Number(cpu[1]) + Number(cpu[2]);
    return { perWallSecond: (entries / wallMs) * 1000, perCpuSecond: entries / cpuSeconds };
  } finally {
    await rm(path, { force: true });
  }
}

/** The same file admitted line by line, each signature awaited before the next line. */
export function verifyFileInTurn(file: Uint8Array, entries: number): Promise<VerifyRate> {
  return timed(entries, async () => {
    const [genesis, ...rest] = ledgerLines(file).lines;
    const ledger = await Ledger.open(genesis as Uint8Array);
    for (const line of rest)
      if ((await ledger.admit(line)).status !== 'admitted') throw new Error('bench: not admitted');
  });
}

/** The cores the CLI's verify runs on: its main thread and its workers, at most the machine's. */
export const CORES = Math.min(availableParallelism(), 1 + poolSize());

export interface OpensslRates {
  /** `-elapsed -multi CORES`: verifications per wall-clock second, summed over CORES processes. */
  wall: number;
  /** One process, by its CPU time: verifications per CPU-second. */
  cpu: number;
}

async function opensslSpeed(extra: string[]): Promise<number> {
  const args = ['speed', '-mr', ...extra, '-seconds', String(OPENSSL_SECONDS), 'ed25519'];
  const { stdout } = await run('openssl', args);
  // Machine-readable (the total, with -multi): +F6:<index>:<bits>:Ed25519:<sign/s>:<verify/s>
  const match = /^\+F6:\d+:\d+:Ed25519:[\d.]+:([\d.]+)$/m.exec(stdout);
  if (match === null) throw new Error(`no Ed25519 result from openssl ${args.join(' ')}`);
  return Number(match[1]);
}

/** `openssl speed ed25519` on CORES processes by the wall clock, and on one by CPU time. */
export async function opensslVerifyRates(): Promise<OpensslRates | string> {
  try {
    const wall = await opensslSpeed(['-elapsed', '-multi', String(CORES)]);
    return { wall, cpu: await opensslSpeed([]) };
  } catch (error) {
    return `openssl speed failed: ${String(error).split('\n')[0]}`;
  }
}

export function verifyLines(
  entries: number,
  openssl: OpensslRates | string,
  cli: VerifyRate,
  inTurn: VerifyRate,
): string[] {
  if (typeof openssl === 'string') return [`  ledger verify skipped: ${openssl}`];
  const rates = (r: VerifyRate) =>
    `${r.perWallSecond.toFixed(0)}/s wall (ratio to openssl ${(r.perWallSecond / openssl.wall).toFixed(2)}), ${r.perCpuSecond.toFixed(0)} per CPU-second (ratio ${(r.perCpuSecond / openssl.cpu).toFixed(2)})`;
  return [
    `  ledger verify  ${entries} entries by the CLI, every signature: ${rates(cli)}; target >= 0.80 wall`,
    `  openssl speed  ed25519: -elapsed -multi ${CORES}: ${openssl.wall.toFixed(0)} verify/s wall on ${CORES} cores; one process: ${openssl.cpu.toFixed(0)} per CPU-second; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
    `  (in turn)      in process, each signature awaited before the next line: ${rates(inTurn)}`,
  ];
}

/**
 * Ed25519 throughput through our real module (src/core/crypto/ed25519.ts), one operation at a
 * time, as the app calls it. Runs unchanged in Node and inside the Chromium page (bundled by
 * ./chromium-page.ts), so it uses only globals both have (`performance`).
 */
import {
  makeSigner,
  publicKeyFromSeed,
  verify,
  type Ed25519Backend,
} from '../../src/core/crypto/ed25519.ts';

/** The fixed message every sign and verify sees (openssl speed uses a 20-byte one). */
export const BENCH_MESSAGE_LENGTH = 256;

export interface MeasureOptions {
  /** Run the operation this long first, untimed (JIT, noble's lazy tables, key import). */
  warmupMs: number;
  /** Then count operations for at least this long. */
  measureMs: number;
}

export interface Ed25519Rates {
  backend: Ed25519Backend;
  signPerSecond: number;
  verifyPerSecond: number;
  /** Hex of the signature on the bench message: the same for every backend (RFC 8032 is deterministic). */
  signatureHex: string;
}

const BATCH = 16;

function benchInputs(): { seed: Uint8Array; message: Uint8Array } {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  const message = Uint8Array.from({ length: BENCH_MESSAGE_LENGTH }, (_, i) => (i * 31 + 7) & 0xff);
  return { seed, message };
}

async function runFor(
  op: () => Promise<unknown>,
  ms: number,
): Promise<{ count: number; elapsedMs: number }> {
  const start = performance.now();
  let now = start;
  let count = 0;
  do {
    for (let i = 0; i < BATCH; i++) await op();
    count += BATCH;
    now = performance.now();
  } while (now - start < ms);
  return { count, elapsedMs: now - start };
}

async function opsPerSecond(op: () => Promise<unknown>, options: MeasureOptions): Promise<number> {
  await runFor(op, options.warmupMs);
  const { count, elapsedMs } = await runFor(op, options.measureMs);
  return (count * 1000) / elapsedMs;
}

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Sign rate, then verify rate, for one backend; throws if the signature does not verify. */
export async function measureEd25519(
  backend: Ed25519Backend,
  options: MeasureOptions,
): Promise<Ed25519Rates> {
  const { seed, message } = benchInputs();
  const publicKey = publicKeyFromSeed(seed);
  const sign = await makeSigner(seed, backend);
  const signature = await sign(message);
  // A rejected signature takes a short path; timing that would flatter verify.
  if (!(await verify(publicKey, message, signature, backend))) {
    throw new Error(`bench: ${backend} did not verify its own signature`);
  }
  const signPerSecond = await opsPerSecond(() => sign(message), options);
  const verifyPerSecond = await opsPerSecond(
    () => verify(publicKey, message, signature, backend),
    options,
  );
  return { backend, signPerSecond, verifyPerSecond, signatureHex: toHex(signature) };
}

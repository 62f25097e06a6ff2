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
  /** Then count operations for at least this long, in `windows` equal windows. */
  measureMs: number;
  windows: number;
}

/** Operations per second over the whole measurement, and how much the windows disagreed. */
export interface Rate {
  perSecond: number;
  /** Half the range of the per-window rates, as a fraction of `perSecond`. */
  spread: number;
}

export interface Ed25519Rates {
  backend: Ed25519Backend;
  sign: Rate;
  verify: Rate;
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

async function measureRate(op: () => Promise<unknown>, options: MeasureOptions): Promise<Rate> {
  await runFor(op, options.warmupMs);
  const windows: { count: number; elapsedMs: number }[] = [];
  for (let i = 0; i < options.windows; i++) {
    windows.push(await runFor(op, options.measureMs / options.windows));
  }
  const total = (key: 'count' | 'elapsedMs'): number => windows.reduce((sum, w) => sum + w[key], 0);
  const perSecond = (total('count') * 1000) / total('elapsedMs');
  const rates = windows.map((w) => (w.count * 1000) / w.elapsedMs);
  return { perSecond, spread: (Math.max(...rates) - Math.min(...rates)) / 2 / perSecond };
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
  const signRate = await measureRate(() => sign(message), options);
  const verifyRate = await measureRate(
    () => verify(publicKey, message, signature, backend),
    options,
  );
  return { backend, sign: signRate, verify: verifyRate, signatureHex: toHex(signature) };
}

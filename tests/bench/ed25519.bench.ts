/**
 * `npm run bench`: Ed25519 sign and verify rates through src/core/crypto/ed25519.ts, for both
 * backends, in Node and in headless Chromium, each as a ratio to `openssl speed ed25519`
 * measured in the same run. Not a test: tests/bench/vitest.bench.config.ts runs it, plain
 * `vitest run` does not (its include is *.test.ts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { it } from 'vitest';
import type { Ed25519Backend } from '../../src/core/crypto/ed25519.ts';
import { chromiumMissingReason, openEd25519Page } from './chromium-page.ts';
import {
  BENCH_MESSAGE_LENGTH,
  measureEd25519,
  type Ed25519Rates,
  type MeasureOptions,
  type Rate,
} from './ed25519-measure.ts';

const MEASURE: MeasureOptions = { warmupMs: 500, measureMs: 2000, windows: 4 };
const OPENSSL_SECONDS = 2;
const BACKENDS: Ed25519Backend[] = ['webcrypto', 'noble'];

interface Row {
  where: string;
  path: string;
  sign: Rate;
  verify: Rate;
}

const run = promisify(execFile);

/**
 * `-elapsed` makes openssl divide by wall-clock time, as we do; by default it divides by its
 * user CPU time. Its sign and verify loops use a 20-byte message.
 */
async function opensslSpeed(): Promise<{ row: Row; version: string } | { skipped: string }> {
  try {
    const { stdout: version } = await run('openssl', ['version']);
    const args = ['speed', '-mr', '-elapsed', '-seconds', String(OPENSSL_SECONDS), 'ed25519'];
    const { stdout } = await run('openssl', args);
    // Machine-readable result: +F6:<index>:<bits>:Ed25519:<sign/s>:<verify/s>
    const match = /^\+F6:\d+:\d+:Ed25519:([\d.]+):([\d.]+)$/m.exec(stdout);
    if (!match) return { skipped: `no +F6 Ed25519 line in: openssl ${args.join(' ')}` };
    const row = {
      where: 'openssl',
      path: 'native',
      sign: { perSecond: Number(match[1]), spread: NaN },
      verify: { perSecond: Number(match[2]), spread: NaN },
    };
    return { row, version: version.trim() };
  } catch (error) {
    return { skipped: `openssl speed failed: ${String(error).split('\n')[0]}` };
  }
}

async function nodeRows(): Promise<Ed25519Rates[]> {
  const rates: Ed25519Rates[] = [];
  for (const backend of BACKENDS) rates.push(await measureEd25519(backend, MEASURE));
  return rates;
}

async function chromiumRows(): Promise<{ rates: Ed25519Rates[]; version: string } | string> {
  const missing = chromiumMissingReason();
  if (missing !== undefined) return missing;
  let opened;
  try {
    opened = await openEd25519Page();
  } catch (error) {
    return `Chromium did not start: ${String(error).split('\n')[0]}`;
  }
  try {
    const rates: Ed25519Rates[] = [];
    for (const backend of BACKENDS) {
      rates.push(
        await opened.page.evaluate(
          ([b, options]) => window.patchtrailEd25519.measureEd25519(b, options),
          [backend, MEASURE] as const,
        ),
      );
    }
    return { rates, version: opened.chromiumVersion };
  } finally {
    await opened.close();
  }
}

const toRow = (where: string, r: Ed25519Rates): Row => ({ where, path: r.backend, ...r });

function formatTable(rows: Row[], reference: Row | undefined): string {
  const cell = (rate: Rate, ref: Rate | undefined): string[] => [
    Math.round(rate.perSecond).toString(),
    Number.isNaN(rate.spread) ? '' : `±${Math.round(rate.spread * 100)}%`,
    ref === undefined ? 'n/a' : (rate.perSecond / ref.perSecond).toFixed(2),
  ];
  const cells = rows.map((r) => [
    r.where,
    r.path,
    ...cell(r.sign, reference?.sign),
    ...cell(r.verify, reference?.verify),
  ]);
  const header = ['where', 'path', 'sign/s', '±', 'ratio', 'verify/s', '±', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]): string =>
    c
      .map((text, i) => (i < 2 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}

it('measures Ed25519 sign and verify rates beside openssl speed', async () => {
  const started = performance.now();
  const notes: string[] = [];
  const rows: Row[] = [];

  // One thing at a time: openssl first, then Node, then Chromium, so none competes for a core.
  const openssl = await opensslSpeed();
  if ('row' in openssl) rows.push(openssl.row);
  else notes.push(`openssl row skipped (${openssl.skipped}); ratios are n/a`);

  const node = await nodeRows();
  rows.push(...node.map((r) => toRow('node', r)));

  const chromium = await chromiumRows();
  if (typeof chromium === 'string') notes.push(`chromium rows skipped: ${chromium}`);
  else rows.push(...chromium.rates.map((r) => toRow('chromium', r)));

  const signatures = new Set([...node, ...(typeof chromium === 'string' ? [] : chromium.rates)]);
  if (new Set([...signatures].map((r) => r.signatureHex)).size !== 1) {
    throw new Error('bench: backends produced different signatures on the same message');
  }

  const seconds = (ms: number): string => (ms / 1000).toFixed(1);
  const versions = [
    `node ${process.version}`,
    'row' in openssl ? openssl.version : undefined,
    typeof chromium === 'string' ? undefined : `Chromium ${chromium.version} (headless)`,
  ].filter((v) => v !== undefined);
  const output = [
    '',
    `Ed25519, ${BENCH_MESSAGE_LENGTH}-byte message, ops/s (ratio = ours / openssl speed in this run)`,
    formatTable(rows, 'row' in openssl ? openssl.row : undefined),
    ...notes,
    `ours: src/core/crypto/ed25519.ts, one awaited call at a time, ` +
      `${seconds(MEASURE.warmupMs)} s warm-up then >= ${seconds(MEASURE.measureMs)} s per cell; ` +
      `± = half the range of its ${MEASURE.windows} windows' rates`,
    `openssl: openssl speed -elapsed -seconds ${OPENSSL_SECONDS} ed25519 (its message is 20 bytes)`,
    versions.join('; '),
    `total ${seconds(performance.now() - started)} s`,
    '',
  ];
  process.stdout.write(output.join('\n') + '\n');
});

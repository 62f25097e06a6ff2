/**
 * `npm run bench` (ledger): admission of 100k entries in Node (and in Chromium when present),
 * printed beside the bare Ed25519 verification rate of the same signatures measured in the same
 * run; heap per admitted entry; the RFC 9162 root over 100k leaves; ledger file export and
 * import, with and without the verification cache; and `ledger verify` by the CLI against
 * `openssl speed -multi ed25519` on the same cores (ledger-verify-measure.ts).
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { it } from 'vitest';
import { loadLedgerFile, serializeEntries } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import {
  bundleTestPage,
  hasChromium,
  launchChromium,
  serveWebApp,
  CHROMIUM_PATH,
} from '../e2e/browser.ts';
import { buildEntries, measureLedger, type LedgerRates } from './ledger-measure.ts';
import {
  opensslVerifyRates,
  verifyByCli,
  verifyFileInTurn,
  verifyLines,
} from './ledger-verify-measure.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_ENTRIES ?? 100_000);
const VERIFY_ROUNDS = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const PAGE_ENTRY = fileURLToPath(new URL('./ledger-page-entry.ts', import.meta.url));

/** The same measurement inside headless Chromium, or why it could not run. */
async function inChromium(count: number): Promise<LedgerRates | string> {
  if (!hasChromium) return `${CHROMIUM_PATH} not found`;
  const dir = await bundleTestPage(PAGE_ENTRY, 'patchtrail ledger bench');
  const server = await serveWebApp(dir);
  const browser = await launchChromium();
  try {
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await browser.page.goto(server.url);
    await browser.page.waitForFunction(() => window.patchtrailLedgerBench !== undefined);
    return await browser.page.evaluate((n) => window.patchtrailLedgerBench.measureInPage(n), count);
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const rateLine = (where: string, r: LedgerRates) =>
  `  admission (${where}) ${r.admitPerSec.toFixed(0)} entries/s; bare Ed25519 verify of the same signatures ${r.verifyPerSec.toFixed(0)}/s; ratio ${(r.admitPerSec / r.verifyPerSec).toFixed(2)}; Merkle root ${r.merkleRootMs.toFixed(0)} ms`;

it('ledger: admission, memory, Merkle root, file round trip', async () => {
  const started = performance.now();
  const { genesis, entries } = await buildEntries(COUNT);
  const rates = await measureLedger(genesis, entries, performance.now() - started);
  const lines = [
    `ledger bench, Node ${process.version}, ${rates.entries} entries (${(rates.bytes / rates.entries).toFixed(0)} bytes each)`,
    rateLine('Node', rates),
  ];
  const chromium = await inChromium(COUNT);
  lines.push(
    typeof chromium === 'string'
      ? `  Chromium skipped: ${chromium}`
      : rateLine('Chromium', chromium),
  );

  const source = await Ledger.open(genesis);
  for (const e of entries) await source.admit(e.bytes, { key: e.id, verifiedBefore: true });
  const t0 = performance.now();
  const file = serializeEntries(source.all());
  const exportMs = performance.now() - t0;

  const before = heapAfterGc();
  const t1 = performance.now();
  const loaded = await loadLedgerFile(file);
  const importMs = performance.now() - t1;
  const perEntry = (heapAfterGc() - before) / loaded.ledger.size;
  const t2 = performance.now();
  await loadLedgerFile(file, { verifiedBytes: file.length });
  const cachedMs = performance.now() - t2;
  lines.push(
    `  memory         ${perEntry.toFixed(0)} bytes of heap per admitted entry (indexes included)`,
    `  export         ${exportMs.toFixed(0)} ms for ${(file.length / 1e6).toFixed(1)} MB`,
    `  import         ${importMs.toFixed(0)} ms with every signature checked; ${cachedMs.toFixed(0)} ms with the verification cache (ratio ${(cachedMs / importMs).toFixed(2)}; ${((cachedMs * 1000) / loaded.ledger.size).toFixed(0)} µs per entry)`,
  );
  if (loaded.report.rejected.length > 0) throw new Error('bench: the file did not load cleanly');
  // Rounds of openssl and the CLI in turns, so a change in the machine's load weighs on both.
  for (let round = 0; round < VERIFY_ROUNDS; round++) {
    const openssl = await opensslVerifyRates();
    const cli = await verifyByCli(file, loaded.ledger.size);
    const inTurn = await verifyFileInTurn(file, loaded.ledger.size);
    lines.push(
      `  round ${round + 1} of ${VERIFY_ROUNDS}:`,
      ...verifyLines(loaded.ledger.size, openssl, cli, inTurn),
    );
  }
  console.log(lines.join('\n'));
}, 1_200_000);

/**
 * `npm run bench` (ledger): admission of 100k entries in Node (and in Chromium when present),
 * printed beside the bare Ed25519 verification rate of the same signatures measured in the same
 * run; heap per admitted entry; the RFC 9162 root over 100k leaves; ledger file export and
 * import, with and without the verification cache.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { it } from 'vitest';
import { loadLedgerFile, serializeEntries } from '../../src/core/ledger/file.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { buildEntries, measureLedger } from './ledger-measure.ts';

const COUNT = Number(process.env.PATCHTRAIL_BENCH_ENTRIES ?? 100_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

it('ledger: admission, memory, Merkle root, file round trip', async () => {
  const started = performance.now();
  const { genesis, entries } = await buildEntries(COUNT);
  const rates = await measureLedger(genesis, entries, performance.now() - started);
  const lines = [
    `ledger bench, Node ${process.version}, ${rates.entries} entries (${(rates.bytes / rates.entries).toFixed(0)} bytes each)`,
    `  admission      ${rates.admitPerSec.toFixed(0)} entries/s; bare Ed25519 verify of the same signatures ${rates.verifyPerSec.toFixed(0)}/s; ratio ${(rates.admitPerSec / rates.verifyPerSec).toFixed(2)}`,
    `  Merkle root    ${rates.merkleRootMs.toFixed(0)} ms over ${rates.entries} leaves`,
  ];

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
  await loadLedgerFile(file, { verifiedLines: Number.MAX_SAFE_INTEGER });
  const cachedMs = performance.now() - t2;
  lines.push(
    `  memory         ${perEntry.toFixed(0)} bytes of heap per admitted entry (indexes included)`,
    `  export         ${exportMs.toFixed(0)} ms for ${(file.length / 1e6).toFixed(1)} MB`,
    `  import         ${importMs.toFixed(0)} ms with every signature checked; ${cachedMs.toFixed(0)} ms with the verification cache (ratio ${(cachedMs / importMs).toFixed(2)})`,
  );
  if (loaded.report.rejected.length > 0) throw new Error('bench: the file did not load cleanly');
  console.log(lines.join('\n'));
}, 1_200_000);

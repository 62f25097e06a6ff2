/** Browser entry for the ledger bench: the same measuring loop as in Node, on `window`. */
import { buildEntries, measureLedger } from './ledger-measure.ts';

async function measureInPage(count: number) {
  const started = performance.now();
  const { genesis, entries } = await buildEntries(count);
  return measureLedger(genesis, entries, performance.now() - started);
}

const api = { measureInPage };
export type LedgerBenchPageApi = typeof api;

declare global {
  interface Window {
    patchtrailLedgerBench: LedgerBenchPageApi;
  }
}

window.patchtrailLedgerBench = api;

/**
 * `npm run sim`: the EigenTrust paper's threat models A–F mapped to patches, run on the real
 * ledger, reputation engine and policy engine, with and without reputation in the policy.
 * Seeded: the same table on every run. See tests/sim/README.md for the mapping.
 */
import { it } from 'vitest';
import { FULL, fullGrid } from './scenarios.ts';
import { formatTable, runGrid } from './table.ts';

it('prints the attack simulation table', async () => {
  const started = performance.now();
  const rows = await runGrid(fullGrid(), FULL);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\n${formatTable(rows, FULL)}\n\n${rows.length * 2} runs in ${seconds.toFixed(0)} s\n`,
  );
});

/**
 * `npm run sim`: the EigenTrust paper's threat models A–F mapped to patches, run on the real
 * ledger, reputation engine and policy engine, with and without reputation in the policy.
 * Seeded: the same table on every run. See tests/sim/README.md for the mapping.
 */
import { it } from 'vitest';
import { FULL, fullGrid, NO_FLAGS, noFlagsGrid } from './scenarios.ts';
import { formatTable, runGrid } from './table.ts';

it('prints the attack simulation table', async () => {
  const started = performance.now();
  const rows = await runGrid(fullGrid(), FULL);
  const quiet = await runGrid(noFlagsGrid(), NO_FLAGS);
  const seconds = (performance.now() - started) / 1000;
  const runs = (rows.length + quiet.length) * 2;
  console.log(
    `\n${formatTable(rows, FULL)}\n\nWithout flags: devices roll back what they find compromised, nobody flags it\n${formatTable(quiet, NO_FLAGS)}\n\n${runs} runs in ${seconds.toFixed(0)} s\n`,
  );
});

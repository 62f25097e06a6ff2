/**
 * `npm run sim`: the EigenTrust paper's threat models A–F mapped to patches, run on the real
 * ledger, reputation engine and policy engine, with and without reputation in the policy, with
 * sources chosen by score and at random; then the setting of the independent CLI run (issue
 * 10, §4). Seeded: the same tables on every run. See tests/sim/README.md for the mapping.
 * SIM_TABLES=full,quiet,independent,independent-quiet,independent-strict (default: all) picks.
 */
import { it } from 'vitest';
import {
  FULL,
  fullGrid,
  INDEPENDENT,
  INDEPENDENT_NO_FLAGS,
  INDEPENDENT_SEEDS,
  INDEPENDENT_STRICT,
  independentGrid,
  NO_FLAGS,
  noFlagsGrid,
  type Scenario,
  type Settings,
} from './scenarios.ts';
import { formatTable, RANDOM_ONLY, runGrid, SCORE_AND_RANDOM, type Column } from './table.ts';

interface Table {
  name: string;
  title: string;
  grid: () => Scenario[];
  settings: Settings;
  columns: Column[];
  seeds?: number[];
}

const TABLES: Table[] = [
  {
    name: 'full',
    title: 'The threat models',
    grid: fullGrid,
    settings: FULL,
    columns: SCORE_AND_RANDOM,
  },
  {
    name: 'quiet',
    title: 'Without flags: devices roll back what they find compromised, nobody flags it',
    grid: noFlagsGrid,
    settings: NO_FLAGS,
    columns: SCORE_AND_RANDOM,
  },
  {
    name: 'independent',
    title:
      'The independent setting: one random source per query, live scores, found out next cycle',
    grid: independentGrid,
    settings: INDEPENDENT,
    columns: RANDOM_ONLY,
    seeds: INDEPENDENT_SEEDS,
  },
  {
    name: 'independent-quiet',
    title: 'The independent setting with rollbacks only (nobody flags)',
    grid: independentGrid,
    settings: INDEPENDENT_NO_FLAGS,
    columns: RANDOM_ONLY,
    seeds: INDEPENDENT_SEEDS,
  },
  {
    name: 'independent-strict',
    title:
      'The independent setting with admins under the policy too (nobody tries unknown sources)',
    grid: independentGrid,
    settings: INDEPENDENT_STRICT,
    columns: RANDOM_ONLY,
    seeds: INDEPENDENT_SEEDS,
  },
];

it('prints the attack simulation tables', async () => {
  const wanted = process.env.SIM_TABLES?.split(',') ?? TABLES.map((t) => t.name);
  for (const table of TABLES.filter((t) => wanted.includes(t.name))) {
    const started = performance.now();
    const rows = await runGrid(table.grid(), table.settings, table.columns, table.seeds);
    const seconds = (performance.now() - started) / 1000;
    const text = formatTable(rows, table.settings, table.columns, table.seeds?.length);
    console.log(`\n${table.title}\n${text}\n(${seconds.toFixed(0)} s)\n`);
  }
});

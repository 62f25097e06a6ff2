/**
 * Runs scenarios (several at once: each run waits on WebCrypto's thread pool most of the
 * time, and runs share nothing but cached keys, so interleaving them changes no result) and
 * prints the table: compromised patches among those honest devices applied, per threat model
 * and share of malicious systems, in columns that differ by policy (with or without
 * reputation) and by how devices choose a source. A cell sums its runs over the seeds.
 */
import { MODELS, parameterOf, type Scenario, type Settings } from './scenarios.ts';
import { simulate, type RunResult } from './simulate.ts';
import type { Metrics } from './world.ts';

export interface Column {
  label: string;
  withReputation: boolean;
  choice: Settings['choice'];
}

/** Without reputation (uniform choice), with reputation choosing by score, and at random. */
export const SCORE_AND_RANDOM: Column[] = [
  { label: 'without reputation', withReputation: false, choice: 'random' },
  { label: 'with, by score', withReputation: true, choice: 'score' },
  { label: 'with, random', withReputation: true, choice: 'random' },
];

/** Without and with reputation, sources chosen at random. */
export const RANDOM_ONLY: Column[] = [
  { label: 'without reputation', withReputation: false, choice: 'random' },
  { label: 'with reputation', withReputation: true, choice: 'random' },
];

export interface Row {
  scenario: Scenario;
  /** Per column, one run per seed. */
  cells: RunResult[][];
}

/** Runs `jobs` with at most `limit` in flight; results in job order. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++)
      out[i] = await (jobs[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

export async function runGrid(
  grid: Scenario[],
  settings: Settings,
  columns: Column[],
  seeds: number[] = [settings.seed],
  limit = 8,
): Promise<Row[]> {
  const jobs = grid.flatMap((s) =>
    columns.flatMap((c) =>
      seeds.map(
        (seed) => () => simulate(s, { ...settings, seed, choice: c.choice }, c.withReputation),
      ),
    ),
  );
  const runs = await pool(jobs, limit);
  const per = columns.length * seeds.length;
  return grid.map((scenario, i) => ({
    scenario,
    cells: columns.map((_, c) =>
      runs.slice(i * per + c * seeds.length, i * per + (c + 1) * seeds.length),
    ),
  }));
}

type Counts = Pick<
  Metrics,
  | 'queries'
  | 'applied'
  | 'compromised'
  | 'nothing'
  | 'honestOffers'
  | 'honestDenied'
  | 'honestOffersLate'
  | 'honestDeniedLate'
> & { byAdmins: number };

/** A cell's metrics summed over its seeds. */
export function summed(runs: readonly RunResult[]): Counts {
  const total: Counts = {
    queries: 0,
    applied: 0,
    compromised: 0,
    nothing: 0,
    honestOffers: 0,
    honestDenied: 0,
    honestOffersLate: 0,
    honestDeniedLate: 0,
    byAdmins: 0,
  };
  for (const { metrics, world } of runs) {
    for (const key of Object.keys(total) as (keyof Metrics & keyof Counts)[])
      if (key in metrics) total[key] += metrics[key];
    const admins = new Set(world.admins.map((a) => a.signer.did));
    total.byAdmins += metrics.compromises.filter((c) => admins.has(c.device)).length;
  }
  return total;
}

/** Compromised among applied, in percent. */
export const share = (c: Counts) => (c.applied === 0 ? 0 : (100 * c.compromised) / c.applied);
const pct = (x: number) => `${x.toFixed(1)}%`.padStart(6);
const cell = (c: Counts) => `${pct(share(c))} ${`${c.compromised}/${c.applied}`.padStart(8)}`;
const ratio = (a: number, b: number) => `${a}/${b}`.padStart(9);

/**
 * The table. The trailing columns are those of the last column's runs: how many of its
 * compromised patches admins applied (trying sources, with `adminsTry`), queries where nothing
 * was allowed, and offers by honest systems the policy denied, over the run and in its second
 * half (honest newcomers earning their way in).
 */
export function formatTable(rows: Row[], settings: Settings, columns: Column[], seeds = 1): string {
  const heads = columns.map((c) => c.label.padEnd(17));
  const head =
    `model  malicious  param      | ${heads.join(' | ')} |` +
    ' by admins | none allowed | honest denied, late';
  const runs =
    seeds === 1 ? `seed ${settings.seed}` : `${seeds} seeds from ${settings.seed}, summed`;
  const lines = [
    `Compromised patches among those honest devices applied (${settings.systems} systems, ` +
      `${settings.admins} admins, ${settings.cycles} cycles, ${settings.fixes} fixes, ${runs})`,
    head,
    '-'.repeat(head.length),
  ];
  let model = '';
  for (const { scenario, cells } of rows) {
    if (scenario.model !== model) {
      model = scenario.model;
      lines.push(`${model}: ${MODELS[scenario.model]}`);
    }
    const counts = cells.map(summed);
    const last = counts[counts.length - 1] as Counts;
    const malicious = `${Math.round(scenario.share * settings.systems)}/${settings.systems}`;
    const denied = `${pct((100 * last.honestDenied) / Math.max(1, last.honestOffers))}`;
    const late = `${pct((100 * last.honestDeniedLate) / Math.max(1, last.honestOffersLate))}`;
    lines.push(
      `  ${model}    ${malicious.padStart(9)}  ${parameterOf(scenario).padEnd(10)} | ` +
        `${counts.map(cell).join(' | ')} | ${String(last.byAdmins).padStart(9)} | ` +
        `${ratio(last.nothing, last.queries)}    | ${denied} ${late}`,
    );
  }
  return lines.join('\n');
}

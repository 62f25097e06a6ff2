/**
 * Runs scenarios (several at once: each run waits on WebCrypto's thread pool most of the
 * time, and runs share nothing but cached keys, so interleaving them changes no result) and
 * prints the table: compromised patches among those honest devices applied, without and with
 * reputation in the policy, per threat model and share of malicious systems.
 */
import { MODELS, parameterOf, type Scenario, type Settings } from './scenarios.ts';
import { compromisedShare, simulate, type RunResult } from './simulate.ts';

export interface Row {
  scenario: Scenario;
  without: RunResult;
  with: RunResult;
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

export async function runGrid(grid: Scenario[], settings: Settings, limit = 8): Promise<Row[]> {
  const jobs = grid.flatMap((s) => [false, true].map((w) => () => simulate(s, settings, w)));
  const runs = await pool(jobs, limit);
  return grid.map((scenario, i) => ({
    scenario,
    without: runs[2 * i] as RunResult,
    with: runs[2 * i + 1] as RunResult,
  }));
}

const pct = (x: number) => `${x.toFixed(1)}%`.padStart(6);
const cell = (r: RunResult) =>
  `${pct(compromisedShare(r.metrics))} ${`${r.metrics.compromised}/${r.metrics.applied}`.padStart(8)}`;

export function formatTable(rows: Row[], settings: Settings): string {
  const head =
    'model  malicious  param      | without reputation  | with reputation     | with: none allowed';
  const lines = [
    `Compromised patches among those honest devices applied (${settings.systems} systems, ` +
      `${settings.admins} admins, ${settings.cycles} cycles, ${settings.fixes} fixes, seed ${settings.seed})`,
    head,
    '-'.repeat(head.length),
  ];
  let model = '';
  for (const { scenario, without, with: rep } of rows) {
    if (scenario.model !== model) {
      model = scenario.model;
      lines.push(`${model}: ${MODELS[scenario.model]}`);
    }
    const share = `${Math.round(scenario.share * 100)}%`.padStart(9);
    const none = `${rep.metrics.nothing}/${rep.metrics.queries}`.padStart(8);
    lines.push(
      `  ${model}    ${share}  ${parameterOf(scenario).padEnd(10)} | ${cell(without)}     | ${cell(rep)}     | ${none}`,
    );
  }
  return lines.join('\n');
}

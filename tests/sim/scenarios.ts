/**
 * The threat models of Kamvar, Schlosser and Garcia-Molina (WWW 2003, §7) as scenarios, the
 * run settings, and the grids `npm run sim` (full) and the test suite (small) walk.
 */
import type { MaliciousRole, SimConfig } from './world.ts';

export type ModelId = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

export const MODELS: Record<ModelId, string> = {
  A: 'individual malicious systems',
  B: 'malicious collective',
  C: 'camouflaged collective',
  D: 'spies and a collective',
  E: 'Sybil churn',
  F: 'rare compromise (1 in 100)',
};

export interface Scenario {
  model: ModelId;
  /** Share of all systems that are malicious. */
  share: number;
  /** C: the chance a camouflaged system serves the genuine patch (the paper's f). */
  f?: number;
  /** D: the share of the malicious systems that are spies (the rest are B-type). */
  spies?: number;
}

/** Everything but the scenario: the team's size, the run's length, the policy's bar. */
export type Settings = Omit<SimConfig, 'malicious' | 'authenticShare' | 'withReputation'>;

/**
 * The full run: 40 systems (3 admins, the paper used 63 good peers and 3 pre-trusted), 24
 * fixes, 20 cycles of one query per system. The bar is 0.1% of all trust (a system with no
 * trust flowing in scores exactly 0, so any bar above 0 shuts out newcomers).
 */
export const FULL: Settings = {
  seed: 2003,
  systems: 40,
  admins: 3,
  cycles: 20,
  fixes: 24,
  holdRate: 0.25,
  explore: 0.1,
  minReputation: 1_000_000,
  detectRate: 1,
  adminFlags: true,
  choice: 'score',
  retry: true,
  detection: 'cycle-end',
  adminsTry: false,
};

/** The full run with nobody flagging: what rollbacks alone teach the engine. */
export const NO_FLAGS: Settings = { ...FULL, adminFlags: false };

export function noFlagsGrid(): Scenario[] {
  return [
    { model: 'A', share: 0.4 },
    { model: 'B', share: 0.4 },
    ...[0.2, 0.4, 0.6].map((f): Scenario => ({ model: 'C', share: 0.4, f })),
    ...[0.25, 0.5, 0.75].map((spies): Scenario => ({ model: 'D', share: 0.4, spies })),
    { model: 'F', share: 0.3 },
  ];
}

/** The test suite's run: 30 systems (3 admins), half the cycles. */
export const SMALL: Settings = { ...FULL, seed: 7, systems: 30, cycles: 10 };

/**
 * The setting of an independent run through the CLI alone (issue 10, §4): 14 systems, 2
 * admins (the only pre-trusted systems), 5 malicious; a device takes the bundle of one source
 * chosen at random and waits for its next turn when the policy denies it; scores are
 * recomputed before every decision; a victim rolls back at its turn in the next cycle and the
 * fix's admin flags the patch at its own; admins try sources whatever their score (the policy
 * without min-reputation). The bar is 1% of all trust (an equal share is 7.1%).
 */
export const INDEPENDENT: Settings = {
  seed: 14,
  systems: 14,
  admins: 2,
  cycles: 20,
  fixes: 24,
  holdRate: 0.25,
  explore: 0.1,
  minReputation: 10_000_000,
  detectRate: 1,
  adminFlags: true,
  choice: 'random',
  retry: false,
  detection: 'next-round',
  adminsTry: true,
};

/** The independent setting with rollbacks only: nobody flags. */
export const INDEPENDENT_NO_FLAGS: Settings = { ...INDEPENDENT, adminFlags: false };

/** The independent setting with admins under the policy too: nobody tries an unknown source. */
export const INDEPENDENT_STRICT: Settings = { ...INDEPENDENT, adminsTry: false };

/** Seeds the independent setting is run with (its runs are small: the table sums them). */
export const INDEPENDENT_SEEDS = [14, 15, 16, 17, 18];

/** Five of fourteen systems malicious, as in the independent run. */
const FIVE = 5 / 14;

export function independentGrid(): Scenario[] {
  return [
    { model: 'A', share: FIVE },
    { model: 'B', share: FIVE },
    ...[0.2, 0.5, 0.8].map((f): Scenario => ({ model: 'C', share: FIVE, f })),
    ...[0.2, 0.6, 0.8].map((spies): Scenario => ({ model: 'D', share: FIVE, spies })),
  ];
}

export function rolesFor(scenario: Scenario, count: number): MaliciousRole[] {
  const all = (role: MaliciousRole) => Array.from({ length: count }, () => role);
  switch (scenario.model) {
    case 'A':
      return all('individual');
    case 'B':
      return all('collective');
    case 'C':
      return all('camouflaged');
    case 'D': {
      const spies = Math.round(count * (scenario.spies ?? 0.5));
      return [...all('spy').slice(0, spies), ...all('collective').slice(spies)];
    }
    case 'E':
      return all('sybil');
    case 'F':
      return all('disseminator');
  }
}

export function configFor(scenario: Scenario, settings: Settings, withReputation: boolean) {
  const malicious = Math.min(
    Math.round(scenario.share * settings.systems),
    settings.systems - settings.admins,
  );
  const config: SimConfig = {
    ...settings,
    malicious,
    authenticShare: scenario.f ?? 0,
    withReputation,
  };
  return config;
}

const SHARES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];

export function fullGrid(): Scenario[] {
  return [
    ...SHARES.map((share): Scenario => ({ model: 'A', share })),
    ...SHARES.map((share): Scenario => ({ model: 'B', share })),
    ...[0, 0.2, 0.4, 0.5, 0.6, 0.8, 0.9].map((f): Scenario => ({ model: 'C', share: 0.4, f })),
    ...[0.25, 0.5, 0.75].map((spies): Scenario => ({ model: 'D', share: 0.4, spies })),
    ...[0.2, 0.4, 0.7].map((share): Scenario => ({ model: 'E', share })),
    ...[0.1, 0.3, 0.5].map((share): Scenario => ({ model: 'F', share })),
  ];
}

/** The parameter column of the table. */
export function parameterOf(scenario: Scenario): string {
  if (scenario.f !== undefined) return `f=${Math.round(scenario.f * 100)}%`;
  if (scenario.spies !== undefined) return `spies=${Math.round(scenario.spies * 100)}%`;
  return '';
}

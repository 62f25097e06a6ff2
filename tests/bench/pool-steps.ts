/**
 * Times named steps over the same entries, one round of each in turn (so the machine's load
 * weighs on all alike), after a round that warms them: the best round of each, in µs per
 * entry. Used on the page and in a worker by the pool bench's cost breakdown.
 */

/** Microseconds per entry of each step, best round. */
export type Costs = Record<string, number>;

export async function bestOfInterleaved(
  steps: Record<string, () => Promise<unknown>>,
  entries: number,
  rounds: number,
): Promise<Costs> {
  const best: Costs = {};
  for (let round = 0; round <= rounds; round++)
    for (const [name, step] of Object.entries(steps)) {
      const started = performance.now();
      await step();
      const us = ((performance.now() - started) * 1000) / entries;
      if (round > 0) best[name] = Math.min(best[name] ?? Infinity, us); // round 0 warms
    }
  return best;
}

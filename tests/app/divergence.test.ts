/**
 * When the peer session rebuilds its doc (src/app/divergence.ts): only after a peer's digest has
 * differed for the whole wait, twice as long after each rebuild in a row (a hostile peer can
 * claim a different digest forever), and from scratch once peers are in step again.
 */
import { describe, expect, it } from 'vitest';
import { makeDivergenceWatch } from '../../src/app/divergence.ts';

/** The times, stepping by 1 s from 0 while the digest differs, at which a rebuild is due. */
function rebuildsWhileDiffering(until: number, healAfterMs: number): number[] {
  const watch = makeDivergenceWatch(healAfterMs);
  const due: number[] = [];
  for (let t = 0; t <= until; t += 1000) if (watch.observe(true, t)) due.push(t);
  return due;
}

describe('divergence watch', () => {
  it('rebuilds after the wait, then waits twice as long each time', () => {
    expect(rebuildsWhileDiffering(160_000, 10_000)).toEqual([10_000, 30_000, 70_000, 150_000]);
  });

  it('never rebuilds while in step, and starts over after being in step', () => {
    const watch = makeDivergenceWatch(10_000);
    for (let t = 0; t < 100_000; t += 1000) expect(watch.observe(false, t)).toBe(false);
    expect(watch.observe(true, 100_000)).toBe(false);
    expect(watch.observe(true, 110_000)).toBe(true);
    expect(watch.observe(false, 111_000)).toBe(false);
    expect(watch.observe(true, 112_000)).toBe(false);
    expect(watch.observe(true, 122_000)).toBe(true); // the plain wait again, not doubled
  });

  it('does not count the time spent checking a large change, and keeps the doubling', () => {
    const watch = makeDivergenceWatch(10_000);
    expect(watch.observe(true, 0)).toBe(false);
    expect(watch.observe(true, 10_000)).toBe(true); // one rebuild: the next wait is 20 s
    // A first sync being checked for 60 s: behind, not diverged.
    for (let t = 11_000; t <= 70_000; t += 1000) expect(watch.observe(true, t, true)).toBe(false);
    expect(watch.observe(true, 80_000)).toBe(false); // 10 s after the checking: not yet
    expect(watch.observe(true, 89_000)).toBe(false);
    expect(watch.observe(true, 90_000)).toBe(true); // 20 s after it: the doubled wait
  });

  it('does not rebuild when the difference comes and goes within the wait', () => {
    const watch = makeDivergenceWatch(10_000);
    for (let t = 0; t < 100_000; t += 1000) expect(watch.observe(t % 9000 !== 0, t)).toBe(false);
  });
});

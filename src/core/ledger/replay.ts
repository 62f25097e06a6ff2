/**
 * A ledger's history replayed: entries this device already verified, taken again one by one in
 * their admission order into a ledger opened from the same genesis, with a stop at each of a
 * few entry counts so that the caller reads the ledger as it stood then (the Reputation
 * screen's score over time, in a pool worker or on the main thread). How an entry is taken is
 * the caller's: `admit` with `verifiedBefore`, or `restore` where the ids come with the bytes;
 * either leaves the ledger as admitting the same bytes in the same order would.
 */

/**
 * Takes entries 1, 2, … (0 is the genesis the ledger was opened from) with `take` and yields
 * each stop of `stops` (ascending entry counts, genesis included) once that many are in.
 */
export async function* replayToStops(
  take: (index: number) => unknown,
  stops: readonly number[],
): AsyncGenerator<number> {
  let taken = 1; // the genesis
  for (const stop of stops) {
    for (; taken < stop; taken++) await take(taken);
    yield stop;
  }
}

/**
 * When to rebuild the shared doc from the verified store: a peer's claimed digest (Yjs
 * awareness, untrusted) has differed from ours for `healAfterMs` while peers are connected. A
 * rebuild costs a full resync, and a hostile peer can claim any digest forever, so each rebuild
 * in a row doubles the wait (up to 64 times `healAfterMs`); being in step again resets it.
 */
export interface DivergenceWatch {
  /**
   * Hears whether a connected peer's digest differs now; true when it is time to rebuild.
   * `behind`: this device is still checking a large change from peers (a first sync), so a
   * difference is expected; the wait starts when that ends, and the doubling is kept.
   */
  observe(differs: boolean, now: number, behind?: boolean): boolean;
}

const MAX_DOUBLINGS = 6;

export function makeDivergenceWatch(healAfterMs: number): DivergenceWatch {
  let since: number | undefined;
  let streak = 0;
  return {
    observe(differs, now, behind = false) {
      if (!differs) {
        since = undefined;
        streak = 0;
        return false;
      }
      if (behind) {
        since = now;
        return false;
      }
      since ??= now;
      if (now - since < healAfterMs * 2 ** Math.min(streak, MAX_DOUBLINGS)) return false;
      streak++;
      since = now;
      return true;
    },
  };
}

/**
 * The binding admits what a peer sends one entry after another, and each admission resolves
 * within the same task (the signature check does not give the event loop a turn): a fresh peer
 * receiving a 10k-entry ledger would freeze its page for seconds (measured: one 5.9 s long task
 * in Chromium). `yieldingLedger` hands the binding the same ledger whose `admit` gives the
 * event loop a turn once `budgetMs` of work has passed since the last one, so rendering and
 * input go on while a large sync is validated. Everything else is the ledger itself.
 */
import type { Ledger } from '../core/ledger/ledger.ts';

/** A macrotask turn: MessageChannel, not setTimeout, which browsers clamp to ≥ 4 ms. */
export function nextTask(): Promise<void> {
  return new Promise((done) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done();
    };
    channel.port2.postMessage(null);
  });
}

export function yieldingLedger(
  ledger: Ledger,
  budgetMs = 8,
  now = () => performance.now(),
): Ledger {
  let since = now();
  const admit: Ledger['admit'] = async (bytes, options) => {
    if (now() - since >= budgetMs) {
      await nextTask();
      since = now();
    }
    return ledger.admit(bytes, options);
  };
  return new Proxy(ledger, {
    get(target, property) {
      if (property === 'admit') return admit;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

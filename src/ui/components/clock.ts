/** A wall clock for "3 minutes ago" texts: a signal that moves every `everyMs` while in use. */
import { createSignal, onCleanup, type Accessor } from 'solid-js';

export function createNow(everyMs = 15_000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), everyMs);
  onCleanup(() => clearInterval(timer));
  return now;
}

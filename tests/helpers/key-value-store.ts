/** A key-value store in memory, shaped like localStorage (app/kiosk-guard.ts's KeyValueStore). */
import type { KeyValueStore } from '../../src/app/kiosk-guard.ts';

export function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

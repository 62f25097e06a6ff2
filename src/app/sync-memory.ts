/** Each ledger's newest sync, kept across restarts beside the memberships (sync.ts's memory). */
import { readDeviceSetting, saveDeviceSetting } from '../storage/memberships.ts';
import type { SyncMemory } from './sync.ts';

const keyOf = (ledgerId: string) => `last-sync:${ledgerId}`;

export function makeSyncMemory(): SyncMemory {
  return {
    async read(ledgerId) {
      const text = await readDeviceSetting(keyOf(ledgerId));
      const at = Number(text);
      return text !== undefined && Number.isSafeInteger(at) && at > 0 ? at : undefined;
    },
    write: (ledgerId, at) => saveDeviceSetting(keyOf(ledgerId), String(Math.trunc(at))),
  };
}

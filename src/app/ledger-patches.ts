/**
 * Patches the team ledger knows about: each `publish` entry in standing, with its reason and
 * who published it. The ledger carries digests only, never a bundle's bytes, so a patch
 * published by a peer reaches this device's Inbox as "known on the ledger, bundle not on this
 * device" until someone hands over the file (whose payload digest then matches).
 */
import type { PublishBody } from '../core/ledger/kinds.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import { evidenceClock } from '../core/reputation/inputs.ts';

export interface PublishedPatch {
  /** `sha256:<payload digest>`: the Inbox key the bundle will have. */
  patch: string;
  reason: string;
  publisher: string;
  publisherName: string;
  /** Advisory time of the publish entry. */
  time: string;
  components: string[];
}

/** Every published patch in standing, newest first (one row per patch). */
export function publishedPatches(ledger: Ledger): PublishedPatch[] {
  const registry = ledger.registry();
  const seen = new Map<string, PublishedPatch>();
  for (const entry of ledger.ofKind('publish')) {
    if (registry.standing(entry) !== undefined) continue;
    const body = entry.body as PublishBody;
    if (seen.has(body.patch)) continue;
    seen.set(body.patch, {
      patch: body.patch,
      reason: body.reason,
      publisher: entry.author,
      publisherName: registry.identities.get(entry.author)?.name ?? '',
      time: entry.time,
      components: [...body.components],
    });
  }
  return [...seen.values()].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
}

/**
 * How fresh this device's evidence is, as the policy's freshness rule measures it: the newest
 * entry by a teammate in standing (`evidenceClock`). This device's own entries are no news
 * from the team, and counting them said "just now" beside a verdict that said three days.
 */
export function newestEntryTime(ledger: Ledger, device: string | undefined, now: Date): string {
  return evidenceClock(ledger, device, now);
}

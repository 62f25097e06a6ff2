/**
 * The one module that builds every service the app uses, in dependency order. A transport
 * (y-webrtc, tabs, relay) plugs in through `transport` (main.tsx passes the lazily loaded one);
 * without one the sync state says "not connected". `busy` comes first: apply and sync register
 * their work there, and the update flow waits for it.
 */
import { createMemo } from 'solid-js';
import { makeAudit } from './audit.ts';
import { createBusy } from './busy.ts';
import type { AppServices } from './context.ts';
import { createDevice } from './device.ts';
import { createInbox, inboxChannel } from './inbox.ts';
import { createPasskeys } from './passkeys.ts';
import { createKiosk } from './kiosk.ts';
import { makeKioskGuard } from './kiosk-guard.ts';
import { createLaunches } from './launch.ts';
import { makeLineage } from './lineage.ts';
import { makeReputation } from './reputation-service.ts';
import { createPairings } from './pairings.ts';
import { createPeerConfig } from './peer-config.ts';
import { createPersistence } from './persistence.ts';
import { makeServices, type ServiceOptions } from './services.ts';
import { createSync, type Transport } from './sync.ts';
import { makeSyncMemory } from './sync-memory.ts';
import { createTeams, inPhase } from './team.ts';
import { createUpdates } from './update.ts';
import { createWorkflow } from './workflow.ts';

export interface WiringOptions extends ServiceOptions {
  transport?: Transport;
}

/** Call inside a reactive root (main.tsx renders inside one). */
export function makeAppServices(options: WiringOptions = {}): AppServices {
  const busy = createBusy();
  const updates = createUpdates({ busy });
  const persistence = createPersistence();
  const bundles = makeServices(options);
  const inbox = createInbox(bundles, { channel: inboxChannel() });
  const launches = createLaunches(inbox);
  const device = createDevice();
  // Saved settings reconnect the transport (called later, once `sync` exists).
  const peerConfig = createPeerConfig({ changed: () => sync.reconnect() });
  const sync = createSync(options.transport, {
    settingsFor: peerConfig.inForce,
    ready: peerConfig.ready,
    presence: device.key,
    memory: makeSyncMemory(),
    busy,
    pool: bundles.pool,
  });
  const teams = createTeams(device, sync, busy, bundles.pool);
  const ledger = createMemo(() => inPhase(teams.phase(), 'open')?.team.ledger);
  const pairings = createPairings(ledger, peerConfig, sync, bundles.pool);
  const workflow = createWorkflow(inbox, teams, device, () => new Date(), busy);
  const passkeys = createPasskeys(teams, device);
  const reputation = makeReputation(bundles.computeTrustScores, bundles.pool);
  const lineage = makeLineage(teams, workflow, device, reputation);
  const audit = makeAudit(teams, device);
  return {
    bundles,
    inbox,
    device,
    teams,
    sync,
    workflow,
    lineage,
    reputation,
    audit,
    busy,
    updates,
    persistence,
    launches,
    peerConfig,
    pairings,
    passkeys,
    kiosk: createKiosk(teams, inbox, device, {
      busy,
      // The only way out of kiosk mode: an assertion by a passkey bound to a team admin.
      guard: makeKioskGuard({
        confirm: async () => {
          const confirmed = await passkeys.confirmAdmin('leave kiosk mode');
          if (confirmed.ok) return confirmed;
          return {
            ok: false,
            reason: `Leaving kiosk mode needs an admin’s passkey: ${confirmed.reason}. The kiosk stays on.`,
          };
        },
      }),
    }),
  };
}

/**
 * How services reach components: one Solid context, provided once in `src/main.tsx` by the
 * wiring in ./wiring.ts. Components call `useServices()` (or a narrower hook below) and never
 * open storage, start workers or touch the ledger themselves.
 */
import { createContext, useContext } from 'solid-js';
import type { AuditService } from './audit.ts';
import type { BusyRegistry } from './busy.ts';
import type { DeviceService } from './device.ts';
import type { InboxService } from './inbox.ts';
import type { PasskeyService } from './passkeys.ts';
import type { KioskService } from './kiosk.ts';
import type { LaunchService } from './launch.ts';
import type { LineageService } from './lineage.ts';
import type { ReputationService } from './reputation-service.ts';
import type { PairingService } from './pairings.ts';
import type { PeerConfigService } from './peer-config.ts';
import type { PersistenceService } from './persistence.ts';
import type { Services } from './services.ts';
import type { SyncService } from './sync.ts';
import type { TeamService } from './team.ts';
import type { UpdateService } from './update.ts';
import type { WorkflowService } from './workflow.ts';

export interface AppServices {
  /** Bundle checks (verify worker) and trust scores (reputation worker). */
  readonly bundles: Services;
  readonly inbox: InboxService;
  readonly device: DeviceService;
  readonly teams: TeamService;
  readonly sync: SyncService;
  /** Where this device looks for peers (Settings). */
  readonly peerConfig: PeerConfigService;
  /** Pairing without a server (Peers). */
  readonly pairings: PairingService;
  /** Verdicts for the Inbox's bundles, and attest / dry-run / apply / roll back. */
  readonly workflow: WorkflowService;
  /** The lineage graph of a patch, each system with its reputation. */
  readonly lineage: LineageService;
  /** Every system's score, its explanation and history, posture reports (Reputation). */
  readonly reputation: ReputationService;
  /** Every apply, rollback and refusal on the ledger; exports and proof packs. */
  readonly audit: AuditService;
  /** Apply and sync work in progress; the update flow waits for it. */
  readonly busy: BusyRegistry;
  /** The service worker: offline copy, a waiting new version, the consent to reload. */
  readonly updates: UpdateService;
  /** Whether the browser keeps this app's data, and how much of the quota it uses. */
  readonly persistence: PersistenceService;
  /** Bundle files the installed app was opened with (file handlers, launch queue). */
  readonly launches: LaunchService;
  /** This identity's passkeys: bind, list, and assert over a digest. */
  readonly passkeys: PasskeyService;
  /** Kiosk mode: its guard (the only way out needs an admin) and its unattended loop. */
  readonly kiosk: KioskService;
}

export const ServicesContext = createContext<AppServices>();

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (services === undefined) throw new Error('useServices: no ServicesContext.Provider above');
  return services;
}

/**
 * How services reach components: one Solid context, provided once in `src/main.tsx` by the
 * wiring in ./wiring.ts. Components call `useServices()` (or a narrower hook below) and never
 * open storage, start workers or touch the ledger themselves.
 */
import { createContext, useContext } from 'solid-js';
import type { DeviceService } from './device.ts';
import type { InboxService } from './inbox.ts';
import type { KioskService } from './kiosk.ts';
import type { Services } from './services.ts';
import type { SyncService } from './sync.ts';
import type { TeamService } from './team.ts';
import type { WorkflowService } from './workflow.ts';

export interface AppServices {
  /** Bundle checks (verify worker) and trust scores (reputation worker). */
  readonly bundles: Services;
  readonly inbox: InboxService;
  readonly device: DeviceService;
  readonly teams: TeamService;
  readonly sync: SyncService;
  /** Verdicts for the Inbox's bundles, and attest / dry-run / apply / roll back. */
  readonly workflow: WorkflowService;
  /** Kiosk mode: its guard (the only way out needs an admin) and its unattended loop. */
  readonly kiosk: KioskService;
}

export const ServicesContext = createContext<AppServices>();

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (services === undefined) throw new Error('useServices: no ServicesContext.Provider above');
  return services;
}

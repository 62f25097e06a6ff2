/**
 * The one module that builds every service the app uses, in dependency order. A transport
 * (y-webrtc, tabs, relay) plugs in through `transport`; without one the sync state says
 * "not connected".
 */
import type { AppServices } from './context.ts';
import { createDevice } from './device.ts';
import { createInbox } from './inbox.ts';
import { createKiosk } from './kiosk.ts';
import { makeServices, type ServiceOptions } from './services.ts';
import { createSync, type Transport } from './sync.ts';
import { createTeams } from './team.ts';
import { createWorkflow } from './workflow.ts';

export interface WiringOptions extends ServiceOptions {
  transport?: Transport;
}

/** Call inside a reactive root (main.tsx renders inside one). */
export function makeAppServices(options: WiringOptions = {}): AppServices {
  const bundles = makeServices(options);
  const device = createDevice();
  const sync = createSync(options.transport);
  const teams = createTeams(device, sync);
  const inbox = createInbox(bundles);
  const workflow = createWorkflow(inbox, teams, device);
  const kiosk = createKiosk(teams, inbox, device);
  return { bundles, inbox, device, teams, sync, workflow, kiosk };
}

/**
 * The seam between the app and the transport (y-webrtc, tabs, pairing, relay): the app says
 * which ledger to carry and hears back how syncing goes. The transport is built apart (see
 * docs/app.md); until one is plugged in, the state says so plainly: "not connected".
 *
 * Whatever a transport carries is untrusted: it hands bytes to the ledger's validator (for an
 * open ledger, through src/sync/ledger-doc.ts), and a candidate genesis to `offerGenesis`,
 * which accepts only bytes that hash to the ledger id the invitation named.
 */
import { createSignal, type Accessor } from 'solid-js';
import type { Ledger } from '../core/ledger/ledger.ts';

/** What the top bar shows. `at` is a wall-clock time in milliseconds. */
export type SyncState =
  | { kind: 'no-team' }
  | { kind: 'not-connected'; reason: string }
  | { kind: 'offline' }
  | { kind: 'connecting' }
  | { kind: 'connected'; peers: number; lastSync?: number };

export interface TransportTarget {
  readonly ledgerId: string;
  readonly roomSecret: string;
  /** Signaling addresses from the invitation; empty means the app's own (same origin). */
  readonly signaling: readonly string[];
  /** The verified ledger, or undefined while a joiner waits for its genesis. */
  readonly ledger: Ledger | undefined;
  /** Untrusted bytes offered as this ledger's genesis; true once accepted and opened. */
  offerGenesis(bytes: Uint8Array): Promise<boolean>;
}

export interface Transport {
  /** Starts carrying `target`, reporting through `report`; returns the function that stops it. */
  connect(target: TransportTarget, report: (state: SyncState) => void): () => void;
}

export const NO_TRANSPORT_REASON = 'this build syncs with no one yet';

export interface SyncService {
  readonly state: Accessor<SyncState>;
  /** Carries this target from now on (undefined: no team), stopping the previous one. */
  follow(target: TransportTarget | undefined): void;
}

/** The sync state signal, driven by `transport` when there is one. */
export function createSync(transport: Transport | undefined): SyncService {
  const [state, setState] = createSignal<SyncState>({ kind: 'no-team' });
  let stop: (() => void) | undefined;
  let followed: TransportTarget | undefined;
  return {
    state,
    follow(target) {
      if (target === followed) return;
      stop?.();
      stop = undefined;
      followed = target;
      if (target === undefined) setState({ kind: 'no-team' });
      else if (transport === undefined)
        setState({ kind: 'not-connected', reason: NO_TRANSPORT_REASON });
      else {
        setState({ kind: 'connecting' });
        stop = transport.connect(target, (next) => {
          if (followed === target) setState(next);
        });
      }
    },
  };
}

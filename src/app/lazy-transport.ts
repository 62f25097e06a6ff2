/**
 * The transport, loaded when a team is first followed: transport.ts brings Yjs, y-webrtc and
 * the relay client, which the first screen does not need (the initial JavaScript stays under
 * its 150 KiB budget). Until the module arrives the state is "connecting"; if it cannot load
 * (offline without a cached chunk) the state says so.
 */
import type { SyncReport, Transport, TransportTarget } from './sync.ts';
import type { TransportOptions } from './transport.ts';

export function makeLazyTransport(options: TransportOptions = {}): Transport {
  let loaded: Promise<Transport> | undefined;
  const load = () =>
    (loaded ??= import('./transport.ts').then((module) => module.makeWebrtcTransport(options)));
  return {
    connect(target: TransportTarget, report: SyncReport) {
      let stop: (() => void) | undefined;
      let stopped = false;
      load().then(
        (transport) => {
          if (!stopped) stop = transport.connect(target, report);
        },
        (error: unknown) => {
          loaded = undefined; // try again on the next connect
          if (!stopped)
            report({
              kind: 'not-connected',
              reason: `the transport could not load: ${error instanceof Error ? error.message : String(error)}`,
            });
        },
      );
      return () => {
        stopped = true;
        stop?.();
      };
    },
  };
}

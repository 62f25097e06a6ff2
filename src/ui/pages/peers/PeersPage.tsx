/**
 * Peers: where the transport's screen goes (room, signaling status, connected peers, last sync
 * per peer, pairing, file sync). Until the transport lands it says plainly that this device
 * syncs with no one, and how a ledger can move today (a ledger file, on the Ledger page).
 */
import { A } from '@solidjs/router';
import { useServices } from '../../../app/context.ts';
import { syncText } from '../../shell/SyncBadge.tsx';

export default function PeersPage() {
  const { sync } = useServices();
  return (
    <section class="page" aria-labelledby="peers-title">
      <h1 id="peers-title" class="page-title">
        Peers
      </h1>
      <p class="notice" data-testid="peers-state">
        {syncText(sync.state())}. This build does not connect to peers yet: nothing is sent
        anywhere. To move a ledger between devices today, export it as a file and import it on the
        other device (<A href="/ledger">Ledger</A>).
      </p>
    </section>
  );
}
